// Device API: the routes of the operations HTTP server (http/http_server.h) for a running site.
//
// Routes (JSON unless said; docs/operations.md):
//   GET   /, /web/{file}            the dashboard (web/: index.html, app.js, style.css, uPlot)
//   GET   /healthz                   the process answers: {"status": "alive", "device", "uptime_s"}
//   GET   /readyz                    200 ready / 503 not, body from ops/readiness.h
//   GET   /metrics                   Prometheus text exposition of the live metrics registry
//   GET   /api/metrics               the same registry as JSON (p50/p99 per histogram)
//   GET   /api/cameras               every camera: id, source, role, state, live figures
//   GET   /api/cameras/{id}          one camera
//   GET   /api/cameras/{id}/snapshot.jpg  the latest frame with zones, boxes and ids drawn
//                                    (503 before the first frame)
//   GET   /api/cameras/{id}/live.mjpg     the same as a live MJPEG stream
//                                    (multipart/x-mixed-replace) at most http.live_fps
//   GET   /api/cameras/{id}/clips/{name}  a clip of its recording directory (HTTP Range works,
//                                    so a browser can seek); names are [A-Za-z0-9._-], never
//                                    a path
//   GET   /api/events                events, newest first: ?camera=&type=&track=&since=&until=
//                                    (wall ms)&before=(seq, paging)&limit=(1..500, 50);
//                                    {"events": [...], "next_before": seq | null}
//   GET   /api/events/crop?id=ID     the JPEG of the event's track (404 when none)
//   GET   /api/cameras/{id}/settings its live settings {"version", "gate", "pipeline"}
//   PATCH /api/cameras/{id}/settings change them (bearer token; config/live_patch.h): 200 with
//                                    the new settings, or 400 {"error": the config file's message}
// Contract: the routes read the registry, the detection service and the cameras' live configs;
// they never block a pipeline (everything they read is thread-safe and lock-free or briefly
// locked). Sources are shown without credentials (rtsp://user:pass@ -> rtsp://user:***@).
// Ownership: the ApiDevice and what it points to must outlive the server's last request (stop
// the server first).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ops/event_store.h"
#include "ops/readiness.h"
#include "core/metrics_registry.h"
#include "http/http_server.h"
#include "pipeline/live_camera_config.h"
#include "ops/live_view.h"
#include "schedule/detection_service.h"
#include "uplink/outbox.h"

namespace es {

struct ApiCamera {
  std::string id;
  std::string source;  // redacted
  std::string role;    // "", "wide", "ptz"
  int index = 0;       // in the detection service
  std::shared_ptr<LiveCameraConfig> live;
  std::shared_ptr<LiveView> view;  // null: no live view
  std::string clip_dir;            // recording.dir ("" = no recording)
  double stall_after_s = 5;        // pipeline.stall_after_s (not a live setting)
};

struct ApiDevice {
  std::string id;
  const MetricsRegistry* metrics = nullptr;
  const DetectionService* detection = nullptr;
  Outbox* outbox = nullptr;  // null without an uplink
  double detector_stall_s = 10;
  std::shared_ptr<EventStore> events;  // null: no event store
  std::string web_dir;                 // the dashboard; "" = the one built with the binary
  Timestamp started;
  std::vector<ApiCamera> cameras;
};

// What /readyz checks, measured now.
ReadinessInput MeasureReadiness(const ApiDevice& device);

void AddDeviceRoutes(std::shared_ptr<const ApiDevice> device, HttpServer* server);

// "rtsp://user:pass@host/x" -> "rtsp://user:***@host/x"; anything else unchanged.
std::string RedactSource(const std::string& uri);

}  // namespace es
