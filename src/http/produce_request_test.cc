#include "http/produce_request.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oxbow::http {
namespace {

using ::testing::HasSubstr;

ProduceRequest Parse(EmbeddedFormat format, std::string_view body, SchemaEncoder* avro = nullptr) {
  auto r = ParseProduceRequest("t", format, body, avro);
  if (auto* e = std::get_if<RestError>(&r)) {
    ADD_FAILURE() << e->error_code << ": " << e->message;
    return {};
  }
  return std::get<ProduceRequest>(std::move(r));
}

RestError Error(EmbeddedFormat format, std::string_view body, SchemaEncoder* avro = nullptr) {
  auto r = ParseProduceRequest("t", format, body, avro);
  if (auto* e = std::get_if<RestError>(&r)) return *e;
  ADD_FAILURE() << "parsed: " << body;
  return {};
}

TEST(ProduceRequestTest, MediaTypesChooseTheEmbeddedFormat) {
  EXPECT_EQ(std::get<EmbeddedFormat>(FormatForMediaType("application/vnd.kafka.json.v2+json")),
            EmbeddedFormat::kJson);
  EXPECT_EQ(std::get<EmbeddedFormat>(FormatForMediaType("application/vnd.kafka.binary.v2+json")),
            EmbeddedFormat::kBinary);
  EXPECT_EQ(std::get<EmbeddedFormat>(FormatForMediaType("application/vnd.kafka.avro.v2+json")),
            EmbeddedFormat::kAvro);
  EXPECT_EQ(std::get<EmbeddedFormat>(FormatForMediaType("application/json")),
            EmbeddedFormat::kPlainJson);
  for (std::string_view bad :
       {"", "text/plain", "application/vnd.kafka.v2+json", "application/x-www-form-urlencoded"}) {
    auto r = FormatForMediaType(bad);
    ASSERT_TRUE(std::holds_alternative<RestError>(r)) << bad;
    EXPECT_EQ(std::get<RestError>(r).error_code, 415);
    EXPECT_EQ(std::get<RestError>(r).http_status(), 415);
    EXPECT_THAT(std::get<RestError>(r).message, HasSubstr("unsupported Content-Type"));
  }
}

TEST(ProduceRequestTest, JsonKeysAndValuesAreStoredAsCompactJsonTextInTheirOrder) {
  ProduceRequest r = Parse(EmbeddedFormat::kJson, R"({"records":[
      {"key": "k1", "value": {"z": 1, "a": [1, 2.5, "x"], "m": null}},
      {"value": 42, "partition": 3},
      {"key": null, "value": null},
      {"key": {"id": 7}, "value": "caf\u00e9"}]})");
  ASSERT_EQ(r.records.size(), 4u);
  EXPECT_EQ(r.records[0].key, "\"k1\"");
  EXPECT_EQ(r.records[0].value, R"({"z":1,"a":[1,2.5,"x"],"m":null})");
  EXPECT_EQ(r.records[0].partition, std::nullopt);
  EXPECT_EQ(r.records[1].key, std::nullopt);
  EXPECT_EQ(r.records[1].value, "42");
  EXPECT_EQ(r.records[1].partition, 3);
  EXPECT_EQ(r.records[2].value, std::nullopt);
  EXPECT_EQ(r.records[3].key, R"({"id":7})");
  EXPECT_EQ(r.records[3].value, "\"caf\xc3\xa9\"");
  EXPECT_EQ(r.key_schema_id, std::nullopt);
}

TEST(ProduceRequestTest, BinaryKeysAndValuesAreBase64) {
  ProduceRequest r =
      Parse(EmbeddedFormat::kBinary, R"({"records":[{"key":"a2V5","value":"AAEC/w=="}]})");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].key, "key");
  EXPECT_EQ(r.records[0].value, std::string("\x00\x01\x02\xff", 4));
  EXPECT_THAT(Error(EmbeddedFormat::kBinary, R"({"records":[{"value":"not base64!"}]})").message,
              HasSubstr("records[0].value must be a base64 string"));
  EXPECT_EQ(Error(EmbeddedFormat::kBinary, R"({"records":[{"value":5}]})").error_code, 422);
}

TEST(ProduceRequestTest, PlainJsonIsOneValueOrAnArrayOfValuesWithoutKeys) {
  ProduceRequest one = Parse(EmbeddedFormat::kPlainJson, R"({"user": "ann", "n": 1})");
  ASSERT_EQ(one.records.size(), 1u);
  EXPECT_EQ(one.records[0].key, std::nullopt);
  EXPECT_EQ(one.records[0].value, R"({"user":"ann","n":1})");
  // An object that happens to have "records" is still just a value here.
  ProduceRequest wrapped = Parse(EmbeddedFormat::kPlainJson, R"({"records":[1]})");
  ASSERT_EQ(wrapped.records.size(), 1u);
  EXPECT_EQ(wrapped.records[0].value, R"({"records":[1]})");
  ProduceRequest many = Parse(EmbeddedFormat::kPlainJson, R"([{"a":1}, {"b":2}, "s"])");
  ASSERT_EQ(many.records.size(), 3u);
  EXPECT_EQ(many.records[1].value, R"({"b":2})");
  EXPECT_EQ(many.records[2].value, R"("s")");
  EXPECT_THAT(Error(EmbeddedFormat::kPlainJson, "[]").message, HasSubstr("nothing to produce"));
}

