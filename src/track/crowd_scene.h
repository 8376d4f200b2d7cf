// CrowdScene: a detection-level simulator of hard crowds, with ground truth, for evaluating
// trackers on scenes nobody tuned on.
//
// Dozens of people walk across a perspective ground plane (feet lower in the image = nearer =
// taller), with small heading changes; some stand still the whole time, others pause for a few
// seconds on their way. People leave at the borders and new ones enter to keep `people` on
// screen. Occlusion follows depth: the visible fraction of a person is the share of a grid of
// sample points on their box not covered by any nearer person's box. A detector is simulated on
// top: a person less visible than min_visible is not detected; the others are missed at
// miss_rate, their boxes carry noise proportional to their height, and their score falls with
// occlusion (score noise included, so partly hidden people produce the low-score detections
// ByteTrack's second stage is for). Static false positives (person-sized clutter at fixed
// places, detected most frames with +-2 px jitter) and one-frame false positives are added.
//
// Output is MOTChallenge rows: ground truth in the MOT16/17 form (frame, id, x, y, w, h,
// consider 1, class 1, visibility; only people with at least min_in_frame of their box inside
// the image), detections with id -1 and the score. Boxes are clipped to the image.
//
// The camera's motion, the people's clothes and the figures use random streams of their own, so
// a scene with a fixed camera has the same rows as before these options existed.
//
// Contract: a pure function of the options (std::mt19937 with the seed; no clocks): the same
// options give identical rows. Options out of range -> kInvalidArgument naming the option;
// people x frames is at most 5,000,000 (the rows are held in memory).
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgesight/status.h"
#include "track/mot_io.h"

namespace es {

struct CrowdSceneOptions {
  int width = 1920, height = 1080;
  double fps = 25;
  int frames = 1000;
  int people = 40;                 // people kept on screen
  double standing_fraction = 0.1;  // of the people present at the start: stand all along
  double pause_rate = 0.05;        // pauses per walker per second (each 2..8 s)
  double min_visible = 0.35;       // less visible than this: not detected
  double miss_rate = 0.12;         // random misses of the others
  double box_noise = 0.04;         // std of each box edge, as a fraction of the height
  double score_noise = 0.1;        // std of the detection score
  int static_clutter = 3;          // person-sized false positives at fixed places
  double clutter_detect_rate = 0.8;
  double false_positives_per_frame = 0.3;  // one-frame false positives (Poisson mean)
  double min_in_frame = 0.5;               // ground truth: share of the box inside the image
  // A moving camera: a slow horizontal pan (a sinusoid of this amplitude and period) and a
  // shake (a pole in the wind: each frame's offset is 0.8 x the last one's plus noise, with
  // this stationary std, both directions). Everything in the image moves with it. 0 = fixed.
  double camera_pan_px = 0;
  double camera_pan_period_s = 20;
  double camera_shake_px = 0;
  bool keep_figures = false;  // fill CrowdScene::frames, for RenderCrowdFrame
  uint32_t seed = 1;
};

// What is drawn at one place of one frame: a person (clothes colours are per person) or a
// piece of static clutter. The box is in image pixels, not clipped.
struct CrowdFigure {
  int id = 0;  // person id; 0 for clutter
  double x = 0, y = 0, w = 0, h = 0;
  uint8_t shirt[3] = {}, trousers[3] = {}, skin[3] = {};  // BGR
};

struct CrowdFrame {
  double camera_x = 0, camera_y = 0;  // image pixel (u, v) shows the world at (u + x, v + y)
  std::vector<CrowdFigure> figures;   // far to near (drawing order)
};

struct CrowdScene {
  std::vector<MotRow> gt;          // 9-column MOT16 rows, sorted by frame then id
  std::vector<MotRow> det;         // id -1, sorted by frame
  int num_people = 0;              // distinct ground-truth ids
  std::vector<CrowdFrame> frames;  // with keep_figures: one per frame
};

Result<CrowdScene> GenerateCrowdScene(const CrowdSceneOptions& options);

// Writes DIR/NAME/{det/det.txt, gt/gt.txt, seqinfo.ini} (MOTChallenge layout; seqinfo.ini has
// name, frameRate, seqLength, imWidth, imHeight), creating the folders.
Status WriteCrowdScene(const CrowdScene& scene, const CrowdSceneOptions& options,
                       const std::string& dir, const std::string& name);

}  // namespace es
