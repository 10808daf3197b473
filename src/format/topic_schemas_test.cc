#include "format/topic_schemas.h"

#include <vector>

#include "fmt/format.h"
#include "format/avro_decoder.h"
#include "format/avro_json.h"
#include "format/confluent_framing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "log/record_batch_builder.h"
#include "registry/avro_parser.h"
#include "registry/registry_record.h"

namespace oxbow::format {
namespace {

using ::testing::HasSubstr;

// The registry's records kept in memory: enough for a SchemaRegistry in a unit test.
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

constexpr std::string_view kOrder =
    R"({"type":"record","name":"Order","fields":[{"name":"id","type":"long"},)"
    R"({"name":"item","type":"string"}]})";
constexpr std::string_view kOrderV2 =
    R"({"type":"record","name":"Order","fields":[{"name":"id","type":"long"},)"
    R"({"name":"item","type":"string"},{"name":"qty","type":"int","default":1}]})";

std::string Msg(const Status& s) { return std::string(s.message()); }

class TopicSchemasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = registry::SchemaRegistry::Open(store_);
    ASSERT_TRUE(r.ok()) << r.status();
    registry_ = std::move(*r);
    schemas_ = std::make_unique<TopicSchemas>(*registry_);
  }

  int32_t Register(std::string_view subject, std::string_view schema) {
    registry::RegisterRequest req;
    req.schema = std::string(schema);
    auto r = registry_->Register(std::string(subject), req);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->id : -1;
  }

  MemoryStore store_;
  std::unique_ptr<registry::SchemaRegistry> registry_;
  std::unique_ptr<TopicSchemas> schemas_;
};

TEST_F(TopicSchemasTest, SubjectsFollowTopicNameStrategy) {
  EXPECT_EQ(SubjectFor("orders", false), "orders-value");
  EXPECT_EQ(SubjectFor("orders", true), "orders-key");
}

TEST_F(TopicSchemasTest, SchemaTextIsRegisteredUnderTheSubjectOnce) {
  auto id = schemas_->Resolve("orders", false, kOrder, std::nullopt);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*registry_->ListVersions("orders-value", false), std::vector<int32_t>{1});
  auto again = schemas_->Resolve("orders", false, kOrder, std::nullopt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *id);
  // An evolution is a new version; an incompatible schema is the registry's 409.
  auto v2 = schemas_->Resolve("orders", false, kOrderV2, std::nullopt);
  ASSERT_TRUE(v2.ok());
  EXPECT_NE(*v2, *id);
  auto bad = schemas_->Resolve("orders", false, R"("string")", std::nullopt);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().error_code, registry::kIncompatibleSchema);
  auto invalid = schemas_->Resolve("orders", true, R"({"type":"recrd"})", std::nullopt);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().error_code, registry::kInvalidSchema);
}

TEST_F(TopicSchemasTest, SchemaIdMustExist) {
  int32_t id = Register("other-value", kOrder);
  auto found = schemas_->Resolve("orders", false, "", id);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, id);
  auto missing = schemas_->Resolve("orders", false, "", 999);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().error_code, registry::kSchemaNotFound);
}

TEST_F(TopicSchemasTest, EncodeJsonIsConfluentFramedAvroThatDecodesBack) {
  int32_t id = Register("orders-value", kOrder);
  auto bytes = schemas_->EncodeJson(id, nlohmann::json::parse(R"({"id":7,"item":"tea"})"));
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  auto frame = ParseConfluentFrame(AsBytes(*bytes));
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->schema_id, id);
  auto schema = registry::ParseAvroSchema(kOrder);
  ASSERT_TRUE(schema.ok());
  auto decoder = AvroDecoder::Compile(*schema);
  ASSERT_TRUE(decoder.ok());
  AvroValue value;
  ASSERT_TRUE(decoder->Decode(frame->payload, &value).ok());
  auto json = AvroValueToJson(value, *schema);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(json->dump(), R"({"id":7,"item":"tea"})");

  auto mismatch = schemas_->EncodeJson(id, nlohmann::json::parse(R"({"id":"7","item":"tea"})"));
  EXPECT_EQ(mismatch.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(mismatch.status()), HasSubstr(".id"));
  EXPECT_EQ(schemas_->EncodeJson(12345, nlohmann::json::object()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(TopicSchemasTest, ValidateChecksFramingSubjectAndDecoding) {
  int32_t id = Register("orders-value", kOrder);
  int32_t other = Register("payments-value", R"({"type":"record","name":"P","fields":[]})");
  auto good = schemas_->EncodeJson(id, nlohmann::json::parse(R"({"id":1,"item":"x"})"));
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(schemas_->Validate("orders", false, AsBytes(*good)).ok());
  EXPECT_TRUE(schemas_->Validate("orders", false, std::nullopt).ok());  // tombstone

  Status s = schemas_->Validate("orders", false, AsBytes(R"({"id":1})"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr("not Confluent framing"));

  s = schemas_->Validate("orders", true, AsBytes(*good));  // no orders-key subject
  EXPECT_THAT(Msg(s), HasSubstr(fmt::format("schema id {} is not registered under subject "
                                            "orders-key",
                                            id)));
  ByteBuffer framed_other;
  AppendConfluentHeader(other, &framed_other);
  s = schemas_->Validate("orders", false, framed_other.view());
  EXPECT_THAT(Msg(s), HasSubstr("not registered under subject orders-value"));

  std::string truncated = good->substr(0, good->size() - 2);
  s = schemas_->Validate("orders", false, AsBytes(truncated));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr(fmt::format("does not decode with schema id {}", id)));
}

TEST_F(TopicSchemasTest, ValidateRecordSetNamesTheRecord) {
  int32_t id = Register("orders-value", kOrder);
  auto good = schemas_->EncodeJson(id, nlohmann::json::parse(R"({"id":1,"item":"x"})"));
  ASSERT_TRUE(good.ok());
  log::RecordBatchBuilder builder({});
  builder.Add(TimestampMs(1), std::nullopt, AsBytes(*good));
  builder.Add(TimestampMs(1), AsBytes("plain key"), AsBytes(*good));
  builder.Add(TimestampMs(1), std::nullopt, AsBytes("not framed"));
  auto batch = builder.Build();
  ASSERT_TRUE(batch.ok());

  log::TopicConfig config;
  EXPECT_TRUE(schemas_->ValidateRecordSet("orders", config, batch->view()).ok());  // off
  config.value_schema_validation = true;
  Status s = schemas_->ValidateRecordSet("orders", config, batch->view());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Msg(s), HasSubstr("batch 0, record 2 (offset delta 2): value: not Confluent"));
  config.value_schema_validation = false;
  config.key_schema_validation = true;
  s = schemas_->ValidateRecordSet("orders", config, batch->view());
  EXPECT_THAT(Msg(s), HasSubstr("batch 0, record 1 (offset delta 1): key: not Confluent"));

  std::string corrupt(reinterpret_cast<const char*>(batch->data()), batch->size() - 1);
  EXPECT_EQ(schemas_->ValidateRecordSet("orders", config, AsBytes(corrupt)).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace oxbow::format
