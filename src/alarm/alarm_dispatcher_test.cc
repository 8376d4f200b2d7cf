#include "alarm/alarm_dispatcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "core/temp_dir_test_util.h"

namespace es {
namespace {

using test_util::TempDir;

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr double kWaitS = 10.0;  // generous bound for a loaded CI machine; never a speed check

// A real HTTP server on 127.0.0.1 and a free port that records POST bodies.
class AlarmReceiver {
 public:
  AlarmReceiver() {
    server_.Post("/alarm", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      bodies_.push_back(req.body);
      rules_.push_back(req.get_header_value("X-Edgesight-Alarm"));
      content_types_.push_back(req.get_header_value("Content-Type"));
      res.set_content("ok", "text/plain");
    });
    server_.Post("/fail",
                 [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // bind_to_any_port already listens: connections queue until the loop accepts them.
  }
  ~AlarmReceiver() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::string url(const std::string& path = "/alarm") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<std::string> bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }
  std::vector<std::string> rules() {
    std::lock_guard<std::mutex> lock(mu_);
    return rules_;
  }
  std::vector<std::string> content_types() {
    std::lock_guard<std::mutex> lock(mu_);
    return content_types_;
  }

 private:
  httplib::Server server_;
  int port_ = -1;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> bodies_, rules_, content_types_;
};

// A TCP port on 127.0.0.1 that accepts connections (kernel backlog) but never answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 16);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// A port on 127.0.0.1 with nothing listening (bound, then closed).
int ClosedPort() {
  SilentListener l;
  return l.port();
}

Event MakeEvent(EventType type, EventPhase phase, uint64_t n, std::string zone = "",
                std::string line = "") {
  Event e;
  e.counter = n;
  e.device = "edge0";
  e.stream = "cam0";
  e.id = "edge0/cam0/" + std::to_string(n);
  e.start_id = e.id;
  e.type = type;
  e.phase = phase;
  e.track_id = 7;
  e.zone = std::move(zone);
  e.line = std::move(line);
  if (!e.line.empty()) e.direction = "A->B";
  e.t = Timestamp::Seconds(n);
  return e;
}

AlarmRule HttpRule(const std::string& name, const std::string& url) {
  AlarmRule r;
  r.name = name;
  r.http = url;
  r.timeout_s = 2.0;
  return r;
}

std::unique_ptr<AlarmDispatcher> MustCreate(AlarmOptions o,
                                            AlarmDispatcher::Clock clock = SteadyNow) {
  auto d = AlarmDispatcher::Create(std::move(o), std::move(clock));
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? std::move(d).value() : nullptr;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AlarmDispatcherTest, PostsTheEventJsonToALoopbackServer) {
  AlarmReceiver receiver;
  AlarmOptions o;
  o.rules.push_back(HttpRule("door-loiter", receiver.url()));
  o.rules[0].on = {"loiter.start"};
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  const Event e = MakeEvent(EventType::kLoiter, EventPhase::kStart, 42, "door");
  EXPECT_EQ(d->Submit(e), 1u);
  ASSERT_TRUE(d->WaitIdle(kWaitS));
  const std::vector<std::string> bodies = receiver.bodies();
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(bodies[0]), e.ToJson());
  EXPECT_EQ(receiver.rules()[0], "door-loiter");
  EXPECT_EQ(receiver.content_types()[0], "application/json");
  AlarmStats s = d->Stats();
  EXPECT_EQ(s.fired, 1u);
  EXPECT_EQ(s.failed, 0u);
  EXPECT_EQ(s.rules[0].fired, 1u);
}

TEST(AlarmDispatcherTest, RuleFiltersSelectEvents) {
  AlarmReceiver receiver;
  AlarmOptions o;
  o.rules.push_back(HttpRule("gate-line", receiver.url()));
  o.rules[0].on = {"line"};
  o.rules[0].lines = {"gate"};
  o.rules.push_back(HttpRule("any-zone-start", receiver.url()));
  o.rules[1].on = {"zone.start"};
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->Submit(MakeEvent(EventType::kLine, EventPhase::kInstant, 1, "", "gate")), 1u);
  EXPECT_EQ(d->Submit(MakeEvent(EventType::kLine, EventPhase::kInstant, 2, "", "exit")), 0u);
  EXPECT_EQ(d->Submit(MakeEvent(EventType::kZone, EventPhase::kStart, 3, "yard")), 1u);
  EXPECT_EQ(d->Submit(MakeEvent(EventType::kZone, EventPhase::kEnd, 4, "yard")), 0u);
  EXPECT_EQ(d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, 5)), 0u);
  ASSERT_TRUE(d->WaitIdle(kWaitS));
  const std::vector<std::string> rules = receiver.rules();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0], "gate-line");
  EXPECT_EQ(rules[1], "any-zone-start");
  const AlarmStats s = d->Stats();
  EXPECT_EQ(s.submitted, 5u);
  EXPECT_EQ(s.matched, 2u);
  EXPECT_EQ(s.fired, 2u);
}

