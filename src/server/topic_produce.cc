// `oxbow topic produce`: writes lines of stdin to a topic, one record per line, to the
// partition Kafka's default partitioner would choose, on the data directory or through a
// running server's Kafka API (topic_backend.h).
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
#include "server/command.h"
#include "server/topic_backend.h"

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

void PrintSummary(const std::string& topic, const std::map<int32_t, ProducedRange>& progress) {
  int64_t total = 0;
  std::string ranges;
  for (const auto& [id, p] : progress) {
    if (p.records == 0) continue;
    total += p.records;
    ranges +=
        fmt::format("\n  partition {}: {} records, offsets {}..{}", id, p.records, p.first, p.last);
  }
  fmt::print("produced {} record{} to {}{}\n", total, total == 1 ? "" : "s", topic, ranges);
}

// Reads stdin and writes each line; stops at the first bad line or failed write.
Status WriteLines(const ProduceArgs& args, int32_t partitions,
                  std::span<const log::RecordHeader> headers, RecordWriter& writer) {
  // Null keys go round-robin, starting at partition 0, record by record.
  int64_t round_robin = 0;
  int64_t line_number = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    ++line_number;
    ASSIGN_OR_RETURN(Line rec, SplitLine(line, args.key_separator, line_number));
    int32_t id = args.partition >= 0 ? args.partition
                 : rec.key           ? kafka::PartitionForKey(AsBytes(*rec.key), partitions).value()
                                     : static_cast<int32_t>(round_robin++ % partitions);
    RETURN_IF_ERROR(writer.Write(PartitionId(id), {rec.key, rec.value, headers}));
  }
  return absl::OkStatus();
}

Status Produce(const CommandContext& ctx, const ProduceArgs& args) {
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(log::Compression compression, log::ParseCompression(args.compression));
  ASSIGN_OR_RETURN(log::ConfigMap header_map, ParseKeyValues(args.headers, "--header"));
  ASSIGN_OR_RETURN(auto topics, OpenTopicBackend(config));
  Result<TopicDescription> info = topics->DescribeTopic(args.topic, /*with_config=*/false);
  if (absl::IsNotFound(info.status())) {
    return absl::NotFoundError(fmt::format(
        "topic {} does not exist; create it first with `oxbow topic create {}` (topics are "
        "created automatically only for Kafka clients)",
        args.topic, args.topic));
  }
  RETURN_IF_ERROR(info.status());
  int32_t partitions = static_cast<int32_t>(info->partitions.size());
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
  ASSIGN_OR_RETURN(auto writer, topics->OpenWriter(args.topic, compression, args.batch_size));
  Status status = WriteLines(args, partitions, headers, *writer);
  // Records before a bad line are still written, and the summary says what was.
  Status flushed = writer->Flush();
  if (status.ok()) status = flushed;
  PrintSummary(args.topic, writer->progress());
  writer.reset();
  Status closed = topics->Close();
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
