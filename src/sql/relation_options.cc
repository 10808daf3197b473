#include "sql/relation_options.h"

#include <charconv>

#include "absl/strings/ascii.h"
#include "fmt/format.h"
#include "log/topic_config.h"
#include "sql/sql_error.h"
#include "sql/types/datetime.h"

namespace oxbow::sql {
namespace {

constexpr int32_t kMaxPartitions = 10000;

Status OptionError(const Statement& s, const WithOption& o, std::string_view message,
                   std::string_view hint = {}) {
  Status status = SqlError(sqlstate::kInvalidParameterValue, message);
  if (!hint.empty()) status = WithHint(std::move(status), hint);
  return s.ErrorAt(std::move(status), o.location);
}

Status Unrecognized(const Statement& s, const WithOption& o, std::string_view valid) {
  return OptionError(s, o, fmt::format("unrecognized parameter \"{}\"", o.name),
                     fmt::format("Valid parameters are {}.", valid));
}

Result<TableFormat> ParseFormat(const Statement& s, const WithOption& o) {
  std::string v = absl::AsciiStrToLower(o.value);
  if (v == "json") return TableFormat::kJson;
  if (v == "avro") return TableFormat::kAvro;
  if (v == "debezium_json") return TableFormat::kDebeziumJson;
  return OptionError(s, o, fmt::format("invalid value for parameter \"format\": \"{}\"", o.value),
                     "Valid values are json, avro and debezium_json.");
}

Status CheckTopicName(const Statement& s, const WithOption& o) {
  Status valid = log::ValidateTopicName(o.value);
  if (!valid.ok()) {
    return OptionError(
        s, o, fmt::format("invalid value for parameter \"{}\": {}", o.name, valid.message()));
  }
  if (o.value.starts_with("__")) {
    return OptionError(s, o,
                       fmt::format("invalid value for parameter \"{}\": topics starting with "
                                   "\"__\" are internal",
                                   o.name));
  }
  return absl::OkStatus();
}

Status CheckEventTime(const Statement& s, const WithOption& o,
                      const std::vector<CatalogColumn>& columns) {
  for (const CatalogColumn& c : columns) {
    if (c.name != o.value) continue;
    if (c.type.id() == TypeId::kTimestamp || c.type.id() == TypeId::kTimestampTz) {
      return absl::OkStatus();
    }
    return s.ErrorAt(
        SqlError(sqlstate::kDatatypeMismatch,
                 fmt::format("event_time column \"{}\" must be of type timestamp or timestamp "
                             "with time zone, not {}",
                             c.name, c.type.ToString())),
        o.location);
  }
  return s.ErrorAt(
      SqlError(sqlstate::kUndefinedColumn,
               fmt::format("column \"{}\" named in event_time does not exist", o.value)),
      o.location);
}

// watermark_delay, allowed_lateness, idle_timeout: a duration.
Status CheckDuration(const Statement& s, const WithOption& o) {
  Result<Interval> delay = ParseInterval(o.value);
  if (!delay.ok()) {
    return OptionError(
        s, o,
        fmt::format("invalid value for parameter \"{}\": {}", o.name, delay.status().message()));
  }
  if (delay->months != 0 || delay->Span() < 0) {
    return OptionError(s, o,
                       fmt::format("invalid value for parameter \"{}\": it must be a "
                                   "non-negative interval without months or years",
                                   o.name),
                       fmt::format("For example {} = '5 seconds'.", o.name));
  }
  return absl::OkStatus();
}

Result<int32_t> ParsePartitions(const Statement& s, const WithOption& o) {
  int32_t n = 0;
  auto [end, ec] = std::from_chars(o.value.data(), o.value.data() + o.value.size(), n);
  if (ec != std::errc() || end != o.value.data() + o.value.size() || n < 1 || n > kMaxPartitions) {
    return OptionError(s, o,
                       fmt::format("invalid value for parameter \"partitions\": \"{}\"", o.value),
                       fmt::format("Give a whole number from 1 to {}.", kMaxPartitions));
  }
  return n;
}

const WithOption* FindOption(const std::vector<WithOption>& options, std::string_view name) {
  for (const WithOption& o : options) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

}  // namespace

Result<TableOptions> ValidateTableOptions(const Statement& s, const CreateTableStatement& create,
                                          const std::vector<CatalogColumn>& columns) {
  TableOptions out;
  for (const WithOption& o : create.options) {
    if (o.name == "topic") {
      RETURN_IF_ERROR(CheckTopicName(s, o));
      out.topic = o.value;
    } else if (o.name == "format") {
      ASSIGN_OR_RETURN(out.format, ParseFormat(s, o));
    } else if (o.name == "partitions") {
      ASSIGN_OR_RETURN(out.partitions, ParsePartitions(s, o));
    } else if (o.name == "event_time") {
      RETURN_IF_ERROR(CheckEventTime(s, o, columns));
      out.others[o.name] = o.value;
    } else if (o.name == "watermark_delay" || o.name == "allowed_lateness" ||
               o.name == "idle_timeout") {
      RETURN_IF_ERROR(CheckDuration(s, o));
      out.others[o.name] = o.value;
    } else {
      return Unrecognized(s, o,
                          "topic, format, partitions, event_time, watermark_delay, "
                          "allowed_lateness and idle_timeout");
    }
  }
  const WithOption* partitions = FindOption(create.options, "partitions");
  if (partitions != nullptr && out.topic) {
    return OptionError(s, *partitions,
                       "parameter \"partitions\" applies only when CREATE TABLE creates the "
                       "topic",
                       "Leave out the topic option, or the partitions option.");
  }
  return out;
}

Result<std::map<std::string, std::string>> ValidateViewOptions(const Statement& s,
                                                               const CreateViewStatement& create) {
  std::map<std::string, std::string> out;
  for (const WithOption& o : create.options) {
    if (!create.materialized) return Unrecognized(s, o, "none (a view has no options)");
    if (o.name == "output_topic") {
      RETURN_IF_ERROR(CheckTopicName(s, o));
      out[o.name] = o.value;
    } else if (o.name == "format") {
      ASSIGN_OR_RETURN(TableFormat format, ParseFormat(s, o));
      out[o.name] = std::string(TableFormatName(format));
    } else if (o.name == "emit") {
      std::string v = absl::AsciiStrToLower(o.value);
      if (v != "changes" && v != "on_window_close") {
        return OptionError(s, o,
                           fmt::format("invalid value for parameter \"emit\": \"{}\"", o.value),
                           "Valid values are changes and on_window_close.");
      }
      out[o.name] = v;
    } else {
      return Unrecognized(s, o, "output_topic, format and emit");
    }
  }
  const WithOption* format = FindOption(create.options, "format");
  if (format != nullptr && !out.contains("output_topic")) {
    return OptionError(s, *format, "parameter \"format\" needs \"output_topic\"",
                       "format says how the view's changes are written to output_topic.");
  }
  return out;
}

}  // namespace oxbow::sql
