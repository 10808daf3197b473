#include "registry/registry_record.h"

#include "gtest/gtest.h"

namespace oxbow::registry {
namespace {

TEST(RegistryRecordTest, KeysHaveConfluentsShapes) {
  EXPECT_EQ(EncodeRecordKey(RegistryRecord::SchemaTombstone("orders-value", 3).key),
            R"({"keytype":"SCHEMA","subject":"orders-value","version":3,"magic":1})");
  EXPECT_EQ(EncodeRecordKey(RegistryRecord::Config("s", CompatibilityLevel::kFull).key),
            R"({"keytype":"CONFIG","subject":"s","magic":0})");
  EXPECT_EQ(EncodeRecordKey(RegistryRecord::Config(std::nullopt, CompatibilityLevel::kFull).key),
            R"({"keytype":"CONFIG","magic":0})");
  EXPECT_EQ(EncodeRecordKey(RegistryRecord::ModeSetting(std::nullopt, Mode::kReadOnly).key),
            R"({"keytype":"MODE","magic":0})");
  EXPECT_EQ(EncodeRecordKey(RegistryRecord::DeleteSubject("s", 2).key),
            R"({"keytype":"DELETE_SUBJECT","subject":"s","magic":0})");
  EXPECT_EQ(EncodeRecordKey(RegistryRecord::MaxId(7).key), R"({"keytype":"MAX_ID","magic":0})");
}

TEST(RegistryRecordTest, ValuesHaveConfluentsShapes) {
  SchemaValue v{"s", 2, 7, SchemaType::kAvro, "\"string\"", {{"a.B", "b", 1}}, true};
  EXPECT_EQ(EncodeRecordValue(RegistryRecord::Schema(v)),
            R"({"subject":"s","version":2,"id":7,"schemaType":"AVRO",)"
            R"("references":[{"name":"a.B","subject":"b","version":1}],)"
            R"("schema":"\"string\"","deleted":true})");
  EXPECT_EQ(EncodeRecordValue(RegistryRecord::Config("s", CompatibilityLevel::kFullTransitive)),
            R"({"compatibilityLevel":"FULL_TRANSITIVE"})");
  EXPECT_EQ(EncodeRecordValue(RegistryRecord::ModeSetting("s", Mode::kImport)),
            R"({"mode":"IMPORT"})");
  EXPECT_EQ(EncodeRecordValue(RegistryRecord::DeleteSubject("s", 4)),
            R"({"subject":"s","version":4})");
  EXPECT_EQ(EncodeRecordValue(RegistryRecord::SchemaTombstone("s", 1)), std::nullopt);
  EXPECT_EQ(EncodeRecordValue(RegistryRecord::Config("s", std::nullopt)), std::nullopt);
}

TEST(RegistryRecordTest, DecodesWhatItEncodes) {
  SchemaValue v{"s", 2, 7, SchemaType::kJson, "{}", {}, false};
  RegistryRecord r = RegistryRecord::Schema(v);
  Result<RegistryRecord> back = DecodeRecord(EncodeRecordKey(r.key), EncodeRecordValue(r));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->key.kind, RecordKind::kSchema);
  EXPECT_EQ(back->key.subject, "s");
  EXPECT_EQ(back->key.version, 2);
  const auto& s = std::get<SchemaValue>(back->value);
  EXPECT_EQ(s.id, 7);
  EXPECT_EQ(s.type, SchemaType::kJson);
  EXPECT_EQ(s.schema, "{}");
  EXPECT_FALSE(s.deleted);

  back = DecodeRecord(R"({"keytype":"SCHEMA","subject":"s","version":1,"magic":1})", std::nullopt);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->tombstone());
}

TEST(RegistryRecordTest, ReadsConfluentsOwnRecords) {
  // As Confluent's registry writes them: no schemaType for Avro, no references.
  Result<RegistryRecord> r = DecodeRecord(
      R"({"keytype":"SCHEMA","subject":"t-value","version":1,"magic":1})",
      R"({"subject":"t-value","version":1,"id":1,"schema":"\"int\"","deleted":false})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(std::get<SchemaValue>(r->value).type, SchemaType::kAvro);
  r = DecodeRecord(R"({"keytype":"NOOP","magic":0})", std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->key.kind, RecordKind::kNoop);
  r = DecodeRecord(R"({"keytype":"CONFIG","magic":0})", R"({"compatibilityLevel":"NONE"})");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->key.subject.has_value());
  EXPECT_EQ(std::get<ConfigValue>(r->value).compatibility, CompatibilityLevel::kNone);
}

TEST(RegistryRecordTest, RejectsWhatItDoesNotKnow) {
  EXPECT_NE(DecodeRecord(R"({"keytype":"CONTEXT","magic":0})", "{}")
                .status()
                .message()
                .find("unknown keytype \"CONTEXT\""),
            std::string::npos);
  EXPECT_FALSE(DecodeRecord("not json", std::nullopt).ok());
  EXPECT_FALSE(DecodeRecord(std::nullopt, "{}").ok());
  EXPECT_FALSE(DecodeRecord(R"({"keytype":"SCHEMA","magic":1})", std::nullopt).ok());
  EXPECT_FALSE(DecodeRecord(R"({"keytype":"SCHEMA","subject":"s","version":1,"magic":1})",
                            R"({"subject":"s","version":1,"id":1,"schema":"x",)"
                            R"("schemaType":"PROTOBUF"})")
                   .ok());
  EXPECT_FALSE(DecodeRecord(R"({"keytype":"MODE","magic":0})", R"({"mode":"SOMETIMES"})").ok());
}

TEST(RegistryRecordTest, ModeNamesIgnoreCase) {
  EXPECT_EQ(ModeFromName("readonly"), Mode::kReadOnly);
  EXPECT_EQ(ModeFromName("Import"), Mode::kImport);
  EXPECT_EQ(ModeFromName("READWRITE"), Mode::kReadWrite);
  EXPECT_EQ(ModeFromName("READONLY_OVERRIDE"), std::nullopt);
}

}  // namespace
}  // namespace oxbow::registry
