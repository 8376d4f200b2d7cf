#include "detect/pose_estimator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "core/temp_dir_test_util.h"

namespace es {
namespace {

namespace fs = std::filesystem;

// Crops of vtest.avi frame 100 (768x576): a man facing the camera (about 45x85 px), and
// patches of empty road and of grass of about the same size. Cut by the ffmpeg CLI at test
// time (the video is only read, never copied into the repository).
constexpr int kFrame = 100;
constexpr char kPersonCrop[] = "50:92:366:170";  // w:h:x:y
constexpr char kRoadCrop[] = "50:95:600:300";
constexpr char kGrassCrop[] = "50:95:150:380";

bool HaveFfmpegCli() { return std::system("ffmpeg -hide_banner -version >/dev/null 2>&1") == 0; }

// Cuts crop `wh_xy` of frame kFrame of vtest.avi into `out` (PNG, lossless); `extra` is
// appended to the filter chain.
bool CutCrop(const std::string& wh_xy, const std::string& out, const std::string& extra = "") {
  const std::string cmd = std::string("ffmpeg -nostdin -hide_banner -loglevel error -y -i ") +
                          ES_DEFAULT_VIDEO + " -vf \"select=eq(n\\," + std::to_string(kFrame) +
                          "),crop=" + wh_xy + extra + "\" -frames:v 1 " + out;
  return std::system(cmd.c_str()) == 0;
}

std::vector<std::string> BuiltEngines() {
  std::vector<std::string> kinds = {"opencv"};
  if (HaveOnnxRuntime()) kinds.push_back("ort");
  return kinds;
}

// Parameter: the engine (opencv, and ort when built in).
class PoseEstimatorTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!fs::exists(DefaultPoseModelPath())) {
      GTEST_SKIP() << DefaultPoseModelPath() << " is absent (run scripts/fetch_assets.sh)";
    }
    if (!fs::exists(ES_DEFAULT_VIDEO)) GTEST_SKIP() << ES_DEFAULT_VIDEO << " is absent";
    if (!HaveFfmpegCli()) GTEST_SKIP() << "ffmpeg command line tool not installed";
    ASSERT_FALSE(dir_.path().empty());
  }

  cv::Mat Crop(const std::string& wh_xy, const std::string& name) {
    const std::string file = dir_ / name;
    EXPECT_TRUE(CutCrop(wh_xy, file)) << wh_xy;
    return cv::imread(file);
  }

  Result<std::unique_ptr<PoseEstimator>> Make() {
    PoseEstimatorOptions o;
    o.engine = GetParam();
    return PoseEstimator::Create(o);
  }

  test_util::TempDir dir_{"es_pose"};
};

TEST_P(PoseEstimatorTest, PresenceIsHighOnAPersonAndLowOnFloorAndGrass) {
  auto pose = Make();
  ASSERT_TRUE(pose.ok()) << pose.status().ToString();
  const cv::Mat person = Crop(kPersonCrop, "person.png");
  const cv::Mat road = Crop(kRoadCrop, "road.png");
  const cv::Mat grass = Crop(kGrassCrop, "grass.png");
  ASSERT_FALSE(person.empty());
  ASSERT_FALSE(road.empty());
  ASSERT_FALSE(grass.empty());

  auto p = (*pose)->Estimate(person);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto r = (*pose)->Estimate(road);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto g = (*pose)->Estimate(grass);
  ASSERT_TRUE(g.ok()) << g.status().ToString();

  // Timing for the report (one run on whatever else the machine is doing).
  const auto t0 = std::chrono::steady_clock::now();
  constexpr int kRuns = 10;
  for (int i = 0; i < kRuns; ++i) ASSERT_TRUE((*pose)->Estimate(person).ok());
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() /
      kRuns;
  std::printf(
      "pose (%s, 1 thread): person presence %.4f torso %.3f score %.4f | road %.4f "
      "torso %.3f | grass %.4f torso %.3f | %.2f ms per crop\n",
      (*pose)->engine_name().c_str(), p->presence, p->torso_visibility, p->score, r->presence,
      r->torso_visibility, g->presence, g->torso_visibility, ms);

  EXPECT_GT(p->presence, 0.9f);
  EXPECT_GT(p->torso_visibility, 0.9f);
  EXPECT_GT(p->score, 0.8f);
  EXPECT_LT(r->presence, 0.1f);
  EXPECT_LT(g->presence, 0.1f);
  EXPECT_LT(r->score, 0.1f);
  EXPECT_LT(g->score, 0.1f);

  // The body's landmarks in crop pixels: a standing person facing the camera.
  const auto& k = p->keypoints;
  const float w = static_cast<float>(person.cols), h = static_cast<float>(person.rows);
  for (int i : {0, 11, 12, 23, 24, 27, 28}) {
    SCOPED_TRACE(PoseKeypointName(i));
    EXPECT_GE(k[i].x, -0.1f * w);
    EXPECT_LE(k[i].x, 1.1f * w);
    EXPECT_GE(k[i].y, -0.1f * h);
    EXPECT_LE(k[i].y, 1.1f * h);
  }
  EXPECT_LT(k[0].y, k[11].y);   // nose above the shoulders
  EXPECT_LT(k[11].y, k[23].y);  // shoulders above the hips
  EXPECT_LT(k[23].y, k[25].y);  // hips above the knees
  EXPECT_LT(k[25].y, k[27].y);  // knees above the ankles
  // Facing the camera: the person's left shoulder is on the image's right.
  EXPECT_GT(k[11].x, k[12].x);
}

