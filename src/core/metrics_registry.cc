#include "core/metrics_registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <string_view>

namespace es {

namespace metrics_internal {

enum class Kind { kCounter, kGauge, kHistogram };

// One labelled time series. Every field is set before the series is published under the
// registry mutex and never changes afterwards, so readers may use it without the mutex.
struct Series {
  MetricLabels labels;
  std::unique_ptr<Counter> counter;      // kCounter, plain
  std::unique_ptr<Gauge> gauge;          // kGauge, plain
  std::function<double()> read;          // kCounter or kGauge, callback
  std::unique_ptr<Histogram> histogram;  // kHistogram
};

// All series of one metric name. name, help and kind never change; series and index grow under
// the registry mutex.
struct Family {
  std::string name, help;
  Kind kind = Kind::kCounter;
  std::vector<std::unique_ptr<Series>> series;  // registration order
  std::map<MetricLabels, Series*> index;
};

}  // namespace metrics_internal

namespace {

using metrics_internal::Family;
using metrics_internal::Kind;
using metrics_internal::Series;

constexpr std::string_view kHistogramSuffixes[] = {"_bucket", "_sum", "_count"};

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kCounter:
      return "counter";
    case Kind::kGauge:
      return "gauge";
    case Kind::kHistogram:
      return "histogram";
  }
  return "untyped";
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsValidMetricName(std::string_view s) {
  if (s.empty() || !(IsAlpha(s[0]) || s[0] == '_' || s[0] == ':')) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAlpha(c) || IsDigit(c) || c == '_' || c == ':'; });
}

bool IsValidLabelName(std::string_view s) {
  if (s.empty() || !(IsAlpha(s[0]) || s[0] == '_') || s.starts_with("__")) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; });
}

[[noreturn]] void Fail(const std::string& name, const std::string& what) {
  throw std::logic_error("metrics: '" + name + "': " + what);
}

std::vector<double> ValidatedBounds(std::vector<double> bounds) {
  if (bounds.empty()) throw std::logic_error("metrics: histogram needs at least one bound");
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) {
      throw std::logic_error("metrics: histogram bounds must be finite (+Inf is implicit)");
    }
    if (i > 0 && !(bounds[i - 1] < bounds[i])) {
      throw std::logic_error("metrics: histogram bounds must be strictly ascending");
    }
  }
  return bounds;
}

// Validates name and labels and finds or creates the family. Caller holds the registry mutex.
Family* FamilyFor(std::map<std::string, std::unique_ptr<Family>, std::less<>>& families,
                  const std::string& name, const std::string& help, Kind kind,
                  const MetricLabels& labels) {
  if (!IsValidMetricName(name)) Fail(name, "not a valid Prometheus metric name");
  std::set<std::string_view> seen;
  for (const auto& [key, value] : labels) {
    if (!IsValidLabelName(key)) Fail(name, "label name '" + key + "' is not valid");
    if (!seen.insert(key).second) Fail(name, "label name '" + key + "' is repeated");
    if (kind == Kind::kHistogram && key == "le") Fail(name, "a histogram cannot have label 'le'");
  }
  if (auto it = families.find(name); it != families.end()) {
    if (it->second->kind != kind) {
      Fail(name, std::string("registered as a ") + KindName(it->second->kind) +
                     ", asked for as a " + KindName(kind));
    }
    return it->second.get();
  }
  // A new family must not collide with the _bucket/_sum/_count series of a histogram.
  for (std::string_view suffix : kHistogramSuffixes) {
    if (name.ends_with(suffix)) {
      auto base = families.find(std::string_view(name).substr(0, name.size() - suffix.size()));
      if (base != families.end() && base->second->kind == Kind::kHistogram) {
        Fail(name, "collides with the series of histogram '" + base->first + "'");
      }
    }
    if (kind == Kind::kHistogram && families.count(name + std::string(suffix)) > 0) {
      Fail(name, "histogram series would collide with metric '" + name + std::string(suffix) + "'");
    }
  }
  auto family = std::make_unique<Family>();
  family->name = name;
  family->help = help;
  family->kind = kind;
  return families.emplace(name, std::move(family)).first->second.get();
}

