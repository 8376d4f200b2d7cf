#include "record/recorder.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "record/record_test_util.h"

namespace es {
namespace {

using namespace rectest;  // NOLINT: test helpers
using std::chrono::steady_clock;

constexpr int64_t kS = 1'000'000;

RecordingOptions Options(const std::string& dir, double pre, double post) {
  RecordingOptions o;
  o.dir = dir;
  o.pre_event_s = pre;
  o.post_event_s = post;
  o.max_clip_s = 60;
  o.min_free_bytes = 0;
  o.encode_queue_frames = 1000;  // tests feed faster than real time: keep every frame
  return o;
}

// Waits (at most 5 s) for `pred`.
bool WaitFor(const std::function<bool()>& pred) {
  const auto end = steady_clock::now() + std::chrono::seconds(5);
  while (steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

double Duration(const nlohmann::json& probe) {
  return std::stod(probe["format"]["duration"].get<std::string>());
}

// True when `part` occurs in `whole` as a contiguous run.
bool IsContiguousRun(const std::vector<int>& part, const std::vector<int>& whole) {
  if (part.empty() || part.size() > whole.size()) return false;
  for (size_t i = 0; i + part.size() <= whole.size(); ++i) {
    if (std::equal(part.begin(), part.end(), whole.begin() + static_cast<long>(i))) return true;
  }
  return false;
}

TEST(RecorderTest, H264ClipIsAStreamCopyFromPreEventToPostEvent) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string in = d / "in.mp4";
  ASSERT_TRUE(MakeH264(in, 12));
  auto rec = Recorder::Create(Options(d / "clips", 2, 2), "cam");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  FeedResult r = Feed(in, **rec,
                      {{EventPhase::kStart, "dev/cam/1", "dev/cam/1", 4 * kS},
                       {EventPhase::kEnd, "dev/cam/2", "dev/cam/1", 6 * kS}});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  (*rec)->Finish();
  const RecorderStats st = (*rec)->stats();
  EXPECT_EQ(st.mode, "copy");
  EXPECT_EQ(st.codec, "h264");
  EXPECT_EQ(st.clips_written, 1);
  EXPECT_EQ(st.packets_dropped, 0);
  EXPECT_FALSE(st.degraded) << st.degraded_reason;

  const std::vector<std::string> clips = ClipNames(d / "clips");
  ASSERT_EQ(clips.size(), 1u);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].clip, clips[0]);  // the event JSON names its clip
  EXPECT_EQ(r.events[1].clip, clips[0]);
  EXPECT_EQ(r.events[0].ToJson()["clip"], clips[0]);
  EXPECT_FALSE(AnyPartFiles(d / "clips"));

  const std::string clip = d / ("clips/" + clips[0]);
  const nlohmann::json p = Probe(clip);
  ASSERT_TRUE(p.is_object()) << "ffprobe cannot read " << clip;
  ASSERT_EQ(p["streams"].size(), 1u);
  EXPECT_EQ(p["streams"][0]["codec_name"], "h264");
  EXPECT_EQ(p["streams"][0]["width"], 320);
  EXPECT_EQ(p["streams"][0]["height"], 240);
  EXPECT_EQ(p["streams"][0]["profile"], Probe(in)["streams"][0]["profile"]);
  // Keyframe at 2 s (4 - pre) to the first packet at 8 s (6 + post): ~6 s.
  EXPECT_GE(Duration(p), 5.8);
  EXPECT_LE(Duration(p), 7.2);
  // Stream copy: the clip's packets are a run of the source's packets, byte for byte in size.
  const std::vector<int> clip_sizes = PacketSizes(clip);
  EXPECT_TRUE(IsContiguousRun(clip_sizes, PacketSizes(in)))
      << clip_sizes.size() << " packets are not a run of the source's";
  int frames = 0;
  EXPECT_EQ(DecodeErrors(clip, &frames), "");
  EXPECT_NEAR(frames, 150, 6);
  std::printf("[ info ] OnPacket: %lld packets, mean %.2f us, max %.1f us\n",
              static_cast<long long>(r.packets), r.on_packet_total_us / r.packets,
              r.on_packet_max_us);
}

TEST(RecorderTest, MkvAndTsContainersPlay) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string in = d / "in.mp4";
  ASSERT_TRUE(MakeH264(in, 6));
  for (const std::string container : {"mkv", "ts"}) {
    RecordingOptions o = Options(d / container, 1, 1);
    o.container = container;
    auto rec = Recorder::Create(o, "cam");
    ASSERT_TRUE(rec.ok());
    ASSERT_TRUE(Feed(in, **rec, {{EventPhase::kInstant, "dev/cam/1", "dev/cam/1", 3 * kS}})
                    .status.ok());
    (*rec)->Finish();
    const std::vector<std::string> clips = ClipNames(d / container);
    ASSERT_EQ(clips.size(), 1u) << container;
    EXPECT_EQ(fs::path(clips[0]).extension(), "." + container);
    const std::string clip = d / (container + "/" + clips[0]);
    const nlohmann::json p = Probe(clip);
    ASSERT_TRUE(p.is_object()) << container;
    EXPECT_EQ(p["streams"][0]["codec_name"], "h264") << container;
    int frames = 0;
    EXPECT_EQ(DecodeErrors(clip, &frames), "") << container;
    EXPECT_NEAR(frames, 50, 4) << container;
  }
}

