#include "stream/source.h"

#include "log/record_batch.h"
#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {
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
}  // namespace

Source::Source(SourceOptions options)
    : SourceOperator("Source(" + options.topic + ")", TypesOf(options.columns)),
      options_(std::move(options)),
      next_(options_.partitions.size(), Offset(0)),
      decoder_(DecoderFor(options_)) {
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
  return size_t{0};
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
  return consumed == 0 ? size_t{1} : consumed;  // progress was made (e.g. control batches)
}

Status Source::AddRecord(size_t i, Offset offset, TimestampMs timestamp, const log::Record& record,
                         sql::ChunkBuilder& builder) {
  Status s = decoder_->Decode(record.key, record.value, decoded_);
  if (s.code() == absl::StatusCode::kUnavailable) return s;
  for (const DecodedRow& row : decoded_.rows()) {
    for (int k : options_.key_columns) {
      if (s.ok() && row.values[k].is_null()) {
        s = absl::InvalidArgumentError(
            fmt::format("primary key column \"{}\" is NULL", options_.columns[k].name));
      }
    }
  }
  if (!s.ok()) {
    if (options_.errors == nullptr) return s;
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
    error.reason = std::string(s.message());
    // The decoder's type errors name their column; the rest are about the record's shape.
    if (error.reason.starts_with("column \"")) error.error_class = "type";
    return options_.errors->Report(std::move(error));
  }
  for (const DecodedRow& row : decoded_.rows()) builder.AppendRow(row.values, row.op);
  return Status();
}

// Key: the partition id (4 bytes big-endian); value: the next offset (signed varint).
Status Source::Checkpoint(StateWriteBatch& batch) {
  std::string value;
  for (size_t i = 0; i < next_.size(); ++i) {
    value.clear();
    PutSigned(next_[i].value(), &value);
    batch.Put(options_.id, StateKey(static_cast<StateId>(options_.partitions[i]->id().value()), ""),
              value);
  }
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
  }
  return Status();
}

}  // namespace oxbow::stream
