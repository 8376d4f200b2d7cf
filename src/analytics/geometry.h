// Zone and line geometry: polygons, point-in-polygon, polygon validation, side-of-line tests.
//
// Contract: points are pixels of the source frame in image coordinates (x right, y DOWN).
// Pure functions on plain values; thread-safe. Nothing throws; ValidatePolygon reports a bad
// polygon as InvalidArgument naming the offending vertex or edges.
//
// Conventions (tests pin them):
// - PointInPolygon: a point ON the boundary (within kGeometryEps pixels of an edge, vertices
//   included) counts as INSIDE. Interior by the even-odd rule, so it works for concave polygons.
// - SideOfLine: +1 when p lies to the LEFT of the directed line a->b as drawn on screen (with y
//   pointing down, "left" is what a viewer standing at a and looking toward b has on the left),
//   -1 on the right, 0 within `band` pixels of the (infinite) line.
// - Edge i of a polygon joins vertex i and vertex (i + 1) % n.
#pragma once

#include <opencv2/core/types.hpp>
#include <optional>
#include <vector>

#include "edgesight/status.h"

namespace es {

using Point2 = cv::Point2f;
using Polygon = std::vector<Point2>;

inline constexpr double kGeometryEps = 1e-6;  // pixels: coincidence tolerance

// Cross product (b - a) x (p - a). In image coordinates (y down) it is negative when p lies to
// the left of a->b as seen on screen.
double Cross(Point2 a, Point2 b, Point2 p);

// Shoelace area, signed (positive for vertices listed clockwise on screen, y down).
double SignedArea(const Polygon& poly);

// Euclidean distance from p to the infinite line through a and b (a != b).
double DistanceToLine(Point2 a, Point2 b, Point2 p);

// Distance from p to the closed segment [a, b].
double DistanceToSegment(Point2 a, Point2 b, Point2 p);

// True when the closed segments [p1, p2] and [q1, q2] share at least one point (touching and
// collinear overlap included).
bool SegmentsIntersect(Point2 p1, Point2 p2, Point2 q1, Point2 q2);

// Where segment [p, q] meets the infinite line through a, b, as the parameter u along a->b
// (u = 0 at a, u = 1 at b); nullopt when [p, q] is parallel to the line or does not reach it.
std::optional<double> CrossingParameter(Point2 a, Point2 b, Point2 p, Point2 q);

// Ok when poly has >= 3 finite vertices, no repeated consecutive vertex, not all vertices
// collinear, no two non-adjacent edges touch (adjacent edges may only share their common
// vertex, and must not fold back onto each other) and non-zero area. Otherwise InvalidArgument,
// e.g. "polygon is self-intersecting: edge 0 (0,0)-(2,2) crosses edge 2 (2,0)-(0,2)" for the
// bow-tie (0,0) (2,2) (2,0) (0,2): the message names the first offending pair of edges.
Status ValidatePolygon(const Polygon& poly);

// See the header comment: boundary counts as inside; even-odd rule inside.
bool PointInPolygon(Point2 p, const Polygon& poly);

// +1 left of a->b (on screen), -1 right, 0 when DistanceToLine(a, b, p) <= band.
int SideOfLine(Point2 a, Point2 b, Point2 p, double band = 0.0);

}  // namespace es
