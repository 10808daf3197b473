// The HTTP API's request and answer shapes, calling the endpoints directly (the e2e test
// tests/e2e/schema_registry_test.sh drives them over a socket with curl).
#include "registry/registry_api.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "registry/registry_http.h"

namespace oxbow::registry {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

class NullStore : public RecordStore {
 public:
  Status Append(std::span<const RegistryRecord>) override { return absl::OkStatus(); }
  Status ReadAll(RecordFn) override { return absl::OkStatus(); }
};

class RegistryApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::move(*SchemaRegistry::Open(store_));
    api_ = std::make_unique<RegistryApi>(*registry_);
  }
  static net::Request Req(std::map<std::string, std::string, std::less<>> params,
                          std::string body = "",
                          std::string content_type = "application/vnd.schemaregistry.v1+json") {
    net::Request r;
    r.path_params = std::move(params);
    r.body = std::move(body);
    if (!content_type.empty()) r.headers.emplace("Content-Type", content_type);
    return r;
  }
  // The answer's JSON; fails the test unless the status is `status`.
  static Json Body(const net::Response& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    return Json::parse(r.body, nullptr, false);
  }

  NullStore store_;
  std::unique_ptr<SchemaRegistry> registry_;
  std::unique_ptr<RegistryApi> api_;
};

TEST_F(RegistryApiTest, RegisterAndRead) {
  net::Response r = api_->Register(Req({{"subject", "s"}}, R"({"schema":"{\"type\":\"int\"}"})"));
  EXPECT_EQ(r.content_type, "application/vnd.schemaregistry.v1+json");
  EXPECT_EQ(Body(r, 200), Json::parse(R"({"id":1})"));
  r = api_->GetVersion(Req({{"subject", "s"}, {"version", "latest"}}));
  EXPECT_EQ(r.body, R"({"subject":"s","version":1,"id":1,"schema":"\"int\""})");
  r = api_->GetVersionSchemaText(Req({{"subject", "s"}, {"version", "1"}}));
  EXPECT_EQ(r.body, R"("int")");
  r = api_->GetSchemaById(Req({{"id", "1"}}));
  EXPECT_EQ(r.body, R"({"schema":"\"int\""})");
  r = api_->Register(
      Req({{"subject", "j"}}, R"({"schemaType":"JSON","schema":"{\"type\":\"string\"}"})"));
  EXPECT_EQ(Body(r, 200)["id"], 2);
  r = api_->GetSchemaById(Req({{"id", "2"}}));
  EXPECT_EQ(r.body, R"({"schema":"{\"type\":\"string\"}","schemaType":"JSON"})");
  r = api_->GetVersion(Req({{"subject", "j"}, {"version", "1"}}));
  EXPECT_EQ(r.body, R"({"subject":"j","version":1,"id":2,"schemaType":"JSON",)"
                    R"("schema":"{\"type\":\"string\"}"})");
  EXPECT_EQ(Body(api_->SchemaTypes(Req({})), 200), Json::parse(R"(["JSON","AVRO"])"));
  EXPECT_EQ(api_->Root(Req({})).body, "{}");
}

TEST_F(RegistryApiTest, ContentTypes) {
  std::string body = R"({"schema":"\"int\""})";
  for (std::string type :
       {"application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
        "application/json", "application/json; charset=utf-8", ""}) {
    EXPECT_EQ(api_->Register(Req({{"subject", "s"}}, body, type)).status, 200) << type;
  }
  net::Response r = api_->Register(Req({{"subject", "s"}}, body, "text/plain"));
  Json j = Body(r, 415);
  EXPECT_EQ(j["error_code"], 415);
  EXPECT_THAT(j["message"].get<std::string>(), HasSubstr("text/plain"));
  // Answers follow Accept.
  net::Request req = Req({});
  req.headers.emplace("Accept", "application/json");
  EXPECT_EQ(api_->SchemaTypes(req).content_type, "application/json");
}

