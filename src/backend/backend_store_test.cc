// BackendStore, on SQLite and on a real PostgreSQL server: idempotent on ids, first verdict wins
// (also across two connections), clear errors for a location that cannot be a store, and a
// PostgreSQL server that goes away and comes back loses nothing.
#include "backend/backend_store.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <filesystem>
#include <fstream>

#include "backend/pg_test_util.h"
#include "core/temp_dir_test_util.h"

namespace es {
namespace {

using pg_test::PostgresProcess;
using test_util::TempDir;

// One server for the suite (stopped and removed at exit); a fresh database per test.
PostgresProcess* Server() {
  static PostgresProcess server;
  static const bool started = [] {
    if (!server.Start()) ADD_FAILURE() << "postgres: " << server.error();
    return true;
  }();
  (void)started;
  return &server;
}

std::string FreshPgDatabase() {
  static int n = 0;
  const std::string name = "t" + std::to_string(++n);
  PGconn* c = PQconnectdb(Server()->Url().c_str());
  PGresult* r = PQexec(c, ("CREATE DATABASE " + name).c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  std::string url = Server()->Url();
  return url.substr(0, url.rfind('/') + 1) + name;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      if (!PostgresProcess::Available()) GTEST_SKIP() << "PostgreSQL server binaries absent";
      location_ = FreshPgDatabase();
    } else {
      location_ = dir_.path() + "/b.db";
    }
  }
  std::unique_ptr<BackendStore> Open() {
    auto s = OpenBackendStore(location_);
    EXPECT_TRUE(s.ok()) << s.status().message();
    return s.ok() ? std::move(*s) : nullptr;
  }
  TempDir dir_;
  std::string location_;
};

Escalation Esc(const std::string& id) {
  Escalation e;
  e.id = id;
  e.device = "d1";
  e.stream = "cam0";
  e.class_id = 0;
  e.jpeg = "\xFF\xD8x\xFF\xD9";
  return e;
}

Verdict V(const std::string& esc, VerdictKind k, const std::string& worker) {
  Verdict v;
  v.escalation_id = esc;
  v.device = "d1";
  v.verdict = k;
  v.worker = worker;
  return v;
}

TEST_P(StoreTest, EveryMessageIsStoredOnce) {
  auto s = Open();
  ASSERT_TRUE(s);
  BackendStore& st = *s;
  EXPECT_TRUE(*st.AddEvent("d1/cam0/1", "d1", "cam0", R"({"id":"d1/cam0/1"})", 1));
  EXPECT_FALSE(*st.AddEvent("d1/cam0/1", "d1", "cam0", R"({"id":"d1/cam0/1"})", 2));
  EXPECT_TRUE(*st.AddCrop("d1/cam0/1/crop", "d1", "cam0", "d1/cam0/1", "{}", "jpg", 1));
  EXPECT_FALSE(*st.AddCrop("d1/cam0/1/crop", "d1", "cam0", "d1/cam0/1", "{}", "jpg", 3));
  EXPECT_TRUE(*st.AddEscalation(Esc("e1"), 10));
  Escalation again = Esc("e1");
  again.attempt = 3;
  EXPECT_FALSE(*st.AddEscalation(again, 11));
  ASSERT_TRUE(st.PutDeviceStatus("d1", R"({"state":"online"})", 5).ok());
  ASSERT_TRUE(st.PutDeviceStatus("d1", R"({"state":"offline"})", 6).ok());
  auto c = st.Counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->events, 1);
  EXPECT_EQ(c->crops, 1);
  EXPECT_EQ(c->escalations, 1);
  EXPECT_EQ(c->devices, 1);
  auto info = st.EscalationInfo("e1");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ((*info)["attempts"], 3);
  EXPECT_TRUE((*info)["verdict"].is_null());
  EXPECT_EQ(st.EscalationInfo("nope").status().code(), StatusCode::kNotFound);
  auto devices = st.Devices();
  ASSERT_TRUE(devices.ok());
  EXPECT_EQ((*devices)[0]["status"]["state"], "offline");
}

TEST_P(StoreTest, FirstVerdictWinsAcrossConnections) {
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->AddEscalation(Esc("e1"), 1).ok());
  EXPECT_FALSE(a->StoredVerdict("e1")->has_value());
  auto first = a->AddVerdict(V("e1", VerdictKind::kConfirmed, "w1"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->worker, "w1");
  // Another worker (another connection) verified the same escalation later: it gets w1's.
  auto second = b->AddVerdict(V("e1", VerdictKind::kRejected, "w2"));
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->worker, "w1");
  EXPECT_EQ(second->verdict, VerdictKind::kConfirmed);
  auto stored = b->StoredVerdict("e1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->verdict, VerdictKind::kConfirmed);
  auto c = b->Counts();
  EXPECT_EQ(c->verdicts, 1);
  EXPECT_EQ(c->confirmed, 1);
  auto recent = a->RecentVerdicts("d1", 10);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0]["verdict"], "confirmed");
  EXPECT_TRUE(a->RecentVerdicts("other", 10)->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"));

// The server stops while a store is open: calls fail as kUnavailable (the worker retries), and
// once it is back the same store object carries on, with everything committed before intact.
TEST(PgStore, ServerGoneAndBackLosesNothing) {
  if (!PostgresProcess::Available()) GTEST_SKIP() << "PostgreSQL server binaries absent";
  PostgresProcess own;
  ASSERT_TRUE(own.Start()) << own.error();
  auto s = OpenBackendStore(own.Url());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_NE((*s)->Describe().find("127.0.0.1"), std::string::npos);
  ASSERT_TRUE(*(*s)->AddEvent("e1", "d", "c", "{}", 1));
  own.Stop();
  auto down = (*s)->AddEvent("e2", "d", "c", "{}", 2);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable) << down.status().message();
  ASSERT_TRUE(own.Start()) << own.error();
  auto up = (*s)->AddEvent("e2", "d", "c", "{}", 3);
  ASSERT_TRUE(up.ok()) << up.status().message();
  EXPECT_TRUE(*up);
  EXPECT_EQ((*s)->Counts()->events, 2);
}

TEST(PgStore, UnreachableOrMalformedAtOpen) {
  const int port = mqtt_test::FreePort();
  auto r = OpenBackendStore("postgresql://nobody@127.0.0.1:" + std::to_string(port) + "/x");
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  auto bad = OpenBackendStore("postgresql://u:secret@127.0.0.1:notaport/x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().find("secret"), std::string::npos) << bad.status().message();
}

TEST(BackendStore, PathsThatCannotBeAStore) {
  TempDir dir;
  auto missing = OpenBackendStore(dir.path() + "/no/such/dir/b.db");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  const std::string junk = dir.path() + "/junk.db";
  std::ofstream(junk) << std::string(4096, 'x');
  auto corrupt = OpenBackendStore(junk);
  EXPECT_EQ(corrupt.status().code(), StatusCode::kDataLoss) << corrupt.status().message();
  EXPECT_NE(corrupt.status().message().find("not a backend store"), std::string::npos);
}

}  // namespace
}  // namespace es