TEST(RecorderTest, Mpeg4SourceIsReencodedIntoAPlayableClip) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string in = d / "in.avi";
  ASSERT_TRUE(MakeMpeg4Avi(in, 10));
  auto rec = Recorder::Create(Options(d / "clips", 2, 2), "cam");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();
  FeedResult r = Feed(in, **rec,
                      {{EventPhase::kStart, "dev/cam/1", "dev/cam/1", 4 * kS},
                       {EventPhase::kEnd, "dev/cam/2", "dev/cam/1", 6 * kS}});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  (*rec)->Finish();
  const RecorderStats st = (*rec)->stats();
  EXPECT_EQ(st.mode, "reencode");
  EXPECT_EQ(st.codec, HaveLibx264() ? "libx264" : "mpeg4");
  EXPECT_EQ(st.frames_encoded, r.frames);
  // The whole stats object on failure: this once failed under ctest -j2 with no reason given.
  EXPECT_EQ(st.clips_written, 1) << st.ToJson().dump();

  const std::vector<std::string> clips = ClipNames(d / "clips");
  ASSERT_EQ(clips.size(), 1u) << st.ToJson().dump();
  EXPECT_EQ(r.events[0].clip, clips[0]);
  const std::string clip = d / ("clips/" + clips[0]);
  const nlohmann::json p = Probe(clip);
  ASSERT_TRUE(p.is_object());
  EXPECT_EQ(p["streams"][0]["codec_name"], HaveLibx264() ? "h264" : "mpeg4");
  EXPECT_EQ(p["streams"][0]["width"], 320);
  EXPECT_GE(Duration(p), 5.5);
  EXPECT_LE(Duration(p), 7.2);
  int frames = 0;
  EXPECT_EQ(DecodeErrors(clip, &frames), "");
  EXPECT_NEAR(frames, 60, 3);  // 10 fps
}

TEST(RecorderTest, LongEpisodeIsCutIntoContiguousClipsAtMaxClip) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string in = d / "in.mp4";
  ASSERT_TRUE(MakeH264(in, 14));
  RecordingOptions o = Options(d / "clips", 1, 1);
  o.max_clip_s = 3;
  auto rec = Recorder::Create(o, "cam");
  ASSERT_TRUE(rec.ok());
  FeedResult r = Feed(in, **rec,
                      {{EventPhase::kStart, "dev/cam/1", "dev/cam/1", 2 * kS},
                       {EventPhase::kUpdate, "dev/cam/2", "dev/cam/1", 6 * kS},
                       {EventPhase::kEnd, "dev/cam/3", "dev/cam/1", 9 * kS}});
  ASSERT_TRUE(r.status.ok());
  (*rec)->Finish();
  const std::vector<std::string> clips = ClipNames(d / "clips");
  ASSERT_EQ(clips.size(), 3u);  // [1, 4) [4, 7) [7, 10)
  EXPECT_EQ(r.events[0].clip, clips[0]);
  EXPECT_EQ(r.events[1].clip, clips[1]);
  EXPECT_EQ(r.events[2].clip, clips[2]);
  double total = 0;
  std::vector<int> sizes;
  for (const std::string& c : clips) {
    const std::string path = d / ("clips/" + c);
    int frames = 0;
    EXPECT_EQ(DecodeErrors(path, &frames), "") << c;
    total += Duration(Probe(path));
    const std::vector<int> s = PacketSizes(path);
    sizes.insert(sizes.end(), s.begin(), s.end());
  }
  EXPECT_GE(total, 8.9);  // each file's duration adds its B-frame delay (~0.1 s)
  EXPECT_LE(total, 9.6);
  EXPECT_TRUE(IsContiguousRun(sizes, PacketSizes(in))) << "clips overlap or leave a gap";
}

