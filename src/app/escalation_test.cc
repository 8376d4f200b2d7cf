// The edge half of the hybrid tier against a real mosquitto on loopback: escalations go out
// through the outbox, a test-side "fake backend" answers some with verdicts, and the edge
// applies them once, re-sends and expires the unanswered one, and gates alarms on them.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "alarm/alarm_dispatcher.h"
#include "app/escalation_hook.h"
#include "app/escalation_runtime.h"
#include "app/outbox_hook.h"
#include "core/temp_dir_test_util.h"
#include "uplink/escalation_message.h"
#include "uplink/mqtt_test_util.h"
#include "uplink/verdict_message.h"

namespace es {
namespace {

using mqtt_test::FreePort;
using mqtt_test::MosquittoProcess;
using mqtt_test::WaitFor;
using test_util::TempDir;

constexpr const char* kDevice = "dev1";

// Subscribes to every escalation of the device and to its events; answers escalations by track:
// 1 confirmed (twice: a duplicate), 2 rejected, anything else never.
class FakeBackend {
 public:
  explicit FakeBackend(int port) {
    MosquittoOptions m;
    m.port = port;
    m.client_id = "fake-backend";
    m.clean_session = true;
    m.subscriptions.push_back({std::string("edgesight/v1/") + kDevice + "/+/escalations", 1});
    m.subscriptions.push_back({std::string("edgesight/v1/") + kDevice + "/+/events", 1});
    auto t = MakeMosquittoTransport(m);
    EXPECT_TRUE(t.ok());
    transport_ = std::move(t).value();
    MqttTransportCallbacks cb;
    cb.on_message = [this](const std::string& topic, std::string_view payload) {
      OnMessage(topic, payload);
    };
    EXPECT_TRUE(transport_->Start(cb).ok());
  }
  ~FakeBackend() { transport_->Stop(); }

  void Publish(const std::string& topic, const std::string& payload) {
    (void)transport_->Publish(topic, payload, 1, false);
  }
  std::vector<Escalation> escalations() {
    std::lock_guard<std::mutex> lock(mu_);
    return escalations_;
  }
  std::vector<nlohmann::json> verified() {
    std::lock_guard<std::mutex> lock(mu_);
    return verified_;
  }
  int probes() {
    std::lock_guard<std::mutex> lock(mu_);
    return probes_;
  }

 private:
  void OnMessage(const std::string& topic, std::string_view payload) {
    if (topic.find("/events") != std::string::npos) {
      auto j = nlohmann::json::parse(payload, nullptr, false);
      std::lock_guard<std::mutex> lock(mu_);
      if (j.is_object() && j.value("type", "") == "verified") verified_.push_back(j);
      if (j.is_object() && j.value("type", "") == "probe") ++probes_;
      return;
    }
    auto e = DecodeEscalation(payload);
    ASSERT_TRUE(e.ok()) << e.status().message();
    {
      std::lock_guard<std::mutex> lock(mu_);
      escalations_.push_back(*e);
    }
    if (e->track_id != 1 && e->track_id != 2) return;
    Verdict v;
    v.escalation_id = e->id;
    v.event_id = e->event_id;
    v.device = e->device;
    v.stream = e->stream;
    v.track_id = e->track_id;
    v.class_id = e->class_id;
    v.verdict = e->track_id == 1 ? VerdictKind::kConfirmed : VerdictKind::kRejected;
    v.score = e->track_id == 1 ? 0.9f : 0.05f;
    v.checks.push_back({"detector", "nanodet-m-416", e->track_id == 1, v.score, "re-run"});
    v.worker = "fake-1";
    const std::string json = v.ToJson().dump();
    Publish(VerdictTopic(kDevice), json);
    if (e->track_id == 1) Publish(VerdictTopic(kDevice), json);  // a duplicate delivery
  }

