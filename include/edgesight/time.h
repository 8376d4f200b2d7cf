// Time is a type: microseconds on the steady clock.
//
// Contract: Timestamp is an absolute point on a monotonic clock (std::chrono::steady_clock for
// live capture, or a synthetic/media clock for files and tests), Duration a signed span. Stages
// that age state (tracker, loitering timers) take Timestamps, never frame counts, so they behave
// the same at 5 fps and at 30 fps. Plain values; thread-safe to copy.
#pragma once

#include <chrono>
#include <cstdint>

namespace es {

struct Duration {
  int64_t us = 0;
  static constexpr Duration Micros(int64_t v) { return {v}; }
  static constexpr Duration Millis(double v) { return {static_cast<int64_t>(v * 1e3)}; }
  static constexpr Duration Seconds(double v) { return {static_cast<int64_t>(v * 1e6)}; }
  constexpr double seconds() const { return static_cast<double>(us) * 1e-6; }
  constexpr double millis() const { return static_cast<double>(us) * 1e-3; }
  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return {us + o.us}; }
  constexpr Duration operator-(Duration o) const { return {us - o.us}; }
};

struct Timestamp {
  int64_t us = 0;
  static constexpr Timestamp Micros(int64_t v) { return {v}; }
  static constexpr Timestamp Seconds(double v) { return {static_cast<int64_t>(v * 1e6)}; }
  constexpr double seconds() const { return static_cast<double>(us) * 1e-6; }
  constexpr auto operator<=>(const Timestamp&) const = default;
  constexpr Duration operator-(Timestamp o) const { return {us - o.us}; }
  constexpr Timestamp operator+(Duration d) const { return {us + d.us}; }
  constexpr Timestamp operator-(Duration d) const { return {us - d.us}; }
};

// Now on the process-wide steady clock.
inline Timestamp SteadyNow() {
  return {std::chrono::duration_cast<std::chrono::microseconds>(
              std::chrono::steady_clock::now().time_since_epoch())
              .count()};
}

}  // namespace es
