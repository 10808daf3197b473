#include "registry/schema_registry.h"

#include <map>
#include <set>
#include <thread>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/file.h"
#include "log/log_manager.h"
#include "registry/schemas_topic.h"
#include "testing/temp_dir.h"

namespace oxbow::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Records as encoded bytes, in order; can fail appends and compact like a Kafka topic.
class MemoryStore : public RecordStore {
 public:
  Status Append(std::span<const RegistryRecord> records) override {
    if (fail) return absl::UnavailableError("disk full");
    for (const RegistryRecord& r : records) {
      log.emplace_back(EncodeRecordKey(r.key), EncodeRecordValue(r));
    }
    return absl::OkStatus();
  }
  Status ReadAll(RecordFn fn) override {
    for (const auto& [k, v] : log) {
      fn(k, v ? std::optional<std::string_view>(*v) : std::nullopt);
    }
    return absl::OkStatus();
  }
  // What compaction leaves once tombstones expire: the last record of each key, in order,
  // without tombstones.
  void Compact() {
    std::map<std::string, size_t> last;
    for (size_t i = 0; i < log.size(); ++i) last[log[i].first] = i;
    std::vector<std::pair<std::string, std::optional<std::string>>> kept;
    for (size_t i = 0; i < log.size(); ++i) {
      if (last[log[i].first] == i && log[i].second) kept.push_back(log[i]);
    }
    log = std::move(kept);
  }

  std::vector<std::pair<std::string, std::optional<std::string>>> log;
  bool fail = false;
};

constexpr char kUserV1[] =
    R"({"type":"record","name":"User","namespace":"shop","fields":[{"name":"id","type":"long"}]})";
// Adds a field with a default: BACKWARD compatible with v1.
constexpr char kUserV2[] =
    R"({"type":"record","name":"User","namespace":"shop","fields":[{"name":"id","type":"long"},)"
    R"({"name":"email","type":["null","string"],"default":null}]})";
// Adds a field without a default: not BACKWARD compatible.
constexpr char kUserBad[] =
    R"({"type":"record","name":"User","namespace":"shop","fields":[{"name":"id","type":"long"},)"
    R"({"name":"age","type":"int"}]})";

RegisterRequest Avro(std::string text) {
  RegisterRequest r;
  r.schema = std::move(text);
  return r;
}

RegisterRequest Json(std::string text) {
  RegisterRequest r = Avro(std::move(text));
  r.type = SchemaType::kJson;
  return r;
}

VersionSpec V(int32_t n) { return VersionSpec::Number(n); }

template <typename T>
int Code(const RegistryResult<T>& r) {
  return r.ok() ? 0 : r.error().error_code;
}

class SchemaRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    registry_.reset();
    Result<std::unique_ptr<SchemaRegistry>> r = SchemaRegistry::Open(store_);
    ASSERT_TRUE(r.ok()) << r.status();
    registry_ = std::move(*r);
  }
  RegisterResult MustRegister(const std::string& subject, const RegisterRequest& req) {
    RegistryResult<RegisterResult> r = registry_->Register(subject, req);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : RegisterResult{};
  }
  MemoryStore store_;
  std::unique_ptr<SchemaRegistry> registry_;
};

TEST_F(SchemaRegistryTest, SameSchemaSameIdEverySubject) {
  RegisterResult a = MustRegister("users-value", Avro(kUserV1));
  EXPECT_EQ(a.id, 1);
  EXPECT_EQ(a.version, 1);
  size_t records = store_.log.size();
  // Again, and spelled differently (whitespace, key order, namespace): same id, no new record.
  RegisterResult again = MustRegister("users-value", Avro(kUserV1));
  EXPECT_EQ(again.id, 1);
  EXPECT_EQ(again.version, 1);
  RegisterResult spelled = MustRegister(
      "users-value",
      Avro(R"({ "fields": [ {"type": {"type":"long"}, "name": "id"} ], "name": "shop.User",
                "type": "record" })"));
  EXPECT_EQ(spelled.id, 1);
  EXPECT_EQ(store_.log.size(), records);
  // Another subject: the same id, its own version 1.
  RegisterResult other = MustRegister("audit-value", Avro(kUserV1));
  EXPECT_EQ(other.id, 1);
  EXPECT_EQ(other.version, 1);
  RegisterResult v2 = MustRegister("users-value", Avro(kUserV2));
  EXPECT_EQ(v2.id, 2);
  EXPECT_EQ(v2.version, 2);
  // The same text as JSON Schema is another schema.
  RegisterResult json = MustRegister("j", Json(R"({"type":"object"})"));
  EXPECT_EQ(json.id, 3);

  RegistryResult<std::vector<std::string>> subjects = registry_->SubjectsForId(1, false);
  ASSERT_TRUE(subjects.ok());
  EXPECT_THAT(*subjects, ElementsAre("audit-value", "users-value"));
  EXPECT_THAT(registry_->ListSubjects(false), ElementsAre("audit-value", "j", "users-value"));
  EXPECT_THAT(registry_->ListSubjects(false, "us"), ElementsAre("users-value"));
}

