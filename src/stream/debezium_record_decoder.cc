#include "stream/debezium_record_decoder.h"

#include <string>

#include "fmt/format.h"
#include "simdjson.h"
#include "stream/record_key.h"

namespace oxbow::stream {

namespace od = simdjson::ondemand;

// Views into Parser::buffer, valid until the parser's next document.
struct DebeziumRecordDecoder::Envelope {
  std::optional<std::string_view> before;  // a JSON object; nullopt when absent or null
  std::optional<std::string_view> after;
  std::string op;
  bool has_op = false;
  bool tombstone = false;  // {"schema": …, "payload": null}
};

struct DebeziumRecordDecoder::Parser {
  od::parser parser;
  std::string buffer;

  // Starts a document over a padded copy of `json`.
  Status Iterate(std::string_view json, od::document& doc) {
    buffer.assign(json);
    buffer.append(simdjson::SIMDJSON_PADDING, '\0');
    if (parser.iterate(buffer.data(), json.size(), buffer.size()).get(doc)) {
      return absl::InvalidArgumentError("malformed JSON");
    }
    return Status();
  }
};

namespace {

Status Malformed(std::string_view what) {
  return absl::InvalidArgumentError(fmt::format("malformed Debezium envelope: {}", what));
}

// An image member (before / after): a JSON object's text, or nullopt for null.
Status ReadImage(std::string_view name, od::value& v, std::optional<std::string_view>& image) {
  od::json_type type;
  if (v.type().get(type)) return absl::InvalidArgumentError("malformed JSON");
  if (type == od::json_type::null) {
    image.reset();
    return Status();
  }
  if (type != od::json_type::object) {
    return Malformed(fmt::format("\"{}\" is not an object or null", name));
  }
  std::string_view raw;
  if (simdjson::to_json_string(v).get(raw)) return absl::InvalidArgumentError("malformed JSON");
  image = raw;
  return Status();
}

}  // namespace

DebeziumRecordDecoder::DebeziumRecordDecoder(std::vector<SourceColumn> columns,
                                             std::vector<int> key_columns)
    : json_(std::move(columns)),
      key_columns_(std::move(key_columns)),
      parser_(std::make_unique<Parser>()) {}

DebeziumRecordDecoder::~DebeziumRecordDecoder() = default;

namespace {

// Reads the envelope's members from `obj`; `top`: the value itself, which may be the
// {"schema", "payload"} wrapper.
template <typename Envelope>
Status ScanEnvelope(od::object& obj, bool top, Envelope& env) {
  for (auto field : obj) {
    std::string_view name;
    if (field.unescaped_key().get(name)) return absl::InvalidArgumentError("malformed JSON");
    od::value v;
    if (field.value().get(v)) return absl::InvalidArgumentError("malformed JSON");
    if (name == "before") {
      RETURN_IF_ERROR(ReadImage(name, v, env.before));
    } else if (name == "after") {
      RETURN_IF_ERROR(ReadImage(name, v, env.after));
    } else if (name == "op") {
      std::string_view op;
      if (v.get_string().get(op)) return Malformed("\"op\" is not a string");
      env.op.assign(op);
      env.has_op = true;
    } else if (top && name == "payload") {
      od::json_type type;
      if (v.type().get(type)) return absl::InvalidArgumentError("malformed JSON");
      if (type == od::json_type::null) {
        env.tombstone = true;
        continue;
      }
      od::object payload;
      if (type != od::json_type::object || v.get_object().get(payload)) {
        return Malformed("\"payload\" is not an object or null");
      }
      RETURN_IF_ERROR(ScanEnvelope(payload, /*top=*/false, env));
    }
  }
  return Status();
}

}  // namespace

Status DebeziumRecordDecoder::Decode(std::optional<ByteView> key, std::optional<ByteView> value,
                                     DecodedRecord& out) {
  out.Clear();
  const bool keyed = !key_columns_.empty();
  Envelope env;
  if (value) {
    od::document doc;
    RETURN_IF_ERROR(parser_->Iterate(AsText(*value), doc));
    od::json_type type;
    if (doc.type().get(type)) return absl::InvalidArgumentError("malformed JSON");
    od::object obj;
    if (type != od::json_type::object) return Malformed("not a JSON object");
    if (doc.get_object().get(obj)) return absl::InvalidArgumentError("malformed JSON");
    RETURN_IF_ERROR(ScanEnvelope(obj, /*top=*/true, env));
  }
  if (!value || env.tombstone) {
    if (!keyed) return Status();  // the delete event before it retracted the row
    out.Add(sql::RowOp::kDelete, json_.columns().size());
    return FillKeys(key, out);
  }
  RETURN_IF_ERROR(DecodeChange(env, out));
  return keyed ? FillKeys(key, out) : Status();
}

Status DebeziumRecordDecoder::DecodeChange(const Envelope& env, DecodedRecord& out) {
  if (!env.has_op) return Malformed("no \"op\" member");
  const bool keyed = !key_columns_.empty();
  const std::string& op = env.op;
  if (op == "c" || op == "r" || op == "u") {
    if (!env.after) return Malformed(fmt::format("op \"{}\" without \"after\"", op));
    if (op == "u" && !keyed) {
      if (!env.before) {
        return absl::InvalidArgumentError(
            "Debezium update without \"before\" in a table without a primary key (the "
            "connector must send full before images, e.g. REPLICA IDENTITY FULL)");
      }
      RETURN_IF_ERROR(AddImage(env.before, sql::RowOp::kDelete, out));
    }
    return AddImage(env.after, sql::RowOp::kInsert, out);
  }
  if (op == "d") {
    if (!keyed && !env.before) {
      return absl::InvalidArgumentError(
          "Debezium delete without \"before\" in a table without a primary key (the "
          "connector must send full before images, e.g. REPLICA IDENTITY FULL)");
    }
    return AddImage(env.before, sql::RowOp::kDelete, out);
  }
  if (op == "t" || op == "m") {
    return absl::InvalidArgumentError(
        fmt::format("Debezium op \"{}\" is not a row change (truncate and message events are "
                    "not supported)",
                    op));
  }
  return Malformed(fmt::format("unknown op \"{}\"", op.substr(0, 16)));
}

Status DebeziumRecordDecoder::AddImage(std::optional<std::string_view> image, sql::RowOp op,
                                       DecodedRecord& out) {
  DecodedRow& row = out.Add(op, json_.columns().size());
  if (!image) return Status();  // a keyed delete without before: the key comes from the key
  return json_.DecodeObject(*image, row.values, row.filled, /*overwrite=*/true);
}

Status DebeziumRecordDecoder::FillKeys(std::optional<ByteView> key, DecodedRecord& out) {
  for (DecodedRow& row : out.mutable_rows()) {
    if (!MissingKeyColumns(key_columns_, row)) continue;
    if (!key) return NoKeyError();
    std::string_view text = AsText(*key);
    // Kafka Connect's JSON converter with schemas wraps keys too: {"schema", "payload"}.
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') {
      od::document doc;
      od::object obj;
      RETURN_IF_ERROR(parser_->Iterate(text, doc));
      if (doc.get_object().get(obj)) return absl::InvalidArgumentError("malformed JSON key");
      std::optional<std::string_view> payload;
      bool has_schema = false;
      for (auto field : obj) {
        std::string_view name;
        od::value v;
        if (field.unescaped_key().get(name) || field.value().get(v)) {
          return absl::InvalidArgumentError("malformed JSON key");
        }
        if (name == "schema") has_schema = true;
        if (name == "payload") {
          std::string_view raw;
          if (simdjson::to_json_string(v).get(raw)) {
            return absl::InvalidArgumentError("malformed JSON key");
          }
          payload = raw;
        }
      }
      if (has_schema && payload) text = *payload;
    }
    RETURN_IF_ERROR(FillKeyFromJson(json_, text, key_columns_, row));
  }
  return Status();
}

}  // namespace oxbow::stream
