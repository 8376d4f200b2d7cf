// Helpers for the record tests: a mkdtemp directory, test videos made by the ffmpeg CLI,
// ffprobe as JSON, feeding a file through FfmpegSource into a Recorder with synthetic events.
// Test-only; not part of es_record. Every child process is bounded by `timeout`.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analytics/event.h"
#include "core/temp_dir_test_util.h"
#include "record/recorder.h"
#include "source/ffmpeg_source.h"

namespace es::rectest {

namespace fs = std::filesystem;
using test_util::TempDir;

// A fresh directory under /tmp, removed (recursively) at destruction.

// stdout of a shell command (bounded by `timeout 120`), and its exit status.
inline std::string Run(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* f = popen(("timeout 120 " + cmd).c_str(), "r");
  if (f == nullptr) {
    if (status != nullptr) *status = -1;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  const int rc = pclose(f);
  if (status != nullptr) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

inline bool HaveFfmpeg() {
  int s1 = 0, s2 = 0;
  Run("ffmpeg -hide_banner -version >/dev/null 2>&1", &s1);
  Run("ffprobe -hide_banner -version >/dev/null 2>&1", &s2);
  return s1 == 0 && s2 == 0;
}

inline bool HaveLibx264() {
  int s = 0;
  Run("sh -c 'ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libx264'", &s);
  return s == 0;
}

#define REQUIRE_FFMPEG() \
  if (!::es::rectest::HaveFfmpeg()) GTEST_SKIP() << "ffmpeg/ffprobe CLI missing"

// testsrc2 (moving pattern) `seconds` long, 25 fps, keyframe every 25 frames (no scene-cut
// keyframes), B-frames as x264 picks them.
inline bool MakeH264(const std::string& path, double seconds, const std::string& size = "320x240") {
  int s = 0;
  Run("ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=" + size + ":rate=25 -t " +
          std::to_string(seconds) +
          " -c:v libx264 -preset ultrafast -bf 2 -g 25 -sc_threshold 0 -pix_fmt yuv420p '" + path +
          "'",
      &s);
  return s == 0 && fs::exists(path);
}

// MPEG-4 Part 2 in AVI (like vtest.avi's family), 10 fps.
inline bool MakeMpeg4Avi(const std::string& path, double seconds) {
  int s = 0;
  Run("ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x240:rate=10 -t " +
          std::to_string(seconds) + " -c:v mpeg4 -q:v 5 -g 10 '" + path + "'",
      &s);
  return s == 0 && fs::exists(path);
}

inline nlohmann::json Probe(const std::string& path) {
  int s = 0;
  const std::string out =
      Run("ffprobe -v error -show_streams -show_format -of json '" + path + "' 2>/dev/null", &s);
  if (s != 0) return nullptr;
  return nlohmann::json::parse(out, nullptr, false);
}

// Packet sizes in decode order.
inline std::vector<int> PacketSizes(const std::string& path) {
  const std::string out =
      Run("ffprobe -v error -select_streams v:0 -show_entries packet=size "
          "-of csv=p=0 '" +
          path + "' 2>/dev/null");
  std::vector<int> sizes;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    const std::string line = out.substr(pos, nl - pos);
    if (!line.empty()) sizes.push_back(std::atoi(line.c_str()));
    pos = nl + 1;
  }
  return sizes;
}

// Decodes every frame; returns the decoder's complaints (empty = clean) and the frame count.
inline std::string DecodeErrors(const std::string& path, int* frames) {
  int s = 0;
  const std::string err = Run("ffmpeg -hide_banner -v error -i '" + path + "' -f null - 2>&1", &s);
  const std::string count =
      Run("ffprobe -v error -count_frames -select_streams v:0 "
          "-show_entries stream=nb_read_frames -of csv=p=0 '" +
          path + "' 2>/dev/null");
  *frames = std::atoi(count.c_str());
  return s == 0 ? err : "exit " + std::to_string(s) + ": " + err;
}

inline Event MakeEvent(EventPhase phase, const std::string& id, const std::string& start_id,
                       int64_t t_us, EventType type = EventType::kTrack) {
  Event e;
  e.id = id;
  e.start_id = start_id;
  e.device = "dev";
  e.stream = "cam";
  e.type = type;
  e.phase = phase;
  e.t = Timestamp::Micros(t_us);
  e.t_start = e.t;
  return e;
}

// A scripted event: delivered with the first frame whose pts >= t_us.
struct Scripted {
  EventPhase phase;
  std::string id, start_id;
  int64_t t_us;
};

struct FeedResult {
  int64_t frames = 0, packets = 0;
  double on_packet_max_us = 0, on_packet_total_us = 0;  // time spent in Recorder::OnPacket
  std::vector<Event> events;                            // as the recorder annotated them, in order
  Status status;
};

// Plays `path` through FfmpegSource (not paced) into the recorder: packets via the packet
// callback, every frame via OnFrame, the scripted events via OnEvents (every frame gets a call,
// usually with no events, as in the pipeline). `on_frame` runs after each frame.
inline FeedResult Feed(const std::string& path, Recorder& rec, std::vector<Scripted> script,
                       const std::function<void(const Frame&)>& on_frame = {}) {
  FeedResult r;
  SourceOptions o;
  o.uri = path;
  o.realtime = false;
  o.stream_id = "cam";
  FfmpegSource src(o);
  src.SetPacketCallback([&](const AVPacket& p, const AVStream& s) {
    ++r.packets;
    const auto t0 = std::chrono::steady_clock::now();
    rec.OnPacket(p, s);
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    r.on_packet_total_us += us;
    r.on_packet_max_us = std::max(r.on_packet_max_us, us);
  });
  r.status = src.Open();
  if (!r.status.ok()) return r;
  size_t next = 0;
  Frame f;
  Status st;
  while ((st = src.Read(&f)).ok()) {
    ++r.frames;
    rec.OnFrame(f);
    std::vector<Event> events;
    while (next < script.size() && script[next].t_us <= f.meta.pts_us) {
      const Scripted& s = script[next++];
      events.push_back(MakeEvent(s.phase, s.id, s.start_id, s.t_us));
    }
    rec.OnEvents(&events);
    for (Event& e : events) r.events.push_back(std::move(e));
    if (on_frame) on_frame(f);
  }
  r.status = st.code() == StatusCode::kEndOfStream ? Status::Ok() : st;
  return r;
}

// Clip files (complete ones) in `dir`, sorted by name (= by creation time).
inline std::vector<std::string> ClipNames(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (ParseClipFileName(n)) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline bool AnyPartFiles(const std::string& dir) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".part") return true;
  }
  return false;
}

}  // namespace es::rectest
