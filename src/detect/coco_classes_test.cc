#include "detect/coco_classes.h"

#include <set>

#include <gtest/gtest.h>

#include "edgesight/types.h"

namespace es {
namespace {

TEST(CocoClassesTest, StandardOrder) {
  EXPECT_EQ(CocoClassName(0), "person");
  EXPECT_EQ(CocoClassName(1), "bicycle");
  EXPECT_EQ(CocoClassName(2), "car");
  EXPECT_EQ(CocoClassName(7), "truck");
  EXPECT_EQ(CocoClassName(16), "dog");
  EXPECT_EQ(CocoClassName(39), "bottle");
  EXPECT_EQ(CocoClassName(62), "tv");
  EXPECT_EQ(CocoClassName(79), "toothbrush");
}

TEST(CocoClassesTest, SpecialAndOutOfRange) {
  EXPECT_EQ(CocoClassName(kClassMotion), "motion");
  EXPECT_EQ(CocoClassName(80), "unknown");
  EXPECT_EQ(CocoClassName(-7), "unknown");
  EXPECT_EQ(CocoClassId("motion"), -1);
  EXPECT_EQ(CocoClassId("Person"), -1);
  EXPECT_EQ(CocoClassId(""), -1);
}

TEST(CocoClassesTest, NamesUniqueAndRoundTrip) {
  std::set<std::string_view> seen;
  for (int i = 0; i < kNumCocoClasses; ++i) {
    const std::string_view n = CocoClassName(i);
    EXPECT_NE(n, "unknown");
    EXPECT_TRUE(seen.insert(n).second) << n;
    EXPECT_EQ(CocoClassId(n), i);
  }
  EXPECT_EQ(CocoClassId("traffic light"), 9);
  EXPECT_EQ(CocoClassId("hair drier"), 78);
}

}  // namespace
}  // namespace es
