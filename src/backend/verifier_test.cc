// Verifier on real footage (Debian opencv-doc's vtest.avi, the embedded NanoDet): a person the
// edge found is confirmed; the same crop escalated as a sheep, and a crop of empty floor escalated
// as a person, are rejected; unreadable or tiny crops are uncertain without a model run.
#include "backend/verifier.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "core/jpeg_codec.h"

namespace es {
namespace {

constexpr int kSheep = 18;

class VerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(DefaultNanoDetModelPath()) ||
        !std::filesystem::exists(ES_DEFAULT_VIDEO)) {
      return;
    }
    cv::VideoCapture cap(ES_DEFAULT_VIDEO);
    for (int i = 0; i < 60 && cap.read(*frame_); ++i) {
    }
    if (frame_->empty()) return;
    VerifyOptions o;
    o.worker = "test";
    auto v = Verifier::Create(o);
    ASSERT_TRUE(v.ok()) << v.status().message();
    verifier_ = v->release();
    // The edge's view: the detector on the whole frame; the tallest confident person.
    DetectorOptions d;
    auto det = MakeDetector(d);
    ASSERT_TRUE(det.ok());
    auto dets = (*det)->Detect(*frame_);
    ASSERT_TRUE(dets.ok());
    for (const Detection& x : *dets) {
      if (x.class_id == kClassPerson && x.score > 0.5f && x.box.h > person_->h) *person_ = x.box;
    }
  }
  static void TearDownTestSuite() {
    delete verifier_;
    verifier_ = nullptr;
  }
  void SetUp() override {
    if (verifier_ == nullptr) GTEST_SKIP() << "embedded model or vtest.avi absent";
    ASSERT_GT(person_->h, 40) << "no confident person in frame 60 of vtest.avi";
  }

  // The escalation the edge would send: box plus half its size of context, as a JPEG.
  static Escalation Escalate(const BBox& box, int class_id) {
    const cv::Rect frame_rect(0, 0, frame_->cols, frame_->rows);
    const cv::Rect r =
        cv::Rect(static_cast<int>(box.x - box.w / 2), static_cast<int>(box.y - box.h / 2),
                 static_cast<int>(box.w * 2), static_cast<int>(box.h * 2)) &
        frame_rect;
    Escalation e;
    e.id = "d/c/esc/1";
    e.device = "d";
    e.stream = "c";
    e.class_id = class_id;
    e.box = box;
    e.crop_box = BBox{float(r.x), float(r.y), float(r.width), float(r.height)};
    auto jpeg = EncodeJpeg((*frame_)(r), 90);
    e.jpeg.assign(jpeg->begin(), jpeg->end());
    return e;
  }

  static inline cv::Mat* frame_ = new cv::Mat();
  static inline BBox* person_ = new BBox();
  static inline Verifier* verifier_ = nullptr;
};

TEST_F(VerifierTest, ConfirmsAPersonTheEdgeFound) {
  Verdict v = verifier_->Verify(Escalate(*person_, kClassPerson), 0);
  EXPECT_EQ(v.verdict, VerdictKind::kConfirmed) << v.ToJson().dump();
  EXPECT_GE(v.score, 0.5f);
  ASSERT_EQ(v.checks.size(), 1u);
  EXPECT_EQ(v.checks[0].check, "detector");
  EXPECT_EQ(v.checks[0].model, "nanodet-m-416");
  EXPECT_TRUE(v.checks[0].agreed);
  EXPECT_EQ(v.worker, "test");
  EXPECT_GT(v.verify_ms, 0);
}

TEST_F(VerifierTest, RejectsAClassThatIsNotThere) {
  Verdict v = verifier_->Verify(Escalate(*person_, kSheep), 0);
  EXPECT_EQ(v.verdict, VerdictKind::kRejected) << v.ToJson().dump();
  EXPECT_FALSE(v.checks[0].agreed);
  EXPECT_NE(v.checks[0].detail.find("best other: person"), std::string::npos) << v.checks[0].detail;
}

