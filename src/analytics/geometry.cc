#include "analytics/geometry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace es {
namespace {

std::string Pt(Point2 p) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "(%g,%g)", static_cast<double>(p.x), static_cast<double>(p.y));
  return buf;
}

std::string Edge(const Polygon& poly, size_t i) {
  return "edge " + std::to_string(i) + " " + Pt(poly[i]) + "-" + Pt(poly[(i + 1) % poly.size()]);
}

int Sign(double v) { return v > kGeometryEps ? 1 : (v < -kGeometryEps ? -1 : 0); }

// p is on the closed segment [a, b] (within kGeometryEps).
bool OnSegment(Point2 a, Point2 b, Point2 p) { return DistanceToSegment(a, b, p) <= kGeometryEps; }

}  // namespace

double Cross(Point2 a, Point2 b, Point2 p) {
  return (static_cast<double>(b.x) - a.x) * (static_cast<double>(p.y) - a.y) -
         (static_cast<double>(b.y) - a.y) * (static_cast<double>(p.x) - a.x);
}

double SignedArea(const Polygon& poly) {
  double twice = 0.0;
  for (size_t i = 0; i < poly.size(); ++i) {
    const Point2& p = poly[i];
    const Point2& q = poly[(i + 1) % poly.size()];
    twice += static_cast<double>(p.x) * q.y - static_cast<double>(q.x) * p.y;
  }
  return 0.5 * twice;
}

double DistanceToLine(Point2 a, Point2 b, Point2 p) {
  const double len = std::hypot(static_cast<double>(b.x) - a.x, static_cast<double>(b.y) - a.y);
  if (len <= kGeometryEps) return std::hypot(static_cast<double>(p.x) - a.x, p.y - a.y);
  return std::abs(Cross(a, b, p)) / len;
}

double DistanceToSegment(Point2 a, Point2 b, Point2 p) {
  const double dx = static_cast<double>(b.x) - a.x, dy = static_cast<double>(b.y) - a.y;
  const double len2 = dx * dx + dy * dy;
  double t = 0.0;
  if (len2 > 0.0) {
    t = ((static_cast<double>(p.x) - a.x) * dx + (static_cast<double>(p.y) - a.y) * dy) / len2;
    t = std::clamp(t, 0.0, 1.0);
  }
  return std::hypot(a.x + t * dx - p.x, a.y + t * dy - p.y);
}

bool SegmentsIntersect(Point2 p1, Point2 p2, Point2 q1, Point2 q2) {
  const int d1 = Sign(Cross(q1, q2, p1)), d2 = Sign(Cross(q1, q2, p2));
  const int d3 = Sign(Cross(p1, p2, q1)), d4 = Sign(Cross(p1, p2, q2));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return OnSegment(q1, q2, p1) || OnSegment(q1, q2, p2) || OnSegment(p1, p2, q1) ||
         OnSegment(p1, p2, q2);
}

std::optional<double> CrossingParameter(Point2 a, Point2 b, Point2 p, Point2 q) {
  const double cp = Cross(a, b, p), cq = Cross(a, b, q);
  if (cp == cq) return std::nullopt;  // parallel to the line (or both on it)
  if ((cp > 0 && cq > 0) || (cp < 0 && cq < 0)) return std::nullopt;
  const double s = cp / (cp - cq);  // along p->q
  const double x = p.x + s * (static_cast<double>(q.x) - p.x);
  const double y = p.y + s * (static_cast<double>(q.y) - p.y);
  const double dx = static_cast<double>(b.x) - a.x, dy = static_cast<double>(b.y) - a.y;
  const double len2 = dx * dx + dy * dy;
  if (len2 <= 0.0) return std::nullopt;
  return ((x - a.x) * dx + (y - a.y) * dy) / len2;
}

Status ValidatePolygon(const Polygon& poly) {
  const size_t n = poly.size();
  if (n < 3) {
    return InvalidArgument("polygon needs at least 3 points, got " + std::to_string(n));
  }
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(poly[i].x) || !std::isfinite(poly[i].y)) {
      return InvalidArgument("polygon point " + std::to_string(i) + " is not finite");
    }
    const Point2& q = poly[(i + 1) % n];
    if (std::hypot(poly[i].x - q.x, poly[i].y - q.y) <= kGeometryEps) {
      return InvalidArgument("polygon has a zero-length " + Edge(poly, i) + " (repeated point)");
    }
  }
  bool collinear = true;  // every vertex on the line through vertices 0 and 1
  for (size_t i = 2; i < n && collinear; ++i) {
    collinear = DistanceToLine(poly[0], poly[1], poly[i]) <= kGeometryEps;
  }
  if (collinear) return InvalidArgument("polygon is degenerate: all points are collinear");
  for (size_t i = 0; i < n; ++i) {
    const Point2 a = poly[i], b = poly[(i + 1) % n];
    for (size_t j = i + 1; j < n; ++j) {
      const Point2 c = poly[j], d = poly[(j + 1) % n];
      const bool next = j == i + 1;            // edge j starts where edge i ends (b == c)
      const bool prev = i == 0 && j == n - 1;  // edge j ends where edge i starts (d == a)
      bool bad = false;
      if (next) {
        bad = OnSegment(a, b, d) || OnSegment(c, d, a);  // fold back over the shared vertex
      } else if (prev) {
        bad = OnSegment(a, b, c) || OnSegment(c, d, b);
      } else {
        bad = SegmentsIntersect(a, b, c, d);
      }
      if (bad) {
        return InvalidArgument("polygon is self-intersecting: " + Edge(poly, i) + " crosses " +
                               Edge(poly, j));
      }
    }
  }
  // Unreachable for a simple polygon with non-collinear vertices; kept as a last guard.
  if (std::abs(SignedArea(poly)) <= kGeometryEps) {
    return InvalidArgument("polygon is degenerate: zero area");
  }
  return Status::Ok();
}

bool PointInPolygon(Point2 p, const Polygon& poly) {
  const size_t n = poly.size();
  if (n == 0) return false;
  for (size_t i = 0; i < n; ++i) {
    if (OnSegment(poly[i], poly[(i + 1) % n], p)) return true;  // boundary counts as inside
  }
  bool inside = false;
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const Point2& a = poly[i];
    const Point2& b = poly[j];
    if ((a.y > p.y) != (b.y > p.y)) {
      const double x = a.x + (static_cast<double>(p.y) - a.y) * (b.x - a.x) / (b.y - a.y);
      if (p.x < x) inside = !inside;
    }
  }
  return inside;
}

int SideOfLine(Point2 a, Point2 b, Point2 p, double band) {
  if (DistanceToLine(a, b, p) <= std::max(band, kGeometryEps)) return 0;
  return Cross(a, b, p) < 0 ? 1 : -1;  // negative cross = left on screen (y down)
}

}  // namespace es
