// The issue's proof, end to end through the real pipeline: "Disk quota reached: tracking goes
// on, oldest clips removed, events kept."
#include "record/recorder_hook.h"

#include <gtest/gtest.h>

#include <fstream>

#include "pipeline/pipeline.h"
#include "record/record_test_util.h"

namespace es {
namespace {

using namespace rectest;  // NOLINT: test helpers

// One person-sized box while the frame index is in [50k, 50k + 50) for odd k... i.e. five 2 s
// appearances at 2, 8, 14, 20 and 26 s of a 25 fps source (every frame is detected in order).
class ScriptedDetector : public Detector {
 public:
  std::string name() const override { return "scripted"; }
  Result<std::vector<Detection>> Detect(const cv::Mat&) override {
    const int64_t n = calls_++;
    if (n >= 50 && (n - 50) % 150 < 50) {
      return std::vector<Detection>{{{100, 60, 40, 100}, 0.9f, kClassPerson}};
    }
    return std::vector<Detection>{};
  }

 private:
  int64_t calls_ = 0;
};

TEST(RecorderHookTest, QuotaReachedTrackingGoesOnOldestClipsRemovedEventsKept) {
  REQUIRE_FFMPEG();
  TempDir d;
  const std::string in = d / "in.mp4";
  ASSERT_TRUE(MakeH264(in, 30));
  const int64_t source_bytes = static_cast<int64_t>(fs::file_size(in));

  RecordingOptions ro;
  ro.dir = d / "clips";
  ro.pre_event_s = 1;
  ro.post_event_s = 1;
  ro.min_free_bytes = 0;
  ro.quota_bytes = source_bytes * 6 / 30;  // ~6 s of video: room for one ~4 s clip
  auto rec = Recorder::Create(ro, "cam");
  ASSERT_TRUE(rec.ok()) << rec.status().ToString();

  SourceOptions so;
  so.uri = in;
  so.realtime = false;
  so.stream_id = "cam";
  auto source = std::make_unique<FfmpegSource>(so);
  std::shared_ptr<Recorder> recorder = *rec;
  source->SetPacketCallback(
      [recorder](const AVPacket& p, const AVStream& s) { recorder->OnPacket(p, s); });

  PipelineParts parts;
  parts.source = std::move(source);
  GateOptions gate;
  gate.enabled = false;
  parts.detect = std::make_unique<DetectStage>(std::make_unique<ScriptedDetector>(), gate, 1);
  parts.track = std::make_unique<TrackStage>(ByteTrackOptions{});
  auto analyzer =
      Analyzer::Create(AnalyticsOptions{}, "dev", "cam", std::make_shared<InMemoryEventIdSource>());
  ASSERT_TRUE(analyzer.ok());
  parts.analytics = std::make_unique<AnalyticsStage>(std::move(analyzer).value());
  parts.hooks.push_back(std::make_unique<RecorderHook>(recorder));
  const std::string events_path = d / "clips/events.jsonl";  // in the clip directory on purpose
  auto sink = MakeJsonLinesSink(events_path);
  ASSERT_TRUE(sink.ok());
  parts.sinks.push_back(std::move(sink).value());
  PipelineOptions po;
  po.queue_policy = "block";
  Pipeline pipeline(std::move(parts), po);
  const RunResult r = pipeline.Run();
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();

  // Tracking went on: every frame decided.
  EXPECT_EQ(r.summary.frames_processed, 750u);
  const nlohmann::json summary = r.summary.ToJson();
  ASSERT_TRUE(summary.contains("recorder")) << summary.dump();
  const nlohmann::json& st = summary["recorder"];
  EXPECT_EQ(st["mode"], "copy");
  EXPECT_EQ(st["clips_written"], 5) << st.dump();
  EXPECT_GE(st["clips_deleted"].get<int>(), 3) << st.dump();
  EXPECT_EQ(st["degraded"], false) << st.dump();
  std::printf("[ info ] recorder summary: %s\n", st.dump().c_str());

  // Events kept, each naming its clip.
  std::ifstream f(events_path);
  ASSERT_TRUE(f.good());
  std::vector<nlohmann::json> events;
  std::string line;
  while (std::getline(f, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    for (const auto& e : j["events"]) events.push_back(e);
  }
  ASSERT_EQ(events.size(), 10u);  // five tracks: start + end each
  for (const auto& e : events) ASSERT_TRUE(e.contains("clip")) << e.dump();
  // Oldest clips removed, the newest kept, within the quota.
  EXPECT_FALSE(fs::exists(d / ("clips/" + events.front()["clip"].get<std::string>())));
  EXPECT_TRUE(fs::exists(d / ("clips/" + events.back()["clip"].get<std::string>())));
  int64_t total = 0;
  for (const std::string& c : ClipNames(d / "clips")) {
    total += static_cast<int64_t>(fs::file_size(d / ("clips/" + c)));
  }
  EXPECT_LE(total, ro.quota_bytes);
  EXPECT_FALSE(AnyPartFiles(d / "clips"));
  // The newest clip plays.
  int frames = 0;
  EXPECT_EQ(DecodeErrors(d / ("clips/" + events.back()["clip"].get<std::string>()), &frames), "");
  EXPECT_GT(frames, 75);
}

}  // namespace
}  // namespace es