TEST_F(SchemaRegistryTest, StoresAndAnswersTheNormalizedForm) {
  MustRegister("s", Avro(R"({"type": "string"})"));
  RegistryResult<SchemaByIdInfo> s = registry_->GetSchemaById(1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->schema, R"("string")");
  EXPECT_EQ(s->type, SchemaType::kAvro);
  RegistryResult<SchemaVersionInfo> v = registry_->GetVersion("s", VersionSpec::Latest(), false);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->schema, R"("string")");
  EXPECT_EQ(v->id, 1);
  EXPECT_EQ(v->version, 1);
}

TEST_F(SchemaRegistryTest, CompatibilityDecidesNewVersions) {
  MustRegister("users-value", Avro(kUserV1));
  RegistryResult<RegisterResult> bad = registry_->Register("users-value", Avro(kUserBad));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().http_status, 409);
  EXPECT_EQ(bad.error().error_code, 409);
  EXPECT_THAT(bad.error().message,
              HasSubstr("Schema being registered is incompatible with an earlier schema for "
                        "subject \"users-value\", details: [BACKWARD: the new schema cannot read "
                        "data written with earlier version 1: READER_FIELD_MISSING_DEFAULT_VALUE"));
  // The subject's own level wins over the global one.
  ASSERT_TRUE(registry_->SetCompatibility("users-value", CompatibilityLevel::kNone).ok());
  EXPECT_EQ(MustRegister("users-value", Avro(kUserBad)).version, 2);
  // A schema of another type is never compatible.
  ASSERT_TRUE(registry_->SetCompatibility("users-value", CompatibilityLevel::kBackward).ok());
  EXPECT_EQ(Code(registry_->Register("users-value", Json("{}"))), 409);
}

TEST_F(SchemaRegistryTest, TransitiveLevelsCheckEveryLiveVersion) {
  ASSERT_TRUE(
      registry_->SetCompatibility(std::nullopt, CompatibilityLevel::kBackwardTransitive).ok());
  MustRegister("s", Avro(kUserV1));
  MustRegister("s", Avro(R"({"type":"record","name":"User","namespace":"shop","fields":[)"
                         R"({"name":"id","type":"long"},{"name":"f","type":"int","default":1}]})"));
  // Reads v2 (has f) but not v1 (no f and no default now).
  RegistryResult<RegisterResult> r =
      registry_->Register("s", Avro(R"({"type":"record","name":"User","namespace":"shop",)"
                                    R"("fields":[{"name":"id","type":"long"},)"
                                    R"({"name":"f","type":"int"}]})"));
  EXPECT_EQ(Code(r), 409);
  EXPECT_THAT(r.error().message, HasSubstr("earlier version 1"));
  // Once version 1 is soft-deleted, only version 2 counts.
  ASSERT_TRUE(registry_->DeleteVersion("s", V(1), false).ok());
  EXPECT_TRUE(registry_
                  ->Register("s", Avro(R"({"type":"record","name":"User","namespace":"shop",)"
                                       R"("fields":[{"name":"id","type":"long"},)"
                                       R"({"name":"f","type":"int"}]})"))
                  .ok());
}

