// The text report, the JSON and the SVG charts of one plan.
#include <gtest/gtest.h>

#include <fstream>
#include <pugixml.hpp>

#include "core/temp_dir_test_util.h"
#include "plan/plan_charts.h"
#include "plan/plan_report.h"

namespace es {
namespace {

using test_util::TempDir;

Profile TwoPoints() {
  Profile p;
  p.origin = "p.json";
  p.reference = "ref";
  OperatingPoint a;
  a.name = "fast<&>";
  a.p50_ms = 20;
  a.p99_ms = 30;
  a.throughput_fps = 40;
  a.energy_j = 0.3;
  a.agreement_f1 = 0.8;
  OperatingPoint b = a;
  b.name = "slow";
  b.p50_ms = 60;
  b.p99_ms = 90;
  b.throughput_fps = 12;
  b.energy_j = 1;
  b.agreement_f1 = 1;
  p.points = {a, b};
  return p;
}

TEST(PlanOutputTest, TextAndJsonCarryTheSameNumbers) {
  PlanSite site;
  site.site.name = "yard";
  const Profile profile = TwoPoints();
  const PlanResult r = Plan(site, profile);
  const auto j = PlanJson(site, profile, r);
  EXPECT_EQ(j["schema"], "edgesight.plan/1");
  EXPECT_EQ(j["site"], "yard");
  ASSERT_EQ(j["architectures"].size(), 4u);
  EXPECT_EQ(j["architectures"][0]["name"], "edge");
  EXPECT_EQ(j["architectures"][1]["name"], "cloud");
  EXPECT_EQ(j["architectures"][2]["name"], "hybrid");
  EXPECT_EQ(j["architectures"][3]["name"], "cloud-fallback");
  EXPECT_EQ(j["architectures"][0]["cumulative_usd"].size(), 61u);
  EXPECT_TRUE(j["architectures"][1]["break_even_month_vs_cloud"].is_null());
  EXPECT_EQ(j["chosen"]["name"], "slow");  // 0.8 is under the default 0.9 floor
  EXPECT_DOUBLE_EQ(j["architectures"][0]["tco_5y_usd"].get<double>(),
                   std::round(r.architectures[0].cumulative_usd[60] * 100) / 100);
  const std::string text = PlanText(site, profile, r);
  EXPECT_NE(text.find("edgesight plan: yard: 4 camera(s)"), std::string::npos) << text;
  EXPECT_NE(text.find(">*slow"), std::string::npos) << text;
  EXPECT_NE(text.find("(outside the constraints)"), std::string::npos);
  EXPECT_NE(text.find("TCO 5 years USD"), std::string::npos);
  EXPECT_NE(text.find("During a link outage"), std::string::npos);
}

TEST(PlanOutputTest, ChartsAreWellFormedSvg) {
  PlanSite site;
  const Profile profile = TwoPoints();
  const PlanResult r = Plan(site, profile);
  TempDir dir;
  ASSERT_TRUE(WritePlanCharts(dir / "charts", site, r).ok());
  for (const char* name : {"pareto.svg", "cost.svg"}) {
    pugi::xml_document doc;
    const pugi::xml_parse_result parsed = doc.load_file((dir / "charts/" + name).c_str());
    ASSERT_TRUE(parsed) << name << ": " << parsed.description();
    EXPECT_STREQ(doc.first_child().name(), "svg");
  }
  const std::string pareto = ParetoSvg(site, r);
  EXPECT_NE(pareto.find("fast&lt;&amp;&gt;"), std::string::npos);  // names are escaped
  EXPECT_NE(pareto.find("slow (chosen)"), std::string::npos);
  const std::string cost = CostSvg(site, r);
  for (const char* arch : {"edge", "cloud", "hybrid", "cloud-fallback"}) {
    EXPECT_NE(cost.find(std::string(">") + arch), std::string::npos) << arch;
  }
  // A folder that cannot be made is an error naming it.
  std::ofstream(dir / "file") << "x";
  Status st = WritePlanCharts(dir / "file/sub", site, r);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("file/sub"), std::string::npos);
}

}  // namespace
}  // namespace es