TEST(ProduceRequestTest, InvalidJsonAndWrongShapesAre422SayingWhere) {
  RestError e = Error(EmbeddedFormat::kJson, R"({"records":[{"value": tru}]})");
  EXPECT_EQ(e.error_code, 422);
  EXPECT_EQ(e.http_status(), 422);
  EXPECT_THAT(e.message, HasSubstr("not valid JSON: parse error at line 1, column"));
  EXPECT_THAT(Error(EmbeddedFormat::kPlainJson, "").message, HasSubstr("not valid JSON"));
  EXPECT_THAT(Error(EmbeddedFormat::kJson, R"({"value": 1})").message,
              HasSubstr("must be a JSON object with a \"records\" array"));
  EXPECT_THAT(Error(EmbeddedFormat::kJson, R"([{"value": 1}])").message,
              HasSubstr("\"records\" array"));
  EXPECT_THAT(Error(EmbeddedFormat::kJson, R"({"records": []})").message,
              HasSubstr("\"records\" is empty"));
  EXPECT_THAT(Error(EmbeddedFormat::kJson, R"({"records": [1]})").message,
              HasSubstr("records[0] must be an object"));
  EXPECT_THAT(
      Error(EmbeddedFormat::kJson, R"({"records": [{"value":1}, {"value":2,"partition":-1}]})")
          .message,
      HasSubstr("records[1].partition must be a partition number (0 or more), not -1"));
  EXPECT_THAT(Error(EmbeddedFormat::kJson, R"({"records": [{"value":1,"partition":"0"}]})").message,
              HasSubstr("records[0].partition"));
  EXPECT_THAT(Error(EmbeddedFormat::kJson, R"({"records": [{"value":1,"partition":1.5}]})").message,
              HasSubstr("records[0].partition"));
}

TEST(ProduceRequestTest, DeepNestingIsRefusedBeforeParsing) {
  std::string deep(100000, '[');
  EXPECT_THAT(Error(EmbeddedFormat::kPlainJson, deep).message,
              HasSubstr("nests deeper than 256 levels"));
  // Brackets inside strings do not count.
  std::string in_string = "\"" + std::string(1000, '[') + "\"";
  EXPECT_EQ(Parse(EmbeddedFormat::kPlainJson, in_string).records.size(), 1u);
}

TEST(ProduceRequestTest, AvroWithoutTheRegistryIs415SayingWhy) {
  RestError e =
      Error(EmbeddedFormat::kAvro, R"({"value_schema":"\"string\"","records":[{"value":"x"}]})");
  EXPECT_EQ(e.error_code, 415);
  EXPECT_THAT(e.message, HasSubstr("needs the schema registry"));
}

// Stands in for the registry's encoder: checks what it is given and tags the bytes.
class FakeEncoder : public SchemaEncoder {
 public:
  std::variant<Encoded, RestError> Encode(std::string_view topic, bool is_key,
                                          std::string_view schema, std::optional<int32_t> id,
                                          const nlohmann::ordered_json& value) override {
    if (schema.empty() && !id)
      return RestError{is_key ? kKeySchemaMissing : kValueSchemaMissing, "no schema"};
    if (id == 404) return RestError{40403, "Schema 404 not found"};
    if (value.is_boolean()) return RestError{kRecordSchemaMismatch, "expected string, got true"};
    return Encoded{fmt::format("{}:{}:{}", topic, is_key ? "k" : "v", value.dump()),
                   id ? *id : static_cast<int32_t>(schema.size())};
  }
  std::optional<std::string> Validate(std::string_view, bool,
                                      const std::optional<std::string>&) override {
    return std::nullopt;
  }
};

TEST(ProduceRequestTest, AvroGoesThroughTheSchemaEncoder) {
  FakeEncoder avro;
  ProduceRequest r = Parse(EmbeddedFormat::kAvro,
                           R"({"key_schema_id": 7, "value_schema": "\"string\"",
                               "records":[{"key": 1, "value": "x"}, {"value": "y"}]})",
                           &avro);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].key, "t:k:1");
  EXPECT_EQ(r.records[0].value, "t:v:\"x\"");
  EXPECT_EQ(r.records[1].key, std::nullopt);
  EXPECT_EQ(r.key_schema_id, 7);
  EXPECT_EQ(r.value_schema_id, 8);  // the fake's "id" for an inline schema: its length
  RestError e = Error(EmbeddedFormat::kAvro, R"({"records":[{"value":"x"}]})", &avro);
  EXPECT_EQ(e.error_code, 42202);
  EXPECT_EQ(e.http_status(), 422);
}

TEST(ProduceRequestTest, AvroRecordThatDoesNotMatchFailsAloneNamingTheRecord) {
  FakeEncoder avro;
  ProduceRequest r = Parse(EmbeddedFormat::kAvro,
                           R"({"value_schema_id": 3,
                               "records":[{"value": "x"}, {"value": true}, {"value": "z"}]})",
                           &avro);
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_FALSE(r.records[0].error);
  ASSERT_TRUE(r.records[1].error);
  EXPECT_EQ(r.records[1].error->error_code, 42203);
  EXPECT_EQ(r.records[1].error->message, "records[1].value: expected string, got true");
  EXPECT_EQ(r.records[2].value, "t:v:\"z\"");
  EXPECT_EQ(r.value_schema_id, 3);
  // An unknown schema fails the whole request with the registry's code.
  RestError e =
      Error(EmbeddedFormat::kAvro, R"({"value_schema_id":404,"records":[{"value":"x"}]})", &avro);
  EXPECT_EQ(e.error_code, 40403);
  EXPECT_EQ(e.http_status(), 404);
}

}  // namespace
}  // namespace oxbow::http
