// `oxbow topic consume`: prints the records of a topic, from the data directory or through a
// running server's Kafka API (topic_backend.h).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "server/command.h"
#include "server/record_format.h"
#include "server/signals.h"
#include "server/timestamp.h"
#include "server/topic_backend.h"

namespace oxbow::server {
namespace {

constexpr size_t kOutputFlushBytes = 64 << 10;

struct ConsumeArgs {
  std::string topic;
  int32_t partition = -1;
  bool from_beginning = false;
  std::string offset;     // N, -N, beginning or end; empty: not given
  std::string from_time;  // empty: not given
  int64_t max_messages = -1;
  std::string format;
  bool print_key = false;
  bool print_offset = false;
  bool print_partition = false;
  bool print_timestamp = false;
  bool print_headers = false;
  bool follow = false;
};

Result<RecordFormat> MakeFormat(const ConsumeArgs& args) {
  if (!args.format.empty()) return RecordFormat::Parse(args.format);
  std::string f;
  if (args.print_timestamp) f += "%T\\t";
  if (args.print_partition) f += "%p\\t";
  if (args.print_offset) f += "%o\\t";
  if (args.print_headers) f += "%h\\t";
  if (args.print_key) f += "%k\\t";
  return RecordFormat::Parse(f + "%v\\n");
}

// Where reading a partition starts, per --from-beginning / --offset / --from-time.
Result<Offset> StartOffset(TopicBackend& topics, const std::string& topic, const PartitionState& p,
                           const ConsumeArgs& args) {
  Offset start = p.log_start;
  Offset end = p.high_watermark;
  if (!args.from_time.empty()) {
    ASSIGN_OR_RETURN(TimestampMs ts, ParseTimestamp(args.from_time));
    ASSIGN_OR_RETURN(std::optional<Offset> found, topics.OffsetForTimestamp(topic, p.id, ts));
    return found ? *found : end;
  }
  if (args.offset.empty() || args.offset == "beginning") return start;
  if (args.offset == "end") return end;
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(args.offset.data(), args.offset.data() + args.offset.size(), n);
  if (ec != std::errc() || ptr != args.offset.data() + args.offset.size()) {
    return absl::InvalidArgumentError(fmt::format(
        "invalid --offset '{}': expected an offset N, -N (N before the end), beginning or end",
        args.offset));
  }
  if (n < 0) return Offset(std::max(start.value(), end.value() + n));
  if (Offset(n) < start || Offset(n) > end) {
    return absl::OutOfRangeError(fmt::format(
        "--offset {} is out of range for {}-{}: it holds offsets {} to {} (high watermark {})", n,
        topic, p.id, start, end - 1, end));
  }
  return Offset(n);
}

// Formats records into a buffer written to stdout in large pieces; --follow writes each
// record at once, since someone is watching.
class Printer {
 public:
  Printer(const ConsumeArgs& args, RecordFormat format) : args_(args), format_(std::move(format)) {}

  // A ConsumeFn: false once --max-messages records were printed.
  bool Print(const ConsumedRecord& r) {
    if (Done()) return false;
    format_.Format(r, out_);
    ++consumed_;
    if (args_.follow || out_.size() >= kOutputFlushBytes) Flush();
    return !Done();
  }

  bool Done() const { return args_.max_messages >= 0 && consumed_ >= args_.max_messages; }

  void Flush() {
    std::fwrite(out_.data(), 1, out_.size(), stdout);
    std::fflush(stdout);
    out_.clear();
  }

  int64_t consumed() const { return consumed_; }

