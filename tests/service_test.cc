// edgesight under systemd (docs/packaging.md), without systemd: the sd_notify protocol read from
// a datagram socket of our own (NOTIFY_SOCKET), and the journal's priority prefixes
// (JOURNAL_STREAM naming the stderr file).
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "cli_test_util.h"

namespace es::testing {
namespace {

// A bound AF_UNIX datagram socket: what systemd listens on for sd_notify.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof(a.sun_path), "%s", path.c_str());
    bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
    unlink(path_.c_str());
  }
  bool bound() const { return bound_; }

  // Messages until one contains `want` or timeout_s passes; all of them, in order.
  std::vector<std::string> ReadUntil(const std::string& want, double timeout_s) {
    std::vector<std::string> got;
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
      if (n <= 0) continue;
      got.emplace_back(buf, static_cast<size_t>(n));
      if (got.back().find(want) != std::string::npos) break;
    }
    return got;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

bool Contains(const std::vector<std::string>& msgs, const std::string& what) {
  for (const auto& m : msgs) {
    if (m.find(what) != std::string::npos) return true;
  }
  return false;
}

TEST(Service, NotifiesReadyFeedsTheWatchdogAndReportsTheStop) {
  const std::string dir = TempDir();
  NotifySocket sock(dir + "/notify");
  ASSERT_TRUE(sock.bound());
  const int pid =
      StartProcess({"/usr/bin/env", "NOTIFY_SOCKET=" + dir + "/notify", "WATCHDOG_USEC=400000",
                    kBin, "run", "--source", "synthetic:walk", "--realtime"},
                   dir + "/out", dir + "/err");
  const std::vector<std::string> start = sock.ReadUntil("READY=1", 60);
  ASSERT_TRUE(Contains(start, "READY=1")) << "no READY=1";
  EXPECT_TRUE(Contains(start, "STATUS=1 camera(s) running"));
  // Keep-alives every half period (0.2 s) while the detector moves: at least 3 in 2 s.
  int pings = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < until) {
    for (const auto& m : sock.ReadUntil("WATCHDOG=1", 1)) pings += m == "WATCHDOG=1";
  }
  EXPECT_GE(pings, 3);
  kill(pid, SIGTERM);
  const std::vector<std::string> stop = sock.ReadUntil("STOPPING=1", 30);
  EXPECT_TRUE(Contains(stop, "STOPPING=1"));
  EXPECT_TRUE(Contains(stop, "STATUS=stopping: "));
  EXPECT_EQ(WaitExit(pid, 60), 0);
}

TEST(Service, WithoutNotifySocketNothingIsSentAndTheRunIsUnchanged) {
  const ProcessResult r =
      RunProcess({"/usr/bin/env", "-u", "NOTIFY_SOCKET", "WATCHDOG_USEC=400000", kBin, "run",
                  "--source", "synthetic:walk", "--max-frames", "10"},
                 120);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

std::string StderrWithJournalStream(const std::string& journal_stream_expr,
                                    const std::vector<std::string>& args) {
  const std::string dir = TempDir();
  const std::string err = dir + "/stderr";
  std::vector<std::string> argv = {
      "/bin/sh",
      "-c",
      "f=\"$1\"; shift; exec 2>\"$f\"; JOURNAL_STREAM=" + journal_stream_expr + " exec \"$@\"",
      "sh",
      err,
      kBin};
  argv.insert(argv.end(), args.begin(), args.end());
  RunProcess(argv, 60);
  std::ifstream in(err);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Service, StderrLinesCarryTheirPriorityWhenStderrIsTheJournal) {
  // JOURNAL_STREAM = device:inode of stderr, as systemd sets it for StandardError=journal.
  const std::string err =
      StderrWithJournalStream("$(stat -c %d:%i \"$f\")", {"run", "--source", "/nonexistent.mp4"});
  EXPECT_EQ(err.rfind("<3>edgesight: error: ", 0), 0u) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  // Another stream's JOURNAL_STREAM (stderr was redirected elsewhere): plain lines.
  const std::string other = StderrWithJournalStream("1:1", {"run", "--source", "/nonexistent.mp4"});
  EXPECT_EQ(other.rfind("edgesight: error: ", 0), 0u) << other;
}

// Under systemd stdout is the same journal stream: the run's summary is one entry (one line of
// JSON), not one entry per line of indented JSON.
TEST(Service, TheSummaryIsOneJournalLine) {
  const std::string dir = TempDir();
  const std::string out = dir + "/stdout";
  RunProcess({"/bin/sh", "-c",
              "f=\"$1\"; shift; exec 1>\"$f\"; JOURNAL_STREAM=$(stat -c %d:%i \"$f\") exec \"$@\"",
              "sh", out, kBin, "run", "--source", "synthetic:walk", "--max-frames", "5"},
             60);
  std::ifstream in(out);
  std::stringstream s;
  s << in.rdbuf();
  const std::string text = s.str();
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  const nlohmann::json summary = nlohmann::json::parse(text);
  EXPECT_EQ(summary["status"], "ok");
  EXPECT_EQ(summary["frames"], 5);
}

// Under the journal every event is one line: notice when it begins, info when it ends.
TEST(Service, EachEventIsOneJournalLineWithItsLevel) {
  const std::string dir = TempDir();
  WriteYardSite(dir);
  const std::string err = StderrWithJournalStream(
      "$(stat -c %d:%i \"$f\")",
      {"run", "--config", dir + "/site.yaml", "--source", "synthetic:walk", "--max-frames", "100"});
  std::istringstream lines(err);
  std::string line;
  int starts = 0, ends = 0, others = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("<5>edgesight: event ", 0) == 0 &&
        line.find(" start camera=cam0 ") != std::string::npos) {
      ++starts;
    } else if (line.rfind("<6>edgesight: event ", 0) == 0 &&
               line.find(" end camera=cam0 ") != std::string::npos) {
      ++ends;
    } else if (line.find("event ") != std::string::npos) {
      ++others;
    }
  }
  EXPECT_GT(starts, 0) << err;
  EXPECT_EQ(starts, ends) << err;  // every episode ends, at the latest at the end of the run
  EXPECT_EQ(others, 0) << err;
}

// A state folder the service cannot use is a configuration error: one line naming the key and
// exit 2, which the unit does not restart (RestartPreventExitStatus=2).
TEST(Service, UnusableStatePathsAreOneLineAndExitTwo) {
  const std::string dir = TempDir();
  std::ofstream(dir + "/file") << "x";  // a file where a folder is expected
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"uplink.outbox=" + dir + "/file/outbox.db", "outbox"},
      {"recording.dir=" + dir + "/file/clips", "recording.dir"},
      {"http.events_db=" + dir + "/file/events.db", "event store"},
  };
  for (const auto& [kv, names] : cases) {
    const ProcessResult r = RunProcess({kBin, "run", "--source", "synthetic:walk", "--max-frames",
                                        "5", "--set", kv, "--http", "127.0.0.1:0"},
                                       60);
    EXPECT_EQ(r.exit_code, 2) << kv << ": " << r.err;
    ExpectOneLineError(r);
    EXPECT_NE(r.err.find(names), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace es::testing
