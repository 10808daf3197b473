// Conformance with the Avro and Confluent test suites: the cases in
// ../shared/testdata/avro_compat_cases.json (see the README there), read in place.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "registry/avro_compatibility.h"
#include "registry/avro_parser.h"
#include "registry/json_text.h"

namespace oxbow::registry {
namespace {

constexpr const char* kCasesFile = OXBOW_SHARED_TESTDATA_DIR "/avro_compat_cases.json";

TEST(AvroCompatConformanceTest, EveryCaseAgrees) {
  std::ifstream in(kCasesFile);
  if (!in) {
    GTEST_SKIP() << "\n\n*** SKIPPED: conformance cases not found at " << kCasesFile
                 << " — the Avro compatibility rules are NOT being checked against the Avro "
                    "and Confluent suites ***\n";
  }
  std::stringstream text;
  text << in.rdbuf();
  Result<nlohmann::json> cases = ParseJsonText(text.str(), 1000);
  ASSERT_TRUE(cases.ok()) << cases.status();
  ASSERT_TRUE(cases->is_array());
  ASSERT_GT(cases->size(), 0u);
  size_t agreed = 0;
  for (const nlohmann::json& c : *cases) {
    std::string name = c.at("name").get<std::string>();
    std::string reader_text = c.at("reader").dump();
    std::string writer_text = c.at("writer").dump();
    Result<AvroSchema> reader = ParseAvroSchema(reader_text);
    Result<AvroSchema> writer = ParseAvroSchema(writer_text);
    ASSERT_TRUE(reader.ok()) << name << ": reader " << reader.status();
    ASSERT_TRUE(writer.ok()) << name << ": writer " << writer.status();
    std::vector<Incompatibility> problems = CheckAvroReadCompatibility(*reader, *writer);
    bool want = c.at("compatible").get<bool>();
    std::string why;
    for (const Incompatibility& p : problems) why += "\n  " + p.ToString();
    EXPECT_EQ(problems.empty(), want)
        << name << "\n reader " << reader_text << "\n writer " << writer_text << why;
    if (problems.empty() == want) ++agreed;
  }
  EXPECT_EQ(agreed, cases->size());
  std::cout << "avro_compat_cases.json: " << agreed << " of " << cases->size() << " cases agree\n";
}

}  // namespace
}  // namespace oxbow::registry
