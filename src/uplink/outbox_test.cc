#include "uplink/outbox.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <chrono>
#include <set>
#include <thread>
#include <string>

#include "uplink/outbox_test_util.h"

namespace es {
namespace {

namespace fs = std::filesystem;

using outbox_test::MustOpen;
using outbox_test::TempDir;

TEST(OutboxTest, AppendPeekAckInOrder) {
  TempDir dir;
  auto box = MustOpen(dir.file("o.db"));
  ASSERT_TRUE(box);
  std::vector<int64_t> seqs;
  for (int i = 0; i < 5; ++i) {
    auto seq = box->Append(OutboxKind::kEvent, "t/events", "payload" + std::to_string(i),
                           "id" + std::to_string(i));
    ASSERT_TRUE(seq.ok()) << seq.status().ToString();
    if (!seqs.empty()) {
      EXPECT_GT(*seq, seqs.back());
    }
    seqs.push_back(*seq);
  }
  EXPECT_EQ(box->Depth(), 5);
  auto peek = box->Peek(3);
  ASSERT_TRUE(peek.ok());
  ASSERT_EQ(peek->size(), 3u);
  EXPECT_EQ((*peek)[0].seq, seqs[0]);
  EXPECT_EQ((*peek)[0].payload, "payload0");
  EXPECT_EQ((*peek)[0].message_id, "id0");
  EXPECT_EQ((*peek)[2].topic, "t/events");
  auto after = box->Peek(10, seqs[3]);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].seq, seqs[4]);

  ASSERT_TRUE(box->Ack(seqs[0]).ok());
  ASSERT_TRUE(box->Ack(seqs[0]).ok());  // duplicate PUBACK: no error
  EXPECT_EQ(box->Depth(), 4);
  peek = box->Peek(1);
  ASSERT_TRUE(peek.ok());
  EXPECT_EQ((*peek)[0].seq, seqs[1]);
  ASSERT_TRUE(box->AckMany({seqs[1], seqs[2], seqs[3], seqs[4]}).ok());
  EXPECT_EQ(box->Depth(), 0);
  EXPECT_EQ(box->Stats().total_bytes(), 0);
}