TEST_F(SchemaRegistryTest, InvalidSchemasAndVersions) {
  RegistryResult<RegisterResult> r = registry_->Register("s", Avro(R"({"type":"strin"})"));
  EXPECT_EQ(Code(r), 42201);
  EXPECT_EQ(r.error().http_status, 422);
  EXPECT_THAT(r.error().message, HasSubstr("Invalid schema: "));
  EXPECT_THAT(r.error().message, HasSubstr("strin"));
  EXPECT_EQ(registry_->Register("s", Avro("  ")).error().message, "Invalid schema: Empty schema");
  EXPECT_EQ(Code(registry_->Register("s", Json("[1]"))), 42201);
  RegisterRequest wrong_version = Avro(kUserV1);
  wrong_version.version = 3;
  EXPECT_EQ(registry_->Register("s", wrong_version).error().message,
            "Invalid schema: Version is not one more than previous version");
  wrong_version.version = 1;
  EXPECT_EQ(MustRegister("s", wrong_version).version, 1);

  for (std::string_view bad : {"0", "-2", "abc", "", "2147483648", "1.5"}) {
    RegistryResult<VersionSpec> v = VersionSpec::Parse(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.error().error_code, 42202);
  }
  EXPECT_EQ(VersionSpec::Parse("0").error().message,
            "The specified version '0' is not a valid version id. Allowed values are between "
            "[1, 2^31-1] and the string \"latest\"");
  EXPECT_TRUE(VersionSpec::Parse("latest")->latest);
  EXPECT_TRUE(VersionSpec::Parse("LATEST")->latest);
  EXPECT_TRUE(VersionSpec::Parse("-1")->latest);
  EXPECT_EQ(VersionSpec::Parse("2147483647")->number, 2147483647);
}

TEST_F(SchemaRegistryTest, NotFoundErrors) {
  EXPECT_EQ(registry_->GetVersion("nope", VersionSpec::Latest(), false).error().message,
            "Subject 'nope' not found.");
  EXPECT_EQ(Code(registry_->ListVersions("nope", true)), 40401);
  MustRegister("s", Avro(kUserV1));
  RegistryResult<SchemaVersionInfo> v = registry_->GetVersion("s", V(2), false);
  EXPECT_EQ(Code(v), 40402);
  EXPECT_EQ(v.error().message, "Version 2 not found.");
  EXPECT_EQ(registry_->GetSchemaById(99).error().message, "Schema 99 not found");
  EXPECT_EQ(Code(registry_->GetSchemaById(-1)), 40403);
  EXPECT_EQ(Code(registry_->SubjectsForId(99, true)), 40403);
  EXPECT_EQ(Code(registry_->VersionsForId(99, true)), 40403);
  EXPECT_EQ(Code(registry_->ReferencedBy("nope", V(1))), 40401);
  EXPECT_EQ(Code(registry_->ReferencedBy("s", V(7))), 40402);
}

TEST_F(SchemaRegistryTest, Lookup) {
  MustRegister("s", Avro(kUserV1));
  MustRegister("s", Avro(kUserV2));
  RegistryResult<SchemaVersionInfo> found = registry_->Lookup("s", Avro(kUserV1), false);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->version, 1);
  EXPECT_EQ(found->id, 1);
  EXPECT_EQ(found->subject, "s");
  EXPECT_EQ(registry_->Lookup("s", Avro(R"("int")"), false).error().message, "Schema not found");
  EXPECT_EQ(Code(registry_->Lookup("t", Avro(kUserV1), false)), 40401);
  EXPECT_EQ(Code(registry_->Lookup("s", Avro("{"), false)), 42201);
  ASSERT_TRUE(registry_->DeleteVersion("s", V(1), false).ok());
  EXPECT_EQ(Code(registry_->Lookup("s", Avro(kUserV1), false)), 40403);
  found = registry_->Lookup("s", Avro(kUserV1), true);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->deleted);
}

