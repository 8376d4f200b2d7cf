// Overlay: what a person looking at a camera wants drawn on its frame (the annotated video,
// the live view): detections thin and grey, tracks thick in a colour per id with "#id class",
// predicted tracks thin, zones as outlined polygons with their names, and a one-line heads-up.
// Contract: draws into *image in place (BGR, 8-bit); boxes are in the image's pixels.
// Thread-safety: re-entrant.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "analytics/analytics_options.h"
#include "pipeline/frame_packet.h"

namespace es {

cv::Scalar ColorForId(int id);
void DrawDetections(const std::vector<Detection>& detections, cv::Mat* image);
void DrawTracks(const std::vector<TrackOutput>& tracks, cv::Mat* image);
void DrawZones(const std::vector<ZoneOptions>& zones, cv::Mat* image);
void DrawHud(const std::string& text, cv::Mat* image);

}  // namespace es