TEST(OutboxTest, LastWriteErrorSaysWhyCommitsFailUntilOneSucceeds) {
  TempDir dir;
  OutboxOptions o;
  o.busy_timeout_ms = 50;
  auto box = MustOpen(dir.file("o.db"), o);
  ASSERT_TRUE(box);
  EXPECT_EQ(box->LastWriteError(), "");
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("o.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_FALSE(box->Append(OutboxKind::kEvent, "t", "p", "id1").ok());
  EXPECT_NE(box->LastWriteError().find("locked"), std::string::npos) << box->LastWriteError();
  // The caller's own mistake (an entry over max_bytes) does not make the outbox unhealthy...
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_TRUE(box->Append(OutboxKind::kEvent, "t", "p", "id2").ok());
  EXPECT_EQ(box->LastWriteError(), "");
  EXPECT_FALSE(box->Append(OutboxKind::kEvent, "t", std::string(o.max_bytes + 1, 'x'), "id3").ok());
  EXPECT_EQ(box->LastWriteError(), "");
}

TEST(OutboxTest, BinaryPayloadRoundTrips) {
  TempDir dir;
  auto box = MustOpen(dir.file("o.db"));
  ASSERT_TRUE(box);
  std::string jpeg("\xff\xd8\x00\x01\x02\x00\xff\xd9", 8);
  ASSERT_TRUE(box->Append(OutboxKind::kCrop, "t/crops", jpeg, "c1").ok());
  auto peek = box->Peek(1);
  ASSERT_TRUE(peek.ok());
  ASSERT_EQ(peek->size(), 1u);
  EXPECT_EQ((*peek)[0].payload, jpeg);
  EXPECT_EQ((*peek)[0].kind, OutboxKind::kCrop);
}

TEST(OutboxTest, SequenceAndCountersSurviveReopen) {
  TempDir dir;
  int64_t last = 0;
  {
    auto box = MustOpen(dir.file("o.db"));
    ASSERT_TRUE(box);
    EXPECT_EQ(*box->NextEventCounter(), 1);
    EXPECT_EQ(*box->NextEventCounter(), 2);
    EXPECT_EQ(*box->NextEventCounter("cam2"), 1);
    auto s = box->Append(OutboxKind::kEvent, "t", "p", "id");
    ASSERT_TRUE(s.ok());
    last = *s;
    ASSERT_TRUE(box->Ack(last).ok());  // empty table: AUTOINCREMENT must still not reuse seqs
  }
  auto box = MustOpen(dir.file("o.db"));
  ASSERT_TRUE(box);
  EXPECT_EQ(*box->NextEventCounter(), 3);
  auto s = box->Append(OutboxKind::kEvent, "t", "p", "id2");
  ASSERT_TRUE(s.ok());
  EXPECT_GT(*s, last);
  EXPECT_EQ(box->Depth(), 1);
  EXPECT_FALSE(box->NextEventCounter("outbox.dropped.event").ok());
}

TEST(OutboxTest, OldestAgeAndBytesPerKind) {
  TempDir dir;
  auto box = MustOpen(dir.file("o.db"));
  ASSERT_TRUE(box);
  EXPECT_EQ(box->OldestAge(1'000'000).us, 0);
  ASSERT_TRUE(box->Append(OutboxKind::kEvent, "ab", "0123456789", "id", 1'000'000).ok());
  ASSERT_TRUE(box->Append(OutboxKind::kCrop, "ab", "01234", "id", 2'000'000).ok());
  ASSERT_TRUE(box->Append(OutboxKind::kStatus, "ab", "0", "id", 3'000'000).ok());
  EXPECT_EQ(box->OldestAge(5'000'000).us, 4'000'000);
  OutboxStats st = box->Stats();
  EXPECT_EQ(st.depth, 3);
  EXPECT_EQ(st.bytes[static_cast<int>(OutboxKind::kEvent)], 14);
  EXPECT_EQ(st.bytes[static_cast<int>(OutboxKind::kCrop)], 9);
  EXPECT_EQ(st.bytes[static_cast<int>(OutboxKind::kStatus)], 5);
  EXPECT_EQ(st.count[static_cast<int>(OutboxKind::kCrop)], 1);
}

// Size policy: crops go first (oldest first), events only when no crops are left.
TEST(OutboxTest, SizeBoundDropsCropsBeforeEvents) {
  TempDir dir;
  OutboxOptions o;
  o.max_bytes = 100;  // every entry below is 20 bytes: topic 2 + payload 16 + id 2
  auto box = MustOpen(dir.file("o.db"), o);
  ASSERT_TRUE(box);
  const std::string p(16, 'x');
  auto e1 = box->Append(OutboxKind::kEvent, "ev", p, "e1");
  auto c1 = box->Append(OutboxKind::kCrop, "cr", p, "c1");
  auto e2 = box->Append(OutboxKind::kEvent, "ev", p, "e2");
  auto c2 = box->Append(OutboxKind::kCrop, "cr", p, "c2");
  auto e3 = box->Append(OutboxKind::kEvent, "ev", p, "e3");
  ASSERT_TRUE(e1.ok() && c1.ok() && e2.ok() && c2.ok() && e3.ok());
  EXPECT_EQ(box->Stats().total_bytes(), 100);
  // Full: a new event evicts the oldest crop.
  ASSERT_TRUE(box->Append(OutboxKind::kEvent, "ev", p, "e4").ok());
  auto all = box->Peek(100);
  ASSERT_TRUE(all.ok());
  std::vector<std::string> ids;
  for (auto& e : *all) ids.push_back(e.message_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"e1", "e2", "c2", "e3", "e4"}));
  // A new crop may only evict crops: c2 goes, c3 comes.
  ASSERT_TRUE(box->Append(OutboxKind::kCrop, "cr", p, "c3").ok());
  // Another event evicts c3 (the last crop).
  ASSERT_TRUE(box->Append(OutboxKind::kEvent, "ev", p, "e5").ok());
  // Only events left: a crop is refused, and the outbox is unchanged.
  auto refused = box->Append(OutboxKind::kCrop, "cr", p, "c4");
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  // An event now evicts the oldest event.
  ASSERT_TRUE(box->Append(OutboxKind::kEvent, "ev", p, "e6").ok());
  all = box->Peek(100);
  ASSERT_TRUE(all.ok());
  ids.clear();
  for (auto& e : *all) ids.push_back(e.message_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"e2", "e3", "e4", "e5", "e6"}));
  OutboxStats st = box->Stats();
  EXPECT_EQ(st.dropped[static_cast<int>(OutboxKind::kCrop)], 4);  // c1, c2, c3 evicted, c4 refused
  EXPECT_EQ(st.dropped[static_cast<int>(OutboxKind::kEvent)], 1);  // e1
  EXPECT_EQ(st.total_bytes(), 100);
  // Too large on its own.
  auto huge = box->Append(OutboxKind::kEvent, "ev", std::string(200, 'x'), "big");
  EXPECT_EQ(huge.status().code(), StatusCode::kInvalidArgument);
  // Dropped counts are persisted.
  box.reset();
  box = MustOpen(dir.file("o.db"), o);
  ASSERT_TRUE(box);
  EXPECT_EQ(box->Stats().dropped[static_cast<int>(OutboxKind::kCrop)], 4);
  EXPECT_EQ(box->Stats().depth, 5);
}

