#include "detect/decode_heads.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace es {
namespace {

// Small NanoDet head: 32x32 input, strides 8 and 16 -> 4x4 + 2x2 = 20 cells,
// 3 classes, reg_max 3 (4 bins per side) -> rows of 3 + 16 = 19 values.
NanoDetParams SmallNanoDet() {
  NanoDetParams p;
  p.input_w = 32;
  p.input_h = 32;
  p.num_classes = 3;
  p.reg_max = 3;
  p.strides = {8, 16};
  return p;
}

constexpr int kRow = 19;
constexpr float kOff = -1000.f;  // exp underflows to exactly 0 after the max shift

// Sets one side's 4 logits so that only `bins` (equal logits) carry probability.
void SetSide(float* reg, int side, std::vector<int> bins) {
  for (int i = 0; i < 4; ++i) reg[side * 4 + i] = kOff;
  for (int b : bins) reg[side * 4 + b] = 3.f;
}

TEST(DecodeNanoDetTest, PeakedDistributionsGiveTheExactBox) {
  const NanoDetParams p = SmallNanoDet();
  std::vector<float> t(20 * kRow, 0.f);  // all class scores 0: below threshold
  // Level stride 16 starts at row 16; its cell (row 1, col 0) is index 16 + 1 * 2 + 0 = 18.
  float* r = &t[18 * kRow];
  r[2] = 0.9f;  // class 2
  SetSide(r + 3, 0, {2});     // left   = 2 bins * 16 = 32
  SetSide(r + 3, 1, {1, 2});  // top    = 1.5 * 16 = 24 (two equal bins)
  SetSide(r + 3, 2, {1});     // right  = 16
  SetSide(r + 3, 3, {3});     // bottom = 48
  // Level stride 8, cell (row 2, col 3) = index 11, class 0, all sides bin 1 -> 8 px.
  float* q = &t[11 * kRow];
  q[0] = 0.6f;
  for (int s = 0; s < 4; ++s) SetSide(q + 3, s, {1});

  auto res = DecodeNanoDet({t.data(), {1, 20, kRow}}, p, 0.5f);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->size(), 2u);
  const Detection& a = (*res)[0];  // level order: stride 8 first
  EXPECT_EQ(a.class_id, 0);
  EXPECT_FLOAT_EQ(a.score, 0.6f);
  // Prior (3 * 8, 2 * 8) = (24, 16); +- 8 on every side.
  EXPECT_FLOAT_EQ(a.box.x, 16.f);
  EXPECT_FLOAT_EQ(a.box.y, 8.f);
  EXPECT_FLOAT_EQ(a.box.w, 16.f);
  EXPECT_FLOAT_EQ(a.box.h, 16.f);
  const Detection& b = (*res)[1];
  EXPECT_EQ(b.class_id, 2);
  EXPECT_FLOAT_EQ(b.score, 0.9f);
  // Prior (0, 16): x1 = -32, y1 = 16 - 24 = -8, x2 = 16, y2 = 64.
  EXPECT_FLOAT_EQ(b.box.x, -32.f);
  EXPECT_FLOAT_EQ(b.box.y, -8.f);
  EXPECT_FLOAT_EQ(b.box.x2(), 16.f);
  EXPECT_FLOAT_EQ(b.box.y2(), 64.f);
}

TEST(DecodeNanoDetTest, CenterOffsetUniformBinsAndLogits) {
  NanoDetParams p = SmallNanoDet();
  p.center_offset = 0.5f;
  p.cls_is_sigmoid = false;  // raw logits: the decoder applies the sigmoid
  std::vector<float> t(20 * kRow, -10.f);
  float* r = &t[5 * kRow];  // stride 8, row 1, col 1 -> prior (12, 12)
  r[0] = -1.f;
  r[1] = 2.f;  // argmax, sigmoid(2) = 0.8808
  r[2] = 0.f;
  for (int i = 3; i < kRow; ++i) r[i] = 0.7f;  // uniform: expectation (0+1+2+3)/4 = 1.5 bins
  auto res = DecodeNanoDet({t.data(), {1, 20, kRow}}, p, 0.5f);
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res->size(), 1u);
  const Detection& d = (*res)[0];
  EXPECT_EQ(d.class_id, 1);
  EXPECT_NEAR(d.score, 1.f / (1.f + std::exp(-2.f)), 1e-6f);
  EXPECT_NEAR(d.box.x, 0.f, 1e-4f);  // 12 - 1.5 * 8
  EXPECT_NEAR(d.box.y, 0.f, 1e-4f);
  EXPECT_NEAR(d.box.w, 24.f, 1e-4f);
  EXPECT_NEAR(d.box.h, 24.f, 1e-4f);
}

TEST(DecodeNanoDetTest, ThresholdIsInclusive) {
  const NanoDetParams p = SmallNanoDet();
  std::vector<float> t(20 * kRow, 0.f);
  t[0 * kRow + 0] = 0.5f;
  t[1 * kRow + 0] = 0.49f;
  auto res = DecodeNanoDet({t.data(), {1, 20, kRow}}, p, 0.5f);
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res->size(), 1u);
  EXPECT_FLOAT_EQ((*res)[0].score, 0.5f);
}

