#include "analytics/analyzer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <optional>
#include <set>

namespace es {
namespace {

constexpr int kClassCar = 2;

// A box whose bottom-centre (the default anchor) is at (fx, fy).
TrackOutput AtFeet(int id, float fx, float fy, int class_id = kClassPerson) {
  TrackOutput t;
  t.id = id;
  t.class_id = class_id;
  t.score = 0.9f;
  t.box = {fx - 10.f, fy - 40.f, 20.f, 40.f};
  return t;
}

Analyzer Make(AnalyticsOptions o, std::shared_ptr<EventIdSource> ids = nullptr) {
  if (!ids) ids = std::make_shared<InMemoryEventIdSource>();
  auto r = Analyzer::Create(std::move(o), "dev", "cam", std::move(ids));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

// The scene at time t (seconds): the tracks visible then.
using Scene = std::function<std::vector<TrackOutput>(double t)>;

// Feeds `analyzer` at `fps` from 0 to duration_s (inclusive), then Finish().
std::vector<Event> Feed(Analyzer& analyzer, const Scene& scene, double fps, double duration_s,
                        bool finish = true) {
  std::vector<Event> all;
  const int64_t frames = static_cast<int64_t>(std::llround(duration_s * fps));
  for (int64_t i = 0; i <= frames; ++i) {
    const Timestamp t = Timestamp::Micros(i * 1000000 / static_cast<int64_t>(fps));
    FrameMeta meta;
    meta.stream_id = "cam";
    meta.seq = i;
    meta.capture = t;
    for (Event& e : analyzer.Update(scene(t.seconds()), t, meta)) all.push_back(std::move(e));
  }
  if (finish) {
    for (Event& e : analyzer.Finish()) all.push_back(std::move(e));
  }
  return all;
}

std::vector<Event> Select(const std::vector<Event>& events, EventType type) {
  std::vector<Event> out;
  for (const Event& e : events) {
    if (e.type == type) out.push_back(e);
  }
  return out;
}

AnalyticsOptions OneLine() {
  AnalyticsOptions o;
  o.lines.push_back({"gate", {0, 100}, {200, 100}, {}});  // side A = above (smaller y)
  return o;
}

// Walks down from y = 50 to y = 98 in 2 s, jitters 97 / 103 (6 px peak to peak, straddling the
// line) for 2 s, then walks on to y = 150 by t = 6.
float JitteryDownY(double t, double fps) {
  if (t < 2.0) return static_cast<float>(50.0 + 24.0 * t);
  if (t < 4.0) return (std::llround(t * fps) % 2 == 0) ? 97.f : 103.f;
  return static_cast<float>(103.0 + 23.5 * (std::min(t, 6.0) - 4.0));
}

TEST(AnalyzerLineTest, CrossingWithJitterCountsOnce) {
  Analyzer a = Make(OneLine());
  const auto events = Feed(
      a, [](double t) { return std::vector<TrackOutput>{AtFeet(1, 100.f, JitteryDownY(t, 10.0))}; },
      10.0, 7.0);
  const auto lines = Select(events, EventType::kLine);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].direction, "A->B");
  EXPECT_EQ(lines[0].line, "gate");
  EXPECT_EQ(lines[0].phase, EventPhase::kInstant);
  EXPECT_EQ(lines[0].track_id, 1);
  EXPECT_EQ(a.LineTotals("gate").a_to_b.at(kClassPerson), 1);
  EXPECT_TRUE(a.LineTotals("gate").b_to_a.empty());
}

TEST(AnalyzerLineTest, WithoutHysteresisJitterWouldDoubleCount) {
  // Guards the hysteresis band: the same motion with a 0 px band counts every jitter swing.
  AnalyticsOptions o = OneLine();
  o.line_hysteresis_px = 0.0;
  Analyzer a = Make(o);
  const auto events = Feed(
      a, [](double t) { return std::vector<TrackOutput>{AtFeet(1, 100.f, JitteryDownY(t, 10.0))}; },
      10.0, 7.0);
  EXPECT_GT(Select(events, EventType::kLine).size(), 3u);
}

TEST(AnalyzerLineTest, BToAIsCountedSeparately) {
  Analyzer a = Make(OneLine());
  const auto events = Feed(
      a,
      [](double t) {
        std::vector<TrackOutput> v;
        v.push_back(AtFeet(1, 50.f, static_cast<float>(50 + 20 * t)));    // down: A->B
        v.push_back(AtFeet(2, 150.f, static_cast<float>(150 - 20 * t)));  // up: B->A
        v.push_back(AtFeet(3, 120.f, static_cast<float>(150 - 20 * t), kClassCar));
        return v;
      },
      10.0, 5.0);
  const auto lines = Select(events, EventType::kLine);
  ASSERT_EQ(lines.size(), 3u);
  const LineCounts c = a.LineTotals("gate");
  EXPECT_EQ(c.a_to_b.at(kClassPerson), 1);
  EXPECT_EQ(c.b_to_a.at(kClassPerson), 1);
  EXPECT_EQ(c.b_to_a.at(kClassCar), 1);
  EXPECT_EQ(c.a_to_b.count(kClassCar), 0u);
  for (const Event& e : lines) EXPECT_EQ(e.direction, e.track_id == 1 ? "A->B" : "B->A");
  const auto j = a.CountsJson();
  EXPECT_EQ(j["lines"]["gate"]["B->A"]["2"], 1);
}

TEST(AnalyzerLineTest, PassingBesideTheSegmentDoesNotCount) {
  Analyzer a = Make(OneLine());
  const auto events = Feed(
      a,
      [](double t) {
        return std::vector<TrackOutput>{AtFeet(1, 300.f, static_cast<float>(50 + 20 * t))};
      },
      10.0, 5.0);
  EXPECT_TRUE(Select(events, EventType::kLine).empty());
}

TEST(AnalyzerLineTest, ClassFilter) {
  AnalyticsOptions o = OneLine();
  o.lines[0].classes = {kClassCar};
  Analyzer a = Make(o);
  const auto events = Feed(
      a,
      [](double t) {
        return std::vector<TrackOutput>{
            AtFeet(1, 50.f, static_cast<float>(50 + 20 * t)),
            AtFeet(2, 60.f, static_cast<float>(50 + 20 * t), kClassCar)};
      },
      10.0, 5.0);
  const auto lines = Select(events, EventType::kLine);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].track_id, 2);
  EXPECT_EQ(lines[0].class_id, kClassCar);
}

