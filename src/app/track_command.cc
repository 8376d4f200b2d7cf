#include "app/track_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <system_error>

#include "app/exit_codes.h"
#include "app/progress.h"
#include "config/app_config.h"
#include "config/config_loader.h"
#include "core/jpeg_codec.h"
#include "core/text_file.h"
#include "track/byte_tracker.h"
#include "track/frame_tracker.h"

namespace es {
namespace {

namespace fs = std::filesystem;

struct SequenceJob {
  std::string name, det_path, out_path;
};

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The sequence folder of DIR/<seq>/det/det.txt, or "" when the file is not in a det/ folder.
std::string SequenceDirOf(const std::string& det_path) {
  const fs::path p = fs::path(det_path).parent_path();
  if (p.filename() == "det") return p.parent_path().string();
  return "";
}

std::string SequenceNameOf(const std::string& det_path) {
  const std::string dir = SequenceDirOf(det_path);
  if (!dir.empty() && !fs::path(dir).filename().empty()) return fs::path(dir).filename().string();
  return fs::path(det_path).stem().string();
}

Result<double> ResolveFps(const TrackArgs& args, const std::string& det_path) {
  if (args.fps > 0) return args.fps;
  const std::string dir = SequenceDirOf(det_path);
  if (!dir.empty()) {
    Result<double> fps = ReadSeqinfoFps(dir);
    if (fps.ok()) return fps;
    if (fps.status().code() != StatusCode::kNotFound) return fps.status();
  }
  return kDefaultMotFps;
}

Result<std::vector<SequenceJob>> ListJobs(const TrackArgs& a) {
  const bool single = !a.mot_det.empty() || !a.out.empty();
  const bool folder = !a.mot_dir.empty() || !a.out_dir.empty();
  if (single == folder) {
    return InvalidArgument(
        "track needs either --mot-det FILE --out FILE or --mot-dir DIR --out-dir DIR");
  }
  std::vector<SequenceJob> jobs;
  if (single) {
    if (a.mot_det.empty() || a.out.empty()) {
      return InvalidArgument("track needs both --mot-det and --out");
    }
    jobs.push_back({SequenceNameOf(a.mot_det), a.mot_det, a.out});
    return jobs;
  }
  if (a.mot_dir.empty() || a.out_dir.empty()) {
    return InvalidArgument("track needs both --mot-dir and --out-dir");
  }
  std::error_code ec;
  if (!fs::is_directory(a.mot_dir, ec)) {
    return NotFound("--mot-dir '" + a.mot_dir + "' is not a folder");
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(a.mot_dir, ec)) {
    // Its own error code: a plain file beside the sequence folders (a README, checksums) makes
    // this check fail with "not a directory", which must not end the listing.
    std::error_code entry_ec;
    if (fs::is_regular_file(entry.path() / "det" / "det.txt", entry_ec)) {
      names.push_back(entry.path().filename().string());
    }
  }
  if (ec) return NotFound("cannot list --mot-dir '" + a.mot_dir + "': " + ec.message());
  if (names.empty()) {
    return NotFound("no sequences under --mot-dir '" + a.mot_dir +
                    "' (expected DIR/<seq>/det/det.txt)");
  }
  std::sort(names.begin(), names.end());
  fs::create_directories(a.out_dir, ec);
  if (!fs::is_directory(a.out_dir, ec)) {
    return InvalidArgument("cannot create --out-dir '" + a.out_dir + "'");
  }
  for (const std::string& n : names) {
    jobs.push_back({n, (fs::path(a.mot_dir) / n / "det" / "det.txt").string(),
                    (fs::path(a.out_dir) / (n + ".txt")).string()});
  }
  return jobs;
}

Result<ByteTrackOptions> ResolveTrackerOptions(const TrackArgs& a) {
  AppConfig config;
  if (!a.config.empty()) {
    ES_ASSIGN_OR_RETURN(config, LoadConfigFile(a.config));
  }
  ES_RETURN_IF_ERROR(ApplyOverrides(&config, a.sets));
  return config.tracker;
}

}  // namespace

CLI::App* AddTrackCommand(CLI::App* app, TrackArgs* args) {
  CLI::App* cmd = app->add_subcommand(
      "track", "run the tracker on MOTChallenge detections and write MOTChallenge results");
  cmd->add_option("--mot-det", args->mot_det, "detections, MOTChallenge text (det.txt)");
  cmd->add_option("--out", args->out, "results file to write (MOTChallenge text)");
  cmd->add_option("--mot-dir", args->mot_dir, "folder of sequences: DIR/<seq>/det/det.txt");
  cmd->add_option("--out-dir", args->out_dir, "folder for results: OUT/<seq>.txt");
  cmd->add_option("--fps", args->fps,
                  "frame rate of the detections (default: seqinfo.ini frameRate, else 25)")
      ->check(CLI::Range(0.001, 1000.0));
  cmd->add_option("--config", args->config, "YAML config file; its `tracker` section is used");
  cmd->add_option("--set", args->sets,
                  "override a config key, e.g. --set tracker.track_thresh=0.6");
  return cmd;
}

Result<std::vector<MotRow>> TrackMotDetections(const MotFile& detections, double fps,
                                               const ByteTrackOptions& options,
                                               const FrameFiles& frames, FrameCueStats* stats) {
  int last_frame = 0;
  for (const MotRow& r : detections.rows) last_frame = std::max(last_frame, r.frame);
  // Stable bucketing by frame keeps the file order of the detections within a frame.
  std::vector<std::vector<Detection>> per_frame(static_cast<size_t>(last_frame) + 1);
  for (const MotRow& r : detections.rows) {
    per_frame[static_cast<size_t>(r.frame)].push_back(DetectionFromMotRow(r));
  }
  FrameTracker tracker(options);
  const bool read_frames = !frames.dir.empty() && tracker.uses_frames();
  std::vector<MotRow> rows;
  cv::Mat image;
  for (int f = 1; f <= last_frame; ++f) {
    const Timestamp t = Timestamp::Micros(std::llround(static_cast<double>(f - 1) * 1e6 / fps));
    if (read_frames) {
      char name[32];
      std::snprintf(name, sizeof name, "%06d", f);
      const std::string path = (fs::path(frames.dir) / (name + frames.ext)).string();
      ES_ASSIGN_OR_RETURN(std::string bytes, ReadTextFile(path, 64 << 20));
      Result<cv::Mat> decoded = DecodeJpeg(bytes);
      if (!decoded.ok()) return decoded.status().WithContext(path);
      image = std::move(*decoded);
    }
    for (const TrackOutput& tr : tracker.Update(image, per_frame[static_cast<size_t>(f)], t)) {
      rows.push_back(MotRowFromTrack(f, tr));
    }
  }
  if (stats) *stats = tracker.stats();
  return rows;
}

Result<FrameFiles> FindFrameFiles(const std::string& sequence_dir) {
  FrameFiles files;
  if (sequence_dir.empty()) return files;
  Result<std::string> dir = ReadSeqinfoValue(sequence_dir, "imDir");
  if (!dir.ok() && dir.status().code() != StatusCode::kNotFound) return dir.status();
  Result<std::string> ext = ReadSeqinfoValue(sequence_dir, "imExt");
  if (!ext.ok() && ext.status().code() != StatusCode::kNotFound) return ext.status();
  const fs::path img = fs::path(sequence_dir) / (dir.ok() ? *dir : "img1");
  std::error_code ec;
  if (!fs::is_directory(img, ec)) return files;
  files.ext = ext.ok() ? *ext : ".jpg";
  if (files.ext != ".jpg" && files.ext != ".jpeg") {
    return InvalidArgument((fs::path(sequence_dir) / "seqinfo.ini").string() +
                           ": imExt must be .jpg (JPEG frames), got '" + files.ext + "'");
  }
  files.dir = img.string();
  return files;
}

Result<std::string> ReadSeqinfoValue(const std::string& sequence_dir, const std::string& key) {
  const fs::path path = fs::path(sequence_dir) / "seqinfo.ini";
  std::ifstream in(path);
  if (!in) return NotFound("no seqinfo.ini in '" + sequence_dir + "'");
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos || Trim(line.substr(0, eq)) != key) continue;
    return Trim(line.substr(eq + 1));
  }
  return NotFound(path.string() + ": no " + key);
}

