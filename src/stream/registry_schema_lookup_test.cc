#include "stream/registry_schema_lookup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "registry/registry_record.h"
#include "registry/schema_registry.h"

namespace oxbow::stream {
namespace {

// The registry's records kept in memory.
class MemoryStore : public registry::RecordStore {
 public:
  Status Append(std::span<const registry::RegistryRecord> records) override {
    for (const auto& r : records) {
      log_.emplace_back(registry::EncodeRecordKey(r.key), registry::EncodeRecordValue(r));
    }
    return absl::OkStatus();
  }
  Status ReadAll(RecordFn fn) override {
    for (const auto& [k, v] : log_) fn(k, v ? std::optional<std::string_view>(*v) : std::nullopt);
    return absl::OkStatus();
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> log_;
};

TEST(RegistrySchemaLookupTest, FindsAvroSchemasByIdAndRefusesOthers) {
  MemoryStore store;
  auto registry = registry::SchemaRegistry::Open(store);
  ASSERT_TRUE(registry.ok()) << registry.status();
  registry::RegisterRequest avro;
  avro.schema = R"({"type": "record", "name": "R", "fields": [{"name": "a", "type": "long"}]})";
  auto avro_id = (*registry)->Register("t-value", avro);
  ASSERT_TRUE(avro_id.ok());
  registry::RegisterRequest json;
  json.type = registry::SchemaType::kJson;
  json.schema = R"({"type": "object"})";
  auto json_id = (*registry)->Register("j-value", json);
  ASSERT_TRUE(json_id.ok());

  format::TopicSchemas topic_schemas(**registry);
  RegistrySchemaLookup lookup(topic_schemas);
  auto found = lookup.AvroSchemaById(avro_id->id);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ((*found)->root().full_name, "R");
  EXPECT_EQ(lookup.AvroSchemaById(999).status().code(), absl::StatusCode::kNotFound);
  auto not_avro = lookup.AvroSchemaById(json_id->id);
  EXPECT_EQ(not_avro.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(not_avro.status().message(), "not an Avro schema (JSON)");
}

}  // namespace
}  // namespace oxbow::stream