TEST(DecodeNanoDetTest, CellCountFollowsInputAndStrides) {
  NanoDetParams p;  // 416, strides 8/16/32, reg_max 10: 52^2 + 26^2 + 13^2 cells of 124
  std::vector<float> t(3598 * 124, 0.f);
  EXPECT_TRUE(DecodeNanoDet({t.data(), {1, 3549, 124}}, p, 0.3f).ok());
  EXPECT_FALSE(DecodeNanoDet({t.data(), {1, 3598, 124}}, p, 0.3f).ok());
  // NanoDet-Plus: strides 8/16/32/64 and reg_max 7 -> [1, 3598, 112] at 416.
  p.strides = {8, 16, 32, 64};
  p.reg_max = 7;
  EXPECT_TRUE(DecodeNanoDet({t.data(), {1, 3598, 112}}, p, 0.3f).ok());
  // 320 input, 3 strides: 40^2 + 20^2 + 10^2 = 2100; non-square 320x256: 40*32+20*16+10*8.
  p.strides = {8, 16, 32};
  p.input_w = p.input_h = 320;
  EXPECT_TRUE(DecodeNanoDet({t.data(), {1, 2100, 112}}, p, 0.3f).ok());
  p.input_h = 256;
  EXPECT_TRUE(DecodeNanoDet({t.data(), {1, 1680, 112}}, p, 0.3f).ok());
  // Sizes that are not multiples of the stride round up: ceil(100/32) = 4.
  p.input_w = p.input_h = 100;
  EXPECT_TRUE(DecodeNanoDet({t.data(), {1, 13 * 13 + 7 * 7 + 4 * 4, 112}}, p, 0.3f).ok());
}