AnalyticsOptions OneZone(double loiter_s) {
  AnalyticsOptions o;
  o.zones.push_back({"yard", {{0, 0}, {100, 0}, {100, 100}, {0, 100}}, {}, loiter_s});
  return o;
}

// Outside until t = 1, inside (feet at 50,50) for t in [1, 6), outside after.
std::vector<TrackOutput> VisitYard(double t) {
  const float x = t < 1.0 ? -20.f : (t < 6.0 ? 50.f : 150.f);
  return {AtFeet(1, x, 50.f)};
}

TEST(AnalyzerZoneTest, LoiteringStartUpdateEnd) {
  Analyzer a = Make(OneZone(3.0));
  std::vector<Event> events;
  std::map<int, int> occupancy_inside;
  const auto scene = [&](double t) { return VisitYard(t); };
  for (int i = 0; i <= 70; ++i) {  // 10 fps, 7 s
    const Timestamp t = Timestamp::Micros(i * 100000);
    for (Event& e : a.Update(scene(t.seconds()), t, FrameMeta{})) events.push_back(e);
    if (i == 30) occupancy_inside = a.ZoneOccupancy("yard");
  }
  EXPECT_EQ(occupancy_inside, (std::map<int, int>{{kClassPerson, 1}}));
  EXPECT_TRUE(a.ZoneOccupancy("yard").empty());

  const auto zone = Select(events, EventType::kZone);
  ASSERT_EQ(zone.size(), 2u);
  EXPECT_EQ(zone[0].phase, EventPhase::kStart);
  EXPECT_EQ(zone[0].t, Timestamp::Seconds(1.0));
  EXPECT_EQ(zone[1].phase, EventPhase::kEnd);
  EXPECT_EQ(zone[1].t, Timestamp::Seconds(6.0));
  EXPECT_EQ(zone[1].start_id, zone[0].id);

  const auto loiter = Select(events, EventType::kLoiter);
  ASSERT_EQ(loiter.size(), 3u);
  EXPECT_EQ(loiter[0].phase, EventPhase::kStart);
  EXPECT_EQ(loiter[0].t, Timestamp::Seconds(4.0));  // entered at 1 s + loiter_s 3
  EXPECT_EQ(loiter[0].t_start, Timestamp::Seconds(1.0));
  EXPECT_EQ(loiter[1].phase, EventPhase::kUpdate);
  EXPECT_EQ(loiter[1].t, Timestamp::Seconds(5.0));
  EXPECT_EQ(loiter[2].phase, EventPhase::kEnd);
  EXPECT_EQ(loiter[2].t, Timestamp::Seconds(6.0));
  EXPECT_EQ(loiter[1].start_id, loiter[0].id);
  EXPECT_EQ(loiter[2].start_id, loiter[0].id);
  EXPECT_EQ(loiter[0].zone, "yard");
  EXPECT_DOUBLE_EQ(loiter[2].ToJson()["dwell_s"].get<double>(), 5.0);
}

