#include "analytics/geometry.h"

#include <gtest/gtest.h>

#include "analytics/analytics_options.h"

namespace es {
namespace {

const Polygon kSquare = {{0, 0}, {10, 0}, {10, 10}, {0, 10}};
// A "U": the notch between x = 3 and x = 7 is open from y = 3 down to y = 10.
const Polygon kU = {{0, 0}, {10, 0}, {10, 10}, {7, 10}, {7, 3}, {3, 3}, {3, 10}, {0, 10}};

TEST(PointInPolygonTest, Convex) {
  EXPECT_TRUE(PointInPolygon({5, 5}, kSquare));
  EXPECT_TRUE(PointInPolygon({0.5f, 9.5f}, kSquare));
  EXPECT_FALSE(PointInPolygon({15, 5}, kSquare));
  EXPECT_FALSE(PointInPolygon({5, -0.1f}, kSquare));
  EXPECT_FALSE(PointInPolygon({10.01f, 5}, kSquare));
}

TEST(PointInPolygonTest, Concave) {
  EXPECT_TRUE(PointInPolygon({5, 1}, kU));   // the bottom bar of the U (top on screen)
  EXPECT_TRUE(PointInPolygon({1, 8}, kU));   // left arm
  EXPECT_TRUE(PointInPolygon({8, 8}, kU));   // right arm
  EXPECT_FALSE(PointInPolygon({5, 8}, kU));  // in the notch: inside the hull, outside the U
  EXPECT_FALSE(PointInPolygon({5, 3.5f}, kU));
  EXPECT_FALSE(PointInPolygon({-1, 5}, kU));
}

TEST(PointInPolygonTest, BoundaryCountsAsInside) {
  EXPECT_TRUE(PointInPolygon({10, 5}, kSquare));  // on an edge
  EXPECT_TRUE(PointInPolygon({5, 0}, kSquare));
  EXPECT_TRUE(PointInPolygon({0, 0}, kSquare));  // on a vertex
  EXPECT_TRUE(PointInPolygon({10, 10}, kSquare));
  EXPECT_TRUE(PointInPolygon({5, 3}, kU));  // on the notch's edge
  EXPECT_TRUE(PointInPolygon({7, 8}, kU));
  EXPECT_FALSE(PointInPolygon({5, 5}, Polygon{}));
}

TEST(ValidatePolygonTest, AcceptsConvexAndConcave) {
  EXPECT_TRUE(ValidatePolygon(kSquare).ok());
  EXPECT_TRUE(ValidatePolygon(kU).ok());
  EXPECT_TRUE(ValidatePolygon({{0, 0}, {4, 0}, {0, 3}}).ok());
}

TEST(ValidatePolygonTest, RejectsBowTieNamingTheEdges) {
  const Status s = ValidatePolygon({{0, 0}, {2, 2}, {2, 0}, {0, 2}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("self-intersecting"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("edge 0 (0,0)-(2,2)"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("edge 2 (2,0)-(0,2)"), std::string::npos) << s.message();
}

TEST(ValidatePolygonTest, RejectsFigureEightWithFiveVertices) {
  // Edge 1 (4,0)-(0,4) crosses edge 3 (4,4)-(-1,2).
  const Status s = ValidatePolygon({{0, 0}, {4, 0}, {0, 4}, {4, 4}, {-1, 2}});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("self-intersecting"), std::string::npos) << s.message();
}

TEST(ValidatePolygonTest, RejectsDegenerate) {
  EXPECT_FALSE(ValidatePolygon({}).ok());
  const Status two = ValidatePolygon({{0, 0}, {1, 1}});
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.message().find("at least 3"), std::string::npos);
  const Status collinear = ValidatePolygon({{0, 0}, {1, 0}, {2, 0}});
  ASSERT_FALSE(collinear.ok());
  EXPECT_NE(collinear.message().find("collinear"), std::string::npos) << collinear.message();
  const Status repeated = ValidatePolygon({{0, 0}, {4, 0}, {4, 0}, {0, 3}});
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.message().find("edge 1"), std::string::npos) << repeated.message();
  // Non-zero area but edge 1 folds back over edge 0.
  const Status fold = ValidatePolygon({{0, 0}, {4, 0}, {2, 0}, {2, 3}});
  ASSERT_FALSE(fold.ok());
  EXPECT_NE(fold.message().find("edge 0"), std::string::npos) << fold.message();
  EXPECT_NE(fold.message().find("edge 1"), std::string::npos) << fold.message();
  EXPECT_FALSE(ValidatePolygon({{0, 0}, {NAN, 0}, {0, 3}}).ok());
}

TEST(SideOfLineTest, LeftOnScreenIsSideA) {
  const Point2 a{0, 100}, b{200, 100};         // left to right
  EXPECT_EQ(SideOfLine(a, b, {50, 50}), 1);    // above on screen = left of a->b
  EXPECT_EQ(SideOfLine(a, b, {50, 150}), -1);  // below = right
  EXPECT_EQ(SideOfLine(b, a, {50, 50}), -1);   // reversing the line swaps the sides
  EXPECT_EQ(SideOfLine(a, b, {50, 103}, 4.0), 0);
  EXPECT_EQ(SideOfLine(a, b, {50, 105}, 4.0), -1);
  EXPECT_EQ(SideOfLine(a, b, {50, 100}), 0);
  // Vertical line pointing down: left on screen is +x.
  EXPECT_EQ(SideOfLine({100, 0}, {100, 100}, {150, 50}), 1);
}

TEST(SegmentTest, IntersectionAndCrossingParameter) {
  EXPECT_TRUE(SegmentsIntersect({0, 0}, {2, 2}, {2, 0}, {0, 2}));
  EXPECT_TRUE(SegmentsIntersect({0, 0}, {2, 0}, {2, 0}, {3, 5}));  // touching end points
  EXPECT_TRUE(SegmentsIntersect({0, 0}, {4, 0}, {2, 0}, {6, 0}));  // collinear overlap
  EXPECT_FALSE(SegmentsIntersect({0, 0}, {1, 0}, {2, 0}, {3, 0}));
  EXPECT_FALSE(SegmentsIntersect({0, 0}, {1, 1}, {0, 1}, {-1, 5}));
  const auto u = CrossingParameter({0, 100}, {200, 100}, {50, 50}, {50, 150});
  ASSERT_TRUE(u.has_value());
  EXPECT_NEAR(*u, 0.25, 1e-9);
  const auto outside = CrossingParameter({0, 100}, {200, 100}, {300, 50}, {300, 150});
  ASSERT_TRUE(outside.has_value());
  EXPECT_GT(*outside, 1.0);
  EXPECT_FALSE(CrossingParameter({0, 100}, {200, 100}, {50, 50}, {60, 60}).has_value());
  EXPECT_FALSE(CrossingParameter({0, 100}, {200, 100}, {50, 50}, {90, 50}).has_value());
}

TEST(AnalyticsOptionsTest, ErrorsNameTheItem) {
  AnalyticsOptions o;
  o.zones.push_back({"door", {{0, 0}, {10, 0}, {10, 10}, {0, 10}}, {}, 3.0});
  EXPECT_TRUE(ValidateAnalyticsOptions(o).ok());
  o.zones.push_back({"bowtie", {{0, 0}, {2, 2}, {2, 0}, {0, 2}}, {}, 0.0});
  Status s = ValidateAnalyticsOptions(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("zones[1] 'bowtie'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("self-intersecting"), std::string::npos) << s.message();
  o.zones[1] = o.zones[0];
  s = ValidateAnalyticsOptions(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("duplicate"), std::string::npos) << s.message();
  o.zones.pop_back();
  o.lines.push_back({"gate", {5, 5}, {5, 5}, {}});
  s = ValidateAnalyticsOptions(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("lines[0] 'gate'"), std::string::npos) << s.message();
  o.lines[0].b = {50, 5};
  EXPECT_TRUE(ValidateAnalyticsOptions(o).ok());
  o.end_after_s = 0;
  EXPECT_FALSE(ValidateAnalyticsOptions(o).ok());
  o.end_after_s = 2;
  o.zones[0].loiter_s = -1;
  EXPECT_FALSE(ValidateAnalyticsOptions(o).ok());
}

}  // namespace
}  // namespace es