// Five short clips, one per line-crossing (instant) event.
std::vector<Scripted> FiveCrossings() {
  std::vector<Scripted> s;
  for (int i = 0; i < 5; ++i) {
    const std::string id = "dev/cam/" + std::to_string(i + 1);
    s.push_back({EventPhase::kInstant, id, id, (2 + 5 * i) * kS});
  }
  return s;
}

TEST(RecorderTest, QuotaReachedRemovesOldestClipsKeepsEventsAndRecordingGoesOn) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string in = d / "in.mp4";
  ASSERT_TRUE(MakeH264(in, 25));
  // First run without a quota to learn the clips' sizes (stream copy: deterministic bytes).
  std::vector<int64_t> sizes;
  {
    auto rec = Recorder::Create(Options(d / "a", 1, 1), "cam");
    ASSERT_TRUE(rec.ok());
    ASSERT_TRUE(Feed(in, **rec, FiveCrossings()).status.ok());
    (*rec)->Finish();
    for (const std::string& c : ClipNames(d / "a")) {
      sizes.push_back(static_cast<int64_t>(fs::file_size(d / ("a/" + c))));
    }
    ASSERT_EQ(sizes.size(), 5u);
  }
  // Room for the last two clips and half of another: the three oldest must go.
  RecordingOptions o = Options(d / "b", 1, 1);
  o.quota_bytes = sizes[3] + sizes[4] + sizes[2] / 2;
  fs::create_directories(d / "b");
  std::ofstream(d / "b/events.jsonl") << std::string(4 * o.quota_bytes, 'e');  // not a clip
  std::ofstream(d / "b/outbox.db") << "events waiting for the uplink";
  auto rec = Recorder::Create(o, "cam");
  ASSERT_TRUE(rec.ok());
  FeedResult r = Feed(in, **rec, FiveCrossings());
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.frames, 625);  // every frame went on
  (*rec)->Finish();
  const RecorderStats st = (*rec)->stats();
  EXPECT_EQ(st.clips_written, 5);
  EXPECT_EQ(st.clips_deleted, 3);
  EXPECT_EQ(st.bytes_deleted, sizes[0] + sizes[1] + sizes[2]);
  EXPECT_FALSE(st.degraded) << st.degraded_reason;
  EXPECT_GT(st.ring_packets, 0);  // still buffering after the quota was hit

  const std::vector<std::string> left = ClipNames(d / "b");
  ASSERT_EQ(r.events.size(), 5u);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0], r.events[3].clip);  // the newest two are kept
  EXPECT_EQ(left[1], r.events[4].clip);
  for (int i = 0; i < 3; ++i) {  // oldest removed, their events still name them
    EXPECT_FALSE(r.events[i].clip.empty());
    EXPECT_FALSE(fs::exists(d / ("b/" + r.events[i].clip)));
  }
  EXPECT_EQ(fs::file_size(d / "b/events.jsonl"), static_cast<uintmax_t>(4 * o.quota_bytes));
  EXPECT_TRUE(fs::exists(d / "b/outbox.db"));
  int64_t total = 0;
  for (const std::string& c : left) total += static_cast<int64_t>(fs::file_size(d / ("b/" + c)));
  EXPECT_LE(total, o.quota_bytes);
}