TEST(DecodeNanoDetTest, WrongShapesAreInvalidArgument) {
  const NanoDetParams p = SmallNanoDet();
  std::vector<float> t(21 * 20, 0.f);
  for (const std::vector<int64_t>& shape :
       std::vector<std::vector<int64_t>>{{1, 21, kRow},      // wrong cell count
                                         {1, 20, kRow + 1},  // wrong row width
                                         {2, 20, kRow},      // batch 2
                                         {20 * kRow},        // rank 1
                                         {1, -1, kRow}}) {   // dynamic dim
    auto res = DecodeNanoDet({t.data(), shape}, p, 0.5f);
    ASSERT_FALSE(res.ok()) << ShapeToString(shape);
    EXPECT_EQ(res.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_FALSE(DecodeNanoDet({nullptr, {1, 20, kRow}}, p, 0.5f).ok());
  // Rank 2 without the batch axis is accepted.
  EXPECT_TRUE(DecodeNanoDet({t.data(), {20, kRow}}, p, 0.5f).ok());
}

TEST(DecodeYoloV5Test, ScoreIsObjectnessTimesClass) {
  // C = 2, rows of 7.
  const std::vector<float> t = {
      100, 50, 20, 10, 0.9f, 0.5f, 0.8f,  // score 0.72, class 1
      10,  10, 4,  4,  0.6f, 0.7f, 0.1f,  // 0.42: below 0.5
      30,  30, 8,  6,  0.5f, 1.0f, 0.2f,  // exactly 0.5: kept
      1,   1,  1,  1,  0.4f, 1.0f, 1.0f,  // objectness below threshold
  };
  auto res = DecodeYoloV5({t.data(), {1, 4, 7}}, 0.5f);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->size(), 2u);
  EXPECT_EQ((*res)[0].class_id, 1);
  EXPECT_FLOAT_EQ((*res)[0].score, 0.9f * 0.8f);
  EXPECT_EQ((*res)[0].box, (BBox{90.f, 45.f, 20.f, 10.f}));
  EXPECT_EQ((*res)[1].class_id, 0);
  EXPECT_EQ((*res)[1].box, (BBox{26.f, 27.f, 8.f, 6.f}));
}

TEST(DecodeYoloV5Test, WrongShapesAreInvalidArgument) {
  const std::vector<float> t(100, 0.f);
  EXPECT_EQ(DecodeYoloV5({t.data(), {1, 4, 5}}, 0.5f).status().code(),
            StatusCode::kInvalidArgument);  // no class column
  EXPECT_EQ(DecodeYoloV5({t.data(), {1, 4, 7}}, 0.5f, 80).status().code(),
            StatusCode::kInvalidArgument);  // declared 80 classes, rows hold 2
  EXPECT_TRUE(DecodeYoloV5({t.data(), {1, 4, 7}}, 0.5f, 2).ok());
  EXPECT_FALSE(DecodeYoloV5({t.data(), {1, 1, 4, 7}}, 0.5f).ok());
}

// Builds a YOLOv8 tensor with n anchors and c classes in both layouts.
struct V8Tensors {
  std::vector<float> channels_first, transposed;
};
V8Tensors MakeV8(int n, int c, const std::vector<std::vector<float>>& anchors) {
  const int attrs = 4 + c;
  V8Tensors v{std::vector<float>(attrs * n, 0.f), std::vector<float>(attrs * n, 0.f)};
  for (int i = 0; i < n && i < static_cast<int>(anchors.size()); ++i) {
    for (int a = 0; a < attrs; ++a) {
      v.channels_first[a * n + i] = anchors[i][a];
      v.transposed[i * attrs + a] = anchors[i][a];
    }
  }
  return v;
}

TEST(DecodeYoloV8Test, BothLayoutsDecodeTheSameBoxes) {
  const int n = 10, c = 2;  // n > 4 + c: the layout is inferable
  const V8Tensors v = MakeV8(n, c, {{50, 40, 20, 30, 0.1f, 0.7f},
                                    {0, 0, 0, 0, 0, 0},
                                    {200, 100, 10, 10, 0.95f, 0.2f}});
  for (int declared : {0, c}) {
    auto cf = DecodeYoloV8({v.channels_first.data(), {1, 6, n}}, 0.5f, declared);
    auto tr = DecodeYoloV8({v.transposed.data(), {1, n, 6}}, 0.5f, declared);
    ASSERT_TRUE(cf.ok()) << cf.status().ToString();
    ASSERT_TRUE(tr.ok()) << tr.status().ToString();
    for (const auto* res : {&cf.value(), &tr.value()}) {
      ASSERT_EQ(res->size(), 2u);
      EXPECT_EQ((*res)[0].class_id, 1);
      EXPECT_FLOAT_EQ((*res)[0].score, 0.7f);
      EXPECT_EQ((*res)[0].box, (BBox{40.f, 25.f, 20.f, 30.f}));
      EXPECT_EQ((*res)[1].class_id, 0);
      EXPECT_FLOAT_EQ((*res)[1].score, 0.95f);
      EXPECT_EQ((*res)[1].box, (BBox{195.f, 95.f, 10.f, 10.f}));
    }
  }
}

TEST(DecodeYoloV8Test, DeclaredClassesResolveSmallAndSquareTensors) {
  // 3 anchors, 2 classes: [1, 6, 3]. Inferred, 6 > 3 reads it as transposed (wrong here);
  // declaring 2 classes reads it channels-first.
  const V8Tensors v = MakeV8(3, 2, {{10, 10, 4, 4, 0.9f, 0.f}});
  auto declared = DecodeYoloV8({v.channels_first.data(), {1, 6, 3}}, 0.5f, 2);
  ASSERT_TRUE(declared.ok());
  ASSERT_EQ(declared->size(), 1u);
  EXPECT_EQ((*declared)[0].box, (BBox{8.f, 8.f, 4.f, 4.f}));
  // Square [1, 6, 6] with 2 classes: channels-first wins the tie.
  const V8Tensors sq = MakeV8(6, 2, {{10, 10, 4, 4, 0.9f, 0.f}});
  auto tie = DecodeYoloV8({sq.channels_first.data(), {1, 6, 6}}, 0.5f, 2);
  ASSERT_TRUE(tie.ok());
  ASSERT_EQ(tie->size(), 1u);
  EXPECT_EQ((*tie)[0].box, (BBox{8.f, 8.f, 4.f, 4.f}));
}

TEST(DecodeYoloV8Test, WrongShapesAreInvalidArgument) {
  const std::vector<float> t(1000, 0.f);
  EXPECT_EQ(DecodeYoloV8({t.data(), {1, 84, 10}}, 0.5f, 2).status().code(),
            StatusCode::kInvalidArgument);  // neither dim is 4 + 2
  EXPECT_EQ(DecodeYoloV8({t.data(), {1, 4, 100}}, 0.5f).status().code(),
            StatusCode::kInvalidArgument);  // no class attribute
  EXPECT_FALSE(DecodeYoloV8({t.data(), {3, 6, 10}}, 0.5f).ok());
  EXPECT_FALSE(DecodeYoloV8({nullptr, {1, 6, 10}}, 0.5f).ok());
}

TEST(DecodeYoloPredecodedTest, CornersScoreAndClass) {
  const std::vector<float> t = {
      10, 20, 110, 220, 0.8f, 2.0f,   // kept, class 2
      0,  0,  5,   5,   0.2f, 0.0f,   // below threshold
      50, 50, 40,  60,  0.9f, 15.f,   // x2 < x1: dropped
      5,  6,  7,   8,   0.5f, 0.99f,  // class rounds to 1, score at threshold kept
  };
  auto res = DecodeYoloPredecoded({t.data(), {1, 4, 6}}, 0.5f);
  ASSERT_TRUE(res.ok());
  ASSERT_EQ(res->size(), 2u);
  EXPECT_EQ((*res)[0].box, (BBox{10.f, 20.f, 100.f, 200.f}));
  EXPECT_EQ((*res)[0].class_id, 2);
  EXPECT_FLOAT_EQ((*res)[0].score, 0.8f);
  EXPECT_EQ((*res)[1].class_id, 1);
  EXPECT_EQ(DecodeYoloPredecoded({t.data(), {1, 3, 7}}, 0.5f).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace es