Series* Find(Family* family, const MetricLabels& labels) {
  auto it = family->index.find(labels);
  return it == family->index.end() ? nullptr : it->second;
}

Series* Insert(Family* family, std::unique_ptr<Series> series) {
  Series* raw = series.get();
  family->series.push_back(std::move(series));
  family->index.emplace(raw->labels, raw);
  return raw;
}

// A family and the series it had when a reader looked; readable without the mutex.
struct FamilyView {
  const Family* family;
  std::vector<const Series*> series;
};

double ReadCallback(const Series& s) {
  try {
    return s.read();
  } catch (...) {
    return std::numeric_limits<double>::quiet_NaN();
  }
}

double ReadGauge(const Series& s) { return s.gauge ? s.gauge->value() : ReadCallback(s); }

// A callback counter that is NaN or negative reads as 0.
uint64_t ReadCounter(const Series& s) {
  if (s.counter) return s.counter->value();
  const double v = ReadCallback(s);
  return v >= 0 && std::isfinite(v) ? static_cast<uint64_t>(v) : 0;
}

// Shortest text that reads back as the same double, fixed-point for decimal exponents in
// [-4, 16) and scientific outside (like Python's repr: 0.0005, 100, 1e-05, 1e+20); Prometheus
// spellings for NaN and the infinities.
std::string FormatDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[400];  // fixed notation of the largest exponent we allow is far shorter
  auto sci = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  const std::string_view text(buf, static_cast<size_t>(sci.ptr - buf));
  const size_t e = text.find('e');
  int exponent = 0;
  if (e != std::string_view::npos) {
    const char* first = buf + e + 1;
    if (*first == '+') ++first;
    std::from_chars(first, sci.ptr, exponent);
  }
  if (exponent < -4 || exponent >= 16) return std::string(text);
  auto fixed = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
  return std::string(buf, fixed.ptr);
}

void AppendEscaped(std::string& out, std::string_view s, bool escape_quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// {k="v",...} with an optional trailing le label; empty when there are no labels at all.
void AppendLabels(std::string& out, const MetricLabels& labels, const std::string* le = nullptr) {
  if (labels.empty() && le == nullptr) return;
  out += '{';
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += key;
    out += "=\"";
    AppendEscaped(out, value, /*escape_quote=*/true);
    out += '"';
  }
  if (le != nullptr) {
    if (!first) out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
}

void AppendSample(std::string& out, const std::string& name, std::string_view suffix,
                  const MetricLabels& labels, const std::string& value,
                  const std::string* le = nullptr) {
  out += name;
  out += suffix;
  AppendLabels(out, labels, le);
  out += ' ';
  out += value;
  out += '\n';
}

nlohmann::json LabelsJson(const MetricLabels& labels) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : labels) j[key] = value;
  return j;
}

}  // namespace

// ---- Histogram ----

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(ValidatedBounds(std::move(bounds))),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double v) {
  // First bound >= v ("le"); NaN compares false everywhere, so send it to +Inf explicitly.
  const size_t bucket =
      std::isnan(v) ? bounds_.size()
                    : static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                          bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  s.counts.resize(bounds_.size() + 1);
  for (size_t i = 0; i < s.counts.size(); ++i) {
    s.counts[i] = counts_[i].load(std::memory_order_relaxed);
    s.count += s.counts[i];
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

double Histogram::Snapshot::Quantile(double q) const {
  if (count == 0 || bounds.empty() || counts.size() != bounds.size() + 1) return 0.0;
  if (!(q >= 0.0)) q = 0.0;  // also NaN
  if (q > 1.0) q = 1.0;
  const double rank = q * static_cast<double>(count);
  uint64_t below = 0;  // observations in the buckets before b
  for (size_t b = 0; b < counts.size(); ++b) {
    const uint64_t upto = below + counts[b];
    // The first non-empty prefix that reaches the rank; counts[b] > 0 here.
    if (upto > 0 && static_cast<double>(upto) >= rank) {
      if (b == bounds.size()) return bounds.back();  // +Inf bucket
      const double end = bounds[b];
      if (b == 0 && end <= 0.0) return end;
      const double start = b == 0 ? 0.0 : bounds[b - 1];
      const double fraction = std::clamp(
          (rank - static_cast<double>(below)) / static_cast<double>(counts[b]), 0.0, 1.0);
      return start + (end - start) * fraction;
    }
    below = upto;
  }
  return bounds.back();  // count larger than the buckets hold
}

const std::vector<double>& LatencyBucketsSeconds() {
  static const std::vector<double> kBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1,
                                               0.15,   0.2,   0.3,   0.5,   1,    2,    5};
  return kBuckets;
}

// ---- MetricsRegistry ----

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Counter* MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     MetricLabels labels) {
  std::lock_guard lock(mu_);
  Family* family = FamilyFor(families_, name, help, Kind::kCounter, labels);
  if (Series* s = Find(family, labels)) {
    if (!s->counter) Fail(name, "this series is a callback counter");
    return s->counter.get();
  }
  auto s = std::make_unique<Series>();
  s->labels = std::move(labels);
  s->counter = std::make_unique<Counter>();
  return Insert(family, std::move(s))->counter.get();
}

