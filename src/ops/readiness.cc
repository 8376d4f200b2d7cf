#include "ops/readiness.h"

#include <cstdio>

namespace es {

namespace {

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3g s", s);
  return buf;
}

}  // namespace

Readiness CheckReadiness(const ReadinessInput& in) {
  Readiness r;
  r.ready = true;
  auto& checks = r.body["checks"] = nlohmann::ordered_json::object();
  nlohmann::ordered_json failed = nlohmann::ordered_json::array();
  auto check = [&](const std::string& name, bool ok, const std::string& detail) {
    checks[name] = {{"ok", ok}, {"detail", detail}};
    if (!ok) {
      r.ready = false;
      failed.push_back(name + ": " + detail);
    }
  };
  for (const ReadinessInput::Camera& c : in.cameras) {
    const std::string name = "camera " + c.id;
    if (!c.up && !c.last_frame_age_s) {
      check(name, false, "source not open (starting, or it failed)");
    } else if (!c.up) {
      check(name, false, "capture ended (the source ended or failed)");
    } else if (!c.last_frame_age_s) {
      check(name, false, "no frame yet");
    } else {
      const double age = *c.last_frame_age_s;
      check(name, age <= c.stall_after_s,
            "last frame " + Seconds(age) + " ago (limit " + Seconds(c.stall_after_s) + ")");
    }
  }
  const bool detector_ok = in.detector_wait_s <= in.detector_stall_s;
  check("detector", detector_ok,
        in.detector_wait_s > 0
            ? "oldest request waiting " + Seconds(in.detector_wait_s) + " (limit " +
                  Seconds(in.detector_stall_s) + ")"
            : "no request waiting");
  if (in.has_outbox) {
    check("outbox", in.outbox_error.empty(),
          in.outbox_error.empty() ? "last write succeeded" : "last write failed: " + in.outbox_error);
  }
  r.body["failed"] = std::move(failed);
  nlohmann::ordered_json body = {{"ready", r.ready}};
  for (auto& [k, v] : r.body.items()) body[k] = v;
  r.body = std::move(body);
  return r;
}

}  // namespace es
