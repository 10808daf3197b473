// `oxbow topic produce`: appends lines of stdin to a topic, one record per line, as record
// batches built like a Kafka producer builds them (RecordBatchBuilder).
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "kafka/partitioner.h"
#include "log/record_batch_builder.h"
#include "server/command.h"

namespace oxbow::server {
namespace {

struct ProduceArgs {
  std::string topic;
  int32_t partition = -1;
  std::string key_separator;  // empty: keys are null
  std::string compression = "none";
  int32_t batch_size = 1000;
  std::vector<std::string> headers;
};

// What was appended to one partition.
struct PartitionProgress {
  int64_t records = 0;
  Offset first{-1};
  Offset last{-1};
};

// Accumulates the records of one partition into batches and appends each batch when it is
// full: batch_size records, or close to the topic's max.message.bytes.
class PartitionWriter {
 public:
  PartitionWriter(std::shared_ptr<log::Partition> partition, log::Compression compression,
                  int32_t batch_size)
      : partition_(std::move(partition)),
        builder_(Options(compression)),
        batch_size_(batch_size),
        max_bytes_(static_cast<size_t>(partition_->config().max_message_bytes)) {}

  Status Add(std::optional<std::string_view> key, std::string_view value,
             std::span<const log::RecordHeader> headers, TimestampMs now) {
    // An upper bound of the record's encoded size (varints, attributes, deltas).
    size_t record_bytes = (key ? key->size() : 0) + value.size() + 32;
    for (const log::RecordHeader& h : headers) {
      record_bytes += h.key.size() + (h.value ? h.value->size() : 0) + 10;
    }
    if (builder_.record_count() > 0 && builder_.estimated_size() + record_bytes > max_bytes_) {
      RETURN_IF_ERROR(Flush());
    }
    std::optional<ByteView> key_bytes;
    if (key) key_bytes = AsBytes(*key);
    builder_.Add(now, key_bytes, AsBytes(value), headers);
    if (static_cast<int32_t>(builder_.record_count()) >= batch_size_) return Flush();
    return absl::OkStatus();
  }

  Status Flush() {
    if (builder_.record_count() == 0) return absl::OkStatus();
    size_t records = builder_.record_count();
    ASSIGN_OR_RETURN(ByteBuffer batch, builder_.Build());
    Result<log::AppendResult> appended =
        partition_->Append(MutableByteView(batch.mutable_data(), batch.size()), log::NowMs());
    if (!appended.ok()) {
      return Status(appended.status().code(),
                    fmt::format("appending {} records to {}-{}: {}", records, partition_->topic(),
                                partition_->id(), appended.status().message()));
    }
    if (progress_.records == 0) progress_.first = appended->base_offset;
    progress_.last = appended->last_offset;
    progress_.records += static_cast<int64_t>(records);
    return absl::OkStatus();
  }

  const PartitionProgress& progress() const { return progress_; }

 private:
  static log::BatchOptions Options(log::Compression compression) {
    log::BatchOptions options;
    options.compression = compression;
    return options;
  }

  std::shared_ptr<log::Partition> partition_;
  log::RecordBatchBuilder builder_;
  int32_t batch_size_;
  size_t max_bytes_;
  PartitionProgress progress_;
};

// One line of input as a record: key and value split at the first separator.
struct Line {
  std::optional<std::string_view> key;
  std::string_view value;
};

Result<Line> SplitLine(std::string_view line, std::string_view separator, int64_t line_number) {
  if (separator.empty()) return Line{std::nullopt, line};
  size_t at = line.find(separator);
  if (at == std::string_view::npos) {
    return absl::InvalidArgumentError(
        fmt::format("line {} has no key separator '{}' (every line must be KEY{}VALUE with "
                    "--key-separator)",
                    line_number, separator, separator));
  }
  return Line{line.substr(0, at), line.substr(at + separator.size())};
}

void PrintSummary(const std::string& topic, const std::map<int32_t, PartitionWriter>& writers) {
  int64_t total = 0;
  std::string ranges;
  for (const auto& [id, writer] : writers) {
    const PartitionProgress& p = writer.progress();
    if (p.records == 0) continue;
    total += p.records;
    ranges +=
        fmt::format("\n  partition {}: {} records, offsets {}..{}", id, p.records, p.first, p.last);
  }
  fmt::print("produced {} record{} to {}{}\n", total, total == 1 ? "" : "s", topic, ranges);
}

Status Produce(const CommandContext& ctx, const ProduceArgs& args) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(log::Compression compression, log::ParseCompression(args.compression));
  ASSIGN_OR_RETURN(log::ConfigMap header_map, ParseKeyValues(args.headers, "--header"));
  ASSIGN_OR_RETURN(auto log, OpenLog(config));
  if (!log->HasTopic(args.topic)) {
    return absl::NotFoundError(fmt::format(
        "topic {} does not exist; create it first with `oxbow topic create {}` (topics are "
        "created automatically only through the Kafka API)",
        args.topic, args.topic));
  }
  ASSIGN_OR_RETURN(int32_t partitions, log->PartitionCount(args.topic));
  if (args.partition >= partitions) {
    return absl::InvalidArgumentError(
        fmt::format("topic {} has no partition {}; it has partitions 0..{}", args.topic,
                    args.partition, partitions - 1));
  }
  // Headers keep the order given; their views point into `args`.
  std::vector<log::RecordHeader> headers;
  for (const std::string& h : args.headers) {
    size_t eq = h.find('=');
    headers.push_back(
        {std::string_view(h).substr(0, eq), AsBytes(std::string_view(h).substr(eq + 1))});
  }

