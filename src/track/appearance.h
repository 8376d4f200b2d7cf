// Appearance: a colour signature of a detection, for breaking ties between tracks that motion
// alone cannot tell apart (people crossing, a group walking side by side). No re-identification
// network is available offline, so it is the classic cue: colour histograms of body parts.
//
// The box is split into two parts, the torso (10-50 % of the height) and the legs (50-90 %),
// each over the central 60 % of the width (the sides are mostly background). Each part is
// sampled on a grid of at most 12 x 20 pixels, converted to HSV, and counted into 20 bins: 8 hues x
// 2 saturations for coloured pixels (S >= 48) and 4 brightness bins for grey ones; each part's
// histogram sums to 1 (an empty or unseen part is uniform). Two features are compared by the
// Bhattacharyya coefficient averaged over the parts: 1 = the same colours, 0 = disjoint.
//
// Contract: boxes are clipped to the frame; a box with nothing inside gives the uniform
// feature. Frames are BGR CV_8UC3 (anything else: uniform). Pure function; thread-safe.
#pragma once

#include <array>
#include <opencv2/core.hpp>

#include "edgesight/types.h"

namespace es {

inline constexpr int kAppearanceParts = 2;
inline constexpr int kAppearanceBins = 20;  // per part
using AppearanceFeature = std::array<float, kAppearanceParts * kAppearanceBins>;

AppearanceFeature ComputeAppearance(const cv::Mat& bgr, const BBox& box);

// The Bhattacharyya coefficient averaged over the parts, in [0, 1].
double AppearanceSimilarity(const AppearanceFeature& a, const AppearanceFeature& b);

}  // namespace es