TEST(AnalyzerZoneTest, ShortVisitDoesNotLoiter) {
  Analyzer a = Make(OneZone(10.0));
  const auto events = Feed(a, VisitYard, 10.0, 7.0);
  EXPECT_EQ(Select(events, EventType::kZone).size(), 2u);
  EXPECT_TRUE(Select(events, EventType::kLoiter).empty());
}

TEST(AnalyzerZoneTest, ClassFilter) {
  AnalyticsOptions o = OneZone(3.0);
  o.zones[0].classes = {kClassPerson};
  Analyzer a = Make(o);
  const auto events = Feed(
      a,
      [](double t) {
        auto v = VisitYard(t);
        TrackOutput car = v[0];
        car.id = 2;
        car.class_id = kClassCar;
        v.push_back(car);
        return v;
      },
      10.0, 7.0);
  for (const Event& e : events) {
    if (e.type == EventType::kZone || e.type == EventType::kLoiter) {
      EXPECT_EQ(e.track_id, 1);
    }
  }
  EXPECT_EQ(Select(events, EventType::kZone).size(), 2u);
  EXPECT_EQ(Select(events, EventType::kTrack).size(), 4u);  // both tracks start and end
}

TEST(AnalyzerTrackTest, EndsAfterTimeoutAndClosesEpisodes) {
  Analyzer a = Make(OneZone(1.0));  // end_after_s = 2 by default
  std::vector<Event> events;
  const auto step = [&](double t_s, bool visible) {
    const Timestamp t = Timestamp::Seconds(t_s);
    std::vector<TrackOutput> v;
    if (visible) v.push_back(AtFeet(5, 50.f, 50.f));
    auto out = a.Update(v, t, FrameMeta{});
    events.insert(events.end(), out.begin(), out.end());
    return out.size();
  };
  for (int i = 0; i <= 20; ++i) step(i * 0.1, true);  // seen 0 .. 2 s, loitering from 1 s
  EXPECT_EQ(a.live_tracks(), 1u);
  EXPECT_EQ(step(3.0, false), 0u);
  EXPECT_EQ(step(4.0, false), 0u);  // exactly end_after_s since last seen: not yet
  EXPECT_EQ(a.live_tracks(), 1u);
  const size_t before = events.size();
  EXPECT_EQ(step(4.1, false), 3u);  // loiter end, zone end, track end
  EXPECT_EQ(a.live_tracks(), 0u);
  EXPECT_EQ(events[before].type, EventType::kLoiter);
  EXPECT_EQ(events[before].phase, EventPhase::kEnd);
  EXPECT_EQ(events[before + 1].type, EventType::kZone);
  EXPECT_EQ(events[before + 1].phase, EventPhase::kEnd);
  const Event& end = events[before + 2];
  EXPECT_EQ(end.type, EventType::kTrack);
  EXPECT_EQ(end.phase, EventPhase::kEnd);
  EXPECT_EQ(end.t, Timestamp::Seconds(2.0));  // last seen
  EXPECT_EQ(end.t_start, Timestamp::Seconds(0.0));
  EXPECT_EQ(end.start_id, events.front().id);
  EXPECT_TRUE(a.ZoneOccupancy("yard").empty());
  // The same id seen again later is a new track.
  EXPECT_EQ(step(5.0, true), 2u);  // track start, zone start
  EXPECT_EQ(events[before + 3].type, EventType::kTrack);
  EXPECT_EQ(events[before + 3].phase, EventPhase::kStart);
}

TEST(AnalyzerEventTest, IdsUniqueIncreasingAndShared) {
  auto ids = std::make_shared<InMemoryEventIdSource>(100);
  AnalyticsOptions o = OneZone(1.0);
  o.lines = OneLine().lines;
  Analyzer a = Make(o, ids);
  auto b_result = Analyzer::Create(o, "dev", "cam2", ids);
  ASSERT_TRUE(b_result.ok());
  Analyzer b = std::move(b_result).value();
  const Scene scene = [](double t) {
    return std::vector<TrackOutput>{AtFeet(1, 50.f, static_cast<float>(20 + 30 * t)),
                                    AtFeet(2, 150.f, static_cast<float>(150 - 30 * t))};
  };
  auto ea = Feed(a, scene, 10.0, 5.0);
  auto eb = Feed(b, scene, 10.0, 5.0);
  ASSERT_GT(ea.size(), 6u);
  std::set<std::string> seen;
  uint64_t prev = 0;
  for (const Event& e : ea) {
    EXPECT_GT(e.counter, prev);
    prev = e.counter;
    EXPECT_EQ(e.id, "dev/cam/" + std::to_string(e.counter));
    EXPECT_TRUE(seen.insert(e.id).second) << e.id;
  }
  EXPECT_EQ(ea.front().counter, 100u);
  for (const Event& e : eb) {
    EXPECT_GT(e.counter, prev);  // b ran after a on the shared source
    prev = e.counter;
    EXPECT_EQ(e.id.rfind("dev/cam2/", 0), 0u);
    EXPECT_TRUE(seen.insert(e.id).second) << e.id;
  }
}

