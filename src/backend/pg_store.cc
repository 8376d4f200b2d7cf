#include "backend/pg_store.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace es {
namespace {

constexpr const char* kSchema = R"(
SELECT pg_advisory_xact_lock(727274);
CREATE TABLE IF NOT EXISTS es_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS es_events (
  seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, device TEXT NOT NULL, stream TEXT NOT NULL,
  json TEXT NOT NULL, received_ms BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS es_events_device ON es_events (device, seq);
CREATE TABLE IF NOT EXISTS es_crops (
  seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, device TEXT NOT NULL, stream TEXT NOT NULL,
  event_id TEXT NOT NULL, header TEXT NOT NULL, jpeg BYTEA NOT NULL, received_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS es_escalations (
  seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, device TEXT NOT NULL, stream TEXT NOT NULL,
  event_id TEXT NOT NULL, track_id INTEGER NOT NULL, class_id INTEGER NOT NULL,
  score DOUBLE PRECISION NOT NULL, reason TEXT NOT NULL, deadline_unix_ms BIGINT NOT NULL,
  attempts INTEGER NOT NULL, header TEXT NOT NULL, jpeg BYTEA NOT NULL,
  received_ms BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS es_verdicts (
  seq BIGSERIAL PRIMARY KEY, escalation_id TEXT NOT NULL UNIQUE, device TEXT NOT NULL,
  class_id INTEGER NOT NULL, verdict TEXT NOT NULL, json TEXT NOT NULL, stored_ms BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS es_verdicts_device ON es_verdicts (device, seq);
CREATE TABLE IF NOT EXISTS es_devices (
  device TEXT PRIMARY KEY, status TEXT NOT NULL, seen_ms BIGINT NOT NULL);
INSERT INTO es_meta (key, value) VALUES ('format', 'edgesight.backend/1') ON CONFLICT DO NOTHING;
)";

std::string OneLinePq(const char* msg) { return OneLine(msg ? msg : "unknown error"); }

// The URI without its password, for logs.
std::string Redact(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

using Param = PgStore::Param;
Param P(std::string v) { return {std::move(v), false}; }
Param P(int64_t v) { return {std::to_string(v), false}; }
Param Bin(std::string_view v) { return {std::string(v), true}; }

std::string Text(PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}

}  // namespace

Result<std::unique_ptr<PgStore>> PgStore::Open(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &err);
  if (parsed == nullptr) {
    std::string msg = OneLinePq(err);
    PQfreemem(err);
    return InvalidArgument("store '" + Redact(url) + "': " + msg);
  }
  PQconninfoFree(parsed);
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string msg = OneLinePq(conn ? PQerrorMessage(conn) : "out of memory");
    PQfinish(conn);
    return Unavailable("store '" + Redact(url) + "' unreachable: " + msg);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);  // "relation exists" notices
  std::unique_ptr<PgStore> store(new PgStore(conn, Redact(url)));
  // One simple query = one implicit transaction: the transaction-scoped advisory lock is held
  // until the tables are committed, so a worker starting at the same moment waits and then
  // finds them (a session lock released before the commit would let it race on pg_type).
  PGresult* r = PQexec(conn, kSchema);
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = OneLinePq(PQerrorMessage(conn));
  PQclear(r);
  if (!ok) return Internal("store '" + store->describe_ + "': cannot create tables: " + msg);
  auto fmt = store->Exec("read format", "SELECT value FROM es_meta WHERE key = 'format'", {});
  if (!fmt.ok()) return fmt.status();
  if (PQntuples(fmt->get()) != 1 || Text(fmt->get(), 0, 0) != "edgesight.backend/1") {
    return DataLoss("store '" + store->describe_ + "' is not a backend store (format differs)");
  }
  return store;
}

PgStore::~PgStore() { PQfinish(conn_); }

Result<std::shared_ptr<PGresult>> PgStore::Exec(const char* what, const char* sql,
                                                const std::vector<Param>& params) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const Param& p : params) {
    values.push_back(p.value.data());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.binary ? 1 : 0);
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      PQreset(conn_);
      if (PQstatus(conn_) != CONNECTION_OK) {
        return Unavailable(std::string(what) + ": " + describe_ +
                           " unreachable: " + OneLinePq(PQerrorMessage(conn_)));
      }
    }
    std::shared_ptr<PGresult> r(PQexecParams(conn_, sql, static_cast<int>(params.size()), nullptr,
                                             values.data(), lengths.data(), formats.data(), 0),
                                PQclear);
    const ExecStatusType st = PQresultStatus(r.get());
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    if (PQstatus(conn_) != CONNECTION_OK) continue;  // lost mid-call: reconnect once, retry
    return Internal(std::string(what) + ": " + OneLinePq(PQerrorMessage(conn_)));
  }
  return Unavailable(std::string(what) + ": " + describe_ +
                     " unreachable: " + OneLinePq(PQerrorMessage(conn_)));
}

