// `edgesight track`: runs the tracker alone on MOTChallenge detections and writes MOTChallenge
// results ("frame,id,x,y,w,h,score,-1,-1,-1", sorted by frame then id, 2 decimals).
//
// Two modes:
//   --mot-det det.txt --out res.txt      one sequence;
//   --mot-dir DIR --out-dir OUT          every DIR/<seq>/det/det.txt (sorted by name) ->
//                                        OUT/<seq>.txt (OUT is created).
// Frames: a sequence folder with images (seqinfo.ini imDir, default img1/, JPEG) is tracked with
// the frame-based cues (camera-motion compensation, appearance; track/frame_tracker.h) when they
// are on; without images the tracker sees detections only. The summary names the cues that ran.
// Frame rate: --fps N if given; else frameRate from the seqinfo.ini of the sequence folder
// (the parent of det/, when the detections live in <seq>/det/det.txt); else 25.
// The tracker is called on EVERY frame from 1 to the last frame of the file (frames without
// detections included) at time (frame - 1) / fps, so lost tracks age by time exactly as in a
// live stream. Detections keep their score; class is person. Tracker options come from the
// same config schema as `run` (`--config FILE`, then `--set tracker.KEY=VALUE`, validated).
// Deterministic: the same input and options give byte-identical output files.
// Prints one JSON summary object on stdout (per sequence: frames, detections, rows, ids).
// Failure: bad flags, bad rows ("PATH:LINE: reason"), unreadable files -> one line
// "edgesight: error: ..." on stderr and exit 2 (via ReportError); unwritable output -> 2 too.
// Thread-safety: runs on the caller's thread; no shared state.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "edgesight/status.h"
#include "track/byte_track_options.h"
#include "track/frame_tracker.h"
#include "track/mot_io.h"

namespace CLI {
class App;
}  // namespace CLI

namespace es {

struct TrackArgs {
  std::string mot_det, out;       // single-sequence mode
  std::string mot_dir, out_dir;   // folder mode (MOTChallenge layout)
  double fps = 0;                 // 0 = seqinfo.ini frameRate, else 25
  std::string config;             // optional YAML config (only `tracker` matters here)
  std::vector<std::string> sets;  // "tracker.KEY=VALUE" overrides
};

inline constexpr double kDefaultMotFps = 25.0;

// Registers the `track` subcommand and its flags on `app`, bound to *args; returns it. Wiring:
//   TrackArgs track_args;
//   CLI::App* track = AddTrackCommand(&app, &track_args);
//   ... after parse: if (*track) return RunTrack(track_args);
CLI::App* AddTrackCommand(CLI::App* app, TrackArgs* args);

// A sequence's frames: DIR/000001.jpg ... (MOTChallenge's img1/); dir empty = no frames.
struct FrameFiles {
  std::string dir, ext = ".jpg";
};

// Tracks one parsed detection file: a fresh tracker, Update() on every frame 1..last frame at
// (frame - 1) / fps seconds. With frames and a frame-based cue on (tracker.camera_motion,
// tracker.appearance_weight), each frame's JPEG is read and the cues run (track/frame_tracker.h);
// a missing or corrupt frame is an error naming the file. Returns the result rows in output
// order; *stats (optional) gets the cues' counters. fps must be > 0.
Result<std::vector<MotRow>> TrackMotDetections(const MotFile& detections, double fps,
                                               const ByteTrackOptions& options,
                                               const FrameFiles& frames = {},
                                               FrameCueStats* stats = nullptr);

// The frames of a sequence folder: seqinfo.ini's imDir (default img1) when that folder exists,
// with imExt (default .jpg; anything but JPEG is kInvalidArgument). No folder: dir empty.
Result<FrameFiles> FindFrameFiles(const std::string& sequence_dir);

// A key of the seqinfo.ini in `sequence_dir`: NotFound when the file or the key is missing.
Result<std::string> ReadSeqinfoValue(const std::string& sequence_dir, const std::string& key);

// frameRate from the seqinfo.ini in `sequence_dir`; NotFound when there is none, kInvalidArgument
// when it is there but has no positive frameRate.
Result<double> ReadSeqinfoFps(const std::string& sequence_dir);

// Runs the command; returns the JSON summary it prints.
Result<nlohmann::ordered_json> TrackMot(const TrackArgs& args);

// Prints the summary to stdout; returns the process exit code (0, or 2 with one stderr line).
int RunTrack(const TrackArgs& args);

}  // namespace es
