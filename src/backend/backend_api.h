// BackendApi: edgesight-backend's REST API and /metrics on the shared HttpServer (http/).
//
// Routes (GET, read access: loopback needs no token, other addresses need http.token_file):
//   /healthz                       200 {"status":"ok"} while the process runs
//   /readyz                        200 when connected to the broker, else 503 with the reason
//   /metrics                       Prometheus text (the registry: backend_worker.h)
//   /api/v1/stats                  store counts, ingest counts, worker stats
//   /api/v1/devices                every device's latest status
//   /api/v1/events?device=D&limit=N         newest first (limit 1..1000, default 100)
//   /api/v1/verdicts?device=D&limit=N       newest first
//   /api/v1/escalations/<id>       one escalation with its verdict (404 when unknown)
// Bad parameters get 400 with {"error": "<one line>"}; store errors 500.
// Thread-safety: handlers run on the server's threads; everything they read is thread-safe.
#pragma once

#include "backend/backend_store.h"
#include "backend/backend_worker.h"
#include "core/metrics_registry.h"
#include "http/http_server.h"

namespace es {

void AddBackendRoutes(HttpServer* server, BackendStore* store, BackendWorker* worker,
                      MetricsRegistry* metrics);

}  // namespace es