  std::unique_ptr<MqttTransport> transport_;
  std::mutex mu_;
  std::vector<Escalation> escalations_;
  std::vector<nlohmann::json> verified_;
  int probes_ = 0;
};

Event ZoneStart(int track, const std::string& zone) {
  Event e;
  e.id = std::string(kDevice) + "/cam0/z" + std::to_string(track) + zone;
  e.start_id = e.id;
  e.device = kDevice;
  e.stream = "cam0";
  e.type = EventType::kZone;
  e.phase = EventPhase::kStart;
  e.track_id = track;
  e.zone = zone;
  return e;
}

TEST(EscalationIntegrationTest, VerdictsApplyOnceResendsExpireAndGateAlarms) {
  if (!MosquittoProcess::Installed()) GTEST_SKIP() << "mosquitto is not installed";
  const int port = FreePort();
  ASSERT_GT(port, 0);
  MosquittoProcess broker(port, "allow_anonymous true\n");
  ASSERT_TRUE(broker.Start());
  TempDir dir;
  auto outbox = Outbox::Open(dir.file("outbox.db"));
  ASSERT_TRUE(outbox.ok());
  MetricsRegistry metrics;

  // The edge: outbox -> publisher (subscribed to its verdicts) -> runtime.
  EscalationRuntime* rt_ptr = nullptr;
  std::mutex rt_mu;
  MosquittoOptions mqtt;
  mqtt.port = port;
  mqtt.client_id = "edge-dev1";
  mqtt.clean_session = true;
  mqtt.subscriptions.push_back({VerdictTopic(kDevice), 1});
  PublisherOptions po;
  po.device_id = kDevice;
  po.poll_interval = Duration::Millis(10);
  po.on_message = [&](const std::string& topic, std::string_view payload) {
    std::lock_guard<std::mutex> lock(rt_mu);
    if (rt_ptr) rt_ptr->OnMessage(topic, payload);
  };
  auto pub = MqttPublisher::Create(outbox->get(), mqtt, po);
  ASSERT_TRUE(pub.ok());
  EscalationRuntimeOptions eo;
  eo.device = kDevice;
  eo.tick = Duration::Millis(20);
  auto rt = EscalationRuntime::Open(outbox->get(), pub->get(), &metrics, eo);
  ASSERT_TRUE(rt.ok()) << rt.status().message();
  {
    std::lock_guard<std::mutex> lock(rt_mu);
    rt_ptr = rt->get();
  }
  // Alarms: "door" waits for the verdict (3 s, fallback fire); "late" waits 0.2 s (drop).
  AlarmOptions ao;
  AlarmRule door;
  door.name = "door";
  door.on = {"zone.start"};
  door.zones = {"door"};
  door.command = {"true"};
  door.when = "verified";
  door.verify_deadline_s = 3;
  AlarmRule late = door;
  late.name = "late";
  late.zones = {"late"};
  late.verify_deadline_s = 0.2;
  late.fallback = "drop";
  ao.rules = {door, late};
  auto alarms = AlarmDispatcher::Create(ao);
  ASSERT_TRUE(alarms.ok()) << alarms.status().message();
  AlarmDispatcher* a = alarms->get();
  (*rt)->SetListener(
      [a](const VerdictNotice& n) { a->OnVerdict(n.stream, n.track_id, n.outcome); });
  (*rt)->Start();
  ASSERT_TRUE((*pub)->Start().ok());

  FakeBackend backend(port);
  // Both subscriptions are live once a probe gets through each way (SUBACK may trail CONNACK).
  ASSERT_TRUE(WaitFor(
      [&] {
        backend.Publish(StreamTopic(kDevice, "cam0", "events"), R"({"type":"probe"})");
        return WaitFor([&] { return backend.probes() > 0; }, 0.3);
      },
      10));
  auto malformed = [&] {
    return metrics.CounterValue("edgesight_verdicts_total", {{"outcome", "malformed"}});
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        backend.Publish(VerdictTopic(kDevice), "{not json");
        return WaitFor([&] { return malformed() > 0; }, 0.3);
      },
      10));