TEST_F(SchemaRegistryTest, VersionDeleteRules) {
  MustRegister("s", Avro(kUserV1));
  MustRegister("s", Avro(kUserV2));
  // Permanent before soft: refused.
  RegistryResult<int32_t> r = registry_->DeleteVersion("s", V(1), true);
  EXPECT_EQ(Code(r), 40407);
  EXPECT_EQ(r.error().message,
            "Subject 's' Version 1 was not deleted first before being permanently deleted");
  EXPECT_EQ(*registry_->DeleteVersion("s", V(1), false), 1);
  r = registry_->DeleteVersion("s", V(1), false);
  EXPECT_EQ(Code(r), 40406);
  EXPECT_EQ(r.error().message,
            "Subject 's' Version 1 was soft deleted.Set permanent=true to delete permanently");
  EXPECT_THAT(*registry_->ListVersions("s", false), ElementsAre(2));
  EXPECT_THAT(*registry_->ListVersions("s", true), ElementsAre(1, 2));
  EXPECT_EQ(Code(registry_->GetVersion("s", V(1), false)), 40402);
  EXPECT_TRUE(registry_->GetVersion("s", V(1), true)->deleted);
  // The id stays readable after a soft delete.
  EXPECT_TRUE(registry_->GetSchemaById(1).ok());
  EXPECT_EQ(Code(registry_->VersionsForId(1, false)), 40403);
  EXPECT_EQ(registry_->VersionsForId(1, true)->size(), 1u);
  EXPECT_EQ(*registry_->DeleteVersion("s", V(1), true), 1);
  EXPECT_EQ(Code(registry_->GetVersion("s", V(1), true)), 40402);
  EXPECT_EQ(Code(registry_->GetSchemaById(1)), 40403);
  EXPECT_EQ(Code(registry_->DeleteVersion("s", V(1), true)), 40402);
  EXPECT_EQ(Code(registry_->DeleteVersion("s", V(9), false)), 40402);
  EXPECT_EQ(Code(registry_->DeleteVersion("nope", V(1), false)), 40401);
  // "latest" soft-deletes the newest live version; then the subject has none.
  EXPECT_EQ(*registry_->DeleteVersion("s", VersionSpec::Latest(), false), 2);
  EXPECT_EQ(Code(registry_->GetVersion("s", VersionSpec::Latest(), false)), 40401);
  EXPECT_THAT(registry_->ListSubjects(false), IsEmpty());
  EXPECT_THAT(registry_->ListSubjects(true), ElementsAre("s"));
}

TEST_F(SchemaRegistryTest, SubjectDeleteRules) {
  MustRegister("s", Avro(kUserV1));
  MustRegister("s", Avro(kUserV2));
  RegistryResult<std::vector<int32_t>> r = registry_->DeleteSubject("s", true);
  EXPECT_EQ(Code(r), 40405);
  EXPECT_EQ(r.error().message,
            "Subject 's' was not deleted first before being permanently deleted");
  EXPECT_THAT(*registry_->DeleteSubject("s", false), ElementsAre(1, 2));
  r = registry_->DeleteSubject("s", false);
  EXPECT_EQ(Code(r), 40404);
  EXPECT_EQ(r.error().message,
            "Subject 's' was soft deleted.Set permanent=true to delete permanently");
  EXPECT_EQ(Code(registry_->ListVersions("s", false)), 40401);
  EXPECT_THAT(*registry_->ListVersions("s", true), ElementsAre(1, 2));
  EXPECT_THAT(registry_->ListSubjects(true), ElementsAre("s"));
  EXPECT_THAT(registry_->ListSubjects(false), IsEmpty());
  EXPECT_THAT(*registry_->DeleteSubject("s", true), ElementsAre(1, 2));
  EXPECT_EQ(Code(registry_->DeleteSubject("s", true)), 40401);
  EXPECT_EQ(Code(registry_->DeleteSubject("s", false)), 40401);
  EXPECT_THAT(registry_->ListSubjects(true), IsEmpty());
  // A new start: version 1 again, a new id.
  RegisterResult again = MustRegister("s", Avro(kUserV1));
  EXPECT_EQ(again.version, 1);
  EXPECT_EQ(again.id, 3);
}

TEST_F(SchemaRegistryTest, ReregisteringASoftDeletedSchemaMakesANewVersion) {
  MustRegister("s", Avro(kUserV1));
  ASSERT_TRUE(registry_->DeleteVersion("s", V(1), false).ok());
  RegisterResult r = MustRegister("s", Avro(kUserV1));
  EXPECT_EQ(r.id, 1);
  EXPECT_EQ(r.version, 2);
  // The soft-deleted version 1 of the same schema is gone (as in Confluent).
  EXPECT_THAT(*registry_->ListVersions("s", true), ElementsAre(2));
}

