#include "registry/compatibility.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace oxbow::registry {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(CompatibilityLevelTest, NamesRoundTrip) {
  for (CompatibilityLevel level :
       {CompatibilityLevel::kNone, CompatibilityLevel::kBackward,
        CompatibilityLevel::kBackwardTransitive, CompatibilityLevel::kForward,
        CompatibilityLevel::kForwardTransitive, CompatibilityLevel::kFull,
        CompatibilityLevel::kFullTransitive}) {
    Result<CompatibilityLevel> parsed = ParseCompatibilityLevel(CompatibilityLevelName(level));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, level);
  }
  EXPECT_EQ(CompatibilityLevelName(kDefaultCompatibilityLevel), "BACKWARD");
  Result<CompatibilityLevel> bad = ParseCompatibilityLevel("backwards");
  EXPECT_THAT(std::string(ToStd(bad.status().message())),
              HasSubstr("invalid compatibility level \"backwards\": expected one of NONE, "
                        "BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, "
                        "FULL_TRANSITIVE"));
}

using Call = std::pair<size_t, CheckDirection>;
constexpr CheckDirection kBack = CheckDirection::kNewReadsOld;
constexpr CheckDirection kFwd = CheckDirection::kOldReadsNew;

// The read checks a level runs against three earlier versions.
std::vector<Call> Calls(CompatibilityLevel level, size_t num_previous = 3) {
  std::vector<Call> calls;
  CheckCompatibilityLevel(level, num_previous, [&](size_t i, CheckDirection d) {
    calls.emplace_back(i, d);
    return std::vector<Incompatibility>();
  });
  return calls;
}

TEST(CompatibilityLevelTest, WhichVersionsAndDirections) {
  EXPECT_THAT(Calls(CompatibilityLevel::kNone), IsEmpty());
  EXPECT_THAT(Calls(CompatibilityLevel::kBackward), ElementsAre(Call{2, kBack}));
  EXPECT_THAT(Calls(CompatibilityLevel::kForward), ElementsAre(Call{2, kFwd}));
  EXPECT_THAT(Calls(CompatibilityLevel::kFull), ElementsAre(Call{2, kBack}, Call{2, kFwd}));
  EXPECT_THAT(Calls(CompatibilityLevel::kBackwardTransitive),
              ElementsAre(Call{2, kBack}, Call{1, kBack}, Call{0, kBack}));
  EXPECT_THAT(Calls(CompatibilityLevel::kForwardTransitive),
              ElementsAre(Call{2, kFwd}, Call{1, kFwd}, Call{0, kFwd}));
  EXPECT_THAT(Calls(CompatibilityLevel::kFullTransitive),
              ElementsAre(Call{2, kBack}, Call{2, kFwd}, Call{1, kBack}, Call{1, kFwd},
                          Call{0, kBack}, Call{0, kFwd}));
  EXPECT_THAT(Calls(CompatibilityLevel::kFullTransitive, 0), IsEmpty());
}

TEST(CompatibilityLevelTest, ReportCollectsEveryViolation) {
  CompatibilityReport report = CheckCompatibilityLevel(
      CompatibilityLevel::kFullTransitive, 2, [](size_t i, CheckDirection d) {
        std::vector<Incompatibility> out;
        if (i == 0 && d == kFwd) out.push_back({"TYPE_MISMATCH", "/fields/0/type", "int vs long"});
        return out;
      });
  EXPECT_FALSE(report.compatible());
  EXPECT_THAT(report.Messages(CompatibilityLevel::kFullTransitive),
              ElementsAre("FULL_TRANSITIVE: earlier #0 cannot read data written with the new "
                          "schema: TYPE_MISMATCH at /fields/0/type: int vs long"));
}

}  // namespace
}  // namespace oxbow::registry
