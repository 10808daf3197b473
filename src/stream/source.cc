#include "stream/source.h"

#include <algorithm>

#include "log/record_batch.h"
#include "sql/types/datetime.h"
#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {
constexpr std::string_view kWatermarkKey = "w";

std::vector<sql::Type> TypesOf(const std::vector<SourceColumn>& columns) {
  std::vector<sql::Type> types;
  for (const auto& c : columns) types.push_back(c.type);
  return types;
}

std::optional<std::string> Copy(const std::optional<ByteView>& bytes) {
  if (!bytes) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

std::unique_ptr<RecordDecoder> DecoderFor(const SourceOptions& o) {
  RecordDecoderOptions d;
  d.format = o.format;
  d.columns = o.columns;
  d.key_columns = o.key_columns;
  d.schemas = o.schemas;
  d.avro_reader_schema = o.avro_reader_schema;
  return MakeRecordDecoder(std::move(d));
}

// Record timestamps are milliseconds since 1970; event times microseconds since 2000.
int64_t EventTimeOfTimestamp(TimestampMs timestamp) {
  return timestamp.value() * 1000 - sql::kUnixEpochOffsetMicros;
}

// `a - b` without overflow past the sentinels.
int64_t Minus(int64_t a, int64_t b) {
  if (a == kNoWatermark || a == kFinalWatermark) return a;
  return a < kNoWatermark + b ? kNoWatermark + 1 : a - b;
}

std::string FormatEventTime(int64_t micros) {
  return sql::FormatTimestamp(micros, /*with_zone=*/false);
}
}  // namespace

Source::Source(SourceOptions options)
    : SourceOperator("Source(" + options.topic + ")", TypesOf(options.columns)),
      options_(std::move(options)),
      next_(options_.partitions.size(), Offset(0)),
      max_event_time_(options_.partitions.size(), kNoWatermark),
      last_active_(options_.partitions.size(), std::chrono::steady_clock::now()),
      decoder_(DecoderFor(options_)) {
  appends_rows_ = options_.key_columns.empty() && decoder_->appends_rows();
  for (size_t i = 0; i < options_.partitions.size(); ++i) {
    next_[i] = options_.partitions[i]->log_start_offset();
  }
}

Source::~Source() = default;

bool Source::CaughtUp() const {
  for (size_t i = 0; i < next_.size(); ++i) {
    if (next_[i] < options_.partitions[i]->high_watermark()) return false;
  }
  return true;
}

Result<size_t> Source::Poll() {
  for (size_t tries = 0; tries < next_.size(); ++tries) {
    size_t i = cursor_;
    cursor_ = (cursor_ + 1) % next_.size();
    ASSIGN_OR_RETURN(size_t n, PollPartition(i));
    if (n > 0) return n;
  }
  // Nothing new: partitions may have become idle since.
  RETURN_IF_ERROR(RefreshWatermark());
  return size_t{0};
}

int64_t Source::OthersWatermark(size_t skip, std::chrono::steady_clock::time_point now) const {
  int64_t low = kFinalWatermark;
  for (size_t j = 0; j < next_.size(); ++j) {
    if (j == skip) continue;
    bool idle = next_[j] >= options_.partitions[j]->high_watermark() &&
                now - last_active_[j] >= options_.event_time.idle_timeout;
    if (idle) continue;
    low = std::min(low, Minus(max_event_time_[j], options_.event_time.delay_us));
  }
  return low;
}

int64_t Source::Advance(size_t i, int64_t event_time, int64_t others) {
  if (event_time > max_event_time_[i]) max_event_time_[i] = event_time;
  int64_t mine = Minus(max_event_time_[i], options_.event_time.delay_us);
  watermark_ = std::max(watermark_, std::min(others, mine));
  return watermark_;
}

Status Source::RefreshWatermark() {
  auto now = std::chrono::steady_clock::now();
  int64_t low = OthersWatermark(next_.size(), now);
  if (low == kFinalWatermark) {
    // Every partition is idle: the watermark follows the newest event read.
    low = kNoWatermark;
    for (int64_t m : max_event_time_) {
      low = std::max(low, Minus(m, options_.event_time.delay_us));
    }
  }
  watermark_ = std::max(watermark_, low);
  return PublishWatermark();
}

Status Source::PublishWatermark() {
  int64_t out = Minus(watermark_, options_.event_time.allowed_lateness_us);
  if (out <= published_) return Status();
  published_ = out;
  return EmitWatermark(out);
}

Status Source::Start() {
  if (published_ == kNoWatermark) return Status();
  return EmitWatermark(published_);
}