TEST_F(SchemaRegistryTest, IdsAreNeverReused) {
  MustRegister("a", Avro(R"("int")"));
  MustRegister("b", Avro(R"("long")"));
  ASSERT_TRUE(registry_->DeleteSubject("b", false).ok());
  ASSERT_TRUE(registry_->DeleteSubject("b", true).ok());
  EXPECT_EQ(MustRegister("c", Avro(R"("float")")).id, 3);
  ASSERT_TRUE(registry_->DeleteSubject("c", false).ok());
  ASSERT_TRUE(registry_->DeleteSubject("c", true).ok());
  // After compaction the records that carried ids 2 and 3 are gone; restart anyway.
  store_.Compact();
  Reopen();
  EXPECT_EQ(Code(registry_->GetSchemaById(3)), 40403);
  EXPECT_EQ(MustRegister("d", Avro(R"("double")")).id, 4);
  EXPECT_EQ(MustRegister("a", Avro(R"("int")")).id, 1);
}

TEST_F(SchemaRegistryTest, ConfigRules) {
  EXPECT_EQ(registry_->GlobalCompatibility(), CompatibilityLevel::kBackward);
  RegistryResult<CompatibilityLevel> c = registry_->SubjectCompatibility("s", false);
  EXPECT_EQ(Code(c), 40408);
  EXPECT_EQ(c.error().message, "Subject 's' does not have subject-level compatibility configured");
  EXPECT_EQ(*registry_->SubjectCompatibility("s", true), CompatibilityLevel::kBackward);
  ASSERT_TRUE(registry_->SetCompatibility(std::nullopt, CompatibilityLevel::kForward).ok());
  EXPECT_EQ(*registry_->SubjectCompatibility("s", true), CompatibilityLevel::kForward);
  ASSERT_TRUE(registry_->SetCompatibility("s", CompatibilityLevel::kFull).ok());
  EXPECT_EQ(*registry_->SubjectCompatibility("s", false), CompatibilityLevel::kFull);
  // A subject with a setting and no versions is not listed.
  EXPECT_THAT(registry_->ListSubjects(true), IsEmpty());
  EXPECT_EQ(*registry_->DeleteCompatibility("s"), CompatibilityLevel::kFull);
  EXPECT_EQ(Code(registry_->DeleteCompatibility("s")), 40401);
  EXPECT_EQ(*registry_->DeleteCompatibility(std::nullopt), CompatibilityLevel::kForward);
  EXPECT_EQ(registry_->GlobalCompatibility(), CompatibilityLevel::kBackward);
}

TEST_F(SchemaRegistryTest, SoftDeletingASubjectDropsItsSettings) {
  MustRegister("s", Avro(kUserV1));
  ASSERT_TRUE(registry_->SetCompatibility("s", CompatibilityLevel::kNone).ok());
  ASSERT_TRUE(registry_->SetMode("s", Mode::kReadWrite, false).ok());
  ASSERT_TRUE(registry_->DeleteSubject("s", false).ok());
  EXPECT_EQ(Code(registry_->SubjectCompatibility("s", false)), 40408);
  EXPECT_EQ(Code(registry_->SubjectMode("s", false)), 40409);
}

TEST_F(SchemaRegistryTest, ReadOnlyMode) {
  MustRegister("s", Avro(kUserV1));
  ASSERT_TRUE(registry_->SetMode(std::nullopt, Mode::kReadOnly, false).ok());
  EXPECT_EQ(registry_->GlobalMode(), Mode::kReadOnly);
  RegistryResult<RegisterResult> r = registry_->Register("s", Avro(kUserV2));
  EXPECT_EQ(Code(r), 42205);
  EXPECT_EQ(r.error().http_status, 422);
  EXPECT_EQ(r.error().message, "Subject s is in read-only mode");
  // Registering what the subject already has answers its id, as serializers expect.
  EXPECT_EQ(MustRegister("s", Avro(kUserV1)).id, 1);
  EXPECT_EQ(Code(registry_->DeleteVersion("s", V(1), false)), 42205);
  EXPECT_EQ(Code(registry_->DeleteSubject("s", false)), 42205);
  // A subject's own mode wins over the global one.
  ASSERT_TRUE(registry_->SetMode("s", Mode::kReadWrite, false).ok());
  EXPECT_EQ(MustRegister("s", Avro(kUserV2)).version, 2);
  EXPECT_EQ(*registry_->SubjectMode("s", false), Mode::kReadWrite);
  EXPECT_EQ(*registry_->SubjectMode("t", true), Mode::kReadOnly);
  EXPECT_EQ(Code(registry_->SubjectMode("t", false)), 40409);
  EXPECT_EQ(*registry_->DeleteMode("s"), Mode::kReadWrite);
  EXPECT_EQ(Code(registry_->DeleteMode("s")), 40401);
  EXPECT_EQ(Code(registry_->Register("s", Avro(R"("int")"))), 42205);
}

