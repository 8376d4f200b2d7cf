// Uplink benchmarks (Google Benchmark): durable outbox appends, end-to-end event latency through
// a real mosquitto on 127.0.0.1, and the drain rate of an outage backlog.
//   ./build/bench/uplink_bench                      (mosquitto must be at /usr/sbin/mosquitto)
// Temp files go to $ES_BENCH_DIR (default /tmp): the append rate is the fsync rate of that disk.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "uplink/mqtt_publisher.h"
#include "uplink/mqtt_test_util.h"
#include "uplink/outbox.h"

namespace es {
namespace {

namespace fs = std::filesystem;

std::string TempDir(const char* tag) {
  const char* base = std::getenv("ES_BENCH_DIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/es_" + tag + "_XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  return mkdtemp(buf.data());
}

std::string EventPayload(int64_t i, int64_t sent_us) {
  // Shaped like a real track event (Event::ToJson), about 250 bytes.
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "{\"v\":1,\"id\":\"bench/cam/%lld\",\"start_id\":\"bench/cam/%lld\","
                "\"device\":\"bench\",\"stream\":\"cam\",\"type\":\"track\",\"phase\":\"start\","
                "\"track_id\":%lld,\"class_id\":0,\"score\":0.81,\"box\":[412.5,118.0,64.0,"
                "171.5],\"t_start_us\":%lld,\"t_us\":%lld,\"frame\":%lld,\"sent_us\":%lld}",
                static_cast<long long>(i), static_cast<long long>(i),
                static_cast<long long>(i % 50), static_cast<long long>(i * 500000),
                static_cast<long long>(i * 500000), static_cast<long long>(i * 5),
                static_cast<long long>(sent_us));
  return buf;
}

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A broker that queues a whole outage backlog for a subscriber.
constexpr const char* kBrokerConf = "allow_anonymous true\nmax_queued_messages 100000\n";

// Subscribes to every bench topic; records the latency of events that carry "sent_us".
class Subscriber {
 public:
  explicit Subscriber(int port) : sub_(Options(port, this)) {}
  bool WaitSubscribed() { return sub_.WaitSubscribed(5); }
  bool WaitReceived(int64_t n, std::chrono::milliseconds timeout) {
    return sub_.WaitCount(static_cast<size_t>(n), std::chrono::duration<double>(timeout).count());
  }
  std::vector<int64_t> latencies() {
    std::lock_guard<std::mutex> lock(mu_);
    return latencies_us_;
  }

 private:
  static mqtt_test::SubscriberOptions Options(int port, Subscriber* self) {
    mqtt_test::SubscriberOptions o;
    o.port = port;
    o.topic = "edgesight/v1/bench/+/+";
    o.keepalive_s = 30;
    o.on_message = [self](const std::string&, const std::string& p) {
      const int64_t now = NowUs();
      auto at = p.find("\"sent_us\":");
      if (at == std::string::npos) return;
      std::lock_guard<std::mutex> lock(self->mu_);
      self->latencies_us_.push_back(now - std::atoll(p.c_str() + at + 10));
    };
    return o;
  }