TEST_F(RegistryApiTest, BadBodies) {
  Json j = Body(api_->Register(Req({{"subject", "s"}}, "{not json")), 400);
  EXPECT_EQ(j["error_code"], 400);
  EXPECT_EQ(Body(api_->Register(Req({{"subject", "s"}}, "[]")), 422)["error_code"], 422);
  EXPECT_EQ(Body(api_->Register(Req({{"subject", "s"}}, R"({"schema":5})")), 422)["error_code"],
            422);
  j = Body(api_->Register(Req({{"subject", "s"}}, R"({"schema":"1","schemaType":"PROTOBUF"})")),
           422);
  EXPECT_EQ(j["error_code"], 42201);
  EXPECT_THAT(j["message"].get<std::string>(), HasSubstr("PROTOBUF"));
  EXPECT_EQ(Body(api_->Register(Req({{"subject", "s"}}, "{}")), 422)["error_code"], 42201);
  EXPECT_EQ(Body(api_->Register(
                     Req({{"subject", "s"}}, R"({"schema":"\"int\"","references":[{"name":1}]})")),
                 422)["error_code"],
            422);
  EXPECT_EQ(Body(api_->GetSchemaById(Req({{"id", "x"}})), 404)["error_code"], 40403);
  EXPECT_EQ(Body(api_->GetVersion(Req({{"subject", "s"}, {"version", "0"}})), 422)["error_code"],
            42202);
}

TEST_F(RegistryApiTest, ConfigAndMode) {
  EXPECT_EQ(api_->GetConfig(Req({})).body, R"({"compatibilityLevel":"BACKWARD"})");
  Json j = Body(api_->GetConfig(Req({{"subject", "s"}})), 404);
  EXPECT_EQ(j["error_code"], 40408);
  net::Request to_global = Req({{"subject", "s"}});
  to_global.query.emplace_back("defaultToGlobal", "true");
  EXPECT_EQ(api_->GetConfig(to_global).body, R"({"compatibilityLevel":"BACKWARD"})");
  EXPECT_EQ(api_->PutConfig(Req({{"subject", "s"}}, R"({"compatibility":"full"})")).body,
            R"({"compatibility":"FULL"})");
  EXPECT_EQ(api_->PutConfig(Req({}, R"({"compatibilityLevel":"NONE"})")).body,
            R"({"compatibility":"NONE"})");
  EXPECT_EQ(api_->GetConfig(Req({{"subject", "s"}})).body, R"({"compatibilityLevel":"FULL"})");
  j = Body(api_->PutConfig(Req({}, R"({"compatibility":"SOMETIMES"})")), 422);
  EXPECT_EQ(j["error_code"], 42203);
  EXPECT_EQ(api_->DeleteConfig(Req({{"subject", "s"}})).body, R"({"compatibilityLevel":"FULL"})");
  EXPECT_EQ(Body(api_->DeleteConfig(Req({{"subject", "s"}})), 404)["error_code"], 40401);

  EXPECT_EQ(api_->GetMode(Req({})).body, R"({"mode":"READWRITE"})");
  EXPECT_EQ(api_->PutMode(Req({}, R"({"mode":"readonly"})")).body, R"({"mode":"READONLY"})");
  EXPECT_EQ(Body(api_->PutMode(Req({}, R"({"mode":"X"})")), 422)["error_code"], 42204);
  EXPECT_EQ(Body(api_->GetMode(Req({{"subject", "s"}})), 404)["error_code"], 40409);
  j = Body(api_->Register(Req({{"subject", "s"}}, R"({"schema":"\"int\""})")), 422);
  EXPECT_EQ(j["error_code"], 42205);
}

TEST_F(RegistryApiTest, Compatibility) {
  api_->Register(Req({{"subject", "s"}}, R"({"schema":"\"int\""})"));
  net::Request req = Req({{"subject", "s"}, {"version", "latest"}}, R"({"schema":"\"string\""})");
  EXPECT_EQ(api_->CheckCompatibility(req).body, R"({"is_compatible":false})");
  req.query.emplace_back("verbose", "true");
  Json j = Body(api_->CheckCompatibility(req), 200);
  EXPECT_EQ(j["is_compatible"], false);
  ASSERT_EQ(j["messages"].size(), 1u);
  EXPECT_THAT(j["messages"][0].get<std::string>(), HasSubstr("TYPE_MISMATCH"));
  req = Req({{"subject", "s"}}, R"({"schema":"\"long\""})");
  EXPECT_EQ(api_->CheckCompatibility(req).body, R"({"is_compatible":true})");
  j = Body(api_->Register(Req({{"subject", "s"}}, R"({"schema":"\"string\""})")), 409);
  EXPECT_EQ(j["error_code"], 409);
}

}  // namespace
}  // namespace oxbow::registry