TEST_F(SchemaRegistryTest, ImportMode) {
  MustRegister("s", Avro(kUserV1));
  RegistryResult<Mode> m = registry_->SetMode(std::nullopt, Mode::kImport, false);
  EXPECT_EQ(Code(m), 42205);
  EXPECT_EQ(m.error().message, "Cannot import since found existing subjects");
  RegisterRequest with_id = Avro(R"("int")");
  with_id.id = 100;
  EXPECT_EQ(registry_->Register("t", with_id).error().message, "Subject t is not in import mode");

  ASSERT_TRUE(registry_->SetMode("t", Mode::kImport, false).ok());  // t has no versions
  EXPECT_EQ(registry_->Register("t", Avro(R"("long")")).error().message,
            "Subject t is not in read-write mode");
  with_id.version = 5;
  RegisterResult imported = MustRegister("t", with_id);
  EXPECT_EQ(imported.id, 100);
  EXPECT_EQ(imported.version, 5);
  // No compatibility checks while importing; an id that is another schema is refused.
  RegisterRequest other = Avro(R"({"type":"record","name":"R","fields":[]})");
  other.id = 101;
  EXPECT_EQ(MustRegister("t", other).version, 6);
  RegisterRequest clash = Avro(R"("string")");
  clash.id = 100;
  EXPECT_EQ(registry_->Register("t", clash).error().message,
            "Overwrite new schema with id 100 is not permitted.");
  // Back to READWRITE: new ids continue after the imported ones.
  ASSERT_TRUE(registry_->DeleteMode("t").ok());
  EXPECT_EQ(MustRegister("u", Avro(R"("bytes")")).id, 102);
  EXPECT_TRUE(registry_->SetMode(std::nullopt, Mode::kImport, true).ok());
}

TEST_F(SchemaRegistryTest, CompatibilityChecks) {
  RegistryResult<CompatibilityResult> r =
      registry_->CheckCompatibility("s", VersionSpec::Latest(), Avro(kUserV1), false);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->compatible);
  EXPECT_EQ(Code(registry_->CheckCompatibility("s", V(1), Avro(kUserV1), false)), 40401);
  MustRegister("s", Avro(kUserV1));
  EXPECT_EQ(Code(registry_->CheckCompatibility("s", V(2), Avro(kUserV1), false)), 40402);
  r = registry_->CheckCompatibility("s", VersionSpec::Latest(), Avro(kUserV2), true);
  EXPECT_TRUE(r->compatible);
  EXPECT_THAT(r->messages, IsEmpty());
  r = registry_->CheckCompatibility("s", std::nullopt, Avro(kUserBad), true);
  EXPECT_FALSE(r->compatible);
  ASSERT_EQ(r->messages.size(), 1u);
  EXPECT_THAT(r->messages[0], HasSubstr("READER_FIELD_MISSING_DEFAULT_VALUE"));
  EXPECT_EQ(Code(registry_->CheckCompatibility("s", V(1), Avro("{"), false)), 42201);
  r = registry_->CheckCompatibility("s", V(1), Avro("{"), true);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->compatible);
  EXPECT_THAT(r->messages[0], HasSubstr("Invalid schema"));
  // Nothing was registered by checking.
  EXPECT_THAT(*registry_->ListVersions("s", true), ElementsAre(1));
}