TEST(RecorderTest, VanishedDirectoryDegradesThenRecovers) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string in = d / "in.mp4";
  ASSERT_TRUE(MakeH264(in, 16));
  RecordingOptions o = Options(d / "clips", 1, 1);
  o.retry_s = 0.2;
  auto rec = Recorder::Create(o, "cam");
  ASSERT_TRUE(rec.ok());
  Recorder& recorder = **rec;
  // Works as root too (permissions would not stop root): the directory becomes a file.
  fs::remove_all(d / "clips");
  std::ofstream(d / "clips") << "not a directory";
  bool saw_degraded = false, recovered = false;
  FeedResult r = Feed(in, recorder,
                      {{EventPhase::kInstant, "dev/cam/1", "dev/cam/1", 3 * kS},
                       {EventPhase::kInstant, "dev/cam/2", "dev/cam/2", 8 * kS},
                       {EventPhase::kInstant, "dev/cam/3", "dev/cam/3", 12 * kS}},
                      [&](const Frame& f) {
                        if (f.meta.pts_us >= 6 * kS && !saw_degraded) {
                          saw_degraded = WaitFor([&] { return recorder.stats().degraded; });
                        }
                        if (f.meta.pts_us >= 9 * kS && !recovered) {
                          fs::remove(d / "clips");
                          fs::create_directories(d / "clips");
                          recovered = WaitFor([&] { return !recorder.stats().degraded; });
                        }
                      });
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.frames, 400);  // the pipeline never stopped
  EXPECT_TRUE(saw_degraded);
  EXPECT_TRUE(recovered);
  recorder.Finish();
  const RecorderStats st = recorder.stats();
  EXPECT_EQ(st.degraded_count, 1);
  EXPECT_NE(st.degraded_reason.find("Not a directory"), std::string::npos) << st.degraded_reason;
  EXPECT_GE(st.clips_failed, 1);
  EXPECT_EQ(st.clips_written, 1);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events[1].clip, "");  // degraded: no clip promised
  const std::vector<std::string> clips = ClipNames(d / "clips");
  ASSERT_EQ(clips.size(), 1u);
  EXPECT_EQ(r.events[2].clip, clips[0]);
}

TEST(RecorderTest, QuotaSmallerThanOneClipDegradesWithoutLeavingFiles) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string in = d / "in.mp4";
  ASSERT_TRUE(MakeH264(in, 10));
  RecordingOptions o = Options(d / "clips", 2, 2);
  o.quota_bytes = 20'000;  // a 6 s clip is far bigger
  auto rec = Recorder::Create(o, "cam");
  ASSERT_TRUE(rec.ok());
  FeedResult r = Feed(in, **rec,
                      {{EventPhase::kStart, "dev/cam/1", "dev/cam/1", 4 * kS},
                       {EventPhase::kEnd, "dev/cam/2", "dev/cam/1", 6 * kS}});
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.frames, 250);
  ASSERT_EQ(r.events.size(), 2u);
  (*rec)->Finish();
  const RecorderStats st = (*rec)->stats();
  EXPECT_TRUE(st.degraded);
  EXPECT_NE(st.degraded_reason.find("recording.quota_bytes"), std::string::npos)
      << st.degraded_reason;
  EXPECT_EQ(st.clips_written, 0);
  EXPECT_EQ(st.clips_failed, 1);
  EXPECT_TRUE(ClipNames(d / "clips").empty());
  EXPECT_FALSE(AnyPartFiles(d / "clips"));
}

TEST(RecorderTest, FullDiskDeletesOldClipsThenDegradesAndTrackingGoesOn) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string in = d / "in.mp4";
  ASSERT_TRUE(MakeH264(in, 8));
  fs::create_directories(d / "clips");
  const auto now = std::chrono::system_clock::now();
  const std::string old1 = ClipFileName("cam", now, 1, "mp4");
  const std::string old2 = ClipFileName("cam", now, 2, "mp4");
  std::ofstream(d / ("clips/" + old1)) << std::string(1000, 'x');
  std::ofstream(d / ("clips/" + old2)) << std::string(1000, 'x');
  std::ofstream(d / "clips/events.jsonl") << "{\"id\":\"dev/cam/1\"}\n";
  RecordingOptions o = Options(d / "clips", 1, 1);
  o.min_free_bytes = 64 << 20;
  RecorderEnv env;  // a file system with 1 MiB free, whatever is deleted
  env.free_bytes = [](const std::string&) -> Result<int64_t> { return int64_t{1} << 20; };
  auto rec = Recorder::Create(o, "cam", env);
  ASSERT_TRUE(rec.ok());
  FeedResult r = Feed(in, **rec,
                      {{EventPhase::kInstant, "dev/cam/1", "dev/cam/1", 2 * kS},
                       {EventPhase::kInstant, "dev/cam/2", "dev/cam/2", 6 * kS}});
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.frames, 200);
  (*rec)->Finish();
  const RecorderStats st = (*rec)->stats();
  EXPECT_TRUE(st.degraded);
  EXPECT_NE(st.degraded_reason.find("disk full"), std::string::npos) << st.degraded_reason;
  EXPECT_EQ(st.clips_deleted, 2);
  EXPECT_EQ(st.clips_written, 0);
  EXPECT_TRUE(ClipNames(d / "clips").empty());
  EXPECT_TRUE(fs::exists(d / "clips/events.jsonl"));
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[1].clip, "");
}

