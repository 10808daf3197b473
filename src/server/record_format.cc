#include "server/record_format.h"

#include "fmt/format.h"

namespace oxbow::server {
namespace {

constexpr std::string_view kFields =
    "%t topic, %p partition, %o offset, %T timestamp, %k key, %v value, %h headers, %K key "
    "length, %S value length, %% percent; escapes \\n \\t \\\\";

void AppendNullable(const std::optional<ByteView>& bytes, std::string& out) {
  if (bytes) {
    out.append(AsString(*bytes));
  } else {
    out.append("null");
  }
}

}  // namespace

Result<RecordFormat> RecordFormat::Parse(std::string_view format) {
  RecordFormat f;
  std::string literal;
  bool has_newline = false;
  auto flush_literal = [&] {
    if (!literal.empty()) f.parts_.push_back({Field::kLiteral, std::move(literal)});
    literal.clear();
  };
  for (size_t i = 0; i < format.size(); ++i) {
    char c = format[i];
    if ((c != '%' && c != '\\') || i + 1 == format.size()) {
      if (c == '\n') has_newline = true;
      literal += c;
      continue;
    }
    char next = format[++i];
    if (c == '\\') {
      switch (next) {
        case 'n':
          literal += '\n';
          has_newline = true;
          break;
        case 't':
          literal += '\t';
          break;
        case '\\':
          literal += '\\';
          break;
        default:
          return absl::InvalidArgumentError(fmt::format(
              "invalid --format '{}': unknown escape '\\{}'; known: {}", format, next, kFields));
      }
      continue;
    }
    Field field;
    switch (next) {
      case '%':
        literal += '%';
        continue;
      case 't':
        field = Field::kTopic;
        break;
      case 'p':
        field = Field::kPartition;
        break;
      case 'o':
        field = Field::kOffset;
        break;
      case 'T':
        field = Field::kTimestamp;
        break;
      case 'k':
        field = Field::kKey;
        break;
      case 'v':
        field = Field::kValue;
        break;
      case 'h':
        field = Field::kHeaders;
        break;
      case 'K':
        field = Field::kKeyLength;
        break;
      case 'S':
        field = Field::kValueLength;
        break;
      default:
        return absl::InvalidArgumentError(fmt::format(
            "invalid --format '{}': unknown field '%{}'; known: {}", format, next, kFields));
    }
    flush_literal();
    f.parts_.push_back({field, {}});
  }
  if (!has_newline) literal += '\n';
  flush_literal();
  return f;
}

ConsumedRecord ToConsumed(std::string_view topic, PartitionId partition,
                          const log::DecodedBatch& batch, const log::Record& record) {
  return {topic,      partition,    batch.offset_of(record), batch.timestamp_of(record),
          record.key, record.value, record.headers};
}

void RecordFormat::Format(const ConsumedRecord& r, std::string& out) const {
  for (const Part& part : parts_) {
    switch (part.field) {
      case Field::kLiteral:
        out.append(part.literal);
        break;
      case Field::kTopic:
        out.append(r.topic);
        break;
      case Field::kPartition:
        fmt::format_to(std::back_inserter(out), "{}", r.partition);
        break;
      case Field::kOffset:
        fmt::format_to(std::back_inserter(out), "{}", r.offset);
        break;
      case Field::kTimestamp:
        fmt::format_to(std::back_inserter(out), "{}", r.timestamp);
        break;
      case Field::kKey:
        AppendNullable(r.key, out);
        break;
      case Field::kValue:
        AppendNullable(r.value, out);
        break;
      case Field::kHeaders:
        for (size_t i = 0; i < r.headers.size(); ++i) {
          if (i > 0) out += ',';
          out.append(r.headers[i].key);
          out += '=';
          AppendNullable(r.headers[i].value, out);
        }
        break;
      case Field::kKeyLength:
        fmt::format_to(std::back_inserter(out), "{}",
                       r.key ? static_cast<int64_t>(r.key->size()) : -1);
        break;
      case Field::kValueLength:
        fmt::format_to(std::back_inserter(out), "{}",
                       r.value ? static_cast<int64_t>(r.value->size()) : -1);
        break;
    }
  }
}

}  // namespace oxbow::server
