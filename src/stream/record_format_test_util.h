// Test helpers for the record formats: a SchemaLookup over schemas given as text, Confluent
// Avro records from JSON, and decoded records as text lines.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fmt/format.h"
#include "format/avro_json.h"
#include "registry/avro_parser.h"
#include "stream/record_decoder.h"
#include "stream/schema_lookup.h"

namespace oxbow::stream::testing {

inline std::shared_ptr<const registry::AvroSchema> ParseSchema(std::string_view text) {
  Result<registry::AvroSchema> s = registry::ParseAvroSchema(text);
  EXPECT_TRUE(s.ok()) << s.status() << " in " << text;
  if (!s.ok()) return nullptr;
  return std::make_shared<const registry::AvroSchema>(std::move(*s));
}

// Schemas by id, as a registry would have them; counts lookups.
class FakeSchemaLookup final : public SchemaLookup {
 public:
  void Add(int32_t id, std::string_view text) { schemas_[id] = ParseSchema(text); }
  // Lookups of `id` fail with `status` (e.g. Unavailable) until cleared.
  void FailWith(int32_t id, Status status) { failures_[id] = std::move(status); }
  void ClearFailure(int32_t id) { failures_.erase(id); }

  Result<std::shared_ptr<const registry::AvroSchema>> AvroSchemaById(int32_t id) override {
    ++lookups_;
    if (auto f = failures_.find(id); f != failures_.end()) return f->second;
    auto it = schemas_.find(id);
    if (it == schemas_.end()) return absl::NotFoundError("no such schema");
    return it->second;
  }
  int lookups() const { return lookups_; }

 private:
  std::map<int32_t, std::shared_ptr<const registry::AvroSchema>> schemas_;
  std::map<int32_t, Status> failures_;
  int lookups_ = 0;
};

// `json` (Avro's JSON encoding) as a Confluent-framed datum of `schema` with id `id`.
inline std::string Framed(int32_t id, std::string_view schema, std::string_view json) {
  auto parsed = ParseSchema(schema);
  ByteBuffer out;
  Status s = format::EncodeConfluentAvroJson(nlohmann::json::parse(json), *parsed, id, &out);
  EXPECT_TRUE(s.ok()) << s << " for " << json;
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

inline std::optional<ByteView> Bytes(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return ByteView(reinterpret_cast<const uint8_t*>(s->data()), s->size());
}

// "+ 1 | ann" / "- 2 | bo" per row.
inline std::vector<std::string> Lines(const DecodedRecord& record) {
  std::vector<std::string> lines;
  for (const DecodedRow& row : record.rows()) {
    std::string line = row.op == sql::RowOp::kInsert ? "+" : "-";
    for (size_t i = 0; i < row.values.size(); ++i) {
      line += i == 0 ? " " : " | ";
      line += row.values[i].ToString();
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// Decodes one record and returns its lines, or "error: <reason>".
inline std::vector<std::string> DecodeLines(RecordDecoder& decoder,
                                            const std::optional<std::string>& key,
                                            const std::optional<std::string>& value) {
  DecodedRecord out;
  Status s = decoder.Decode(Bytes(key), Bytes(value), out);
  if (!s.ok()) return {fmt::format("error: {}", s.message())};
  return Lines(out);
}

}  // namespace oxbow::stream::testing