TEST(AlarmDispatcherTest, RateLimitSuppressesABurstToOne) {
  AlarmReceiver receiver;
  AlarmOptions o;
  o.rules.push_back(HttpRule("limited", receiver.url()));
  o.rules[0].min_interval_s = 10.0;
  // A fake clock: the burst happens at one instant; later the window has passed.
  std::atomic<int64_t> now_us{1'000'000};
  auto d = MustCreate(o, [&] { return Timestamp::Micros(now_us.load()); });
  ASSERT_TRUE(d);
  size_t queued = 0;
  for (uint64_t i = 1; i <= 20; ++i) {
    queued += d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, i));
  }
  EXPECT_EQ(queued, 1u);
  ASSERT_TRUE(d->WaitIdle(kWaitS));
  EXPECT_EQ(receiver.bodies().size(), 1u);
  AlarmStats s = d->Stats();
  EXPECT_EQ(s.fired, 1u);
  EXPECT_EQ(s.suppressed, 19u);
  EXPECT_EQ(s.rules[0].suppressed, 19u);
  // The first event of the burst is the one that fired.
  EXPECT_EQ(nlohmann::json::parse(receiver.bodies()[0])["id"], "edge0/cam0/1");
  now_us += 9'999'999;  // still inside the window
  EXPECT_EQ(d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, 21)), 0u);
  now_us += 1;  // exactly min_interval_s later: fires again
  EXPECT_EQ(d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, 22)), 1u);
  ASSERT_TRUE(d->WaitIdle(kWaitS));
  EXPECT_EQ(receiver.bodies().size(), 2u);
  EXPECT_EQ(d->Stats().suppressed, 20u);
}

TEST(AlarmDispatcherTest, CommandRuleWritesTheEventToAFile) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string out = dir.path() + "/alarm.json";
  const std::string env_out = dir.path() + "/env.txt";
  AlarmOptions o;
  AlarmRule r;
  r.name = "write";
  r.command = {"/bin/sh",
               "-c",
               "cat > \"$1\"; printf '%s|%s' \"$EDGESIGHT_ALARM_RULE\" \"$EDGESIGHT_EVENT\" > "
               "\"$2\"",
               "alarm",
               out,
               env_out};
  o.rules.push_back(r);
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  const Event e = MakeEvent(EventType::kLine, EventPhase::kInstant, 9, "", "gate");
  EXPECT_EQ(d->Submit(e), 1u);
  ASSERT_TRUE(d->WaitIdle(kWaitS));
  EXPECT_EQ(nlohmann::json::parse(ReadFile(out)), e.ToJson());
  EXPECT_EQ(ReadFile(env_out), "write|" + e.ToJson().dump());
  AlarmStats s = d->Stats();
  EXPECT_EQ(s.fired, 1u);
  EXPECT_EQ(s.rules[0].last_exit_status, 0);
}

TEST(AlarmDispatcherTest, FailingCommandIsCountedWithItsExitStatus) {
  AlarmOptions o;
  AlarmRule r;
  r.name = "broken";
  r.command = {"/bin/sh", "-c", "echo no siren >&2; exit 4"};
  o.rules.push_back(r);
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, 1));
  ASSERT_TRUE(d->WaitIdle(kWaitS));
  AlarmStats s = d->Stats();
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.rules[0].last_exit_status, 4);
  EXPECT_EQ(s.last_error, "rule 'broken': exit status 4: no siren");
}

TEST(AlarmDispatcherTest, UnreachableAndSilentUrlsFailWithoutBlockingSubmit) {
  SilentListener silent;
  AlarmOptions o;
  o.rules.push_back(HttpRule("refused", "http://127.0.0.1:" + std::to_string(ClosedPort()) + "/x"));
  o.rules.push_back(HttpRule("silent", "http://127.0.0.1:" + std::to_string(silent.port()) + "/x"));
  o.rules[0].timeout_s = 0.3;
  o.rules[1].timeout_s = 0.3;
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  for (uint64_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, i)), 2u);
  }
  ASSERT_TRUE(d->WaitIdle(kWaitS));
  AlarmStats s = d->Stats();
  EXPECT_EQ(s.failed, 6u);
  EXPECT_EQ(s.fired, 0u);
  EXPECT_THAT(s.rules[0].last_error, HasSubstr("connection failed"));
  EXPECT_THAT(s.rules[1].last_error, HasSubstr("read failed or timed out"));
}