TEST(OutboxTest, CorruptFileIsDataLoss) {
  TempDir dir;
  {
    std::ofstream f(dir.file("bad.db"), std::ios::binary);
    for (int i = 0; i < 512; ++i) f << "this is not an sqlite database ";
  }
  auto r = Outbox::Open(dir.file("bad.db"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
}

// Someone else's database is refused untouched: no tables added, not switched to WAL.
TEST(OutboxTest, ForeignSqliteDatabaseIsRefusedUntouched) {
  TempDir dir;
  const std::string path = dir.file("app.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE users(name TEXT)", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  auto r = Outbox::Open(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(), "outbox '" + path +
                                      "' is not an edgesight outbox: it holds table 'users'; "
                                      "refusing to change it");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);  // still only `users`
  sqlite3_finalize(st);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "delete");
  sqlite3_finalize(st);
  sqlite3_close(db);
  // An empty database is fine: it becomes an outbox.
  sqlite3* empty = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("empty.db").c_str(), &empty), SQLITE_OK);
  sqlite3_close(empty);
  EXPECT_TRUE(Outbox::Open(dir.file("empty.db")).ok());
}

OutboxEntry Rec(OutboxKind kind, const std::string& id, size_t payload_bytes = 10) {
  OutboxEntry e;
  e.kind = kind;
  e.topic = "edgesight/v1/d/s/events";
  e.payload = std::string(payload_bytes, 'x');
  e.message_id = id;
  return e;
}

// One decision frame: its events and the id counter they advanced, in one transaction.
TEST(OutboxTest, AppendBatchCommitsRecordsAndCountersTogether) {
  TempDir dir;
  {
    auto box = MustOpen(dir.file("o.db"));
    ASSERT_TRUE(box);
    auto seqs = box->AppendBatch({Rec(OutboxKind::kEvent, "a"), Rec(OutboxKind::kEvent, "b")},
                                 {{"event/s", 7}});
    ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
    ASSERT_EQ(seqs->size(), 2u);
    EXPECT_LT((*seqs)[0], (*seqs)[1]);
    // A counter is only ever raised.
    ASSERT_TRUE(box->AppendBatch({}, {{"event/s", 3}}).ok());
    EXPECT_EQ(box->CounterValue("event/s").value(), 7);
    EXPECT_FALSE(box->AppendBatch({}, {{"outbox.dropped.event", 1}}).ok());
  }
  auto box = MustOpen(dir.file("o.db"));  // reopened: both are there
  ASSERT_TRUE(box);
  EXPECT_EQ(box->Depth(), 2);
  EXPECT_EQ(box->CounterValue("event/s").value(), 7);
  auto entries = box->Peek(10);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].message_id, "a");
  EXPECT_EQ((*entries)[1].message_id, "b");
}

