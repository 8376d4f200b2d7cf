// MetricsRegistry: live counters, gauges and fixed-bucket histograms, exposed as Prometheus text
// (format 0.0.4) and as JSON while the pipeline runs.
//
// Get-or-create: GetCounter/GetGauge/GetHistogram with the same (name, labels) return the same
// object; its address is stable for the registry's lifetime (metrics are never removed), so a
// stage looks a metric up once and keeps the pointer. Labels keep the order they are given in
// (that is the exposition order) and identity compares the full vector, so {{a,1},{b,2}} and
// {{b,2},{a,1}} are two different series: always pass labels in the same order.
//
// Thread-safety: registration (Get*/AddCallbackGauge) takes the registry mutex. Counter::Add,
// Gauge::Set/Add and Histogram::Observe are lock-free atomics and never take a lock. Readers
// (PrometheusText, ToJson, the *Value lookups) take the mutex only to copy pointers to the
// series, then read the atomics and run callbacks without it: a reader never blocks a writer's
// Add/Observe, and a callback may itself use the registry. A histogram read while it is being
// observed is consistent in its buckets and count (count is the sum of the buckets, so the +Inf
// bucket always equals _count) but its sum may lag or lead by the observations in flight.
//
// Ownership: the registry owns every metric; the pointers it hands out are valid until it is
// destroyed. A callback gauge owns its std::function, which runs on the reader's thread (any
// reader, possibly several at once): it must be thread-safe, and whatever it captures must
// outlive the registry's last reader, since callbacks cannot be removed.
//
// Failure: names and labels are compile-time constants in our code, so misuse is a programming
// error and throws std::logic_error: a metric name that is not [a-zA-Z_:][a-zA-Z0-9_:]*, a label
// name that is not [a-zA-Z_][a-zA-Z0-9_]* or starts with "__", a label name repeated in one
// series, "le" as a histogram label, a name registered as one kind then asked for as another, a
// name that collides with a histogram's _bucket/_sum/_count series, histogram bounds that are
// empty, not finite or not strictly ascending, the same histogram series asked for with other
// bounds, a callback gauge on a series that already exists, or an empty callback. The help text
// of a family is the one given first; later help strings are ignored. A callback that throws
// reads as NaN. Lookups of absent series (or of the wrong kind) return 0 / std::nullopt.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace es {

// e.g. {{"camera", "cam1"}, {"stage", "detect"}}; order is kept.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

namespace metrics_internal {
struct Family;  // defined in metrics_registry.cc
}  // namespace metrics_internal

// Monotonic count of events. Lock-free.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down. Lock-free (Add is a compare-and-swap loop).
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
  static_assert(std::atomic<double>::is_always_lock_free);
};

// Observations counted into fixed buckets. bounds are the finite upper bounds, strictly
// ascending; a +Inf bucket is implicit. A value v goes into the first bucket with v <= bound
// (Prometheus "le"); values above the last bound, and NaN, go into the +Inf bucket.
class Histogram {
 public:
  // Throws std::logic_error if bounds are empty, not finite or not strictly ascending.
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> counts;  // per bucket, non-cumulative; size bounds.size() + 1
    uint64_t count = 0;            // sum of counts
    double sum = 0;
    // Prometheus histogram_quantile: linear interpolation inside the bucket holding rank
    // q * count (the first bucket starts at 0, or returns its bound if that is <= 0). q is
    // clamped to [0, 1]. 0 when empty; the highest finite bound when the rank is in +Inf.
    double Quantile(double q) const;
  };
  Snapshot snapshot() const;

  const std::vector<double>& bounds() const { return bounds_; }

 private:
  const std::vector<double> bounds_;
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0.0};
};

// Default latency buckets in seconds:
// 0.0005 0.001 0.002 0.005 0.01 0.02 0.05 0.1 0.15 0.2 0.3 0.5 1 2 5
const std::vector<double>& LatencyBucketsSeconds();

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Get-or-create; never null. Throws std::logic_error on misuse (see the header comment).
  Counter* GetCounter(const std::string& name, const std::string& help, MetricLabels labels = {});
  Gauge* GetGauge(const std::string& name, const std::string& help, MetricLabels labels = {});
  Histogram* GetHistogram(const std::string& name, const std::string& help,
                          MetricLabels labels = {},
                          std::vector<double> bounds = LatencyBucketsSeconds());

  // A gauge computed on read (outbox depth, queue depth). read runs on the reader's thread,
  // without the registry mutex, and must be thread-safe. Its family may also hold plain gauges.
  void AddCallbackGauge(const std::string& name, const std::string& help, MetricLabels labels,
                        std::function<double()> read);
  // A counter kept by someone else (bytes the uplink acknowledged, persisted in the outbox):
  // read on the reader's thread like a callback gauge; it must never decrease.
  void AddCallbackCounter(const std::string& name, const std::string& help, MetricLabels labels,
                          std::function<double()> read);

  // Prometheus text exposition format 0.0.4: # HELP / # TYPE once per family, families sorted
  // by name, series in registration order, label values escaped (\\, \", \n), histograms as
  // cumulative _bucket{...,le="..."} lines ending in le="+Inf", then _sum and _count.
  std::string PrometheusText() const;

  // {"name": [{"labels": {...}, "value": x}, ...], ...}; a histogram series is
  // {"labels": {...}, "count": n, "sum": s, "p50": x, "p99": y,
  //  "buckets": [{"le": 0.0005, "count": cumulative}, ..., {"le": "+Inf", "count": n}]}.
  // NaN and infinite values are written as null.
  nlohmann::json ToJson() const;

  // Value lookups for the run summary and tests: 0 / std::nullopt when absent or of another kind.
  // GaugeValue runs the callback of a callback gauge; CounterValue that of a callback counter.
  uint64_t CounterValue(const std::string& name, const MetricLabels& labels) const;
  double GaugeValue(const std::string& name, const MetricLabels& labels) const;
  std::optional<Histogram::Snapshot> HistogramSnapshot(const std::string& name,
                                                       const MetricLabels& labels) const;

 private:
  void AddCallback(const std::string& name, const std::string& help, MetricLabels labels,
                   std::function<double()> read, bool counter);

  mutable std::mutex mu_;
  // Sorted by name; families and their series are never removed.
  std::map<std::string, std::unique_ptr<metrics_internal::Family>, std::less<>> families_;
};

}  // namespace es