Gauge* MetricsRegistry::GetGauge(const std::string& name, const std::string& help,
                                 MetricLabels labels) {
  std::lock_guard lock(mu_);
  Family* family = FamilyFor(families_, name, help, Kind::kGauge, labels);
  if (Series* s = Find(family, labels)) {
    if (!s->gauge) Fail(name, "this series is a callback gauge");
    return s->gauge.get();
  }
  auto s = std::make_unique<Series>();
  s->labels = std::move(labels);
  s->gauge = std::make_unique<Gauge>();
  return Insert(family, std::move(s))->gauge.get();
}

Histogram* MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         MetricLabels labels, std::vector<double> bounds) {
  bounds = ValidatedBounds(std::move(bounds));
  std::lock_guard lock(mu_);
  Family* family = FamilyFor(families_, name, help, Kind::kHistogram, labels);
  if (Series* s = Find(family, labels)) {
    if (s->histogram->bounds() != bounds) Fail(name, "asked for again with other bounds");
    return s->histogram.get();
  }
  auto s = std::make_unique<Series>();
  s->labels = std::move(labels);
  s->histogram = std::make_unique<Histogram>(std::move(bounds));
  return Insert(family, std::move(s))->histogram.get();
}

void MetricsRegistry::AddCallbackGauge(const std::string& name, const std::string& help,
                                       MetricLabels labels, std::function<double()> read) {
  AddCallback(name, help, std::move(labels), std::move(read), /*counter=*/false);
}

void MetricsRegistry::AddCallbackCounter(const std::string& name, const std::string& help,
                                         MetricLabels labels, std::function<double()> read) {
  AddCallback(name, help, std::move(labels), std::move(read), /*counter=*/true);
}

void MetricsRegistry::AddCallback(const std::string& name, const std::string& help,
                                  MetricLabels labels, std::function<double()> read, bool counter) {
  if (!read) Fail(name, "empty callback");
  std::lock_guard lock(mu_);
  Family* family =
      FamilyFor(families_, name, help, counter ? Kind::kCounter : Kind::kGauge, labels);
  if (Find(family, labels) != nullptr) Fail(name, "callback on a series that exists");
  auto s = std::make_unique<Series>();
  s->labels = std::move(labels);
  s->read = std::move(read);
  Insert(family, std::move(s));
}

namespace {

std::vector<FamilyView> Views(
    std::mutex& mu, const std::map<std::string, std::unique_ptr<Family>, std::less<>>& families) {
  std::lock_guard lock(mu);
  std::vector<FamilyView> views;
  views.reserve(families.size());
  for (const auto& [name, family] : families) {
    FamilyView& v = views.emplace_back(FamilyView{family.get(), {}});
    v.series.reserve(family->series.size());
    for (const auto& s : family->series) v.series.push_back(s.get());
  }
  return views;
}

const Series* FindLocked(
    std::mutex& mu, const std::map<std::string, std::unique_ptr<Family>, std::less<>>& families,
    const std::string& name, Kind kind, const MetricLabels& labels) {
  std::lock_guard lock(mu);
  auto f = families.find(name);
  if (f == families.end() || f->second->kind != kind) return nullptr;
  auto s = f->second->index.find(labels);
  return s == f->second->index.end() ? nullptr : s->second;
}

}  // namespace

