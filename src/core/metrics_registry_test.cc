#include "core/metrics_registry.h"

#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace es {
namespace {

TEST(MetricsRegistry, GetOrCreateReturnsTheSameObjectPerNameAndLabels) {
  MetricsRegistry r;
  Counter* a = r.GetCounter("frames_total", "Frames.", {{"camera", "cam1"}});
  Counter* b = r.GetCounter("frames_total", "Other help is ignored.", {{"camera", "cam1"}});
  Counter* c = r.GetCounter("frames_total", "Frames.", {{"camera", "cam2"}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // Label order is part of identity.
  Counter* ab = r.GetCounter("pairs_total", "P.", {{"a", "1"}, {"b", "2"}});
  Counter* ba = r.GetCounter("pairs_total", "P.", {{"b", "2"}, {"a", "1"}});
  EXPECT_NE(ab, ba);
  // Addresses stay stable while many more series are added.
  for (int i = 0; i < 1000; ++i) r.GetCounter("frames_total", "", {{"camera", std::to_string(i)}});
  EXPECT_EQ(r.GetCounter("frames_total", "", {{"camera", "cam1"}}), a);
  EXPECT_EQ(r.GetGauge("depth", "D."), r.GetGauge("depth", "D."));
  Histogram* h = r.GetHistogram("lat_seconds", "L.", {{"stage", "detect"}});
  EXPECT_EQ(r.GetHistogram("lat_seconds", "L.", {{"stage", "detect"}}), h);
  EXPECT_EQ(h->bounds(), LatencyBucketsSeconds());
}

TEST(MetricsRegistry, CounterGaugeHistogramArithmetic) {
  MetricsRegistry r;
  Counter* c = r.GetCounter("events_total", "E.");
  c->Add();
  c->Add(41);
  EXPECT_EQ(c->value(), 42u);
  EXPECT_EQ(r.CounterValue("events_total", {}), 42u);

  Gauge* g = r.GetGauge("temp", "T.", {{"zone", "a"}});
  g->Set(10.5);
  g->Add(-0.25);
  g->Add(2);
  EXPECT_DOUBLE_EQ(g->value(), 12.25);
  EXPECT_DOUBLE_EQ(r.GaugeValue("temp", {{"zone", "a"}}), 12.25);

  Histogram* h = r.GetHistogram("size", "S.", {}, {1, 10, 100});
  for (double v : {0.5, 5.0, 50.0, 500.0, 7.0}) h->Observe(v);
  const auto snap = r.HistogramSnapshot("size", {});
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->bounds, (std::vector<double>{1, 10, 100}));
  EXPECT_EQ(snap->counts, (std::vector<uint64_t>{1, 2, 1, 1}));
  EXPECT_EQ(snap->count, 5u);
  EXPECT_DOUBLE_EQ(snap->sum, 562.5);

  // Absent or other-kind lookups are 0 / empty.
  EXPECT_EQ(r.CounterValue("events_total", {{"x", "y"}}), 0u);
  EXPECT_EQ(r.CounterValue("temp", {{"zone", "a"}}), 0u);
  EXPECT_EQ(r.GaugeValue("nope", {}), 0.0);
  EXPECT_FALSE(r.HistogramSnapshot("events_total", {}).has_value());
}

TEST(Histogram, ValueEqualToABoundGoesIntoThatBucket) {
  Histogram h({0.1, 0.5, 1.0});
  h.Observe(0.1);           // le 0.1
  h.Observe(0.5);           // le 0.5
  h.Observe(0.5000001);     // le 1
  h.Observe(1.0);           // le 1
  h.Observe(1.0000001);     // +Inf
  h.Observe(-3);            // le 0.1
  h.Observe(std::nan(""));  // +Inf
  const Histogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.counts, (std::vector<uint64_t>{2, 1, 2, 2}));
  EXPECT_EQ(s.count, 7u);
}

TEST(Histogram, RejectsBadBounds) {
  EXPECT_THROW(Histogram({}), std::logic_error);
  EXPECT_THROW(Histogram({1, 1}), std::logic_error);
  EXPECT_THROW(Histogram({2, 1}), std::logic_error);
  EXPECT_THROW(Histogram({1, INFINITY}), std::logic_error);
  EXPECT_THROW(Histogram({NAN}), std::logic_error);
  EXPECT_NO_THROW(Histogram({-1, 0, 1}));
}

TEST(Histogram, QuantileInterpolatesInsideTheBucket) {
  Histogram h({1, 2, 4});
  for (double v : {0.5, 1.0}) h.Observe(v);            // (0, 1]: 2
  for (double v : {1.5, 1.5, 2.0, 2.0}) h.Observe(v);  // (1, 2]: 4
  for (double v : {3.0, 3.0, 4.0, 4.0}) h.Observe(v);  // (2, 4]: 4
  const Histogram::Snapshot s = h.snapshot();
  ASSERT_EQ(s.count, 10u);
  EXPECT_DOUBLE_EQ(s.Quantile(0.1), 0.5);   // rank 1 of 2 in [0, 1]
  EXPECT_DOUBLE_EQ(s.Quantile(0.2), 1.0);   // rank 2: top of the first bucket
  EXPECT_DOUBLE_EQ(s.Quantile(0.5), 1.75);  // rank 5: 3 of 4 in [1, 2]
  EXPECT_DOUBLE_EQ(s.Quantile(0.9), 3.5);   // rank 9: 3 of 4 in [2, 4]
  EXPECT_DOUBLE_EQ(s.Quantile(1.0), 4.0);
  EXPECT_DOUBLE_EQ(s.Quantile(0.0), 0.0);  // start of the first non-empty bucket
  EXPECT_DOUBLE_EQ(s.Quantile(7.0), 4.0);  // clamped to 1

  Histogram skip({1, 2, 4});
  skip.Observe(3);  // only the (2, 4] bucket
  EXPECT_DOUBLE_EQ(skip.snapshot().Quantile(0.0), 2.0);
  EXPECT_DOUBLE_EQ(skip.snapshot().Quantile(0.5), 3.0);

  Histogram inf({1, 2});
  inf.Observe(0.5);
  inf.Observe(10);
  inf.Observe(20);
  EXPECT_DOUBLE_EQ(inf.snapshot().Quantile(0.99), 2.0);  // +Inf bucket: highest finite bound
  EXPECT_DOUBLE_EQ(inf.snapshot().Quantile(0.2), 0.6);

  Histogram neg({-1, 0, 1});
  neg.Observe(-5);
  EXPECT_DOUBLE_EQ(neg.snapshot().Quantile(0.5), -1.0);  // first bound <= 0 is returned as is

  EXPECT_EQ(Histogram({1, 2}).snapshot().Quantile(0.5), 0.0);  // empty
  EXPECT_EQ(Histogram::Snapshot{}.Quantile(0.5), 0.0);
}

TEST(MetricsRegistry, PrometheusTextExactly) {
  MetricsRegistry r;
  // Registered out of name order: the exposition sorts families.
  Histogram* h =
      r.GetHistogram("es_stage_latency_seconds", "Stage latency.\nIn seconds \\ wall clock.",
                     {{"stage", "detect"}, {"camera", "cam1"}}, {0.25, 0.5, 1});
  for (double v : {0.25, 0.5, 0.75, 2.0}) h->Observe(v);
  r.GetGauge("es_queue_depth", "Queue depth.")->Set(2.5);
  r.GetCounter("es_frames_total", "Frames read.", {{"camera", "cam1"}})->Add(3);
  r.GetCounter("es_frames_total", "Frames read.", {{"camera", "a\"b\\c\nd"}})->Add();

  const std::string expected =
      "# HELP es_frames_total Frames read.\n"
      "# TYPE es_frames_total counter\n"
      "es_frames_total{camera=\"cam1\"} 3\n"
      "es_frames_total{camera=\"a\\\"b\\\\c\\nd\"} 1\n"
      "# HELP es_queue_depth Queue depth.\n"
      "# TYPE es_queue_depth gauge\n"
      "es_queue_depth 2.5\n"
      "# HELP es_stage_latency_seconds Stage latency.\\nIn seconds \\\\ wall clock.\n"
      "# TYPE es_stage_latency_seconds histogram\n"
      "es_stage_latency_seconds_bucket{stage=\"detect\",camera=\"cam1\",le=\"0.25\"} 1\n"
      "es_stage_latency_seconds_bucket{stage=\"detect\",camera=\"cam1\",le=\"0.5\"} 2\n"
      "es_stage_latency_seconds_bucket{stage=\"detect\",camera=\"cam1\",le=\"1\"} 3\n"
      "es_stage_latency_seconds_bucket{stage=\"detect\",camera=\"cam1\",le=\"+Inf\"} 4\n"
      "es_stage_latency_seconds_sum{stage=\"detect\",camera=\"cam1\"} 3.5\n"
      "es_stage_latency_seconds_count{stage=\"detect\",camera=\"cam1\"} 4\n";
  EXPECT_EQ(r.PrometheusText(), expected);
  EXPECT_EQ(MetricsRegistry().PrometheusText(), "");
}

TEST(MetricsRegistry, PrometheusTextHistogramWithoutLabelsAndSpecialValues) {
  MetricsRegistry r;
  Histogram* h = r.GetHistogram("h", "H.", {}, {1e-05, 0.0005});
  h->Observe(0.0001);
  r.GetGauge("g", "G.", {{"v", "nan"}})->Set(NAN);
  r.GetGauge("g", "G.", {{"v", "inf"}})->Set(INFINITY);
  r.GetGauge("g", "G.", {{"v", "-inf"}})->Set(-INFINITY);
  r.GetGauge("g", "G.", {{"v", "big"}})->Set(1e20);
  r.GetGauge("g", "G.", {{"v", "third"}})->Set(1.0 / 3.0);
  r.GetGauge("g", "G.", {{"v", "int"}})->Set(123456789);
  r.GetGauge("g", "G.", {{"v", "tiny"}})->Set(-2.5e-300);
  const std::string expected =
      "# HELP g G.\n"
      "# TYPE g gauge\n"
      "g{v=\"nan\"} NaN\n"
      "g{v=\"inf\"} +Inf\n"
      "g{v=\"-inf\"} -Inf\n"
      "g{v=\"big\"} 1e+20\n"
      "g{v=\"third\"} 0.3333333333333333\n"
      "g{v=\"int\"} 123456789\n"
      "g{v=\"tiny\"} -2.5e-300\n"
      "# HELP h H.\n"
      "# TYPE h histogram\n"
      "h_bucket{le=\"1e-05\"} 0\n"
      "h_bucket{le=\"0.0005\"} 1\n"
      "h_bucket{le=\"+Inf\"} 1\n"
      "h_sum 0.0001\n"
      "h_count 1\n";
  EXPECT_EQ(r.PrometheusText(), expected);
}

TEST(MetricsRegistry, ToJsonShape) {
  MetricsRegistry r;
  r.GetCounter("c_total", "C.", {{"camera", "cam1"}})->Add(7);
  r.GetGauge("g", "G.")->Set(-1.5);
  Histogram* h = r.GetHistogram("h_seconds", "H.", {{"stage", "s"}}, {1, 2, 4});
  for (double v : {0.5, 1.0, 1.5, 1.5, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0}) h->Observe(v);

  const nlohmann::json j = r.ToJson();
  ASSERT_TRUE(j.contains("c_total"));
  EXPECT_EQ(j["c_total"][0]["labels"], (nlohmann::json{{"camera", "cam1"}}));
  EXPECT_EQ(j["c_total"][0]["value"], 7);
  EXPECT_EQ(j["g"][0]["labels"], nlohmann::json::object());
  EXPECT_DOUBLE_EQ(j["g"][0]["value"].get<double>(), -1.5);
  const nlohmann::json& hj = j["h_seconds"][0];
  EXPECT_EQ(hj["labels"], (nlohmann::json{{"stage", "s"}}));
  EXPECT_EQ(hj["count"], 10);
  EXPECT_DOUBLE_EQ(hj["sum"].get<double>(), 22.5);
  EXPECT_DOUBLE_EQ(hj["p50"].get<double>(), 1.75);
  EXPECT_DOUBLE_EQ(hj["p99"].get<double>(), 4.0 - 2.0 * 0.1 / 4.0);  // rank 9.9: 3.9 of 4 in [2,4]
  const nlohmann::json expected_buckets =
      nlohmann::json::parse(R"([{"le":1.0,"count":2},{"le":2.0,"count":6},{"le":4.0,"count":10},)"
                            R"({"le":"+Inf","count":10}])");
  EXPECT_EQ(hj["buckets"], expected_buckets);
}

TEST(MetricsRegistry, KindMismatchAndInvalidNamesThrow) {
  MetricsRegistry r;
  r.GetCounter("x_total", "X.");
  EXPECT_THROW(r.GetGauge("x_total", "X."), std::logic_error);
  EXPECT_THROW(r.GetHistogram("x_total", "X."), std::logic_error);
  EXPECT_THROW(r.AddCallbackGauge("x_total", "X.", {}, [] { return 1.0; }), std::logic_error);
  r.GetGauge("y", "Y.");
  EXPECT_THROW(r.GetCounter("y", "Y."), std::logic_error);

  // Metric names.
  EXPECT_THROW(r.GetCounter("", "E."), std::logic_error);
  EXPECT_THROW(r.GetCounter("1abc", "E."), std::logic_error);
  EXPECT_THROW(r.GetCounter("a-b", "E."), std::logic_error);
  EXPECT_THROW(r.GetCounter("a b", "E."), std::logic_error);
  EXPECT_THROW(r.GetCounter("caf\xc3\xa9", "E."), std::logic_error);
  EXPECT_NO_THROW(r.GetCounter("_a:b_c9", "OK."));
  EXPECT_NO_THROW(r.GetCounter(":recorded:rule", "OK."));

  // Label names.
  EXPECT_THROW(r.GetCounter("l_total", "L.", {{"", "v"}}), std::logic_error);
  EXPECT_THROW(r.GetCounter("l_total", "L.", {{"a:b", "v"}}), std::logic_error);
  EXPECT_THROW(r.GetCounter("l_total", "L.", {{"9a", "v"}}), std::logic_error);
  EXPECT_THROW(r.GetCounter("l_total", "L.", {{"__reserved", "v"}}), std::logic_error);
  EXPECT_THROW(r.GetCounter("l_total", "L.", {{"a", "1"}, {"a", "2"}}), std::logic_error);
  EXPECT_THROW(r.GetHistogram("l_seconds", "L.", {{"le", "1"}}), std::logic_error);
  EXPECT_NO_THROW(r.GetCounter("l_total", "L.", {{"_ok1", "any \"value\" \n is fine"}}));

  // Histogram series names must not collide with other families.
  r.GetHistogram("lat", "L.");
  EXPECT_THROW(r.GetCounter("lat_count", "C."), std::logic_error);
  EXPECT_THROW(r.GetGauge("lat_sum", "S."), std::logic_error);
  EXPECT_THROW(r.GetHistogram("lat_bucket", "B."), std::logic_error);
  r.GetCounter("q_count", "C.");
  EXPECT_THROW(r.GetHistogram("q", "Q."), std::logic_error);

  // Same histogram series with other bounds; bad bounds.
  r.GetHistogram("b_seconds", "B.", {}, {1, 2});
  EXPECT_THROW(r.GetHistogram("b_seconds", "B.", {}, {1, 3}), std::logic_error);
  EXPECT_THROW(r.GetHistogram("c_seconds", "C.", {}, {2, 1}), std::logic_error);

  // Callback gauges: no duplicates, no empty callback, no plain gauge over a callback.
  r.AddCallbackGauge("depth", "D.", {{"q", "a"}}, [] { return 1.0; });
  EXPECT_THROW(r.AddCallbackGauge("depth", "D.", {{"q", "a"}}, [] { return 2.0; }),
               std::logic_error);
  EXPECT_THROW(r.GetGauge("depth", "D.", {{"q", "a"}}), std::logic_error);
  EXPECT_THROW(r.AddCallbackGauge("depth", "D.", {{"q", "b"}}, nullptr), std::logic_error);
  r.GetGauge("depth", "D.", {{"q", "plain"}});
  EXPECT_THROW(r.AddCallbackGauge("depth", "D.", {{"q", "plain"}}, [] { return 3.0; }),
               std::logic_error);

  // Failed registrations left nothing half-made behind.
  const std::string text = r.PrometheusText();
  EXPECT_EQ(text.find("1abc"), std::string::npos);
  EXPECT_EQ(text.find("c_seconds"), std::string::npos);
  EXPECT_EQ(text.find("# TYPE lat_count"), std::string::npos);
  EXPECT_NE(text.find("\nlat_count 0\n"), std::string::npos);  // the histogram's own series
}

TEST(MetricsRegistry, CallbackCounterIsACounterReadAtExpositionTime) {
  MetricsRegistry r;
  std::atomic<double> acked{12};
  r.AddCallbackCounter("uplink_bytes_total", "Bytes.", {{"kind", "event"}},
                       [&] { return acked.load(); });
  std::string text = r.PrometheusText();
  EXPECT_NE(text.find("# TYPE uplink_bytes_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("uplink_bytes_total{kind=\"event\"} 12\n"), std::string::npos) << text;
  acked = 40;
  EXPECT_EQ(r.CounterValue("uplink_bytes_total", {{"kind", "event"}}), 40u);
  EXPECT_EQ(r.ToJson()["uplink_bytes_total"][0]["value"], 40u);
  // Not a plain counter, and nonsense reads as 0 rather than a huge integer.
  EXPECT_THROW(r.GetCounter("uplink_bytes_total", "Bytes.", {{"kind", "event"}}),
               std::logic_error);
  acked = -1;
  EXPECT_EQ(r.CounterValue("uplink_bytes_total", {{"kind", "event"}}), 0u);
  EXPECT_THROW(r.AddCallbackCounter("uplink_bytes_total", "Bytes.", {{"kind", "event"}},
                                    [] { return 1.0; }),
               std::logic_error);
}

TEST(MetricsRegistry, CallbackGaugeIsReadAtExpositionTime) {
  MetricsRegistry r;
  std::atomic<int> depth{3};
  std::atomic<int> calls{0};
  r.AddCallbackGauge("outbox_depth", "Outbox rows.", {{"sink", "mqtt"}}, [&] {
    ++calls;
    return static_cast<double>(depth.load());
  });
  r.GetGauge("outbox_depth", "Outbox rows.", {{"sink", "http"}})->Set(1);
  EXPECT_EQ(calls.load(), 0);  // not read at registration
  EXPECT_NE(r.PrometheusText().find("outbox_depth{sink=\"mqtt\"} 3\n"), std::string::npos);
  depth = 17;
  const std::string text = r.PrometheusText();
  EXPECT_NE(text.find("outbox_depth{sink=\"mqtt\"} 17\n"), std::string::npos) << text;
  EXPECT_NE(text.find("outbox_depth{sink=\"http\"} 1\n"), std::string::npos) << text;
  depth = 5;
  EXPECT_EQ(r.ToJson()["outbox_depth"][0]["value"], 5.0);
  EXPECT_EQ(r.GaugeValue("outbox_depth", {{"sink", "mqtt"}}), 5.0);
  EXPECT_EQ(calls.load(), 4);

  // A throwing callback reads as NaN instead of failing the exposition.
  r.AddCallbackGauge("broken", "B.", {}, []() -> double { throw std::runtime_error("gone"); });
  EXPECT_NE(r.PrometheusText().find("\nbroken NaN\n"), std::string::npos);
  EXPECT_TRUE(std::isnan(r.GaugeValue("broken", {})));
  // A callback may use the registry itself (it runs without the registry mutex).
  r.AddCallbackGauge("reentrant", "R.", {},
                     [&] { return static_cast<double>(r.CounterValue("n_total", {})); });
  r.GetCounter("n_total", "N.")->Add(9);
  EXPECT_NE(r.PrometheusText().find("\nreentrant 9\n"), std::string::npos);
}

TEST(MetricsRegistry, ConcurrentWritersAndReaderGiveExactTotals) {
  MetricsRegistry r;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100000;
  Counter* shared = r.GetCounter("ops_total", "Ops.");
  Gauge* level = r.GetGauge("level", "Level.");
  Histogram* lat = r.GetHistogram("op_seconds", "Op latency.", {}, {0.001, 0.01, 0.1});
  r.AddCallbackGauge("shared_now", "Shared.", {},
                     [shared] { return static_cast<double>(shared->value()); });

  std::atomic<int> running{kThreads};
  std::atomic<bool> reader_started{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      while (!reader_started.load()) std::this_thread::yield();  // make the reads overlap
      // Registration from writer threads races with the reader too.
      Counter* mine =
          r.GetCounter("per_thread_total", "Per thread.", {{"thread", std::to_string(t)}});
      const double values[] = {0.0005, 0.005, 0.05, 0.5};
      for (int i = 0; i < kPerThread; ++i) {
        shared->Add();
        mine->Add(2);
        level->Add(1.0);
        lat->Observe(values[i % 4]);
        if (i % 25000 == 0) r.GetGauge("late", "Late.", {{"thread", std::to_string(t)}})->Set(i);
      }
      running.fetch_sub(1);
    });
  }
  std::thread reader([&] {
    uint64_t last = 0;
    for (int i = 0; i < 2000 && (i < 5 || running.load() > 0); ++i) {
      reads.fetch_add(1);
      reader_started.store(true);
      const std::string text = r.PrometheusText();
      ASSERT_NE(text.find("# TYPE op_seconds histogram"), std::string::npos);
      const nlohmann::json j = r.ToJson();
      const uint64_t now = j["ops_total"][0]["value"].get<uint64_t>();
      ASSERT_GE(now, last);  // monotonic as seen by the reader
      last = now;
      const auto snap = r.HistogramSnapshot("op_seconds", {});
      ASSERT_TRUE(snap.has_value());
      const nlohmann::json& hj = j["op_seconds"][0];
      ASSERT_EQ(hj["buckets"].back()["count"], hj["count"]);  // +Inf == _count always
    }
  });
  for (auto& w : writers) w.join();
  reader.join();
  EXPECT_GE(reads.load(), 5);

