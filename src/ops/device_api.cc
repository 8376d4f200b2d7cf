#include "ops/device_api.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "core/install_dir.h"

namespace es {

namespace {

double WallSeconds() { return static_cast<double>(WallNowMicros()) * 1e-6; }

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

// ?camera=&type=&track=&since=&until=&before=&limit=; one-line errors naming the parameter.
Result<EventQuery> ParseEventQuery(const httplib::Request& req) {
  EventQuery q;
  q.camera = req.get_param_value("camera");
  q.type = req.get_param_value("type");
  if (!q.type.empty() && q.type != "track" && q.type != "zone" && q.type != "loiter" &&
      q.type != "line" && q.type != "ptz") {
    return InvalidArgument("type: expected track, zone, loiter, line or ptz, got '" + q.type +
                           "'");
  }
  auto integer = [&](const char* name, int64_t lo, int64_t hi, int64_t* out) -> Status {
    if (!req.has_param(name)) return Status::Ok();
    const std::string text = req.get_param_value(name);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < lo ||
        v > hi) {
      return InvalidArgument(std::string(name) + ": expected an integer in [" +
                             std::to_string(lo) + ", " + std::to_string(hi) + "], got '" +
                             text.substr(0, 40) + "'");
    }
    *out = v;
    return Status::Ok();
  };
  constexpr int64_t kMax = INT64_MAX / 2;
  int64_t track = -1, limit = 50;
  ES_RETURN_IF_ERROR(integer("track", 0, INT32_MAX, &track));
  ES_RETURN_IF_ERROR(integer("since", 0, kMax, &q.since_ms));
  ES_RETURN_IF_ERROR(integer("until", 0, kMax, &q.until_ms));
  ES_RETURN_IF_ERROR(integer("before", 0, kMax, &q.before));
  ES_RETURN_IF_ERROR(integer("limit", 1, 500, &limit));
  if (track >= 0) q.track_id = static_cast<int>(track);
  q.limit = static_cast<int>(limit);
  return q;
}

// One path component of [A-Za-z0-9._-] not starting with '.': joined to a directory, it
// cannot leave it.
bool IsPlainFileName(const std::string& name) {
  return !name.empty() && name.size() <= 255 && name[0] != '.' &&
         std::all_of(name.begin(), name.end(), [](unsigned char ch) {
           return std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-';
         });
}

std::string ContentTypeOf(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".mp4", "video/mp4"},         {".mkv", "video/x-matroska"}, {".ts", "video/mp2t"},
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},   {".png", "image/png"}, {".svg", "image/svg+xml"}};
  for (const auto& [ext, type] : kTypes) {
    if (name.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

// A file of `dir` (the name is checked by the caller), streamed; HTTP Range works.
void ServeFile(const std::string& dir, const std::string& name, httplib::Response& res) {
  if (!IsPlainFileName(name)) return JsonError(res, 400, "expected a file name of [A-Za-z0-9._-]");
  const std::string path = dir + "/" + name;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || !std::filesystem::is_regular_file(path, ec)) {
    return JsonError(res, 404, "no file '" + name + "'");
  }
  const std::string type = ContentTypeOf(name);
  auto file = std::make_shared<std::ifstream>(path, std::ios::binary);
  res.set_header("Accept-Ranges", "bytes");  // browsers seek only when told they may
  res.set_content_provider(
      static_cast<size_t>(size), type,
      [file](size_t offset, size_t length, httplib::DataSink& sink) {
        std::vector<char> buf(std::min<size_t>(length, 64 * 1024));
        file->seekg(static_cast<std::streamoff>(offset));
        file->read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const std::streamsize got = file->gcount();
        if (got <= 0) return false;
        return sink.write(buf.data(), static_cast<size_t>(got));
      });
}

// A clip of the camera's recording directory.
void ServeClip(const ApiCamera& c, const std::string& name, httplib::Response& res) {
  if (!IsPlainFileName(name)) {
    return JsonError(res, 400, "clip name: expected a file name of [A-Za-z0-9._-]");
  }
  if (c.clip_dir.empty()) return JsonError(res, 404, "camera " + c.id + " records no clips");
  ServeFile(c.clip_dir, name, res);
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
    rc.stall_after_s = c.stall_after_s;
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
  // http.web_dir, else the installed package's, else the one gathered in the build tree.
  std::string web = d->web_dir.empty() ? InstalledDataDir("web") : d->web_dir;
  if (web.empty()) web = ES_WEB_DIR;
  server->Route("GET", "/", HttpAccess::kRead, [web](const Request&, Response& res) {
    ServeFile(web, "index.html", res);
  });
  server->Route("GET", R"(/web/([^/]+))", HttpAccess::kRead,
                [web](const Request& req, Response& res) { ServeFile(web, req.matches[1], res); });
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
  server->Route("GET", R"(/api/cameras/([^/]+)/clips/([^/]+))", HttpAccess::kRead,
                with_camera([](const ApiCamera& c, const Request& req, Response& res) {
                  ServeClip(c, req.matches[2], res);
                }));
  server->Route("GET", "/api/events", HttpAccess::kRead, [d](const Request& req, Response& res) {
    if (!d->events) return JsonError(res, 503, "no event store");
    auto q = ParseEventQuery(req);
    if (!q.ok()) return JsonError(res, 400, q.status().message());
    auto rows = d->events->Query(*q);
    if (!rows.ok()) return JsonError(res, 500, rows.status().message());
    nlohmann::json list = nlohmann::json::array();
    for (StoredEvent& e : *rows) {
      nlohmann::json j = std::move(e.event);
      j["seq"] = e.seq;
      j["t_unix_ms"] = e.t_unix_ms;
      j["has_crop"] = e.has_crop;
      list.push_back(std::move(j));
    }
    const bool more = static_cast<int>(rows->size()) == q->limit;
    nlohmann::json body = {{"events", std::move(list)}};
    body["next_before"] = more ? nlohmann::json(rows->back().seq) : nlohmann::json(nullptr);
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    "application/json");
  });
  server->Route("GET", "/api/events/crop", HttpAccess::kRead, [d](const Request& req, Response& res) {
    if (!d->events) return JsonError(res, 503, "no event store");
    if (!req.has_param("id")) return JsonError(res, 400, "id: missing (an event id)");
    auto crop = d->events->CropOf(req.get_param_value("id"));
    if (!crop.ok()) return JsonError(res, 500, crop.status().message());
    if (!crop->has_value()) return JsonError(res, 404, "no crop for event '" + req.get_param_value("id") + "'");
    res.set_header("Cache-Control", "max-age=3600");
    res.set_content(**crop, "image/jpeg");
  });
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