Result<size_t> Source::PollPartition(size_t i) {
  log::Partition& p = *options_.partitions[i];
  if (next_[i] >= p.high_watermark()) return size_t{0};
  if (next_[i] < p.log_start_offset()) next_[i] = p.log_start_offset();  // retention passed us
  ASSIGN_OR_RETURN(log::ReadResult read, p.Read(next_[i], options_.max_read_bytes));
  if (read.slice.size == 0) {
    // Nothing readable below the high watermark from here (e.g. compaction removed the
    // tail's records): skip to it rather than poll the same gap forever.
    next_[i] = read.high_watermark;
    return size_t{0};
  }
  read_buffer_.resize(read.slice.size);
  ASSIGN_OR_RETURN(size_t got, read.slice.file->ReadAt(
                                   read.slice.position,
                                   MutableByteView(read_buffer_.data(), read_buffer_.size())));
  ByteView bytes(read_buffer_.data(), got);
  sql::ChunkBuilder builder(output_types());
  auto now = std::chrono::steady_clock::now();
  last_active_[i] = now;
  others_ = OthersWatermark(i, now);
  size_t consumed = 0;
  size_t pos = 0;
  while (pos + log::kBatchHeaderSize <= bytes.size()) {
    ASSIGN_OR_RETURN(log::BatchHeader header, log::ParseBatchHeader(bytes.subspan(pos)));
    if (pos + header.size_bytes() > bytes.size()) break;  // cut short by max_bytes
    ByteView batch = bytes.subspan(pos, header.size_bytes());
    pos += header.size_bytes();
    if (header.last_offset() < next_[i]) continue;
    if (!header.is_control()) {
      ASSIGN_OR_RETURN(log::DecodedBatch decoded, log::DecodeBatch(batch));
      for (const log::Record& r : decoded.records()) {
        Offset offset = decoded.offset_of(r);
        if (offset < next_[i]) continue;
        if (Status s = AddRecord(i, offset, decoded.timestamp_of(r), r, builder); !s.ok()) {
          if (s.code() == absl::StatusCode::kUnavailable) {
            // Keep what was decoded and reported; the next Poll starts again at this record.
            next_[i] = offset;
            if (options_.errors != nullptr) RETURN_IF_ERROR(options_.errors->Flush());
            RETURN_IF_ERROR(Emit(builder.Finish()));
            RETURN_IF_ERROR(PublishWatermark());
          }
          return s;
        }
        ++consumed;
      }
    }
    next_[i] = header.last_offset() + 1;
  }
  // Before the offsets can be checkpointed past the records reported.
  if (options_.errors != nullptr) RETURN_IF_ERROR(options_.errors->Flush());
  RETURN_IF_ERROR(Emit(builder.Finish()));
  // After the rows: they were admitted before the watermark moved past them.
  RETURN_IF_ERROR(PublishWatermark());
  return consumed == 0 ? size_t{1} : consumed;  // progress was made (e.g. control batches)
}

RecordError Source::ErrorFor(size_t i, Offset offset, TimestampMs timestamp,
                             const log::Record& record, std::string reason) const {
  RecordError error;
  error.topic = options_.topic;
  error.partition = options_.partitions[i]->id();
  error.offset = offset;
  error.key = Copy(record.key);
  error.value = Copy(record.value);
  for (const log::RecordHeader& h : record.headers) {
    error.headers.emplace_back(std::string(h.key), Copy(h.value));
  }
  error.timestamp_ms = timestamp.value();
  error.reason = std::move(reason);
  return error;
}

void Source::DecodeColumns(const std::vector<int>& columns) {
  if (decoded_columns_.empty()) decoded_columns_.assign(options_.columns.size(), false);
  for (int c : columns) {
    if (c >= 0 && static_cast<size_t>(c) < decoded_columns_.size()) decoded_columns_[c] = true;
  }
  if (options_.event_time.column >= 0) decoded_columns_[options_.event_time.column] = true;
  decoder_->SetAppendedColumns(decoded_columns_);
}

Status Source::AddRecord(size_t i, Offset offset, TimestampMs timestamp, const log::Record& record,
                         sql::ChunkBuilder& builder) {
  const EventTimeOptions& et = options_.event_time;
  if (appends_rows_) {
    // An append-only source whose decoder fills the columns itself: no Values in between.
    Status s = decoder_->AppendInsert(record.key, record.value, builder);
    if (!s.ok()) return ReportDecodeError(i, offset, timestamp, record, s);
    const size_t row = builder.num_rows();
    const bool null_time = et.column >= 0 && builder.column(et.column).IsNull(row);
    const int64_t event_time = et.column < 0 ? EventTimeOfTimestamp(timestamp)
                               : null_time   ? 0
                                             : builder.column(et.column).Get<int64_t>(row);
    Result<bool> keep =
        Admit(i, offset, timestamp, record, sql::RowOp::kInsert, null_time, event_time);
    if (keep.ok() && *keep) {
      builder.AppendOp(sql::RowOp::kInsert);
    } else {
      builder.DropPartialRow();
    }
    return keep.status();
  }
  Status s = decoder_->Decode(record.key, record.value, decoded_);
  for (const DecodedRow& row : decoded_.rows()) {
    for (int k : options_.key_columns) {
      if (s.ok() && row.values[k].is_null()) {
        s = absl::InvalidArgumentError(
            fmt::format("primary key column \"{}\" is NULL", options_.columns[k].name));
      }
    }
  }
  if (!s.ok()) return ReportDecodeError(i, offset, timestamp, record, s);
  for (const DecodedRow& row : decoded_.rows()) {
    const bool null_time = et.column >= 0 && row.values[et.column].is_null();
    const int64_t event_time = et.column < 0 ? EventTimeOfTimestamp(timestamp)
                               : null_time   ? 0
                                             : row.values[et.column].int_value();
    ASSIGN_OR_RETURN(bool keep, Admit(i, offset, timestamp, record, row.op, null_time, event_time));
    if (keep) builder.AppendRow(row.values, row.op);
  }
  return Status();
}