  // Three uncertain tracks on one frame; their start events were committed earlier.
  EscalateOptions opt;
  opt.enabled = true;
  opt.audit_rate = 0;
  opt.deadline_s = 0.5;
  opt.max_attempts = 2;
  EscalationHook hook(rt->get(), outbox->get(), opt, "cam0", "nanodet-m-416");
  FramePacket p;
  p.frame.meta.stream_id = "cam0";
  p.frame.meta.seq = 5;
  p.frame.meta.pts_us = 200000;
  p.frame.image = cv::Mat(240, 320, CV_8UC3, cv::Scalar(40, 90, 160));
  for (int id = 1; id <= 3; ++id) {
    TrackOutput t;
    t.id = id;
    t.score = 0.45f;
    t.box = BBox{20.f + 80 * (id - 1), 40, 50, 120};
    p.tracks.push_back(t);
    Event start;
    start.id = std::string(kDevice) + "/cam0/" + std::to_string(10 + id);
    start.type = EventType::kTrack;
    start.phase = EventPhase::kStart;
    start.stream = "cam0";
    start.track_id = id;
    p.events.push_back(start);
  }
  // The alarm events arrive before any verdict: they are held, never block.
  for (int id = 1; id <= 3; ++id) EXPECT_EQ(a->Submit(ZoneStart(id, "door")), 0u);
  EXPECT_EQ(a->Submit(ZoneStart(3, "late")), 0u);
  ASSERT_TRUE(hook.OnDecision(&p).ok());
  EXPECT_EQ(hook.Summary()["committed"], 3);

  auto verified_count = [&] { return backend.verified().size(); };
  ASSERT_TRUE(WaitFor([&] { return verified_count() >= 2u; }, 10));
  auto counter = [&](const char* name, const char* key, const char* value) {
    return metrics.CounterValue(name, {{key, value}});
  };
  ASSERT_TRUE(WaitFor(
      [&] { return counter("edgesight_escalations_total", "event", "expired") == 1u; }, 10));
  ASSERT_TRUE(WaitFor([&] { return (*rt)->pending() == 0; }, 5));

  // Escalations: ids stable, valid headers; track 3 was re-sent once with attempt 2.
  std::map<int, std::vector<Escalation>> by_track;
  for (const Escalation& e : backend.escalations()) by_track[e.track_id].push_back(e);
  ASSERT_EQ(by_track.size(), 3u);
  for (auto& [track, list] : by_track) {
    const Escalation& e = list.front();
    EXPECT_EQ(e.id.rfind("dev1/cam0/esc/", 0), 0u) << e.id;
    EXPECT_EQ(e.event_id, "dev1/cam0/" + std::to_string(10 + track));
    EXPECT_EQ(e.reason, "uncertain");
    EXPECT_EQ(e.model, "nanodet-m-416");
    EXPECT_EQ(e.attempt, 1);
    EXPECT_GT(e.deadline_unix_ms, e.created_unix_ms);
    EXPECT_EQ(e.jpeg.substr(0, 2), "\xFF\xD8");
  }
  ASSERT_EQ(by_track[3].size(), 2u);
  EXPECT_EQ(by_track[3][1].id, by_track[3][0].id);
  EXPECT_EQ(by_track[3][1].attempt, 2);
  EXPECT_EQ(counter("edgesight_escalations_total", "event", "resent"), 1u);

