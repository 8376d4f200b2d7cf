// `edgesight plan` end to end: the two example sites with the shipped profile, the outputs, and
// bad site and profile files (one-line errors, exit 2).
#include <fstream>

#include "cli_test_util.h"

namespace es::testing {
namespace {

const std::string kExamples = std::string(ES_SOURCE_DIR) + "/examples";

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

const json& Architecture(const json& plan, const std::string& name) {
  for (const json& a : plan["architectures"]) {
    if (a["name"] == name) return a;
  }
  static const json kNone;
  ADD_FAILURE() << "no architecture " << name;
  return kNone;
}

TEST(CliPlan, FarmOn4gWithTheShippedProfile) {
  const std::string dir = TempDir();
  const auto r = RunProcess({kBin, "plan", "--site", kExamples + "/site-farm.yaml", "--json-out",
                             dir + "/plan.json", "--charts", dir + "/charts"},
                            30);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("edgesight plan: remote farm (4G): 4 camera(s)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("examples/profile.json"), std::string::npos);  // the default profile
  const json plan = ReadJson(dir + "/plan.json");
  ASSERT_TRUE(plan.is_object());
  ASSERT_EQ(plan["architectures"].size(), 4u);
  // 4 cameras of 1080p15 video need 12.4 Mbps; the 4G uplink has 5: streaming cannot work.
  const json& cloud = Architecture(plan, "cloud");
  EXPECT_FALSE(cloud["feasible"].get<bool>());
  EXPECT_NE(cloud["infeasible_why"].get<std::string>().find("12.4 Mbps"), std::string::npos);
  const json& edge = Architecture(plan, "edge");
  EXPECT_TRUE(edge["feasible"].get<bool>());
  EXPECT_GE(edge["edge_units"].get<int>(), 1);
  EXPECT_LT(edge["tco_5y_usd"].get<double>(), cloud["tco_5y_usd"].get<double>());
  EXPECT_TRUE(edge["break_even_month_vs_cloud"].is_number_integer());
  EXPECT_TRUE(plan["chosen"]["constraints_met"].get<bool>());
  int chosen = 0;
  for (const json& p : plan["operating_points"]) chosen += p["chosen"].get<bool>() ? 1 : 0;
  EXPECT_EQ(chosen, 1);
  for (const char* svg : {"/charts/pareto.svg", "/charts/cost.svg"}) {
    std::ifstream in(dir + svg);
    std::string head(4, '\0');
    in.read(head.data(), 4);
    EXPECT_EQ(head, "<svg") << svg;
  }
}

TEST(CliPlan, CityOnFibrePrintsJson) {
  const auto r = RunProcess({kBin, "plan", "--site", kExamples + "/site-city.yaml", "--profile",
                             kExamples + "/profile.json", "--json"},
                            30);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json plan = json::parse(r.out);
  EXPECT_EQ(plan["cameras"], 200);
  const json& cloud = Architecture(plan, "cloud");
  EXPECT_TRUE(cloud["feasible"].get<bool>());  // 200 x 5.2 Mbps fits 2 Gbps of fibre
  EXPECT_GE(cloud["gpus"].get<int>(), 1);
  const json& edge = Architecture(plan, "edge");
  EXPECT_GT(edge["edge_units"].get<int>(), 1);  // 1,000 detector runs/s: more than one box
}

TEST(CliPlan, BadSitesAndProfilesAreOneLineErrors) {
  const std::string dir = TempDir();
  auto plan = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {kBin, "plan"});
    return RunProcess(args, 30);
  };
  std::ofstream(dir + "/bad.yaml") << "link:\n  rtt_ms: fast\n";
  auto r = plan({"--site", dir + "/bad.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("link.rtt_ms: expected a number"), std::string::npos) << r.err;

  r = plan({"--site", dir + "/missing.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);

  r = plan({});
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("--site"), std::string::npos);

  std::ofstream(dir + "/p.json") << R"({"schema": "edgesight.profile/1", "operating_points": 3})";
  r = plan({"--site", kExamples + "/site-farm.yaml", "--profile", dir + "/p.json"});
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("operating_points"), std::string::npos) << r.err;

  r = plan({"--site", kExamples + "/site-farm.yaml", "--json-out", dir + "/no/such/dir/p.json"});
  EXPECT_EQ(r.exit_code, 2);
  ExpectOneLineError(r);

  r = plan({"--keys"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("cloud.gpu_usd_per_hour"), std::string::npos);
}

}  // namespace
}  // namespace es::testing