TEST_F(SchemaRegistryTest, References) {
  MustRegister("address", Avro(R"({"type":"record","name":"Address","namespace":"shop",)"
                               R"("fields":[{"name":"city","type":"string"}]})"));
  RegisterRequest user = Avro(R"({"type":"record","name":"User","namespace":"shop",)"
                              R"("fields":[{"name":"home","type":"Address"}]})");
  EXPECT_EQ(Code(registry_->Register("user", user)), 42201);  // Address unknown
  user.references = {{"shop.Address", "address", 1}};
  RegisterResult r = MustRegister("user", user);
  EXPECT_EQ(r.id, 2);
  RegistryResult<SchemaVersionInfo> v = registry_->GetVersion("user", V(1), false);
  ASSERT_EQ(v->references.size(), 1u);
  EXPECT_EQ(v->references[0].subject, "address");
  EXPECT_THAT(*registry_->ReferencedBy("address", V(1)), ElementsAre(2));
  EXPECT_THAT(*registry_->ReferencedBy("user", V(1)), IsEmpty());
  EXPECT_EQ(Code(registry_->DeleteVersion("address", V(1), false)), 42206);
  EXPECT_EQ(Code(registry_->DeleteSubject("address", false)), 42206);
  user.references[0].version = 2;
  EXPECT_EQ(Code(registry_->Register("user2", user)), 42201);
  Reopen();
  EXPECT_EQ(registry_->GetVersion("user", V(1), false)->references.size(), 1u);
  // Parsed again on replay (with its reference): the same schema, the same id.
  user.references[0].version = 1;
  EXPECT_EQ(MustRegister("user", user).id, 2);
  EXPECT_EQ(registry_->Lookup("user", user, false)->version, 1);
}

TEST_F(SchemaRegistryTest, AFailedWriteChangesNothing) {
  MustRegister("s", Avro(kUserV1));
  store_.fail = true;
  RegistryResult<RegisterResult> r = registry_->Register("s", Avro(kUserV2));
  EXPECT_EQ(Code(r), 50001);
  EXPECT_EQ(r.error().http_status, 500);
  EXPECT_EQ(Code(registry_->DeleteSubject("s", false)), 50001);
  EXPECT_EQ(Code(registry_->SetCompatibility("s", CompatibilityLevel::kNone)), 50001);
  store_.fail = false;
  EXPECT_THAT(*registry_->ListVersions("s", false), ElementsAre(1));
  EXPECT_EQ(Code(registry_->SubjectCompatibility("s", false)), 40408);
  EXPECT_EQ(MustRegister("s", Avro(kUserV2)).id, 2);
}

TEST_F(SchemaRegistryTest, SkipsRecordsItCannotRead) {
  store_.log.emplace_back(R"({"keytype":"CONTEXT","magic":0})", "{}");
  store_.log.emplace_back("garbage", "garbage");
  store_.log.emplace_back(R"({"keytype":"NOOP","magic":0})", std::nullopt);
  store_.log.emplace_back(R"({"keytype":"SCHEMA","subject":"x","version":1,"magic":1})",
                          R"({"subject":"x","version":1,"id":5,"schema":"\"int\"",)"
                          R"("deleted":false})");
  Reopen();
  EXPECT_EQ(registry_->GetVersion("x", V(1), false)->id, 5);
  EXPECT_EQ(MustRegister("y", Avro(R"("long")")).id, 6);
}

TEST_F(SchemaRegistryTest, ConcurrentRegistrations) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20;
  std::vector<std::vector<RegisterResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Every thread registers the same kPerThread schemas, each in its own subject.
        std::string schema = fmt::format(
            R"({{"type":"record","name":"R{}","fields":[{{"name":"f","type":"int"}}]}})", i);
        RegistryResult<RegisterResult> r =
            registry_->Register(fmt::format("t{}-s{}", t, i), Avro(schema));
        if (r.ok()) results[t].push_back(*r);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<int32_t> ids;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(results[t].size(), static_cast<size_t>(kPerThread));
    for (int i = 0; i < kPerThread; ++i) {
      EXPECT_EQ(results[t][i].id, results[0][i].id);  // the same schema, the same id
      ids.insert(results[t][i].id);
    }
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kPerThread));
  EXPECT_EQ(*ids.rbegin(), kPerThread);
  EXPECT_EQ(registry_->ListSubjects(false).size(), static_cast<size_t>(kThreads * kPerThread));
}