  // Verified events went through the outbox to the broker, once each, with their links.
  ASSERT_TRUE(WaitFor([&] { return (*outbox)->Depth() == 0; }, 5));
  const auto verified = backend.verified();
  ASSERT_EQ(verified.size(), 2u);
  std::map<int, nlohmann::json> v_by_track;
  for (const auto& v : verified) v_by_track[v["track_id"].get<int>()] = v;
  EXPECT_EQ(v_by_track[1]["verdict"], "confirmed");
  EXPECT_EQ(v_by_track[2]["verdict"], "rejected");
  for (int t : {1, 2}) {
    EXPECT_EQ(v_by_track[t]["escalation_id"], by_track[t][0].id);
    EXPECT_EQ(v_by_track[t]["event_id"], "dev1/cam0/" + std::to_string(10 + t));
    EXPECT_EQ(v_by_track[t]["id"], by_track[t][0].id + "/verified");
    EXPECT_EQ(v_by_track[t]["checks"].size(), 1u);
  }
  EXPECT_EQ(counter("edgesight_verdicts_total", "outcome", "confirmed"), 1u);
  EXPECT_EQ(counter("edgesight_verdicts_total", "outcome", "rejected"), 1u);
  EXPECT_TRUE(WaitFor(
      [&] { return counter("edgesight_verdicts_total", "outcome", "duplicate") >= 1u; }, 5));

  // A verdict for an escalation this device never sent: counted, ignored.
  Verdict stray;
  stray.escalation_id = "dev1/cam0/esc/999";
  stray.device = kDevice;
  backend.Publish(VerdictTopic(kDevice), stray.ToJson().dump());
  EXPECT_TRUE(
      WaitFor([&] { return counter("edgesight_verdicts_total", "outcome", "unknown") == 1u; }, 5));

  // Alarms: confirmed fired, rejected dropped, expired fell back to fire; "late" dropped.
  ASSERT_TRUE(WaitFor([&] { return a->Stats().fired >= 2u; }, 5));
  a->WaitIdle(2);
  const AlarmStats st = a->Stats();
  EXPECT_EQ(st.rules[0].held, 3u);
  EXPECT_EQ(st.rules[0].confirmed, 1u);
  EXPECT_EQ(st.rules[0].rejected, 1u);
  EXPECT_EQ(st.rules[0].fallback_fire, 1u);
  EXPECT_EQ(st.rules[0].fired, 2u);
  EXPECT_EQ(st.rules[1].fallback_drop, 1u);
  EXPECT_EQ(st.rules[1].fired, 0u);

  const nlohmann::json s = (*rt)->Summary();
  EXPECT_EQ(s["committed"], 3);
  EXPECT_EQ(s["pending"], 0);
  EXPECT_EQ(s["round_trip_s"]["count"], 2);

  (*pub)->Stop();
  {
    std::lock_guard<std::mutex> lock(rt_mu);
    rt_ptr = nullptr;
  }
  (*rt)->Stop();
}

// Pending escalations survive a restart: a new runtime on the same store re-sends and expires.
TEST(EscalationStoreTest, PendingRowsSurviveReopenAndResolveOnce) {
  TempDir dir;
  PendingEscalation p;
  p.id = "d/c/esc/1";
  p.stream = "c";
  p.track_id = 4;
  p.deadline_unix_ms = 1000;
  p.max_attempts = 2;
  p.payload = "x";
  {
    auto s = EscalationStore::Open(dir.file("e.db"));
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Add(p).ok());
  }
  auto s = EscalationStore::Open(dir.file("e.db"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->PendingCount(), 1);
  EXPECT_EQ((*s)->NextDeadline(), 1000);
  auto due = (*s)->Due(999);
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
  due = (*s)->Due(1000);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].payload, "x");
  PendingEscalation row;
  EXPECT_EQ(*(*s)->Resolve("d/c/esc/1", "confirmed", &row), ResolveOutcome::kApplied);
  EXPECT_EQ(row.track_id, 4);
  EXPECT_EQ(*(*s)->Resolve("d/c/esc/1", "rejected", &row), ResolveOutcome::kDuplicate);
  EXPECT_EQ(*(*s)->Resolve("d/c/esc/2", "rejected", &row), ResolveOutcome::kUnknown);
  EXPECT_FALSE(*(*s)->Expire("d/c/esc/1"));
  EXPECT_EQ((*s)->PendingCount(), 0);
}

}  // namespace
}  // namespace es
