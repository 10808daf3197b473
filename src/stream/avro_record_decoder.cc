#include "stream/avro_record_decoder.h"

#include "fmt/format.h"
#include "format/confluent_framing.h"
#include "stream/avro_sql_value.h"
#include "stream/record_key.h"

namespace oxbow::stream {

using registry::AvroType;

AvroRecordDecoder::AvroRecordDecoder(std::vector<SourceColumn> columns,
                                     std::vector<int> key_columns, SchemaLookup& schemas,
                                     std::shared_ptr<const registry::AvroSchema> reader)
    : json_(std::move(columns)),
      key_columns_(std::move(key_columns)),
      schemas_(schemas),
      reader_(std::move(reader)) {}

AvroRecordDecoder::~AvroRecordDecoder() = default;

Status AvroRecordDecoder::Decode(std::optional<ByteView> key, std::optional<ByteView> value,
                                 DecodedRecord& out) {
  out.Clear();
  const bool keyed = !key_columns_.empty();
  if (!value && !keyed) return absl::InvalidArgumentError("null value in an append-only topic");
  DecodedRow& row =
      out.Add(value ? sql::RowOp::kInsert : sql::RowOp::kDelete, json_.columns().size());
  if (value) RETURN_IF_ERROR(DecodeFramed(*value, /*is_key=*/false, row));
  if (!keyed || !MissingKeyColumns(key_columns_, row)) return Status();
  if (!key) return NoKeyError();
  if (key->size() >= format::kConfluentHeaderSize && (*key)[0] == format::kConfluentMagicByte) {
    Status s = DecodeFramed(*key, /*is_key=*/true, row);
    if (!s.ok() && s.code() != absl::StatusCode::kUnavailable) {
      return absl::InvalidArgumentError(fmt::format("record key: {}", s.message()));
    }
    return s;
  }
  return FillKeyFromJson(json_, AsText(*key), key_columns_, row);
}

Status AvroRecordDecoder::DecodeFramed(ByteView bytes, bool is_key, DecodedRow& row) {
  Result<format::ConfluentFrame> frame = format::ParseConfluentFrame(bytes);
  if (!frame.ok()) return absl::InvalidArgumentError(frame.status().message());
  ASSIGN_OR_RETURN(const Compiled* c, Find(frame->schema_id, is_key));
  if (Status s = c->decoder->Decode(frame->payload, &datum_); !s.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("schema id {} does not decode: {}", frame->schema_id, s.message()));
  }
  const std::vector<SourceColumn>& columns = json_.columns();
  if (c->node->type != AvroType::kRecord) {  // a key (Compile refuses other values)
    if (key_columns_.size() != 1) {
      return absl::InvalidArgumentError(
          fmt::format("Avro schema id {} is a {}, not a record of the key columns",
                      frame->schema_id, registry::AvroTypeName(c->node->type)));
    }
    const int col = key_columns_[0];
    ASSIGN_OR_RETURN(row.values[col], AvroToSqlValue(datum_, *c->node, columns[col]));
    row.filled[col] = true;
    return Status();
  }
  auto fields = datum_.fields();
  for (size_t col = 0; col < columns.size(); ++col) {
    const int f = c->field_of_column[col];
    if (f < 0 || (is_key && row.filled[col])) continue;
    ASSIGN_OR_RETURN(row.values[col],
                     AvroToSqlValue(fields[f], *c->node->fields[f].type, columns[col]));
    row.filled[col] = true;
  }
  return Status();
}

Result<const AvroRecordDecoder::Compiled*> AvroRecordDecoder::Find(int32_t id, bool is_key) {
  auto& cache = is_key ? keys_ : values_;
  auto it = cache.find(id);
  if (it == cache.end()) {
    std::unique_ptr<Compiled> compiled = Compile(id, is_key);
    if (compiled == nullptr)
      return absl::InvalidArgumentError(fmt::format("unknown schema id {}", id));
    if (compiled->error.code() == absl::StatusCode::kUnavailable) return compiled->error;
    it = cache.emplace(id, std::move(compiled)).first;
  }
  if (!it->second->error.ok()) return it->second->error;
  return it->second.get();
}

// Null for an unknown id (not kept: it may be registered later).
std::unique_ptr<AvroRecordDecoder::Compiled> AvroRecordDecoder::Compile(int32_t id, bool is_key) {
  auto c = std::make_unique<Compiled>();
  Result<std::shared_ptr<const registry::AvroSchema>> writer = schemas_.AvroSchemaById(id);
  if (!writer.ok()) {
    switch (writer.status().code()) {
      case absl::StatusCode::kNotFound:
        return nullptr;
      case absl::StatusCode::kInvalidArgument:
        c->error = absl::InvalidArgumentError(
            fmt::format("schema id {}: {}", id, writer.status().message()));
        break;
      default:
        c->error = absl::UnavailableError(
            fmt::format("looking up schema id {}: {}", id, writer.status().message()));
    }
    return c;
  }
  c->writer = std::move(*writer);
  const bool resolve = !is_key && reader_ != nullptr;
  Result<format::AvroDecoder> decoder = resolve ? format::AvroDecoder::Compile(*c->writer, *reader_)
                                                : format::AvroDecoder::Compile(*c->writer);
  if (!decoder.ok()) {
    c->error =
        absl::InvalidArgumentError(fmt::format("schema id {}: {}", id, decoder.status().message()));
    return c;
  }
  c->decoder = std::move(*decoder);
  c->node = resolve ? &reader_->root() : &c->writer->root();
  if (c->node->type != AvroType::kRecord) {
    if (!is_key) {
      c->error = absl::InvalidArgumentError(fmt::format("Avro schema id {} is a {}, not a record",
                                                        id, registry::AvroTypeName(c->node->type)));
    }
    return c;
  }
  for (const SourceColumn& column : json_.columns()) {
    const registry::AvroField* field = c->node->FindField(column.name);
    c->field_of_column.push_back(field == nullptr ? -1 : static_cast<int>(field->position));
  }
  return c;
}

}  // namespace oxbow::stream