TEST_F(VerifierTest, RejectsAPersonOnEmptyFloor) {
  // The bottom-left corner of vtest.avi is floor nobody stands on at frame 60.
  const BBox floor{10, static_cast<float>(frame_->rows - 110), 40, 100};
  ASSERT_LT(IoU(floor, *person_), 0.01f);
  Verdict v = verifier_->Verify(Escalate(floor, kClassPerson), 0);
  EXPECT_EQ(v.verdict, VerdictKind::kRejected) << v.ToJson().dump();
}

TEST_F(VerifierTest, UnreadableTinyOrExpiredCropsAreUncertain) {
  Escalation bad = Escalate(*person_, kClassPerson);
  bad.jpeg = "\xFF\xD8 this is not really a JPEG \xFF\xD9";
  Verdict v = verifier_->Verify(bad, 0);
  EXPECT_EQ(v.verdict, VerdictKind::kUncertain);
  EXPECT_EQ(v.checks[0].check, "decode");

  Escalation tiny = Escalate(BBox{100, 100, 4, 6}, kClassPerson);
  v = verifier_->Verify(tiny, 0);
  EXPECT_EQ(v.verdict, VerdictKind::kUncertain);
  EXPECT_EQ(v.checks[0].check, "size");

  VerifyOptions o;
  o.skip_expired = true;
  auto expiring = Verifier::Create(o);
  ASSERT_TRUE(expiring.ok());
  Escalation late = Escalate(*person_, kClassPerson);
  late.deadline_unix_ms = 1000;
  v = (*expiring)->Verify(late, 5000);
  EXPECT_EQ(v.verdict, VerdictKind::kUncertain);
  EXPECT_EQ(v.checks[0].check, "expired");
}

// With the pose check (BlazePose presence) on persons: both checks agree on a real person and
// on empty floor; a class other than person gets no pose check.
TEST_F(VerifierTest, PoseCheckJoinsTheDetectorOnPersons) {
  if (!std::filesystem::exists(DefaultPoseModelPath())) GTEST_SKIP() << "no pose model";
  VerifyOptions o;
  o.pose_model = DefaultPoseModelPath();
  auto both = Verifier::Create(o);
  ASSERT_TRUE(both.ok()) << both.status().message();
  Verdict v = (*both)->Verify(Escalate(*person_, kClassPerson), 0);
  EXPECT_EQ(v.verdict, VerdictKind::kConfirmed) << v.ToJson().dump();
  ASSERT_EQ(v.checks.size(), 2u);
  EXPECT_EQ(v.checks[1].check, "pose");
  EXPECT_EQ(v.checks[1].model, "blazepose-lite");
  EXPECT_TRUE(v.checks[1].agreed) << v.checks[1].detail;
  EXPECT_GT(v.checks[1].score, 0.5f);

  const BBox floor{10, static_cast<float>(frame_->rows - 110), 40, 100};
  v = (*both)->Verify(Escalate(floor, kClassPerson), 0);
  EXPECT_EQ(v.verdict, VerdictKind::kRejected) << v.ToJson().dump();
  ASSERT_EQ(v.checks.size(), 2u);
  EXPECT_FALSE(v.checks[1].agreed) << v.checks[1].detail;

  v = (*both)->Verify(Escalate(*person_, kSheep), 0);
  EXPECT_EQ(v.checks.size(), 1u);
}

TEST(VerifierCreate, AModelThatDoesNotLoadIsAnError) {
  VerifyOptions o;
  o.detector.type = "onnx";
  o.detector.model = "/nonexistent/model.onnx";
  auto v = Verifier::Create(o);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kNotFound);
  VerifyOptions p;
  p.pose_model = "/nonexistent/pose.onnx";
  EXPECT_EQ(Verifier::Create(p).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace es
