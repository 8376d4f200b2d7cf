#include "track/mot_io.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "track/lapjv.h"

namespace es {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

std::string Where(const std::string& path, int line) {
  return path + ":" + std::to_string(line) + ": ";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Parses one numeric field; returns an error reason or "" on success.
std::string ParseField(std::string_view field, double* out) {
  const std::string_view f = Trim(field);
  if (f.empty()) return "empty field";
  const std::string s(f);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return "'" + s + "' is not a number";
  if (!std::isfinite(v)) return "'" + s + "' is not a finite number";
  *out = v;
  return "";
}

bool IsIntegral(double v) {
  return v == std::floor(v) && std::fabs(v) < static_cast<double>(std::numeric_limits<int>::max());
}

}  // namespace

double MotIoU(const MotBox& a, const MotBox& b) {
  const double ax1 = a.x + a.w, ay1 = a.y + a.h, bx1 = b.x + b.w, by1 = b.y + b.h;
  const double iw = std::max(std::min(ax1, bx1) - std::max(a.x, b.x), 0.0);
  const double ih = std::max(std::min(ay1, by1) - std::max(a.y, b.y), 0.0);
  double inter = iw * ih;
  const double area_a = (ax1 - a.x) * (ay1 - a.y);
  const double area_b = (bx1 - b.x) * (by1 - b.y);
  double uni = area_a + area_b - inter;
  if (area_a <= kEps || area_b <= kEps || uni <= kEps) inter = 0;
  if (uni <= kEps) uni = 1;
  return inter / uni;
}

Result<MotFile> ParseMotText(std::string_view text, const std::string& path) {
  MotFile file;
  file.path = path;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = Trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (line.empty()) continue;

    double v[10];
    int n = 0;
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      const std::string_view field = line.substr(
          start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      if (n == 10) {
        return InvalidArgument(Where(path, line_no) + "too many columns (expected 7 to 10)");
      }
      const std::string why = ParseField(field, &v[n]);
      if (!why.empty()) {
        return InvalidArgument(Where(path, line_no) + "column " + std::to_string(n + 1) + ": " +
                               why);
      }
      ++n;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (n < 7) {
      return InvalidArgument(Where(path, line_no) + std::to_string(n) +
                             " columns, expected 7 to 10 (frame,id,x,y,w,h,score,...)");
    }
    if (file.num_columns == 0) {
      file.num_columns = n;
    } else if (n != file.num_columns) {
      return InvalidArgument(Where(path, line_no) + std::to_string(n) + " columns, but line " +
                             std::to_string(file.rows.front().line) + " has " +
                             std::to_string(file.num_columns));
    }
    if (!IsIntegral(v[0]) || v[0] < 1) {
      return InvalidArgument(Where(path, line_no) + "frame must be an integer >= 1");
    }
    // Frames index dense per-frame arrays: one absurd frame number must not take the machine.
    if (v[0] > kMaxMotFrame) {
      char text[64];
      std::snprintf(text, sizeof text, "%.0f", v[0]);
      return InvalidArgument(Where(path, line_no) + "frame " + text + " is beyond the limit of " +
                             std::to_string(kMaxMotFrame) + " frames (over 9 hours at 30 fps)");
    }
    if (!IsIntegral(v[1])) return InvalidArgument(Where(path, line_no) + "id must be an integer");
    if (v[4] <= 0 || v[5] <= 0) {
      return InvalidArgument(Where(path, line_no) + "width and height must be > 0");
    }
    MotRow r;
    r.frame = static_cast<int>(v[0]);
    r.id = static_cast<int>(v[1]);
    r.box = {v[2], v[3], v[4], v[5]};
    r.score = v[6];
    if (n > 7) r.col8 = v[7];
    if (n > 8) r.col9 = v[8];
    if (n > 9) r.col10 = v[9];
    r.line = line_no;
    file.rows.push_back(r);
  }
  return file;
}

Result<MotFile> ReadMotFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFound("MOT file '" + path + "' does not exist or is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open MOT file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return DataLoss("cannot read MOT file '" + path + "'");
  return ParseMotText(ss.str(), path);
}

std::string FormatMotRow(const MotRow& r, int decimals) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), "%d,%d,%.*f,%.*f,%.*f,%.*f,%.*f,-1,-1,-1", r.frame, r.id,
                decimals, r.box.x, decimals, r.box.y, decimals, r.box.w, decimals, r.box.h,
                decimals, r.score);
  return buf;
}