  std::mutex mu_;
  std::vector<int64_t> latencies_us_;
  mqtt_test::TestSubscriber sub_;  // last: stopped before the latencies it writes go away
};

std::unique_ptr<MqttPublisher> StartPublisher(Outbox* box, int port) {
  MosquittoOptions m;
  m.port = port;
  m.client_id = "es-bench-" + std::to_string(getpid());
  m.clean_session = true;
  m.max_inflight_messages = 64;
  PublisherOptions p;
  p.device_id = "bench";
  p.max_inflight = 64;
  p.status_interval = Duration::Seconds(0);
  auto r = MqttPublisher::Create(box, m, p);
  if (!r.ok() || !(*r)->Start().ok()) return nullptr;
  return std::move(r).value();
}

double Percentile(std::vector<int64_t> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return static_cast<double>(v[std::min(i, v.size() - 1)]);
}

// Durable appends: one transaction (and fsync of the WAL) per event, as in production.
void BM_OutboxAppendDurable(benchmark::State& state) {
  const std::string dir = TempDir("bench_outbox");
  {
    auto box = Outbox::Open(dir + "/o.db");
    if (!box.ok()) {
      state.SkipWithError(box.status().ToString().c_str());
      return;
    }
    int64_t i = 0;
    for (auto _ : state) {
      auto seq = (*box)->Append(OutboxKind::kEvent, "edgesight/v1/bench/cam/events",
                                EventPayload(i, 0), "bench/cam/" + std::to_string(i));
      if (!seq.ok()) {
        state.SkipWithError(seq.status().ToString().c_str());
        break;
      }
      ++i;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["events_per_s"] =
        benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  }
  fs::remove_all(dir);
}
BENCHMARK(BM_OutboxAppendDurable)->MinTime(2.0)->Unit(benchmark::kMicrosecond)->UseRealTime();

// One decision frame with N events, committed the old way (per event: a durable id counter
// transaction, then a durable append: 2N transactions) and the new way (AppendBatch: the events
// and the counter in one transaction). Items are events.
void BM_FrameCommit(benchmark::State& state) {
  const bool batch = state.range(0) == 1;
  const int n = static_cast<int>(state.range(1));
  const std::string dir = TempDir("bench_frame");
  {
    auto box = Outbox::Open(dir + "/o.db");
    if (!box.ok()) {
      state.SkipWithError(box.status().ToString().c_str());
      return;
    }
    int64_t id = 0;
    for (auto _ : state) {
      std::vector<OutboxEntry> records;
      for (int k = 0; k < n; ++k) {
        ++id;
        if (!batch) (void)(*box)->NextEventCounter("event/cam");
        OutboxEntry e;
        e.topic = "edgesight/v1/bench/cam/events";
        e.payload = EventPayload(id, 0);
        e.message_id = "bench/cam/" + std::to_string(id);
        if (!batch) {
          (void)(*box)->Append(OutboxKind::kEvent, e.topic, e.payload, e.message_id);
        } else {
          records.push_back(std::move(e));
        }
      }
      if (batch) (void)(*box)->AppendBatch(records, {{"event/cam", id}});
    }
    state.SetItemsProcessed(state.iterations() * n);
  }
  fs::remove_all(dir);
}
BENCHMARK(BM_FrameCommit)
    ->ArgNames({"batch", "events"})
    ->Args({0, 1})->Args({1, 1})->Args({0, 4})->Args({1, 4})->Args({0, 16})->Args({1, 16})
    ->MinTime(1.0)->Unit(benchmark::kMicrosecond)->UseRealTime();

// Append (durable) -> publisher -> mosquitto -> subscriber, one event at a time, broker up.
void BM_EventLatencyEndToEnd(benchmark::State& state) {
  mqtt_test::MosquittoProcess broker(mqtt_test::FreePort(), kBrokerConf);
  if (!broker.Start()) {
    state.SkipWithError("mosquitto did not start");
    return;
  }
  const std::string dir = TempDir("bench_e2e");
  {
    auto box = Outbox::Open(dir + "/o.db");
    Subscriber sub(broker.port());
    if (!box.ok() || !sub.WaitSubscribed()) {
      state.SkipWithError("outbox or subscriber failed");
      return;
    }
    auto pub = StartPublisher(box->get(), broker.port());
    if (!pub) {
      state.SkipWithError("publisher failed");
      return;
    }
    int64_t i = 0;
    for (auto _ : state) {
      auto seq = (*box)->Append(OutboxKind::kEvent, "edgesight/v1/bench/cam/events",
                                EventPayload(i, NowUs()), "bench/cam/" + std::to_string(i));
      if (!seq.ok()) {
        state.SkipWithError(seq.status().ToString().c_str());
        break;
      }
      pub->Notify();
      ++i;
      if (!sub.WaitReceived(i, std::chrono::seconds(5))) {
        state.SkipWithError("event not received within 5 s");
        break;
      }
    }
    auto lat = sub.latencies();
    state.counters["p50_ms"] = Percentile(lat, 0.50) / 1000.0;
    state.counters["p99_ms"] = Percentile(lat, 0.99) / 1000.0;
    state.counters["max_ms"] = Percentile(lat, 1.0) / 1000.0;
    pub->Stop();
  }
  fs::remove_all(dir);
}
BENCHMARK(BM_EventLatencyEndToEnd)->Iterations(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

// Backlog of an outage of state.range(0) minutes at 2 events/s plus one 20 KB crop per 10
// events, drained when the broker is reachable: time from the publisher's start until the
// subscriber has every message and the outbox is empty.
void BM_DrainBacklog(benchmark::State& state) {
  const int64_t minutes = state.range(0);
  const int64_t events = minutes * 60 * 2, crops = events / 10;
  mqtt_test::MosquittoProcess broker(mqtt_test::FreePort(), kBrokerConf);
  if (!broker.Start()) {
    state.SkipWithError("mosquitto did not start");
    return;
  }
  const std::string crop(20 * 1024, 'j');
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = TempDir("bench_drain");
    auto box = Outbox::Open(dir + "/o.db");
    if (!box.ok()) {
      state.SkipWithError("outbox failed");
      break;
    }
    for (int64_t i = 0; i < events; ++i) {
      (void)(*box)->Append(OutboxKind::kEvent, "edgesight/v1/bench/cam/events", EventPayload(i, 0),
                           "bench/cam/" + std::to_string(i));
      if (i % 10 == 9) {
        (void)(*box)->Append(OutboxKind::kCrop, "edgesight/v1/bench/cam/crops", crop,
                             "bench/cam/" + std::to_string(i) + "/crop");
      }
    }
    auto sub = std::make_unique<Subscriber>(broker.port());
    if (!sub->WaitSubscribed()) {
      state.SkipWithError("subscriber failed");
      break;
    }
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    auto pub = StartPublisher(box->get(), broker.port());
    const bool all = pub && sub->WaitReceived(events + crops, std::chrono::seconds(120));
    while (all && (*box)->Depth() > 0 &&
           std::chrono::steady_clock::now() - t0 < std::chrono::seconds(120)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.PauseTiming();
    if (!all || (*box)->Depth() > 0) {
      state.SkipWithError("backlog did not drain within 120 s");
      break;
    }
    state.counters["entries"] = static_cast<double>(events + crops);
    state.counters["entries_per_s"] = static_cast<double>(events + crops) / secs;
    state.counters["drain_s"] = secs;
    pub->Stop();
    pub.reset();
    sub.reset();
    box->reset();
    fs::remove_all(dir);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_DrainBacklog)->Arg(10)->Arg(60)->Iterations(3)->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace es

BENCHMARK_MAIN();