  std::map<int32_t, PartitionWriter> writers;
  auto writer_for = [&](int32_t id) -> Result<PartitionWriter*> {
    auto it = writers.find(id);
    if (it == writers.end()) {
      ASSIGN_OR_RETURN(auto p, log->GetPartition(args.topic, PartitionId(id)));
      it = writers.try_emplace(id, std::move(p), compression, args.batch_size).first;
    }
    return &it->second;
  };

  // Null keys go round-robin, starting at partition 0, record by record.
  int64_t round_robin = 0;
  int64_t line_number = 0;
  std::string line;
  Status status;
  while (status.ok() && std::getline(std::cin, line)) {
    ++line_number;
    Result<Line> rec = SplitLine(line, args.key_separator, line_number);
    if (!rec.ok()) {
      status = rec.status();
      break;
    }
    int32_t id = args.partition >= 0 ? args.partition
                 : rec->key ? kafka::PartitionForKey(AsBytes(*rec->key), partitions).value()
                            : static_cast<int32_t>(round_robin++ % partitions);
    Result<PartitionWriter*> writer = writer_for(id);
    status =
        writer.ok() ? (*writer)->Add(rec->key, rec->value, headers, log::NowMs()) : writer.status();
  }
  // Records before a bad line are still appended, and the summary says what was.
  for (auto& [id, writer] : writers) {
    Status s = writer.Flush();
    if (status.ok()) status = s;
  }
  PrintSummary(args.topic, writers);
  Status closed = log->Close();
  return status.ok() ? closed : status;
}

}  // namespace

void AddTopicProduceCommand(CLI::App& topic, CommandContext& ctx) {
  auto args = std::make_shared<ProduceArgs>();
  CLI::App* cmd = AddDataCommand(
      topic, ctx, "produce",
      "Append stdin to a topic, one record per line (timestamp: now). Prints how many records "
      "went to which partition and offsets.",
      [&ctx, args] { return Produce(ctx, *args); });
  cmd->add_option("name", args->topic, "Topic name (must exist)")->required();
  cmd->add_option("-p,--partition", args->partition,
                  "Partition to write to; -1: by key, as Kafka's default partitioner does "
                  "(murmur2 of the key), and round-robin for records without a key")
      ->capture_default_str()
      ->check(CLI::Range(-1, 100000));
  cmd->add_option("-K,--key-separator", args->key_separator,
                  "Split each line into key and value at the first SEP (a line without it is "
                  "an error); without this option keys are null")
      ->type_name("SEP")
      ->check([](const std::string& sep) {
        return sep.empty() ? std::string("the separator must not be empty") : std::string();
      });
  cmd->add_option("-z,--compression", args->compression, "Batch compression codec")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}));
  cmd->add_option("-b,--batch-size", args->batch_size,
                  "Most records per batch (a batch also closes before the topic's "
                  "max.message.bytes)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("-H,--header", args->headers,
                  "Header k=v added to every record; repeat for several")
      ->type_name("K=V")
      ->allow_extra_args(false);
}

}  // namespace oxbow::server