Status WriteMotFile(const std::string& path, std::vector<MotRow> rows, int decimals) {
  std::stable_sort(rows.begin(), rows.end(), [](const MotRow& a, const MotRow& b) {
    return a.frame != b.frame ? a.frame < b.frame : a.id < b.id;
  });
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return NotFound("cannot write MOT file '" + path + "'");
  for (const MotRow& r : rows) out << FormatMotRow(r, decimals) << '\n';
  out.flush();
  if (!out) return Internal("write failed for MOT file '" + path + "'");
  return Status::Ok();
}

MotRow MotRowFromTrack(int frame, const TrackOutput& t) {
  MotRow r;
  r.frame = frame;
  r.id = t.id;
  r.box = {t.box.x, t.box.y, t.box.w, t.box.h};
  r.score = t.score;
  return r;
}

Detection DetectionFromMotRow(const MotRow& r) {
  Detection d;
  d.box = {static_cast<float>(r.box.x), static_cast<float>(r.box.y), static_cast<float>(r.box.w),
           static_cast<float>(r.box.h)};
  d.score = static_cast<float>(r.score);
  d.class_id = kClassPerson;
  return d;
}

const char* GtFormatName(GtFormat f) {
  switch (f) {
    case GtFormat::kAuto:
      return "auto";
    case GtFormat::kMot15:
      return "mot15";
    case GtFormat::kMot16:
      return "mot16";
  }
  return "?";
}

GtFormat DetectGtFormat(const MotFile& gt) {
  return gt.num_columns == 9 ? GtFormat::kMot16 : GtFormat::kMot15;
}

namespace {

// Rows grouped by frame (index frame - 1), each group sorted by id; rejects duplicate ids.
Result<std::vector<std::vector<const MotRow*>>> GroupByFrame(const MotFile& f, int num_frames) {
  std::vector<std::vector<const MotRow*>> by_frame(num_frames);
  for (const MotRow& r : f.rows) by_frame[r.frame - 1].push_back(&r);
  for (auto& rows : by_frame) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const MotRow* a, const MotRow* b) { return a->id < b->id; });
    for (size_t i = 1; i < rows.size(); ++i) {
      if (rows[i]->id == rows[i - 1]->id) {
        return InvalidArgument(Where(f.path, std::max(rows[i]->line, rows[i - 1]->line)) + "id " +
                               std::to_string(rows[i]->id) + " appears twice in frame " +
                               std::to_string(rows[i]->frame) + " (also line " +
                               std::to_string(std::min(rows[i]->line, rows[i - 1]->line)) + ")");
      }
    }
  }
  return by_frame;
}

}  // namespace

