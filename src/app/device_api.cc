#include "app/device_api.h"

#include <chrono>
#include <cmath>

namespace es {

namespace {

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double Round3(double v) { return std::round(v * 1000) / 1000; }

const ApiCamera* FindCamera(const ApiDevice& d, const std::string& id) {
  for (const ApiCamera& c : d.cameras) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

nlohmann::ordered_json CameraJson(const ApiDevice& d, const ApiCamera& c, double now_wall) {
  const MetricLabels cam = {{"camera", c.id}};
  const MetricsRegistry& m = *d.metrics;
  nlohmann::ordered_json j = {{"id", c.id}, {"source", c.source}};
  if (!c.role.empty()) j["role"] = c.role;
  const bool up = m.GaugeValue("edgesight_camera_up", cam) > 0;
  const double last = m.GaugeValue("edgesight_last_frame_timestamp_seconds", cam);
  j["state"] = up ? "running" : (last > 0 ? "ended" : "starting");
  j["last_frame_age_s"] = last > 0 ? nlohmann::ordered_json(Round3(now_wall - last)) : nullptr;
  j["frames_read"] = m.CounterValue("edgesight_frames_read_total", cam);
  j["frames_dropped"] = m.CounterValue("edgesight_frames_dropped_total", cam);
  j["frames_processed"] = m.CounterValue("edgesight_frames_processed_total", cam);
  j["detector_runs"] = m.CounterValue("edgesight_detector_runs_total", cam);
  j["events"] = m.CounterValue("edgesight_events_total", cam);
  const CameraScheduleStats st = d.detection->stats(c.index);
  const auto settings = c.live->slot()->Load();
  j["detection"] = {{"period_target_s", settings->detect_period_s},
                    {"achieved_period_s", Round3(st.mean_gap_s)},
                    {"effective_period_s",
                     settings->detect_period_s > 0 ? st.effective_period.seconds() : 0.0},
                    {"shed", st.shed},
                    {"starved", st.starved}};
  if (auto g2d = m.HistogramSnapshot("edgesight_glass_to_decision_seconds", cam)) {
    j["glass_to_decision_ms"] = {{"p50", Round3(g2d->Quantile(0.5) * 1000)},
                                 {"p99", Round3(g2d->Quantile(0.99) * 1000)}};
  }
  j["settings_version"] = c.live->slot()->version();
  return j;
}

void SendJson(httplib::Response& res, const nlohmann::ordered_json& j, int status = 200) {
  res.status = status;
  res.set_content(j.dump(), "application/json");
}

}  // namespace

std::string RedactSource(const std::string& uri) {
  const size_t scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  const size_t host_start = scheme + 3;
  const size_t at = uri.find('@', host_start);
  const size_t slash = uri.find('/', host_start);
  if (at == std::string::npos || (slash != std::string::npos && at > slash)) return uri;
  const size_t colon = uri.find(':', host_start);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

ReadinessInput MeasureReadiness(const ApiDevice& d) {
  ReadinessInput in;
  const double now = WallSeconds();
  for (const ApiCamera& c : d.cameras) {
    const MetricLabels cam = {{"camera", c.id}};
    ReadinessInput::Camera rc;
    rc.id = c.id;
    rc.up = d.metrics->GaugeValue("edgesight_camera_up", cam) > 0;
    const double last = d.metrics->GaugeValue("edgesight_last_frame_timestamp_seconds", cam);
    if (last > 0) rc.last_frame_age_s = std::max(0.0, now - last);
    rc.stall_after_s = c.live->config().pipeline.stall_after_s;
    in.cameras.push_back(std::move(rc));
  }
  in.detector_wait_s = d.detection->OldestWait(SteadyNow()).seconds();
  in.detector_stall_s = d.detector_stall_s;
  in.has_outbox = d.outbox != nullptr;
  if (d.outbox != nullptr) in.outbox_error = d.outbox->LastWriteError();
  return in;
}

void AddDeviceRoutes(std::shared_ptr<const ApiDevice> device, HttpServer* server) {
  using httplib::Request;
  using httplib::Response;
  std::shared_ptr<const ApiDevice> d = std::move(device);
  server->Route("GET", "/healthz", HttpAccess::kRead, [d](const Request&, Response& res) {
    SendJson(res, {{"status", "alive"},
                   {"device", d->id},
                   {"uptime_s", Round3((SteadyNow() - d->started).seconds())}});
  });
  server->Route("GET", "/readyz", HttpAccess::kRead, [d](const Request&, Response& res) {
    const Readiness r = CheckReadiness(MeasureReadiness(*d));
    SendJson(res, r.body, r.ready ? 200 : 503);
  });
  server->Route("GET", "/metrics", HttpAccess::kRead, [d](const Request&, Response& res) {
    res.set_content(d->metrics->PrometheusText(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server->Route("GET", "/api/metrics", HttpAccess::kRead, [d](const Request&, Response& res) {
    res.set_content(d->metrics->ToJson().dump(), "application/json");
  });
  server->Route("GET", "/api/cameras", HttpAccess::kRead, [d](const Request&, Response& res) {
    const double now = WallSeconds();
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const ApiCamera& c : d->cameras) list.push_back(CameraJson(*d, c, now));
    SendJson(res, {{"device", d->id}, {"cameras", std::move(list)}});
  });
  auto with_camera = [d](auto body) {
    return [d, body](const Request& req, Response& res) {
      const ApiCamera* c = FindCamera(*d, req.matches[1]);
      if (c == nullptr) return JsonError(res, 404, "no camera '" + std::string(req.matches[1]) + "'");
      body(*c, req, res);
    };
  };
  server->Route("GET", R"(/api/cameras/([^/]+))", HttpAccess::kRead,
                with_camera([d](const ApiCamera& c, const Request&, Response& res) {
                  SendJson(res, CameraJson(*d, c, WallSeconds()));
                }));
  server->Route("GET", R"(/api/cameras/([^/]+)/snapshot\.jpg)", HttpAccess::kRead,
                with_camera([](const ApiCamera& c, const Request&, Response& res) {
                  const LiveView::Jpeg jpeg = c.view ? c.view->Latest() : LiveView::Jpeg{};
                  if (jpeg.seq == 0) return JsonError(res, 503, "camera " + c.id + ": no frame yet");
                  res.set_header("Cache-Control", "no-store");
                  res.set_content(*jpeg.bytes, "image/jpeg");
                }));
  server->Route("GET", R"(/api/cameras/([^/]+)/live\.mjpg)", HttpAccess::kRead,
                with_camera([](const ApiCamera& c, const Request&, Response& res) {
                  if (!c.view) return JsonError(res, 503, "camera " + c.id + ": no live view");
                  std::shared_ptr<LiveView> view = c.view;
                  res.set_header("Cache-Control", "no-store");
                  auto sent = std::make_shared<uint64_t>(0);
                  res.set_chunked_content_provider(
                      "multipart/x-mixed-replace; boundary=frame",
                      [view, sent](size_t, httplib::DataSink& sink) {
                        // One frame per call; a viewer that is behind gets the latest frame.
                        while (!view->WaitNewer(*sent, Duration::Seconds(1))) {
                          if (view->closed() || !sink.is_writable()) return false;
                        }
                        const LiveView::Jpeg jpeg = view->Latest();
                        *sent = jpeg.seq;
                        const std::string head = "--frame\r\nContent-Type: image/jpeg\r\n"
                                                 "Content-Length: " +
                                                 std::to_string(jpeg.bytes->size()) + "\r\n\r\n";
                        return sink.write(head.data(), head.size()) &&
                               sink.write(jpeg.bytes->data(), jpeg.bytes->size()) &&
                               sink.write("\r\n", 2);
                      });
                }));
  server->Route("GET", R"(/api/cameras/([^/]+)/settings)", HttpAccess::kRead,
                with_camera([](const ApiCamera& c, const Request&, Response& res) {
                  res.set_content(c.live->SettingsJson().dump(), "application/json");
                }));
  server->Route("PATCH", R"(/api/cameras/([^/]+)/settings)", HttpAccess::kWrite,
                with_camera([](const ApiCamera& c, const Request& req, Response& res) {
                  nlohmann::json patch;
                  try {
                    patch = nlohmann::json::parse(req.body);
                  } catch (const nlohmann::json::parse_error& e) {
                    return JsonError(res, 400, std::string("settings: invalid JSON: ") + e.what());
                  }
                  if (Status s = c.live->Patch(patch); !s.ok()) {
                    return JsonError(res, 400, s.message());
                  }
                  res.set_content(c.live->SettingsJson().dump(), "application/json");
                }));
}

}  // namespace es