  const uint64_t total = static_cast<uint64_t>(kThreads) * kPerThread;
  EXPECT_EQ(shared->value(), total);
  EXPECT_EQ(r.CounterValue("ops_total", {}), total);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(r.CounterValue("per_thread_total", {{"thread", std::to_string(t)}}), 2u * kPerThread);
  }
  EXPECT_DOUBLE_EQ(level->value(), static_cast<double>(total));
  EXPECT_DOUBLE_EQ(r.GaugeValue("shared_now", {}), static_cast<double>(total));
  const auto snap = r.HistogramSnapshot("op_seconds", {});
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->count, total);
  EXPECT_EQ(snap->counts, (std::vector<uint64_t>(4, total / 4)));
  EXPECT_NEAR(snap->sum, (0.0005 + 0.005 + 0.05 + 0.5) * (total / 4), 1e-6);
  EXPECT_NE(r.PrometheusText().find("\nops_total 400000\n"), std::string::npos);
}

// Runs promtool on the exposition when it is installed (it is not a build dependency).
TEST(MetricsRegistry, PromtoolAcceptsTheExposition) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "promtool not installed";
  }
  MetricsRegistry r;
  r.GetCounter("es_frames_total", "Frames read.", {{"camera", "a\"b\\c\nd"}})->Add(3);
  r.GetGauge("es_queue_depth", "Queue depth.", {{"queue", "detect"}})->Set(2.5);
  r.AddCallbackGauge("es_outbox_rows", "Outbox rows.", {}, [] { return 4.0; });
  Histogram* h = r.GetHistogram("es_stage_latency_seconds", "Stage latency.\nWall clock.",
                                {{"stage", "detect"}});
  for (double v : {0.0001, 0.003, 0.2, 9.0}) h->Observe(v);
  const std::string text = r.PrometheusText();
  FILE* p = ::popen("promtool check metrics", "w");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(std::fwrite(text.data(), 1, text.size(), p), text.size());
  const int status = ::pclose(p);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text;
}

}  // namespace
}  // namespace es