// Parity with the Python reference: tools/convert_blazepose.py evaluates the original TF.js
// graph in numpy on the same 256x256 input (the person crop letterboxed by ffmpeg, so the C++
// letterbox is the identity); ONNX Runtime (or OpenCV DNN) on the converted model must agree.
TEST_P(PoseEstimatorTest, MatchesTheTfGraphReference) {
  const fs::path tfjs = fs::path(DefaultPoseModelPath()).parent_path() / "blazepose-tfjs";
  const fs::path tool = fs::path(ES_SOURCE_DIR) / "tools" / "convert_blazepose.py";
  if (!fs::exists(tfjs / "blazepose-lite.json") || !fs::exists(tfjs / "blazepose-lite.bin")) {
    GTEST_SKIP() << tfjs << " is absent (run scripts/fetch_assets.sh)";
  }
  if (std::system("/usr/bin/python3 -c 'import numpy, onnx' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "/usr/bin/python3 with numpy and onnx is needed for the reference";
  }
  const std::string image = dir_ / "person256.png";
  ASSERT_TRUE(CutCrop(kPersonCrop, image,
                      ",scale=256:256:force_original_aspect_ratio=decrease:flags=bilinear,"
                      "pad=256:256:(ow-iw)/2:(oh-ih)/2:black"));
  const std::string ref_file = dir_ / "reference.txt";
  const std::string cmd = "/usr/bin/python3 " + tool.string() + " --json " +
                          (tfjs / "blazepose-lite.json").string() + " --bin " +
                          (tfjs / "blazepose-lite.bin").string() + " --reference " + image +
                          " --reference-out " + ref_file + " >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

  std::ifstream in(ref_file);
  std::string word;
  float ref_presence = 0.f;
  ASSERT_TRUE(in >> word >> ref_presence);
  ASSERT_EQ(word, "presence");
  std::vector<std::array<float, 5>> ref(kPoseKeypoints);
  for (auto& row : ref) {
    ASSERT_TRUE(in >> row[0] >> row[1] >> row[2] >> row[3] >> row[4]);
  }

  auto pose = Make();
  ASSERT_TRUE(pose.ok()) << pose.status().ToString();
  const cv::Mat img = cv::imread(image);
  ASSERT_EQ(img.cols, 256);
  ASSERT_EQ(img.rows, 256);
  auto got = (*pose)->Estimate(img);
  ASSERT_TRUE(got.ok()) << got.status().ToString();

  auto sigmoid = [](float v) { return 1.f / (1.f + std::exp(-v)); };
  float max_xy = 0.f, max_score = std::fabs(got->presence - ref_presence);
  for (int i = 0; i < kPoseKeypoints; ++i) {
    const PoseKeypoint& k = got->keypoints[i];
    max_xy = std::max({max_xy, std::fabs(k.x - ref[i][0]), std::fabs(k.y - ref[i][1])});
    max_score = std::max({max_score, std::fabs(k.visibility - sigmoid(ref[i][3])),
                          std::fabs(k.presence - sigmoid(ref[i][4]))});
  }
  std::printf(
      "pose parity (%s vs TF graph in numpy): max |x, y| diff %.3g px (of 256), "
      "max |presence, visibility| diff %.3g; presence %.6f vs %.6f\n",
      (*pose)->engine_name().c_str(), max_xy, max_score, got->presence, ref_presence);
  EXPECT_LT(max_xy, 1e-2f);     // convert_blazepose.py TOLERANCE["landmarks"]
  EXPECT_LT(max_score, 1e-4f);  // after the sigmoid
}

INSTANTIATE_TEST_SUITE_P(Engines, PoseEstimatorTest, ::testing::ValuesIn(BuiltEngines()),
                         [](const auto& info) { return info.param; });

TEST(PoseEstimatorErrorsTest, MissingModelIsNotFound) {
  PoseEstimatorOptions o;
  o.model = "/nonexistent/blazepose-lite.onnx";
  auto pose = PoseEstimator::Create(o);
  ASSERT_FALSE(pose.ok());
  EXPECT_EQ(pose.status().code(), StatusCode::kNotFound) << pose.status().ToString();
}

TEST(PoseEstimatorErrorsTest, GarbageModelIsDataLoss) {
  test_util::TempDir dir("es_pose");
  const std::string file = dir / "garbage.onnx";
  std::ofstream(file) << "this is not an ONNX model\n";
  PoseEstimatorOptions o;
  o.model = file;
  auto pose = PoseEstimator::Create(o);
  ASSERT_FALSE(pose.ok());
  EXPECT_EQ(pose.status().code(), StatusCode::kDataLoss) << pose.status().ToString();
}

// A detector model is a loadable ONNX file but not a pose model: a one-line kInvalidArgument.
TEST(PoseEstimatorErrorsTest, DetectorModelIsInvalidArgument) {
  const std::string tiny = std::string(ES_SOURCE_DIR) + "/src/detect/testdata/tiny_yolov8.onnx";
  PoseEstimatorOptions o;
  o.model = tiny;
  auto pose = PoseEstimator::Create(o);
  ASSERT_FALSE(pose.ok());
  EXPECT_EQ(pose.status().code(), StatusCode::kInvalidArgument) << pose.status().ToString();
  EXPECT_EQ(pose.status().message().find('\n'), std::string::npos);
}

TEST_P(PoseEstimatorTest, EmptyOrGreyCropIsInvalidArgument) {
  auto pose = Make();
  ASSERT_TRUE(pose.ok()) << pose.status().ToString();
  EXPECT_EQ((*pose)->Estimate(cv::Mat()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*pose)->Estimate(cv::Mat(64, 32, CV_8UC1, cv::Scalar(0))).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace es
