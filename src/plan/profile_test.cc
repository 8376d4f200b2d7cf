#include "plan/profile.h"

#include <gtest/gtest.h>

#include "core/temp_dir_test_util.h"

namespace es {
namespace {

using test_util::TempDir;

const char* kProfile = R"({
  "schema": "edgesight.profile/1", "machine": {"cpu": "Test CPU", "cores": 2},
  "reference": "nanodet-416-fp32", "energy_method": "rapl", "extra": [1, 2],
  "operating_points": [
    {"name": "a", "model": "m.onnx", "precision": "int8", "input_size": 320, "threads": 2,
     "latency_ms": {"p50": 20, "p99": 30.5}, "throughput_fps": 40, "energy_j_per_inference": 0.5,
     "agreement_f1": 0.8, "pareto": true},
    {"name": "b", "latency_ms": {"p50": 60, "p99": 80}, "throughput_fps": 15,
     "energy_j_per_inference": 0, "agreement_f1": 1}
  ]})";

std::string Error(const std::string& text) {
  auto r = ParseProfile(text, "p.json");
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  return r.status().message();
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

TEST(ProfileTest, ReadsTheBenchSchema) {
  auto r = ParseProfile(kProfile, "p.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->machine, "Test CPU, 2 cores");
  EXPECT_EQ(r->reference, "nanodet-416-fp32");
  ASSERT_EQ(r->points.size(), 2u);
  const OperatingPoint& a = r->points[0];
  EXPECT_EQ(a.name, "a");
  EXPECT_EQ(a.precision, "int8");
  EXPECT_EQ(a.input_size, 320);
  EXPECT_EQ(a.threads, 2);
  EXPECT_DOUBLE_EQ(a.p50_ms, 20);
  EXPECT_DOUBLE_EQ(a.p99_ms, 30.5);
  EXPECT_DOUBLE_EQ(a.throughput_fps, 40);
  EXPECT_DOUBLE_EQ(a.energy_j, 0.5);
  EXPECT_DOUBLE_EQ(a.agreement_f1, 0.8);
}

TEST(ProfileTest, BadProfilesGetOneLineNamingThePath) {
  EXPECT_EQ(Error("{"), "p.json: not valid JSON");
  EXPECT_EQ(Error("[]"), "p.json: expected a JSON object");
  EXPECT_EQ(Error(Replace(kProfile, "edgesight.profile/1", "other/2")),
            "p.json: schema: expected \"edgesight.profile/1\", got \"other/2\"");
  EXPECT_EQ(Error(Replace(kProfile, "\"p50\": 20", "\"p50\": -3")),
            "p.json: operating_points[0].latency_ms.p50: expected a number > 0, got -3");
  EXPECT_EQ(Error(Replace(kProfile, "\"p50\": 60", "\"p50\": 90")),
            "p.json: operating_points[1].latency_ms: expected p50 <= p99, got 90 > 80");
  EXPECT_EQ(Error(Replace(kProfile, "\"agreement_f1\": 1", "\"agreement_f1\": 1.5")),
            "p.json: operating_points[1].agreement_f1: expected a number >= 0 and <= 1, got 1.5");
  EXPECT_EQ(Error(Replace(kProfile, "\"throughput_fps\": 15,", "")),
            "p.json: operating_points[1].throughput_fps: missing");
  EXPECT_EQ(Error(Replace(kProfile, "\"name\": \"b\"", "\"name\": \"a\"")),
            "p.json: operating_points[1].name: duplicate \"a\"");
  EXPECT_EQ(Error(Replace(kProfile, "\"throughput_fps\": 40", "\"throughput_fps\": \"fast\"")),
            "p.json: operating_points[0].throughput_fps: expected a number > 0, got \"fast\"");
  EXPECT_EQ(Error(R"({"schema": "edgesight.profile/1", "operating_points": []})"),
            "p.json: operating_points: expected a non-empty list");
}

TEST(ProfileTest, MissingFileIsNotFound) {
  TempDir dir;
  auto r = LoadProfile(dir.path() + "/none.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("none.json"), std::string::npos);
}

}  // namespace
}  // namespace es
