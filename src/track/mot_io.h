// MOTChallenge text files: parse, write, and turn a ground-truth / result pair into the per-frame
// data that the evaluation metrics (mot_metrics.h, hota.h) consume.
//
// Format: one box per line, "frame,id,x,y,w,h,score[,class|x][,visibility|y][,z]", 7 to 10
// comma-separated numbers (spaces around them are allowed), 1-based frames, top-left x/y and
// width/height in pixels; rows may come in any order; blank lines are skipped. Every row of one
// file has the same number of columns. A bad row (non-numeric field, NaN or infinity, w or h <= 0,
// frame < 1 or > kMaxMotFrame, non-integral frame or id (or one beyond int), wrong or changing
// column count) fails the whole file with kInvalidArgument "PATH:LINE: <reason>" on one line; a
// missing file is kNotFound. The bounds keep a hostile file from driving huge allocations (the
// evaluation keeps dense per-frame arrays).
//
// Ground-truth flavours (TrackEval's MotChallenge2DBox preprocessing, which the official devkit
// follows):
//   kMot15  (10 columns; the last three are world coordinates): every row whose confidence
//           column is not 0 counts; there are no classes and no ignored regions.
//   kMot16  (MOT16/17/20, 9 columns: ..., conf, class, visibility): only class 1 (pedestrian)
//           rows with conf != 0 count. Tracker boxes matched (one-to-one, maximum total IoU, IoU
//           >= 0.5) to any ground-truth box of an ignored class (2 person on vehicle, 7 static
//           person, 8 distractor, 12 reflection) are removed before evaluation; boxes of the
//           other classes and conf == 0 pedestrians take part in that matching and are then
//           dropped from the ground truth.
// Tracker rows are all kept (their score and class columns are not used).
//
// Thread-safety: pure functions on values. Ownership: results are plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edgesight/status.h"
#include "edgesight/types.h"

namespace es {

inline constexpr int kMaxMotFrame = 1'000'000;

// A box in double precision (MOTChallenge files carry sub-pixel decimals).
struct MotBox {
  double x = 0, y = 0, w = 0, h = 0;  // top-left and size, pixels
};

// Intersection over union exactly as TrackEval's _calculate_box_ious (continuous coordinates,
// no +1; 0 when either area or the union is <= machine epsilon).
double MotIoU(const MotBox& a, const MotBox& b);

struct MotRow {
  int frame = 0;  // 1-based
  int id = -1;
  MotBox box;
  double score = -1;  // column 7: detection/track score, or the gt "consider" flag
  double col8 = -1;   // class (MOT16+ gt) or world x (MOT15)
  double col9 = -1;   // visibility (MOT16+ gt) or world y (MOT15)
  double col10 = -1;  // world z (MOT15)
  int line = 0;       // 1-based source line, for messages
};

struct MotFile {
  std::string path;          // as given, for messages
  int num_columns = 0;       // 7..10; 0 for an empty file
  std::vector<MotRow> rows;  // file order
};

// Parses MOTChallenge text; `path` only names the source in error messages.
Result<MotFile> ParseMotText(std::string_view text, const std::string& path);
Result<MotFile> ReadMotFile(const std::string& path);

// "frame,id,x,y,w,h,score,-1,-1,-1" with `decimals` fixed decimals for x, y, w, h and score.
std::string FormatMotRow(const MotRow& row, int decimals = 2);
// Writes rows (sorted by frame, then id) to path, replacing it.
Status WriteMotFile(const std::string& path, std::vector<MotRow> rows, int decimals = 2);
// A tracker output as a result row of `frame` (1-based).
MotRow MotRowFromTrack(int frame, const TrackOutput& track);
// A detection row as the tracker's input: its box and score, class person.
Detection DetectionFromMotRow(const MotRow& row);

enum class GtFormat { kAuto, kMot15, kMot16 };
const char* GtFormatName(GtFormat f);
// 9 columns -> kMot16; anything else (10 columns as MOT15, 7 or 8 without classes) -> kMot15.
GtFormat DetectGtFormat(const MotFile& gt);

struct MotEvalOptions {
  GtFormat gt_format = GtFormat::kAuto;
  int pedestrian_class = 1;                          // the evaluated class (kMot16)
  std::vector<int> ignored_classes = {2, 7, 8, 12};  // distractors (kMot16)
  double ignore_iou = 0.5;  // a tracker box matched to an ignored box at IoU >= this is removed
};

// One frame after preprocessing. Ids are dense indices (0..num_ids-1, in ascending order of the
// original ids), boxes sorted by original id; iou is row-major gt x tracker.
struct MotEvalFrame {
  std::vector<int> gt;       // dense gt id index per gt box
  std::vector<int> tracker;  // dense tracker id index per tracker box
  std::vector<MotBox> gt_boxes, tracker_boxes;
  std::vector<double> iou;  // gt.size() * tracker.size()
  double Iou(size_t g, size_t t) const { return iou[g * tracker.size() + t]; }
};

struct MotEvalSequence {
  std::string name;
  GtFormat gt_format = GtFormat::kMot15;  // resolved
  std::vector<MotEvalFrame> frames;       // frames[k] is frame k + 1
  std::vector<int> gt_ids, tracker_ids;   // dense index -> original id
  int64_t num_gt_dets = 0, num_tracker_dets = 0;
  int64_t removed_tracker_dets = 0;  // matched to ignored regions
};

// Builds the evaluation data. A frame is counted up to the last frame of either file. An id
// that appears twice in one frame of either file is kInvalidArgument "PATH:LINE: ...".
Result<MotEvalSequence> PrepareMotSequence(const MotFile& gt, const MotFile& result,
                                           const MotEvalOptions& options, const std::string& name);

}  // namespace es