Status Source::ReportDecodeError(size_t i, Offset offset, TimestampMs timestamp,
                                 const log::Record& record, const Status& s) {
  if (s.code() == absl::StatusCode::kUnavailable) return s;
  if (options_.errors == nullptr) return s;
  RecordError error = ErrorFor(i, offset, timestamp, record, std::string(s.message()));
  // The decoder's type errors name their column; the rest are about the record's shape.
  if (error.reason.starts_with("column \"")) error.error_class = "type";
  return options_.errors->Report(std::move(error));
}

Result<bool> Source::Admit(size_t i, Offset offset, TimestampMs timestamp,
                           const log::Record& record, sql::RowOp op, bool null_time,
                           int64_t event_time) {
  const EventTimeOptions& et = options_.event_time;
  if (null_time) {
    // A tombstone's row has its key only: a delete needs no event time.
    if (!et.drop_late || op == sql::RowOp::kDelete) return true;
    RecordError error =
        ErrorFor(i, offset, timestamp, record,
                 fmt::format("event time column \"{}\" is NULL", options_.columns[et.column].name));
    error.error_class = "type";
    if (options_.errors == nullptr) return absl::InvalidArgumentError(error.reason);
    RETURN_IF_ERROR(options_.errors->Report(std::move(error)));
    return false;
  }
  // A retraction is not a new event: it never moves the watermark and is never late (the
  // operators holding a closed window's state ignore it; an open window is corrected).
  if (op == sql::RowOp::kDelete) return true;
  int64_t closed = Minus(watermark_, et.allowed_lateness_us);
  if (et.drop_late && event_time < closed) {
    ++late_rows_;
    RecordError error =
        ErrorFor(i, offset, timestamp, record,
                 fmt::format("late: event time {} is behind the watermark {}{}",
                             FormatEventTime(event_time), FormatEventTime(watermark_),
                             et.allowed_lateness_us > 0 ? " minus the allowed lateness" : ""));
    error.error_class = "late";
    if (options_.errors == nullptr) return absl::InvalidArgumentError(error.reason);
    RETURN_IF_ERROR(options_.errors->Report(std::move(error)));
    return false;
  }
  Advance(i, event_time, others_);
  return true;
}

// Key: the partition id (4 bytes big-endian); value: the next offset and the highest event
// time read (signed varints). Key "w": the source's watermark.
Status Source::Checkpoint(StateWriteBatch& batch) {
  std::string value;
  for (size_t i = 0; i < next_.size(); ++i) {
    value.clear();
    PutSigned(next_[i].value(), &value);
    PutSigned(max_event_time_[i], &value);
    batch.Put(options_.id, StateKey(static_cast<StateId>(options_.partitions[i]->id().value()), ""),
              value);
  }
  value.clear();
  PutSigned(watermark_, &value);
  batch.Put(options_.id, kWatermarkKey, value);
  return Status();
}

Status Source::Restore(StateStore& store) {
  for (size_t i = 0; i < next_.size(); ++i) {
    std::string key = StateKey(static_cast<StateId>(options_.partitions[i]->id().value()), "");
    Result<std::optional<std::string>> value = store.Get(options_.id, key);
    if (!value.ok()) return value.status();
    next_[i] = options_.partitions[i]->log_start_offset();
    if (!value->has_value()) continue;
    std::string_view in = **value;
    int64_t offset = 0;
    if (!GetSigned(&in, &offset)) return absl::DataLossError("source: malformed offset state");
    next_[i] = Offset(offset);
    int64_t max_time = kNoWatermark;
    if (!in.empty() && !GetSigned(&in, &max_time)) {
      return absl::DataLossError("source: malformed event time state");
    }
    max_event_time_[i] = max_time;
  }
  ASSIGN_OR_RETURN(std::optional<std::string> w, store.Get(options_.id, kWatermarkKey));
  watermark_ = kNoWatermark;
  if (w.has_value()) {
    std::string_view in = *w;
    if (!GetSigned(&in, &watermark_)) return absl::DataLossError("source: malformed watermark");
  }
  published_ = Minus(watermark_, options_.event_time.allowed_lateness_us);
  auto now = std::chrono::steady_clock::now();
  std::fill(last_active_.begin(), last_active_.end(), now);
  return Status();
}

}  // namespace oxbow::stream