// The real store: the _schemas topic of a log in a directory, closed and reopened.
TEST(SchemasTopicTest, RestartKeepsEverything) {
  testing::TempDir dir;
  log::LogOptions options;
  options.data_dir = dir.path();
  auto open = [&](auto fn) {
    Result<std::unique_ptr<log::LogManager>> log =
        log::LogManager::Open(io::FileSystem::Default(), options);
    ASSERT_TRUE(log.ok()) << log.status();
    Result<std::unique_ptr<SchemasTopic>> topic = SchemasTopic::Open(**log);
    ASSERT_TRUE(topic.ok()) << topic.status();
    Result<std::unique_ptr<SchemaRegistry>> registry = SchemaRegistry::Open(**topic);
    ASSERT_TRUE(registry.ok()) << registry.status();
    fn(**registry, **log);
    registry->reset();
    ASSERT_TRUE((*log)->Close().ok());
  };
  open([](SchemaRegistry& r, log::LogManager& log) {
    Result<log::TopicInfo> info = log.DescribeTopic(kSchemasTopic);
    ASSERT_TRUE(info.ok());
    EXPECT_TRUE(info->config.compact_policy);
    EXPECT_FALSE(info->config.delete_policy);
    EXPECT_EQ(info->partitions.size(), 1u);
    ASSERT_TRUE(r.Register("users", Avro(kUserV1)).ok());
    ASSERT_TRUE(r.Register("users", Avro(kUserV2)).ok());
    ASSERT_TRUE(r.Register("gone", Avro(R"("int")")).ok());
    ASSERT_TRUE(r.Register("soft", Avro(R"("long")")).ok());
    ASSERT_TRUE(r.DeleteSubject("gone", false).ok());
    ASSERT_TRUE(r.DeleteSubject("gone", true).ok());
    ASSERT_TRUE(r.DeleteSubject("soft", false).ok());
    ASSERT_TRUE(r.DeleteVersion("users", V(1), false).ok());
    ASSERT_TRUE(r.SetCompatibility(std::nullopt, CompatibilityLevel::kFull).ok());
    ASSERT_TRUE(r.SetCompatibility("users", CompatibilityLevel::kNone).ok());
    ASSERT_TRUE(r.SetMode("users", Mode::kReadOnly, false).ok());
    ASSERT_TRUE(r.Register("json", Json(R"({"type":"object"})")).ok());
  });
  open([](SchemaRegistry& r, log::LogManager&) {
    EXPECT_THAT(r.ListSubjects(false), ElementsAre("json", "users"));
    EXPECT_THAT(r.ListSubjects(true), ElementsAre("json", "soft", "users"));
    EXPECT_THAT(*r.ListVersions("users", true), ElementsAre(1, 2));
    EXPECT_THAT(*r.ListVersions("users", false), ElementsAre(2));
    EXPECT_TRUE(r.GetVersion("users", V(1), true)->deleted);
    EXPECT_EQ(r.GetVersion("users", V(2), false)->id, 2);
    EXPECT_EQ(r.GetVersion("json", V(1), false)->type, SchemaType::kJson);
    EXPECT_EQ(r.GetVersion("json", V(1), false)->id, 5);
    EXPECT_EQ(r.GetSchemaById(4)->schema, R"("long")");
    EXPECT_EQ(Code(r.GetSchemaById(3)), 40403);
    EXPECT_EQ(r.GlobalCompatibility(), CompatibilityLevel::kFull);
    EXPECT_EQ(*r.SubjectCompatibility("users", false), CompatibilityLevel::kNone);
    EXPECT_EQ(*r.SubjectMode("users", false), Mode::kReadOnly);
    EXPECT_EQ(Code(r.DeleteSubject("soft", false)), 40404);
    EXPECT_EQ(r.Register("new", Avro(R"("float")"))->id, 6);
  });
  open([](SchemaRegistry& r, log::LogManager&) {
    EXPECT_EQ(r.GetVersion("new", VersionSpec::Latest(), false)->id, 6);
  });
}

TEST(SchemasTopicTest, RefusesATopicWithSeveralPartitions) {
  testing::TempDir dir;
  log::LogOptions options;
  options.data_dir = dir.path();
  Result<std::unique_ptr<log::LogManager>> log =
      log::LogManager::Open(io::FileSystem::Default(), options);
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->CreateTopic("_schemas", 3, {}).ok());
  Result<std::unique_ptr<SchemasTopic>> topic = SchemasTopic::Open(**log);
  EXPECT_EQ(topic.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(topic.status().message()), HasSubstr("has 3 partitions"));
}

}  // namespace
}  // namespace oxbow::registry