std::string MetricsRegistry::PrometheusText() const {
  std::string out;
  for (const FamilyView& view : Views(mu_, families_)) {
    const Family& f = *view.family;
    out += "# HELP ";
    out += f.name;
    out += ' ';
    AppendEscaped(out, f.help, /*escape_quote=*/false);
    out += "\n# TYPE ";
    out += f.name;
    out += ' ';
    out += KindName(f.kind);
    out += '\n';
    for (const Series* s : view.series) {
      switch (f.kind) {
        case Kind::kCounter:
          AppendSample(out, f.name, "", s->labels, std::to_string(ReadCounter(*s)));
          break;
        case Kind::kGauge:
          AppendSample(out, f.name, "", s->labels, FormatDouble(ReadGauge(*s)));
          break;
        case Kind::kHistogram: {
          const Histogram::Snapshot snap = s->histogram->snapshot();
          uint64_t cumulative = 0;
          for (size_t i = 0; i < snap.counts.size(); ++i) {
            cumulative += snap.counts[i];
            const std::string le = i < snap.bounds.size() ? FormatDouble(snap.bounds[i]) : "+Inf";
            AppendSample(out, f.name, "_bucket", s->labels, std::to_string(cumulative), &le);
          }
          AppendSample(out, f.name, "_sum", s->labels, FormatDouble(snap.sum));
          AppendSample(out, f.name, "_count", s->labels, std::to_string(snap.count));
          break;
        }
      }
    }
  }
  return out;
}

nlohmann::json MetricsRegistry::ToJson() const {
  nlohmann::json out = nlohmann::json::object();
  for (const FamilyView& view : Views(mu_, families_)) {
    const Family& f = *view.family;
    nlohmann::json series = nlohmann::json::array();
    for (const Series* s : view.series) {
      nlohmann::json j = {{"labels", LabelsJson(s->labels)}};
      switch (f.kind) {
        case Kind::kCounter:
          j["value"] = ReadCounter(*s);
          break;
        case Kind::kGauge:
          j["value"] = ReadGauge(*s);
          break;
        case Kind::kHistogram: {
          const Histogram::Snapshot snap = s->histogram->snapshot();
          j["count"] = snap.count;
          j["sum"] = snap.sum;
          j["p50"] = snap.Quantile(0.50);
          j["p99"] = snap.Quantile(0.99);
          nlohmann::json buckets = nlohmann::json::array();
          uint64_t cumulative = 0;
          for (size_t i = 0; i < snap.counts.size(); ++i) {
            cumulative += snap.counts[i];
            nlohmann::json le =
                i < snap.bounds.size() ? nlohmann::json(snap.bounds[i]) : nlohmann::json("+Inf");
            buckets.push_back({{"le", std::move(le)}, {"count", cumulative}});
          }
          j["buckets"] = std::move(buckets);
          break;
        }
      }
      series.push_back(std::move(j));
    }
    out[f.name] = std::move(series);
  }
  return out;
}

uint64_t MetricsRegistry::CounterValue(const std::string& name, const MetricLabels& labels) const {
  const Series* s = FindLocked(mu_, families_, name, Kind::kCounter, labels);
  return s ? ReadCounter(*s) : 0;
}

double MetricsRegistry::GaugeValue(const std::string& name, const MetricLabels& labels) const {
  const Series* s = FindLocked(mu_, families_, name, Kind::kGauge, labels);
  return s ? ReadGauge(*s) : 0.0;
}

std::optional<Histogram::Snapshot> MetricsRegistry::HistogramSnapshot(
    const std::string& name, const MetricLabels& labels) const {
  const Series* s = FindLocked(mu_, families_, name, Kind::kHistogram, labels);
  if (s == nullptr) return std::nullopt;
  return s->histogram->snapshot();
}

}  // namespace es
