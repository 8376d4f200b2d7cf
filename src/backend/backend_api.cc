#include "backend/backend_api.h"

#include <string>

namespace es {
namespace {

void SendJson(httplib::Response& res, const nlohmann::json& j) {
  res.set_content(j.dump(), "application/json");
}

// limit=N in [1, 1000]; default 100.
bool Limit(const httplib::Request& req, httplib::Response& res, int* limit) {
  *limit = 100;
  if (!req.has_param("limit")) return true;
  const std::string text = req.get_param_value("limit");
  try {
    size_t used = 0;
    const int v = std::stoi(text, &used);
    if (used == text.size() && v >= 1 && v <= 1000) {
      *limit = v;
      return true;
    }
  } catch (const std::exception&) {
  }
  JsonError(res, 400, "limit: expected an integer in [1, 1000], got '" + text + "'");
  return false;
}

template <class F>
void ListRoute(HttpServer* server, const std::string& path, F read) {
  server->Route(
      "GET", path, HttpAccess::kRead, [read](const httplib::Request& req, httplib::Response& res) {
        int limit = 0;
        if (!Limit(req, res, &limit)) return;
        const std::string device = req.has_param("device") ? req.get_param_value("device") : "";
        Result<nlohmann::json> rows = read(device, limit);
        if (!rows.ok()) return JsonError(res, 500, rows.status().message());
        SendJson(res, *rows);
      });
}

}  // namespace

void AddBackendRoutes(HttpServer* server, BackendStore* store, BackendWorker* worker,
                      MetricsRegistry* metrics) {
  server->Route("GET", "/healthz", HttpAccess::kRead,
                [](const httplib::Request&, httplib::Response& res) {
                  SendJson(res, {{"status", "ok"}});
                });
  server->Route("GET", "/readyz", HttpAccess::kRead,
                [worker](const httplib::Request&, httplib::Response& res) {
                  if (worker->stats().connected) return SendJson(res, {{"status", "ready"}});
                  JsonError(res, 503, "not connected to the broker");
                });
  server->Route("GET", "/metrics", HttpAccess::kRead,
                [metrics](const httplib::Request&, httplib::Response& res) {
                  res.set_content(metrics->PrometheusText(), "text/plain; version=0.0.4");
                });
  server->Route("GET", "/api/v1/stats", HttpAccess::kRead,
                [store, worker](const httplib::Request&, httplib::Response& res) {
                  Result<StoreCounts> c = store->Counts();
                  if (!c.ok()) return JsonError(res, 500, c.status().message());
                  const BackendWorkerStats w = worker->stats();
                  const IngestCounts in = worker->ingest_counts();
                  nlohmann::json ingest, rejected;
                  for (int k = 0; k < kIngestKindCount - 1; ++k) {
                    ingest[IngestKindName(static_cast<IngestKind>(k))] = {
                        {"stored", in.stored[k]}, {"duplicates", in.duplicates[k]}};
                  }
                  for (int r = 0; r < kRejectReasonCount; ++r) {
                    rejected[RejectReasonName(static_cast<RejectReason>(r))] = in.rejected[r];
                  }
                  SendJson(res, {{"store",
                                  {{"events", c->events},
                                   {"crops", c->crops},
                                   {"escalations", c->escalations},
                                   {"verdicts", c->verdicts},
                                   {"devices", c->devices},
                                   {"confirmed", c->confirmed},
                                   {"rejected", c->rejected},
                                   {"uncertain", c->uncertain}}},
                                 {"ingest", ingest},
                                 {"rejected", rejected},
                                 {"worker",
                                  {{"connected", w.connected},
                                   {"verified", w.verified},
                                   {"reanswered", w.reanswered},
                                   {"published", w.published},
                                   {"publish_failed", w.publish_failed},
                                   {"shed", w.shed},
                                   {"store_errors", w.store_errors},
                                   {"queue_depth", w.queue_depth}}}});
                });
  server->Route("GET", "/api/v1/devices", HttpAccess::kRead,
                [store](const httplib::Request&, httplib::Response& res) {
                  Result<nlohmann::json> d = store->Devices();
                  if (!d.ok()) return JsonError(res, 500, d.status().message());
                  SendJson(res, *d);
                });
  ListRoute(server, "/api/v1/events", [store](const std::string& device, int limit) {
    return store->RecentEvents(device, limit);
  });
  ListRoute(server, "/api/v1/verdicts", [store](const std::string& device, int limit) {
    return store->RecentVerdicts(device, limit);
  });
  server->Route("GET", R"(/api/v1/escalations/(.+))", HttpAccess::kRead,
                [store](const httplib::Request& req, httplib::Response& res) {
                  Result<nlohmann::json> e = store->EscalationInfo(req.matches[1]);
                  if (!e.ok()) {
                    const bool missing = e.status().code() == StatusCode::kNotFound;
                    return JsonError(res, missing ? 404 : 500, e.status().message());
                  }
                  SendJson(res, *e);
                });
}

}  // namespace es