Result<double> ReadSeqinfoFps(const std::string& sequence_dir) {
  const fs::path path = fs::path(sequence_dir) / "seqinfo.ini";
  std::error_code ec;
  if (!fs::exists(path, ec)) return NotFound("no seqinfo.ini in '" + sequence_dir + "'");
  // The file is there: without a frameRate it is malformed, not absent.
  Result<std::string> value = ReadSeqinfoValue(sequence_dir, "frameRate");
  if (!value.ok()) return InvalidArgument(path.string() + ": no frameRate");
  char* end = nullptr;
  const double fps = std::strtod(value->c_str(), &end);
  if (value->empty() || end != value->c_str() + value->size() || !std::isfinite(fps) || fps <= 0) {
    return InvalidArgument(path.string() + ": frameRate must be a positive number, got '" + *value +
                           "'");
  }
  return fps;
}

Result<nlohmann::ordered_json> TrackMot(const TrackArgs& args) {
  ES_ASSIGN_OR_RETURN(ByteTrackOptions options, ResolveTrackerOptions(args));
  ES_ASSIGN_OR_RETURN(std::vector<SequenceJob> jobs, ListJobs(args));
  nlohmann::ordered_json seqs = nlohmann::ordered_json::array();
  StepProgress progress(jobs.size());
  for (const SequenceJob& job : jobs) {
    progress.Step(job.name);
    ES_ASSIGN_OR_RETURN(MotFile det, ReadMotFile(job.det_path));
    ES_ASSIGN_OR_RETURN(double fps, ResolveFps(args, job.det_path));
    ES_ASSIGN_OR_RETURN(FrameFiles frames, FindFrameFiles(SequenceDirOf(job.det_path)));
    FrameCueStats cues;
    ES_ASSIGN_OR_RETURN(std::vector<MotRow> rows,
                        TrackMotDetections(det, fps, options, frames, &cues));
    int last_frame = 0;
    for (const MotRow& r : det.rows) last_frame = std::max(last_frame, r.frame);
    std::set<int> ids;
    for (const MotRow& r : rows) ids.insert(r.id);
    nlohmann::ordered_json j;
    j["name"] = job.name;
    j["fps"] = fps;
    j["frames"] = last_frame;
    j["detections"] = det.rows.size();
    j["result_rows"] = rows.size();
    j["track_ids"] = ids.size();
    // Which frame-based cues ran: none without images (det.txt only) or with both cues off.
    nlohmann::ordered_json c = nlohmann::ordered_json::array();
    if (cues.frames > 0 && options.camera_motion) c.push_back("camera_motion");
    if (cues.frames > 0 && options.appearance_weight > 0.f) c.push_back("appearance");
    j["frame_cues"] = std::move(c);
    if (cues.frames > 0 && options.camera_motion) {
      j["camera_motion_measured"] = cues.motion_measured;
      j["camera_motion_max_px"] = std::round(cues.max_motion_px * 10) / 10;
    }
    j["out"] = job.out_path;
    ES_RETURN_IF_ERROR(WriteMotFile(job.out_path, std::move(rows)));
    seqs.push_back(std::move(j));
  }
  nlohmann::ordered_json out;
  out["sequences"] = std::move(seqs);
  return out;
}

int RunTrack(const TrackArgs& args) {
  auto summary = TrackMot(args);
  if (!summary.ok()) return ReportError(summary.status());
  std::cout << summary->dump(2) << std::endl;
  return kExitOk;
}

}  // namespace es