Result<MotEvalSequence> PrepareMotSequence(const MotFile& gt, const MotFile& result,
                                           const MotEvalOptions& opt, const std::string& name) {
  MotEvalSequence seq;
  seq.name = name;
  seq.gt_format = opt.gt_format == GtFormat::kAuto ? DetectGtFormat(gt) : opt.gt_format;
  if (seq.gt_format == GtFormat::kMot16 && gt.num_columns != 0 && gt.num_columns < 8) {
    return InvalidArgument(gt.path + ": MOT16+ ground truth needs a class column (8th), file has " +
                           std::to_string(gt.num_columns) + " columns");
  }
  const bool mot16 = seq.gt_format == GtFormat::kMot16;
  int num_frames = 0;
  for (const MotRow& r : gt.rows) num_frames = std::max(num_frames, r.frame);
  for (const MotRow& r : result.rows) num_frames = std::max(num_frames, r.frame);
  ES_ASSIGN_OR_RETURN(auto gt_frames, GroupByFrame(gt, num_frames));
  ES_ASSIGN_OR_RETURN(auto tr_frames, GroupByFrame(result, num_frames));

  auto is_ignored_class = [&](const MotRow* r) {
    const int cls = static_cast<int>(std::lround(r->col8));
    return std::find(opt.ignored_classes.begin(), opt.ignored_classes.end(), cls) !=
           opt.ignored_classes.end();
  };

  // Per frame: the kept gt rows and tracker rows (original ids), before dense relabelling.
  std::vector<std::vector<const MotRow*>> keep_gt(num_frames), keep_tr(num_frames);
  std::map<int, int> gt_dense, tr_dense;
  for (int t = 0; t < num_frames; ++t) {
    const auto& g = gt_frames[t];
    const auto& d = tr_frames[t];
    std::vector<char> removed(d.size(), 0);
    if (mot16 && !g.empty() && !d.empty()) {
      // Maximum-total-IoU one-to-one matching over all gt boxes; IoU below the threshold counts
      // as 0 (TrackEval: linear_sum_assignment(-scores), then keep scores > eps).
      CostMatrix cost(static_cast<int>(g.size()), static_cast<int>(d.size()));
      std::vector<double> score(g.size() * d.size());
      for (size_t i = 0; i < g.size(); ++i) {
        for (size_t j = 0; j < d.size(); ++j) {
          double s = MotIoU(g[i]->box, d[j]->box);
          if (s < opt.ignore_iou - kEps) s = 0;
          score[i * d.size() + j] = s;
          cost(static_cast<int>(i), static_cast<int>(j)) = 1.0 - s;
        }
      }
      const Assignment a = LinearAssignment(cost);
      for (const auto& [i, j] : a.matches) {
        if (score[static_cast<size_t>(i) * d.size() + j] > kEps && is_ignored_class(g[i])) {
          removed[j] = 1;
        }
      }
    }
    for (size_t j = 0; j < d.size(); ++j) {
      if (removed[j]) {
        ++seq.removed_tracker_dets;
      } else {
        keep_tr[t].push_back(d[j]);
        tr_dense.emplace(d[j]->id, 0);
      }
    }
    for (const MotRow* r : g) {
      bool keep = r->score != 0;
      if (mot16) keep = keep && static_cast<int>(std::lround(r->col8)) == opt.pedestrian_class;
      if (keep) {
        keep_gt[t].push_back(r);
        gt_dense.emplace(r->id, 0);
      }
    }
  }
  for (auto& [id, idx] : gt_dense) {
    idx = static_cast<int>(seq.gt_ids.size());
    seq.gt_ids.push_back(id);
  }
  for (auto& [id, idx] : tr_dense) {
    idx = static_cast<int>(seq.tracker_ids.size());
    seq.tracker_ids.push_back(id);
  }

  seq.frames.resize(num_frames);
  for (int t = 0; t < num_frames; ++t) {
    MotEvalFrame& f = seq.frames[t];
    for (const MotRow* r : keep_gt[t]) {
      f.gt.push_back(gt_dense[r->id]);
      f.gt_boxes.push_back(r->box);
    }
    for (const MotRow* r : keep_tr[t]) {
      f.tracker.push_back(tr_dense[r->id]);
      f.tracker_boxes.push_back(r->box);
    }
    f.iou.resize(f.gt.size() * f.tracker.size());
    for (size_t i = 0; i < f.gt.size(); ++i) {
      for (size_t j = 0; j < f.tracker.size(); ++j) {
        f.iou[i * f.tracker.size() + j] = MotIoU(f.gt_boxes[i], f.tracker_boxes[j]);
      }
    }
    seq.num_gt_dets += static_cast<int64_t>(f.gt.size());
    seq.num_tracker_dets += static_cast<int64_t>(f.tracker.size());
  }
  return seq;
}

}  // namespace es
