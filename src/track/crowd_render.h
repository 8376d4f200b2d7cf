// Renders the frames of a CrowdScene (track/crowd_scene.h, keep_figures on), so that the
// trackers' frame-based cues (camera-motion compensation, appearance) can be measured on scenes
// with ground truth: no real footage with per-frame boxes ships with the project.
//
// The world is a textured background larger than the view by the camera's reach (a paved
// ground with tiles and marks below the horizon, facades with windows above it), made once per
// scene from the seed; each frame is the view at the frame's camera offset with the figures
// drawn far to near: people as a head, a shirt and two trouser legs in their own colours,
// clutter as grey posts. Sensor noise (std 3 grey levels) is added per frame. The renderer is
// an evaluation tool, not a photo-realistic one: the detections stay those of the simulator.
//
// Contract: pure functions of their inputs (cv::RNG seeded from the options and the frame
// number). Thread-safety: pure functions.
#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "edgesight/status.h"
#include "track/crowd_scene.h"

namespace es {

// The background, (width + 2 m) x (height + 2 m) with m = CrowdCameraReach(options).
cv::Mat RenderCrowdBackground(const CrowdSceneOptions& options);
int CrowdCameraReach(const CrowdSceneOptions& options);

// Frame `index` (0-based into scene.frames) as BGR width x height.
cv::Mat RenderCrowdFrame(const CrowdFrame& frame, int index, const cv::Mat& background,
                         const CrowdSceneOptions& options);

// Renders every frame into DIR/NAME/img1/000001.jpg ... (MOTChallenge's layout, JPEG quality
// 90). Failure: a scene without frames -> kInvalidArgument; an unwritable folder or file ->
// kInvalidArgument naming it.
Status WriteCrowdImages(const CrowdScene& scene, const CrowdSceneOptions& options,
                        const std::string& dir, const std::string& name);

}  // namespace es