// The size policy per record: a refused record is counted and the rest of the batch commits.
TEST(OutboxTest, AppendBatchAppliesTheSizePolicyPerRecord) {
  TempDir dir;
  OutboxOptions o;
  o.max_bytes = 300;
  auto r = Outbox::Open(dir.file("o.db"), o);
  ASSERT_TRUE(r.ok());
  auto box = std::move(r).value();
  ASSERT_TRUE(box->Append(OutboxKind::kEvent, "t", std::string(200, 'e'), "e0").ok());
  auto seqs = box->AppendBatch({Rec(OutboxKind::kCrop, "c1", 150), Rec(OutboxKind::kEvent, "e1")});
  ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
  EXPECT_EQ((*seqs)[0], -1);  // a crop never evicts an event
  EXPECT_GT((*seqs)[1], 0);
  EXPECT_EQ(box->Stats().dropped[static_cast<int>(OutboxKind::kCrop)], 1);
  EXPECT_EQ(box->Depth(), 2);
  EXPECT_FALSE(box->AppendBatch({Rec(OutboxKind::kEvent, "huge", 400)}).ok());
  EXPECT_EQ(box->Depth(), 2);
}

TEST(OutboxTest, MissingDirectoryIsNotFound) {
  auto r = Outbox::Open("/nonexistent-dir-es/sub/outbox.db");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << r.status().ToString();
}

TEST(OutboxTest, ConcurrentWriterAndReader) {
  TempDir dir;
  auto box = MustOpen(dir.file("o.db"));
  ASSERT_TRUE(box);
  constexpr int kN = 200;
  std::thread writer([&] {
    for (int i = 0; i < kN; ++i) {
      ASSERT_TRUE(box->Append(OutboxKind::kEvent, "t", std::to_string(i), "id").ok());
    }
  });
  std::vector<std::string> seen;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (static_cast<int>(seen.size()) < kN && std::chrono::steady_clock::now() < deadline) {
    auto batch = box->Peek(16);
    ASSERT_TRUE(batch.ok());
    std::vector<int64_t> acks;
    for (auto& e : *batch) {
      seen.push_back(e.payload);
      acks.push_back(e.seq);
    }
    ASSERT_TRUE(box->AckMany(acks).ok());
  }
  writer.join();
  ASSERT_EQ(static_cast<int>(seen.size()), kN);
  for (int i = 0; i < kN; ++i) EXPECT_EQ(seen[i], std::to_string(i));
  EXPECT_EQ(box->Depth(), 0);
}

// (3) A child process appends, reports each committed seq through a pipe and is SIGKILLed
// mid-run; every reported entry must be in the reopened outbox.
TEST(OutboxCrashTest, CommittedEntriesSurviveSigkill) {
  TempDir dir;
  const std::string path = dir.file("crash.db");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    auto r = Outbox::Open(path);
    if (!r.ok()) _exit(3);
    for (int i = 0; i < 100000; ++i) {  // far more than the parent waits for
      auto seq = (*r)->Append(OutboxKind::kEvent, "edgesight/v1/d/s/events",
                              "{\"id\":\"d-s-" + std::to_string(i) + "\"}",
                              "d-s-" + std::to_string(i));
      if (!seq.ok()) _exit(4);
      int64_t v = *seq;
      if (write(fds[1], &v, sizeof v) != sizeof v) _exit(5);
    }
    _exit(0);
  }
  close(fds[1]);
  std::vector<int64_t> reported;
  while (reported.size() < 100) {
    int64_t v = 0;
    ssize_t n = read(fds[0], &v, sizeof v);
    if (n != sizeof v) break;
    reported.push_back(v);
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  // Drain what the child reported before it died.
  int64_t v = 0;
  while (read(fds[0], &v, sizeof v) == sizeof v) reported.push_back(v);
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child ended before the kill, status " << status;
  ASSERT_GE(reported.size(), 100u);

  auto box = MustOpen(path);
  ASSERT_TRUE(box);
  auto all = box->Peek(1000000);
  ASSERT_TRUE(all.ok());
  std::set<int64_t> present;
  for (auto& e : *all) present.insert(e.seq);
  for (int64_t seq : reported) EXPECT_TRUE(present.count(seq)) << "lost committed seq " << seq;
  // Still in order and contiguous ids for the reported prefix.
  for (size_t i = 0; i < reported.size(); ++i) {
    EXPECT_EQ((*all)[i].message_id, "d-s-" + std::to_string(i));
  }
  // New appends continue after the highest committed sequence number.
  auto next = box->Append(OutboxKind::kEvent, "t", "p", "after");
  ASSERT_TRUE(next.ok());
  EXPECT_GT(*next, (*all).back().seq);
}

}  // namespace
}  // namespace es
