#include "admin/progress_report.h"

#include "gtest/gtest.h"

namespace oxbow::admin {
namespace {

engine::ViewStatus View(std::string name, int64_t offset, int64_t end, double rate) {
  engine::ViewStatus v;
  v.name = std::move(name);
  v.sources.push_back({"t", 0, offset, end});
  v.lag = static_cast<uint64_t>(end - offset);
  v.events_per_second = rate;
  v.records_in = static_cast<uint64_t>(offset);
  return v;
}

TEST(ProgressReportTest, Line) {
  EXPECT_EQ(FormatProgressLine(View("v", 450000, 1000000, 310000)),
            "view v: 45% (450,000 / 1,000,000 offsets), 310k events/s, ETA 2 s");
  EXPECT_EQ(FormatProgressLine(View("w", 0, 5000, 0)),
            "view w: 0% (0 / 5,000 offsets), 0 events/s, ETA unknown");
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(999), "999");
  EXPECT_EQ(GroupThousands(1234567), "1,234,567");
  EXPECT_EQ(HumanRate(2500000), "2.5M");
  EXPECT_EQ(HumanRate(950), "950");
}

TEST(ProgressReportTest, ReportsLaggingViewsThenOnceCaughtUp) {
  ProgressReporter r(ProgressOptions{std::chrono::milliseconds(2000), 1000, false}, nullptr);
  // Lagging by no more than the threshold: nothing.
  EXPECT_TRUE(r.Report({View("v", 0, 1000, 0)}).empty());
  std::vector<std::string> lines = r.Report({View("v", 100, 100000, 5000), View("w", 5, 5, 0)});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "view v: 0% (100 / 100,000 offsets), 5k events/s, ETA 20 s");
  lines = r.Report({View("v", 100000, 100000, 5000)});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "view v: caught up (100,000 records)");
  EXPECT_TRUE(r.Report({View("v", 100000, 100000, 0)}).empty());
  // A failed view is not reported.
  engine::ViewStatus failed = View("f", 0, 100000, 0);
  failed.state = engine::ViewStatus::State::kFailed;
  EXPECT_TRUE(r.Report({failed}).empty());
}

}  // namespace
}  // namespace oxbow::admin