 private:
  const ConsumeArgs& args_;
  RecordFormat format_;
  std::string out_;
  int64_t consumed_ = 0;
};

// Where each chosen partition starts and (its high watermark now) ends.
struct Range {
  Offset start;
  Offset end;
};

Result<std::map<int32_t, Range>> Ranges(TopicBackend& topics, const ConsumeArgs& args) {
  ASSIGN_OR_RETURN(TopicDescription info, topics.DescribeTopic(args.topic, /*with_config=*/false));
  int32_t partitions = static_cast<int32_t>(info.partitions.size());
  if (args.partition >= partitions) {
    return absl::InvalidArgumentError(
        fmt::format("topic {} has no partition {}; it has partitions 0..{}", args.topic,
                    args.partition, partitions - 1));
  }
  std::map<int32_t, Range> ranges;
  for (const PartitionState& p : info.partitions) {
    if (args.partition >= 0 && p.id.value() != args.partition) continue;
    ASSIGN_OR_RETURN(Offset start, StartOffset(topics, args.topic, p, args));
    ranges[p.id.value()] = {start, p.high_watermark};
  }
  return ranges;
}

// Reads every chosen partition, partition after partition, up to the high watermark it had
// when the command started; or with --follow, all of them as records arrive.
Status Read(TopicBackend& topics, const ConsumeArgs& args, const std::map<int32_t, Range>& ranges,
            Printer& printer, ShutdownSignals* signals) {
  ASSIGN_OR_RETURN(auto reader, topics.OpenReader(args.topic));
  auto print = [&printer](const ConsumedRecord& r) { return printer.Print(r); };
  if (args.follow) {
    std::map<int32_t, Offset> starts;
    for (const auto& [id, range] : ranges) starts[id] = range.start;
    return reader->Follow(starts, print, *signals);
  }
  for (const auto& [id, range] : ranges) {
    if (printer.Done()) break;
    ASSIGN_OR_RETURN(bool stopped,
                     reader->ReadRange(PartitionId(id), range.start, range.end, print));
    if (stopped) break;
  }
  return absl::OkStatus();
}

Status Consume(const CommandContext& ctx, const ConsumeArgs& args) {
  // Before any thread starts (see signals.h); only --follow waits for signals.
  std::unique_ptr<ShutdownSignals> signals;
  if (args.follow) {
    ASSIGN_OR_RETURN(signals, ShutdownSignals::Install());
  }
  ASSIGN_OR_RETURN(ServerConfig config, SetUp(ctx, "warn"));
  ASSIGN_OR_RETURN(RecordFormat format, MakeFormat(args));
  if (!args.from_time.empty()) RETURN_IF_ERROR(ParseTimestamp(args.from_time).status());
  ASSIGN_OR_RETURN(auto topics, OpenTopicBackend(config));
  ASSIGN_OR_RETURN(auto ranges, Ranges(*topics, args));
  Printer printer(args, std::move(format));
  Status s = Read(*topics, args, ranges, printer, signals.get());
  printer.Flush();
  fmt::print(stderr, "consumed {} record{}\n", printer.consumed(),
             printer.consumed() == 1 ? "" : "s");
  Status closed = topics->Close();
  return s.ok() ? closed : s;
}

}  // namespace

void AddTopicConsumeCommand(CLI::App& topic, CommandContext& ctx) {
  auto args = std::make_shared<ConsumeArgs>();
  CLI::App* cmd = AddDataCommand(
      topic, ctx, "consume",
      "Print a topic's records, by default every record from the log start, values one per "
      "line, partition after partition",
      [&ctx, args] { return Consume(ctx, *args); });
  cmd->add_option("name", args->topic, "Topic name")->required();
  cmd->add_option("-p,--partition", args->partition, "Only this partition; -1: all")
      ->capture_default_str()
      ->check(CLI::Range(-1, 100000));
  CLI::Option* beginning = cmd->add_flag("--from-beginning", args->from_beginning,
                                         "Start at the log start offset (the default)");
  CLI::Option* offset =
      cmd->add_option("-o,--offset", args->offset,
                      "Start at offset N of each partition read, N before its end (-N), "
                      "'beginning' or 'end'")
          ->type_name("OFFSET");
  CLI::Option* from_time =
      cmd->add_option(
             "--from-time", args->from_time,
             "Start at the first record with a timestamp at or after TIME: milliseconds since the "
             "epoch or ISO 8601 (2024-05-01T12:00:00Z; UTC when no zone is given)")
          ->type_name("TIME");
  beginning->excludes(offset)->excludes(from_time);
  offset->excludes(from_time);
  cmd->add_option("-n,--max-messages", args->max_messages, "Stop after N records; -1: no limit")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{-1}, INT64_MAX));
  CLI::Option* format = cmd->add_option(
      "-f,--format", args->format,
      "Output template: %t topic, %p partition, %o offset, %T timestamp (ms), %k key, %v "
      "value, %h headers, %K/%S key/value length, %% percent; \\n \\t \\\\ escapes; a "
      "newline is appended when the template has none; null keys and values print as null");
  for (auto [name, flag, doc] : {
           std::tuple{"--print-key", &args->print_key, "Print the key, a tab, then the value"},
           std::tuple{"--print-offset", &args->print_offset, "Print the offset first"},
           std::tuple{"--print-partition", &args->print_partition, "Print the partition first"},
           std::tuple{"--print-timestamp", &args->print_timestamp,
                      "Print the timestamp (ms since the epoch) first"},
           std::tuple{"--print-headers", &args->print_headers,
                      "Print the headers (k=v,k=v) before the key"},
       }) {
    cmd->add_flag(name, *flag, doc)->excludes(format);
  }
  cmd->add_flag("-F,--follow", args->follow,
                "After the end, keep polling for new records until SIGINT or SIGTERM");
  cmd->footer(
      "With several --print-* flags the fields come in the order timestamp, partition, "
      "offset, headers, key, value, separated by tabs.");
}

}  // namespace oxbow::server
