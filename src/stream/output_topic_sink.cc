#include "stream/output_topic_sink.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "log/record_batch.h"
#include "log/record_batch_builder.h"
#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {

// State: "m" → start offset, record count, timestamp (signed varints); "r" + index (8 bytes
// big-endian, so a scan returns them in order) → one record.
constexpr std::string_view kMetaKey = "m";
constexpr std::string_view kRecordPrefix = "r";

// Leaves room for the batch framing under max.message.bytes.
constexpr int64_t kBatchOverhead = 1024;

std::string RecordKey(uint64_t index) {
  std::string key(kRecordPrefix);
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(index >> shift));
  return key;
}

void PutOptional(const std::optional<std::string>& s, std::string* out) {
  if (!s) return out->push_back(0);
  out->push_back(1);
  PutVarint(s->size(), out);
  out->append(*s);
}

bool GetOptional(std::string_view* in, std::optional<std::string>* s) {
  if (in->empty()) return false;
  char present = in->front();
  in->remove_prefix(1);
  if (present == 0) return s->reset(), true;
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  *s = std::string(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

std::optional<std::string> Copy(const std::optional<ByteView>& bytes) {
  if (!bytes) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

std::optional<ByteView> View(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return AsBytes(*s);
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(std::string_view name) {
  std::string lower = absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
  if (lower == "upsert") return OutputFormat::kUpsert;
  if (lower == "debezium") return OutputFormat::kDebezium;
  return absl::InvalidArgumentError(
      fmt::format("unknown output format \"{}\" (expected upsert or debezium)", name));
}

Result<std::unique_ptr<OutputTopicSink>> OutputTopicSink::Create(OutputTopicSinkOptions options) {
  if (options.log == nullptr) return absl::InvalidArgumentError("output topic sink: no log");
  if (options.columns.empty()) {
    return absl::InvalidArgumentError("output topic sink: a row needs columns");
  }
  for (int k : options.key_columns) {
    if (k < 0 || k >= static_cast<int>(options.columns.size())) {
      return absl::InvalidArgumentError(
          fmt::format("output topic sink: key column {} of {}", k, options.columns.size()));
    }
  }
  if (options.format == OutputFormat::kUpsert && options.key_columns.empty()) {
    return absl::InvalidArgumentError(fmt::format(
        "output topic \"{}\": the upsert format needs the view's key columns (a view without "
        "a key can be written with the debezium format)",
        options.topic));
  }
  if ((options.avro_value == nullptr) != (options.avro_key == nullptr) ||
      (options.avro_value != nullptr && options.format != OutputFormat::kUpsert)) {
    return absl::InvalidArgumentError(fmt::format(
        "output topic \"{}\": Avro needs the upsert format and both a key and a value encoder",
        options.topic));
  }
  log::LogManager& log = *options.log;
  if (!log.HasTopic(options.topic)) {
    log::ConfigMap config;
    if (options.format == OutputFormat::kUpsert) config["cleanup.policy"] = "compact";
    Status created = log.CreateTopic(options.topic, 1, config);
    if (!created.ok() && created.code() != absl::StatusCode::kAlreadyExists) {
      return Status(created.code(), fmt::format("cannot create output topic \"{}\": {}",
                                                options.topic, created.message()));
    }
  }
  ASSIGN_OR_RETURN(int32_t partitions, log.PartitionCount(options.topic));
  if (partitions != 1) {
    return absl::FailedPreconditionError(
        fmt::format("output topic \"{}\" has {} partitions; a view writes to a topic with one",
                    options.topic, partitions));
  }
  ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> partition,
                   log.GetPartition(options.topic, PartitionId(0)));
  return std::unique_ptr<OutputTopicSink>(
      new OutputTopicSink(std::move(options), std::move(partition)));
}

OutputTopicSink::OutputTopicSink(OutputTopicSinkOptions options,
                                 std::shared_ptr<log::Partition> partition)
    : Operator("OutputTopicSink(" + options.topic + ")", {}),
      options_(std::move(options)),
      partition_(std::move(partition)),
      encoder_(options_.columns),
      next_offset_(partition_->high_watermark()) {}

Status OutputTopicSink::Process(int, const sql::Chunk& chunk) {
  if (options_.format == OutputFormat::kUpsert) {
    RETURN_IF_ERROR(ProcessUpsert(chunk));
  } else {
    ProcessDebezium(chunk);
  }
  return Status();
}

// A delete retracts the key's pending record only when it is that very row: with an update
// emitted as insert-then-delete, the delete of the old row must not hide the new one.
Status OutputTopicSink::ProcessUpsert(const sql::Chunk& chunk) {
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    key_buf_.clear();
    value_buf_.clear();
    if (options_.avro_value != nullptr) {
      RETURN_IF_ERROR(options_.avro_key->Encode(chunk, r, &key_buf_));
      RETURN_IF_ERROR(options_.avro_value->Encode(chunk, r, &value_buf_));
    } else {
      encoder_.EncodeKey(chunk, r, options_.key_columns, &key_buf_);
      encoder_.EncodeRow(chunk, r, &value_buf_);
    }
    auto [it, added] = epoch_slot_.try_emplace(key_buf_, epoch_.size());
    if (added) epoch_.push_back(Record{key_buf_, std::nullopt});
    Record& record = epoch_[it->second];
    if (chunk.op(r) == sql::RowOp::kInsert) {
      record.value = value_buf_;
    } else if (record.value && *record.value == value_buf_) {
      record.value.reset();
    }
  }
  return Status();
}

void OutputTopicSink::ProcessDebezium(const sql::Chunk& chunk) {
  const size_t n = chunk.num_rows();
  const bool keyed = !options_.key_columns.empty();
  std::vector<std::optional<std::string>> keys(n);
  std::vector<std::string> rows(n);
  for (size_t r = 0; r < n; ++r) encoder_.EncodeRow(chunk, r, &rows[r]);
  // Pair the i-th delete of a key with its i-th insert.
  std::vector<int64_t> partner(n, -1);
  if (keyed) {
    struct Changes {
      std::vector<size_t> deletes, inserts;
    };
    absl::flat_hash_map<std::string, Changes> by_key;
    for (size_t r = 0; r < n; ++r) {
      keys[r].emplace();
      encoder_.EncodeKey(chunk, r, options_.key_columns, &*keys[r]);
      Changes& c = by_key[*keys[r]];
      (chunk.op(r) == sql::RowOp::kDelete ? c.deletes : c.inserts).push_back(r);
    }
    for (auto& [key, c] : by_key) {
      for (size_t i = 0; i < std::min(c.deletes.size(), c.inserts.size()); ++i) {
        partner[c.deletes[i]] = static_cast<int64_t>(c.inserts[i]);
        partner[c.inserts[i]] = static_cast<int64_t>(c.deletes[i]);
      }
    }
  }
  auto envelope = [](const std::string* before, const std::string* after, char op) {
    return fmt::format(R"({{"before":{},"after":{},"op":"{}"}})", before ? *before : "null",
                       after ? *after : "null", op);
  };
  for (size_t r = 0; r < n; ++r) {
    const bool is_delete = chunk.op(r) == sql::RowOp::kDelete;
    if (partner[r] >= 0) {
      size_t other = static_cast<size_t>(partner[r]);
      if (other < r) continue;  // emitted with its partner
      const std::string& before = is_delete ? rows[r] : rows[other];
      const std::string& after = is_delete ? rows[other] : rows[r];
      if (before != after) epoch_.push_back(Record{keys[r], envelope(&before, &after, 'u')});
    } else if (is_delete) {
      epoch_.push_back(Record{keys[r], envelope(&rows[r], nullptr, 'd')});
      if (keyed) epoch_.push_back(Record{keys[r], std::nullopt});
    } else {
      epoch_.push_back(Record{keys[r], envelope(nullptr, &rows[r], 'c')});
    }
  }
}

Status OutputTopicSink::Checkpoint(StateWriteBatch& batch) {
  if (epoch_.empty() && !store_has_records_) return Status();
  if (committed_.empty()) {
    committed_start_ = next_offset_;
    committed_time_ = log::NowMs();
  }
  // Records an earlier checkpoint did not get to append (its commit failed) stay first.
  for (Record& r : epoch_) committed_.push_back(std::move(r));
  epoch_.clear();
  epoch_slot_.clear();
  batch.DeleteAll(options_.id);
  store_has_records_ = !committed_.empty();
  if (committed_.empty()) return Status();
  std::string meta;
  PutSigned(committed_start_.value(), &meta);
  PutVarint(committed_.size(), &meta);
  PutSigned(committed_time_.value(), &meta);
  batch.Put(options_.id, kMetaKey, meta);
  std::string value;
  for (size_t i = 0; i < committed_.size(); ++i) {
    value.clear();
    PutOptional(committed_[i].key, &value);
    PutOptional(committed_[i].value, &value);
    batch.Put(options_.id, RecordKey(i), value);
  }
  return Status();
}

Status OutputTopicSink::AfterCommit() {
  if (committed_.empty()) return Status();
  return AppendCommitted(0);
}

Status OutputTopicSink::AppendCommitted(size_t from) {
  const Offset start = committed_start_ + static_cast<int64_t>(from);
  if (partition_->high_watermark() != start) {
    return absl::FailedPreconditionError(fmt::format(
        "output topic \"{}\": its end is at offset {} where the view's next records must "
        "start at {}; something else writes to the view's output topic",
        options_.topic, partition_->high_watermark().value(), start.value()));
  }
  const int64_t max_batch =
      std::max<int64_t>(partition_->config().max_message_bytes - kBatchOverhead, 1);
  log::RecordBatchBuilder builder{log::BatchOptions()};
  ByteBuffer record_set;
  for (size_t i = from; i < committed_.size(); ++i) {
    const Record& r = committed_[i];
    builder.Add(committed_time_, View(r.key), View(r.value));
    if (static_cast<int64_t>(builder.estimated_size()) >= max_batch || i + 1 == committed_.size()) {
      ASSIGN_OR_RETURN(ByteBuffer batch, builder.Build());
      record_set.Append(batch.view());
    }
  }
  Result<log::AppendResult> appended = partition_->Append(
      MutableByteView(record_set.mutable_data(), record_set.size()), log::NowMs());
  if (!appended.ok()) {
    return Status(appended.status().code(), fmt::format("output topic \"{}\": {}", options_.topic,
                                                        appended.status().message()));
  }
  const size_t count = committed_.size() - from;
  if (appended->base_offset != start) {
    return absl::FailedPreconditionError(fmt::format(
        "output topic \"{}\": the view's records landed at offset {} instead of {}; something "
        "else writes to the view's output topic",
        options_.topic, appended->base_offset.value(), start.value()));
  }
  next_offset_ = appended->last_offset + 1;
  committed_.clear();
  records_written_.fetch_add(count, std::memory_order_relaxed);
  return Status();
}

Result<size_t> OutputTopicSink::CountAlreadyWritten() {
  const Offset end = partition_->high_watermark();
  const Offset start = committed_start_;
  const int64_t count = static_cast<int64_t>(committed_.size());
  if (end < start) {
    return absl::DataLossError(fmt::format(
        "output topic \"{}\" ends at offset {}, before the view's committed records (from "
        "offset {}): it was truncated or recreated",
        options_.topic, end.value(), start.value()));
  }
  auto foreign = [&] {
    return absl::FailedPreconditionError(fmt::format(
        "output topic \"{}\": offsets {}..{} should hold the view's {} committed records, but "
        "the topic ends at {} with other records there; something else writes to the view's "
        "output topic",
        options_.topic, start.value(), (start + count).value() - 1, count, end.value()));
  };
  if (end > start + count) return foreign();
  // Compare what is there with ours (compaction may have removed some: gaps are fine).
  Offset next = start;
  std::vector<uint8_t> buffer;
  while (next < end) {
    ASSIGN_OR_RETURN(log::ReadResult read, partition_->Read(next, 1 << 20));
    if (read.slice.size == 0) break;
    buffer.resize(read.slice.size);
    ASSIGN_OR_RETURN(size_t got,
                     read.slice.file->ReadAt(read.slice.position,
                                             MutableByteView(buffer.data(), buffer.size())));
    ByteView bytes(buffer.data(), got);
    const Offset before = next;
    size_t pos = 0;
    while (pos + log::kBatchHeaderSize <= bytes.size()) {
      ASSIGN_OR_RETURN(log::BatchHeader header, log::ParseBatchHeader(bytes.subspan(pos)));
      if (pos + header.size_bytes() > bytes.size()) break;
      ByteView batch = bytes.subspan(pos, header.size_bytes());
      pos += header.size_bytes();
      if (header.last_offset() < next) continue;
      if (header.is_control()) return foreign();
      ASSIGN_OR_RETURN(log::DecodedBatch decoded, log::DecodeBatch(batch));
      for (const log::Record& r : decoded.records()) {
        Offset offset = decoded.offset_of(r);
        if (offset < next || offset >= end) continue;
        const Record& ours = committed_[offset - start];
        if (Copy(r.key) != ours.key || Copy(r.value) != ours.value) return foreign();
      }
      next = header.last_offset() + 1;
    }
    if (next == before) break;
  }
  return static_cast<size_t>(end - start);
}

Status OutputTopicSink::Restore(StateStore& store) {
  epoch_.clear();
  epoch_slot_.clear();
  committed_.clear();
  store_has_records_ = false;
  next_offset_ = partition_->high_watermark();
  ASSIGN_OR_RETURN(std::optional<std::string> meta, store.Get(options_.id, kMetaKey));
  if (!meta) return Status();
  std::string_view in = *meta;
  int64_t start = 0, time = 0;
  uint64_t count = 0;
  if (!GetSigned(&in, &start) || !GetVarint(&in, &count) || !GetSigned(&in, &time)) {
    return absl::DataLossError("output topic sink: malformed state");
  }
  RETURN_IF_ERROR(store.Scan(options_.id, kRecordPrefix,
                             [&](std::string_view, std::string_view value) -> Status {
                               Record r;
                               if (!GetOptional(&value, &r.key) || !GetOptional(&value, &r.value)) {
                                 return absl::DataLossError("output topic sink: malformed record");
                               }
                               committed_.push_back(std::move(r));
                               return Status();
                             }));
  if (committed_.size() != count) {
    return absl::DataLossError(fmt::format(
        "output topic sink: {} records in the state, {} expected", committed_.size(), count));
  }
  committed_start_ = Offset(start);
  committed_time_ = TimestampMs(time);
  store_has_records_ = true;
  ASSIGN_OR_RETURN(size_t written, CountAlreadyWritten());
  if (written == committed_.size()) {
    next_offset_ = committed_start_ + static_cast<int64_t>(written);
    committed_.clear();
    return Status();
  }
  return AppendCommitted(written);
}

}  // namespace oxbow::stream
