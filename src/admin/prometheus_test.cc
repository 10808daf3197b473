#include "admin/prometheus.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace oxbow::admin {
namespace {

TEST(PrometheusTest, FamilyThenSamples) {
  MetricsWriter w;
  w.Family("oxbow_x_total", MetricType::kCounter, "Things.");
  w.Sample({{"topic", "a"}, {"partition", "0"}}, uint64_t{7});
  w.Sample({}, int64_t{-3});
  w.Family("oxbow_y_seconds", MetricType::kGauge, "Time.");
  w.Sample({{"view", "v"}}, 0.25);
  EXPECT_EQ(w.text(),
            "# HELP oxbow_x_total Things.\n"
            "# TYPE oxbow_x_total counter\n"
            "oxbow_x_total{topic=\"a\",partition=\"0\"} 7\n"
            "oxbow_x_total -3\n"
            "# HELP oxbow_y_seconds Time.\n"
            "# TYPE oxbow_y_seconds gauge\n"
            "oxbow_y_seconds{view=\"v\"} 0.25\n");
}

TEST(PrometheusTest, LabelValuesAndHelpAreEscaped) {
  EXPECT_EQ(EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  MetricsWriter w;
  w.Family("m", MetricType::kGauge, "line\none \\ two \"quoted\"");
  w.Sample({{"l", "x\"y"}}, int64_t{1});
  EXPECT_EQ(w.text(),
            "# HELP m line\\none \\\\ two \"quoted\"\n"
            "# TYPE m gauge\n"
            "m{l=\"x\\\"y\"} 1\n");
}

TEST(PrometheusTest, ValuesReadBackExactly) {
  EXPECT_EQ(FormatSampleValue(1.5), "1.5");
  EXPECT_EQ(FormatSampleValue(1e21), "1e+21");
  EXPECT_EQ(FormatSampleValue(0.1), "0.1");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(std::stod(FormatSampleValue(1.0 / 3)), 1.0 / 3);
}

TEST(PrometheusTest, MetricNames) {
  EXPECT_TRUE(IsValidMetricName("oxbow_group_lag"));
  EXPECT_TRUE(IsValidMetricName("a:b_9"));
  EXPECT_FALSE(IsValidMetricName("9a"));
  EXPECT_FALSE(IsValidMetricName("a-b"));
  EXPECT_FALSE(IsValidMetricName(""));
}

}  // namespace
}  // namespace oxbow::admin