TEST(RecorderTest, WriteFailureMidClipAbortsItAndDegrades) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string in = d / "in.mp4";
  ASSERT_TRUE(MakeH264(in, 10));
  auto rec = Recorder::Create(Options(d / "clips", 2, 2), "cam");
  ASSERT_TRUE(rec.ok());
  // Files of this process cannot grow past 20 kB: the clip's writes fail with EFBIG, as they
  // would with ENOSPC on a full disk.
  struct rlimit old {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 20'000;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  FeedResult r = Feed(in, **rec,
                      {{EventPhase::kStart, "dev/cam/1", "dev/cam/1", 4 * kS},
                       {EventPhase::kEnd, "dev/cam/2", "dev/cam/1", 6 * kS}});
  (*rec)->Finish();
  setrlimit(RLIMIT_FSIZE, &old);
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.frames, 250);
  const RecorderStats st = (*rec)->stats();
  EXPECT_TRUE(st.degraded);
  EXPECT_NE(st.degraded_reason.find("File too large"), std::string::npos) << st.degraded_reason;
  EXPECT_EQ(st.clips_failed, 1);
  EXPECT_TRUE(ClipNames(d / "clips").empty());
  EXPECT_FALSE(AnyPartFiles(d / "clips"));
}

TEST(RecorderTest, StalePartialClipsOfThisStreamAreRemovedAtStart) {
  TempDir d;
  fs::create_directories(d / "clips");
  const auto now = std::chrono::system_clock::now();
  const std::string mine = ClipFileName("cam", now, 1, "mp4") + ".part";
  const std::string theirs = ClipFileName("cam2", now, 1, "mp4") + ".part";
  std::ofstream(d / ("clips/" + mine)) << "x";
  std::ofstream(d / ("clips/" + theirs)) << "x";
  auto rec = Recorder::Create(Options(d / "clips", 1, 1), "cam");
  ASSERT_TRUE(rec.ok());
  EXPECT_FALSE(fs::exists(d / ("clips/" + mine)));
  EXPECT_TRUE(fs::exists(d / ("clips/" + theirs)));
}

TEST(RecorderTest, BadOptionsAndUncreatableDirectoryAreErrors) {
  TempDir d;
  RecordingOptions o = Options(d / "clips", 1, 1);
  o.container = "avi";
  EXPECT_EQ(Recorder::Create(o, "cam").status().code(), StatusCode::kInvalidArgument);
  std::ofstream(d / "file") << "x";
  auto r = Recorder::Create(Options(d / "file/clips", 1, 1), "cam");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("recording.dir"), std::string::npos);
}

TEST(RecorderTest, NoPacketsAndReencodeOffMeansNoRecordingWithAReason) {
  TempDir d;
  RecordingOptions o = Options(d / "clips", 1, 1);
  o.reencode = false;
  auto rec = Recorder::Create(o, "cam");
  ASSERT_TRUE(rec.ok());
  Frame f;
  f.image = cv::Mat(48, 64, CV_8UC3, cv::Scalar(1, 2, 3));
  (*rec)->OnFrame(f);
  std::vector<Event> events = {MakeEvent(EventPhase::kInstant, "a", "a", 0)};
  (*rec)->OnEvents(&events);
  EXPECT_EQ(events[0].clip, "");
  const RecorderStats st = (*rec)->stats();
  EXPECT_EQ(st.mode, "off");
  EXPECT_NE(st.off_reason.find("recording.reencode is false"), std::string::npos);
}

}  // namespace
}  // namespace es