Result<bool> PgStore::AddEvent(const std::string& id, const std::string& device,
                               const std::string& stream, std::string_view json, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  ES_ASSIGN_OR_RETURN(auto r, Exec("store event",
                                   "INSERT INTO es_events (id, device, stream, json, received_ms) "
                                   "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                                   {P(id), P(device), P(stream), P(std::string(json)), P(now_ms)}));
  return std::atoi(PQcmdTuples(r.get())) > 0;
}

Result<bool> PgStore::AddCrop(const std::string& id, const std::string& device,
                              const std::string& stream, const std::string& event_id,
                              std::string_view header_json, std::string_view jpeg, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  ES_ASSIGN_OR_RETURN(
      auto r, Exec("store crop",
                   "INSERT INTO es_crops (id, device, stream, event_id, header, jpeg, received_ms) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
                   {P(id), P(device), P(stream), P(event_id), P(std::string(header_json)),
                    Bin(jpeg), P(now_ms)}));
  return std::atoi(PQcmdTuples(r.get())) > 0;
}

Result<bool> PgStore::AddEscalation(const Escalation& e, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  ES_ASSIGN_OR_RETURN(
      auto r,
      Exec("store escalation",
           "INSERT INTO es_escalations (id, device, stream, event_id, track_id, class_id, score, "
           "reason, deadline_unix_ms, attempts, header, jpeg, received_ms) "
           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
           "ON CONFLICT (id) DO UPDATE SET "
           "attempts = GREATEST(es_escalations.attempts, excluded.attempts), "
           "deadline_unix_ms = GREATEST(es_escalations.deadline_unix_ms, "
           "excluded.deadline_unix_ms) "
           "RETURNING (xmax = 0)",
           {P(e.id), P(e.device), P(e.stream), P(e.event_id), P(int64_t{e.track_id}),
            P(int64_t{e.class_id}), P(std::to_string(e.score)), P(e.reason), P(e.deadline_unix_ms),
            P(int64_t{e.attempt}), P(e.Header().dump()), Bin(e.jpeg), P(now_ms)}));
  return PQntuples(r.get()) == 1 && Text(r.get(), 0, 0) == "t";
}

Result<Verdict> PgStore::AddVerdict(const Verdict& v) {
  std::lock_guard<std::mutex> lock(mu_);
  ES_ASSIGN_OR_RETURN(
      auto r, Exec("store verdict",
                   "INSERT INTO es_verdicts (escalation_id, device, class_id, verdict, json, "
                   "stored_ms) VALUES ($1, $2, $3, $4, $5, $6) "
                   "ON CONFLICT (escalation_id) DO NOTHING",
                   {P(v.escalation_id), P(v.device), P(int64_t{v.class_id}),
                    P(std::string(VerdictKindName(v.verdict))), P(v.ToJson().dump()),
                    P(v.verified_unix_ms)}));
  if (std::atoi(PQcmdTuples(r.get())) > 0) return v;
  ES_ASSIGN_OR_RETURN(auto first,
                      Exec("read verdict", "SELECT json FROM es_verdicts WHERE escalation_id = $1",
                           {P(v.escalation_id)}));
  if (PQntuples(first.get()) != 1) return Internal("read verdict: row vanished");
  return DecodeVerdict(Text(first.get(), 0, 0));
}

Result<std::optional<Verdict>> PgStore::StoredVerdict(const std::string& escalation_id) {
  std::lock_guard<std::mutex> lock(mu_);
  ES_ASSIGN_OR_RETURN(auto r,
                      Exec("read verdict", "SELECT json FROM es_verdicts WHERE escalation_id = $1",
                           {P(escalation_id)}));
  if (PQntuples(r.get()) == 0) return std::optional<Verdict>();
  ES_ASSIGN_OR_RETURN(Verdict v, DecodeVerdict(Text(r.get(), 0, 0)));
  return std::optional<Verdict>(std::move(v));
}

Status PgStore::PutDeviceStatus(const std::string& device, std::string_view json, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return Exec("store device status",
              "INSERT INTO es_devices (device, status, seen_ms) VALUES ($1, $2, $3) "
              "ON CONFLICT (device) DO UPDATE SET status = excluded.status, "
              "seen_ms = excluded.seen_ms",
              {P(device), P(std::string(json)), P(now_ms)})
      .status();
}

Result<StoreCounts> PgStore::Counts() {
  std::lock_guard<std::mutex> lock(mu_);
  ES_ASSIGN_OR_RETURN(
      auto r, Exec("count",
                   "SELECT (SELECT count(*) FROM es_events), (SELECT count(*) FROM es_crops), "
                   "(SELECT count(*) FROM es_escalations), (SELECT count(*) FROM es_verdicts), "
                   "(SELECT count(*) FROM es_devices), "
                   "(SELECT count(*) FROM es_verdicts WHERE verdict = 'confirmed'), "
                   "(SELECT count(*) FROM es_verdicts WHERE verdict = 'rejected'), "
                   "(SELECT count(*) FROM es_verdicts WHERE verdict = 'uncertain')",
                   {}));
  auto n = [&](int col) { return std::atoll(PQgetvalue(r.get(), 0, col)); };
  StoreCounts c;
  c.events = n(0);
  c.crops = n(1);
  c.escalations = n(2);
  c.verdicts = n(3);
  c.devices = n(4);
  c.confirmed = n(5);
  c.rejected = n(6);
  c.uncertain = n(7);
  return c;
}

namespace {

nlohmann::json JsonColumn(PGresult* r, int col) {
  nlohmann::json out = nlohmann::json::array();
  for (int i = 0; i < PQntuples(r); ++i) {
    std::string text = Text(r, i, col);
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    out.push_back(j.is_discarded() ? nlohmann::json(text) : j);
  }
  return out;
}

}  // namespace

Result<nlohmann::json> PgStore::RecentEvents(const std::string& device, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  ES_ASSIGN_OR_RETURN(auto r, Exec("read events",
                                   "SELECT json FROM es_events WHERE ($1 = '' OR device = $1) "
                                   "ORDER BY seq DESC LIMIT $2",
                                   {P(device), P(int64_t{limit})}));
  return JsonColumn(r.get(), 0);
}

Result<nlohmann::json> PgStore::RecentVerdicts(const std::string& device, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  ES_ASSIGN_OR_RETURN(auto r, Exec("read verdicts",
                                   "SELECT json FROM es_verdicts WHERE ($1 = '' OR device = $1) "
                                   "ORDER BY seq DESC LIMIT $2",
                                   {P(device), P(int64_t{limit})}));
  return JsonColumn(r.get(), 0);
}

Result<nlohmann::json> PgStore::Devices() {
  std::lock_guard<std::mutex> lock(mu_);
  ES_ASSIGN_OR_RETURN(
      auto r,
      Exec("read devices", "SELECT device, status, seen_ms FROM es_devices ORDER BY device", {}));
  nlohmann::json out = nlohmann::json::array();
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    nlohmann::json status = nlohmann::json::parse(Text(r.get(), i, 1), nullptr, false);
    out.push_back({{"device", Text(r.get(), i, 0)},
                   {"status", status.is_discarded() ? nlohmann::json() : status},
                   {"seen_unix_ms", std::atoll(PQgetvalue(r.get(), i, 2))}});
  }
  return out;
}

Result<nlohmann::json> PgStore::EscalationInfo(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  ES_ASSIGN_OR_RETURN(auto r, Exec("read escalation",
                                   "SELECT e.header, e.attempts, e.received_ms, v.json "
                                   "FROM es_escalations e LEFT JOIN es_verdicts v "
                                   "ON v.escalation_id = e.id WHERE e.id = $1",
                                   {P(id)}));
  if (PQntuples(r.get()) == 0) return NotFound("no escalation '" + id + "'");
  nlohmann::json j = nlohmann::json::parse(Text(r.get(), 0, 0), nullptr, false);
  nlohmann::json out = {{"escalation", j.is_discarded() ? nlohmann::json() : j},
                        {"attempts", std::atoll(PQgetvalue(r.get(), 0, 1))},
                        {"received_unix_ms", std::atoll(PQgetvalue(r.get(), 0, 2))},
                        {"verdict", nullptr}};
  if (!PQgetisnull(r.get(), 0, 3)) {
    nlohmann::json v = nlohmann::json::parse(Text(r.get(), 0, 3), nullptr, false);
    if (!v.is_discarded()) out["verdict"] = v;
  }
  return out;
}

}  // namespace es