TEST(AnalyzerEventTest, JsonIsVersioned) {
  Analyzer a = Make(OneLine());
  const auto events = Feed(
      a,
      [](double t) {
        return std::vector<TrackOutput>{AtFeet(7, 50.f, static_cast<float>(50 + 20 * t))};
      },
      10.0, 5.0);
  const auto lines = Select(events, EventType::kLine);
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json j = lines[0].ToJson();
  EXPECT_EQ(j["v"], 1);
  EXPECT_EQ(j["type"], "line");
  EXPECT_EQ(j["phase"], "instant");
  EXPECT_EQ(j["direction"], "A->B");
  EXPECT_EQ(j["line"], "gate");
  EXPECT_EQ(j["track_id"], 7);
  EXPECT_EQ(j["id"], lines[0].id);
  EXPECT_EQ(j["t_us"], lines[0].t.us);
  EXPECT_EQ(j["frame"], lines[0].frame_seq);
  ASSERT_EQ(j["box"].size(), 4u);
  EXPECT_FALSE(j.contains("zone"));
}

TEST(AnalyzerEventTest, CreateRejectsBadInput) {
  auto ids = std::make_shared<InMemoryEventIdSource>();
  EXPECT_FALSE(Analyzer::Create(OneLine(), "dev", "a/b", ids).ok());
  EXPECT_FALSE(Analyzer::Create(OneLine(), "", "cam", ids).ok());
  EXPECT_FALSE(Analyzer::Create(OneLine(), "dev", "cam", nullptr).ok());
  AnalyticsOptions bad = OneZone(1.0);
  bad.zones[0].polygon = {{0, 0}, {2, 2}, {2, 0}, {0, 2}};
  auto r = Analyzer::Create(bad, "dev", "cam", ids);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

// The same motion sampled at 5 fps and 30 fps gives the same events at (nearly) the same times.
TEST(AnalyzerTimeTest, SameEventsAt5And30Fps) {
  AnalyticsOptions o = OneZone(2.0);
  o.lines = OneLine().lines;
  o.lines[0].a = {0, 200};
  o.lines[0].b = {300, 200};
  const Scene scene = [](double t) {
    std::vector<TrackOutput> v;
    // Track 1 walks down through the zone (dwells ~3 s) and across the line, then leaves view.
    if (t < 8.0) v.push_back(AtFeet(1, 50.f, static_cast<float>(-20 + 30 * t)));
    // Track 2 stands in the zone from 1 s to 4 s.
    if (t >= 1.0 && t < 4.0) v.push_back(AtFeet(2, 70.f, 70.f));
    return v;
  };
  Analyzer slow = Make(o);
  Analyzer fast = Make(o);
  const auto es = Feed(slow, scene, 5.0, 12.0, /*finish=*/false);
  const auto ef = Feed(fast, scene, 30.0, 12.0, /*finish=*/false);
  ASSERT_EQ(es.size(), ef.size());
  ASSERT_GE(es.size(), 12u);
  int loiters = 0;
  for (size_t i = 0; i < es.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(es[i].type, ef[i].type);
    EXPECT_EQ(es[i].phase, ef[i].phase);
    EXPECT_EQ(es[i].track_id, ef[i].track_id);
    EXPECT_EQ(es[i].zone, ef[i].zone);
    EXPECT_EQ(es[i].line, ef[i].line);
    EXPECT_EQ(es[i].direction, ef[i].direction);
    EXPECT_LE(std::abs((es[i].t - ef[i].t).seconds()), 0.2 + 1e-6);
    if (es[i].type == EventType::kLoiter) ++loiters;
  }
  EXPECT_GE(loiters, 4);
  EXPECT_EQ(slow.LineTotals("gate").a_to_b, fast.LineTotals("gate").a_to_b);
  EXPECT_EQ(slow.live_tracks(), 0u);
}

}  // namespace
}  // namespace es
