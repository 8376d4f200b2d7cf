// Test scaffolding: a real PostgreSQL server in a temporary directory on a free loopback port.
// Header only (inline), for *_test.cc and tests/ only.
//
// PostgresProcess: Start() runs initdb (trust authentication for local connections) and then
//   `postgres -D <dir> -p <port> -k <dir> -c listen_addresses=127.0.0.1 -c fsync=off`, and
//   waits (bounded) until it accepts connections (PQping). PostgreSQL refuses to run as root: as
//   root, the directory is given to the "postgres" system account (made by Debian's
//   postgresql-common) and the commands run as that account (fork, setgid, setuid, exec). Stop()
//   stops the server (SIGINT: fast shutdown) and reaps it; Start() may run it again on the same
//   data. The destructor stops it and removes the directory. Url():
//   postgresql://<user>@127.0.0.1:<port>/postgres. Available(): the server binaries exist (and, as
//   root, the postgres account does).
// Failure modes: Start() false (with the reason in error()); no exceptions.
// Thread-safety: one thread.
#pragma once

#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "uplink/mqtt_test_util.h"  // FreePort, WaitPort

namespace es::pg_test {

inline std::string PgBinDir() {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string bin = e.path().string() + "/bin";
    if (access((bin + "/initdb").c_str(), X_OK) == 0) return bin;
  }
  return "";
}

class PostgresProcess {
 public:
  static bool Available() {
    if (PgBinDir().empty()) return false;
    return getuid() != 0 || getpwnam("postgres") != nullptr;
  }

  PostgresProcess() : port_(mqtt_test::FreePort()) {
    char tmpl[] = "/tmp/es_pg_XXXXXX";
    if (mkdtemp(tmpl) != nullptr) dir_ = tmpl;
    if (getuid() == 0) {
      const passwd* pw = getpwnam("postgres");
      if (pw != nullptr) {
        uid_ = pw->pw_uid;
        gid_ = pw->pw_gid;
        user_ = "postgres";
        if (!dir_.empty() && chown(dir_.c_str(), uid_, gid_) != 0) dir_.clear();
      }
    } else {
      const passwd* pw = getpwuid(getuid());
      user_ = pw ? pw->pw_name : "postgres";
    }
  }
  ~PostgresProcess() {
    Stop();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  PostgresProcess(const PostgresProcess&) = delete;
  PostgresProcess& operator=(const PostgresProcess&) = delete;

  bool Start() {
    if (dir_.empty() || port_ <= 0) return Fail("no temporary directory or port");
    const std::string bin = PgBinDir();
    const std::string data = dir_ + "/data";
    if (!initialised_) {
      const int pid = Spawn({bin + "/initdb", "-D", data, "-U", user_, "--auth=trust", "--no-sync",
                             "-E", "UTF8", "--locale=C"},
                            dir_ + "/initdb.log");
      int status = 0;
      if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
          WEXITSTATUS(status) != 0) {
        return Fail("initdb failed (see " + dir_ + "/initdb.log)");
      }
      initialised_ = true;
    }
    pid_ = Spawn({bin + "/postgres", "-D", data, "-p", std::to_string(port_), "-k", dir_, "-c",
                  "listen_addresses=127.0.0.1", "-c", "fsync=off"},
                 dir_ + "/postgres.log");
    if (pid_ < 0) return Fail("cannot start postgres");
    if (!mqtt_test::WaitPort(port_, 30)) return Fail("postgres did not open its port");
    // The port opens before the server accepts connections ("starting up").
    if (!mqtt_test::WaitFor([&] { return PQping(Url().c_str()) == PQPING_OK; }, 30)) {
      return Fail("postgres does not accept connections");
    }
    return true;
  }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGINT);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::string Url() const {
    return "postgresql://" + user_ + "@127.0.0.1:" + std::to_string(port_) + "/postgres";
  }
  int port() const { return port_; }
  const std::string& error() const { return error_; }

 private:
  bool Fail(std::string why) {
    error_ = std::move(why);
    return false;
  }
  // Runs argv as the server's account with stdout and stderr in `log`.
  int Spawn(const std::vector<std::string>& argv, const std::string& log) {
    const pid_t pid = fork();
    if (pid != 0) return pid;
    setpgid(0, 0);
    FILE* f = std::fopen(log.c_str(), "w");
    if (f != nullptr) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    if (uid_ != static_cast<uid_t>(-1)) {
      if (f != nullptr && fchown(fileno(f), uid_, gid_) != 0) _exit(126);
      if (setgid(gid_) != 0 || setuid(uid_) != 0) _exit(126);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }

  int port_ = 0;
  std::string dir_, user_, error_;
  uid_t uid_ = static_cast<uid_t>(-1);
  gid_t gid_ = static_cast<gid_t>(-1);
  pid_t pid_ = -1;
  bool initialised_ = false;
};

}  // namespace es::pg_test
