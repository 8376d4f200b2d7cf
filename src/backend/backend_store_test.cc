// BackendStore: idempotent on ids, first verdict wins (also across two connections to one file),
// and clear errors for a path that cannot be a store.
#include "backend/backend_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/temp_dir_test_util.h"

namespace es {
namespace {

using test_util::TempDir;

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

TEST(BackendStore, EveryMessageIsStoredOnce) {
  TempDir dir;
  auto s = BackendStore::Open(dir.path() + "/b.db");
  ASSERT_TRUE(s.ok()) << s.status().message();
  BackendStore& st = **s;
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

TEST(BackendStore, FirstVerdictWinsAcrossConnections) {
  TempDir dir;
  auto a = BackendStore::Open(dir.path() + "/b.db");
  auto b = BackendStore::Open(dir.path() + "/b.db");
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->AddEscalation(Esc("e1"), 1).ok());
  EXPECT_FALSE((*a)->StoredVerdict("e1")->has_value());
  auto first = (*a)->AddVerdict(V("e1", VerdictKind::kConfirmed, "w1"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->worker, "w1");
  // Another worker (another connection) verified the same escalation later: it gets w1's.
  auto second = (*b)->AddVerdict(V("e1", VerdictKind::kRejected, "w2"));
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(second->worker, "w1");
  EXPECT_EQ(second->verdict, VerdictKind::kConfirmed);
  auto stored = (*b)->StoredVerdict("e1");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->verdict, VerdictKind::kConfirmed);
  auto c = (*b)->Counts();
  EXPECT_EQ(c->verdicts, 1);
  EXPECT_EQ(c->confirmed, 1);
  auto recent = (*a)->RecentVerdicts("d1", 10);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0]["verdict"], "confirmed");
  EXPECT_TRUE((*a)->RecentVerdicts("other", 10)->empty());
}

TEST(BackendStore, PathsThatCannotBeAStore) {
  TempDir dir;
  auto missing = BackendStore::Open(dir.path() + "/no/such/dir/b.db");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  const std::string junk = dir.path() + "/junk.db";
  std::ofstream(junk) << std::string(4096, 'x');
  auto corrupt = BackendStore::Open(junk);
  EXPECT_EQ(corrupt.status().code(), StatusCode::kDataLoss) << corrupt.status().message();
  EXPECT_NE(corrupt.status().message().find("not a backend store"), std::string::npos);
}

}  // namespace
}  // namespace es