TEST(AlarmDispatcherTest, SubmitNeverWaitsForAnAction) {
  // The receiver never answers and the rule waits 30 s: had Submit() waited for the action,
  // the action would be counted (failed) when Submit() returns.
  SilentListener silent;
  AlarmOptions o;
  o.stop_timeout_s = 0.1;
  o.rules.push_back(HttpRule("silent", "http://127.0.0.1:" + std::to_string(silent.port()) + "/"));
  o.rules[0].timeout_s = 30;
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  for (uint64_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, i)), 1u);
  }
  const AlarmStats during = d->Stats();
  EXPECT_EQ(during.fired + during.failed, 0u);
  EXPECT_EQ(during.matched, 3u);
  d->Stop();
  const AlarmStats after = d->Stats();
  EXPECT_EQ(after.failed + after.dropped, 3u);
}

TEST(AlarmDispatcherTest, Non2xxAnswerIsAFailure) {
  AlarmReceiver receiver;
  AlarmOptions o;
  o.rules.push_back(HttpRule("fails", receiver.url("/fail")));
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, 1));
  ASSERT_TRUE(d->WaitIdle(kWaitS));
  EXPECT_EQ(d->Stats().failed, 1u);
  EXPECT_THAT(d->Stats().last_error, HasSubstr("HTTP 500"));
}

TEST(AlarmDispatcherTest, HangingCommandTimesOutAndFullQueueDrops) {
  AlarmOptions o;
  o.queue_capacity = 2;
  AlarmRule r;
  r.name = "hang";
  r.command = {"/bin/sleep", "30"};
  r.timeout_s = 0.3;
  o.rules.push_back(r);
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  // The worker takes the first action at once or soon; at most 2 more wait; the rest drop.
  size_t queued = 0;
  for (uint64_t i = 1; i <= 10; ++i) {
    queued += d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, i));
  }
  EXPECT_GE(queued, 2u);
  EXPECT_LE(queued, 3u);
  EXPECT_EQ(d->Stats().dropped, 10u - queued);
  ASSERT_TRUE(d->WaitIdle(kWaitS));
  AlarmStats s = d->Stats();
  EXPECT_EQ(s.failed, queued);
  EXPECT_EQ(s.rules[0].last_error, "timed out after 0.3 s (killed)");
  EXPECT_EQ(s.rules[0].last_exit_status, -1);
}

TEST(AlarmDispatcherTest, StopIsBoundedWhileACommandHangs) {
  AlarmOptions o;
  o.stop_timeout_s = 0.2;
  AlarmRule r;
  r.name = "hang";
  r.command = {"/bin/sleep", "30"};
  r.timeout_s = 60;
  o.rules.push_back(r);
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, 1));
  d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, 2));
  const auto t0 = std::chrono::steady_clock::now();
  d->Stop();
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(took, 10.0);  // far below the 30 s command and the 60 s timeout
  AlarmStats s = d->Stats();
  EXPECT_EQ(s.failed + s.dropped, 2u);  // the running one was killed, the queued one dropped
  EXPECT_EQ(d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, 3)), 0u);
  EXPECT_EQ(d->Stats().dropped, s.dropped + 1);
  d->Stop();  // idempotent
}

TEST(AlarmDispatcherTest, StopIsBoundedWhileAPostHangs) {
  SilentListener silent;
  AlarmOptions o;
  o.stop_timeout_s = 0.2;
  o.rules.push_back(HttpRule("silent", "http://127.0.0.1:" + std::to_string(silent.port()) + "/"));
  o.rules[0].timeout_s = 30;
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the POST start
  const auto t0 = std::chrono::steady_clock::now();
  d->Stop();
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(took, 10.0);  // far below the 30 s read timeout
  EXPECT_EQ(d->Stats().failed + d->Stats().dropped, 1u);
}

TEST(AlarmDispatcherTest, CreateRejectsBadRulesAndMissingPrograms) {
  AlarmOptions o;
  o.rules.push_back(HttpRule("remote", "http://203.0.113.5:8080/"));
  auto d = AlarmDispatcher::Create(o);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(),
              StartsWith("alarm.rules[0] 'remote': http: host '203.0.113.5' is not loopback"));
  o.rules[0].http.clear();
  o.rules[0].command = {"/nonexistent/siren"};
  d = AlarmDispatcher::Create(o);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(),
              StartsWith("alarm.rules[0] 'remote': command '/nonexistent/siren' is not "
                         "executable"));
}

TEST(AlarmDispatcherTest, StatsJson) {
  AlarmOptions o;
  AlarmRule r;
  r.name = "ok";
  r.command = {"/bin/true"};
  o.rules.push_back(r);
  auto d = MustCreate(o);
  ASSERT_TRUE(d);
  d->Submit(MakeEvent(EventType::kTrack, EventPhase::kStart, 1));
  ASSERT_TRUE(d->WaitIdle(kWaitS));
  const nlohmann::json j = d->Stats().ToJson();
  EXPECT_EQ(j["fired"], 1);
  EXPECT_EQ(j["rules"]["ok"]["fired"], 1);
  EXPECT_EQ(j["rules"]["ok"]["last_exit_status"], 0);
}

}  // namespace
}  // namespace es
