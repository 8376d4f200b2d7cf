#include "alarm/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>

extern char** environ;

namespace es {
namespace {

constexpr size_t kStderrTail = 200;
constexpr int kPollMs = 10;

std::string Errno(int e) { return std::strerror(e); }

// Closes the descriptors it owns.
struct Fd {
  int fd = -1;
  Fd() = default;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  void Close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// A SIGPIPE raised by our own write to a closed pipe is thread-directed: block it while
// writing and consume a pending one, so the process never dies of a child that did not read.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigpending(&pending_before_);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SigpipeGuard() {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) && !sigismember(&pending_before_, SIGPIPE)) {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGPIPE);
      timespec zero{0, 0};
      sigtimedwait(&set, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_{}, pending_before_{};
};

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

std::string FormatSeconds(double s) {
  std::ostringstream os;
  os << s;
  return os.str();
}

bool IsExecutableFile(const std::string& path, int* err) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    *err = errno;
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    *err = EACCES;
    return false;
  }
  if (::access(path.c_str(), X_OK) != 0) {
    *err = errno;
    return false;
  }
  return true;
}

}  // namespace

Status CheckExecutable(const std::string& argv0) {
  if (argv0.empty()) return InvalidArgument("command is empty");
  int err = 0;
  if (argv0.find('/') != std::string::npos) {
    if (IsExecutableFile(argv0, &err)) return Status::Ok();
    return InvalidArgument("command '" + argv0 + "' is not executable: " + Errno(err));
  }
  const char* path_env = std::getenv("PATH");
  std::stringstream dirs(path_env ? path_env : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = dir.empty() ? std::string(".") : dir;
    candidate.append("/").append(argv0);
    if (IsExecutableFile(candidate, &err)) return Status::Ok();
  }
  return InvalidArgument("command '" + argv0 + "' not found in PATH");
}

CommandOutcome RunCommand(const std::vector<std::string>& argv, const std::string& input,
                          const std::vector<std::string>& extra_env, double timeout_s,
                          const std::atomic<bool>* cancel) {
  CommandOutcome out;
  if (argv.empty() || argv[0].empty()) {
    out.status = InvalidArgument("command is empty");
    return out;
  }
  SigpipeGuard sigpipe_guard;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::microseconds(static_cast<int64_t>(timeout_s * 1e6));

  int in_pipe[2], err_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
    out.status = Internal("pipe: " + Errno(errno));
    return out;
  }
  Fd in_read, in_write, err_read, err_write;
  in_read.fd = in_pipe[0];
  in_write.fd = in_pipe[1];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    out.status = Internal("pipe: " + Errno(errno));
    return out;
  }
  err_read.fd = err_pipe[0];
  err_write.fd = err_pipe[1];

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_read.fd, STDIN_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err_write.fd, STDERR_FILENO);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<std::string> env_strings;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const std::string& x : extra_env) overridden = overridden || x.rfind(name + "=", 0) == 0;
    if (!overridden) env_strings.push_back(entry);
  }
  for (const std::string& x : extra_env) env_strings.push_back(x);
  std::vector<char*> envp, args;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (std::string& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  in_read.Close();
  err_write.Close();
  if (rc != 0) {
    out.status = Unavailable("cannot start '" + argv[0] + "': " + Errno(rc));
    return out;
  }

  ::fcntl(in_write.fd, F_SETFL, O_NONBLOCK);
  ::fcntl(err_read.fd, F_SETFL, O_NONBLOCK);
  size_t written = 0;
  if (input.empty()) in_write.Close();
  std::string err_tail;
  int wstatus = 0;
  bool exited = false;
  bool cancelled = false;
  while (true) {
    // Feed stdin as far as the pipe takes it.
    while (in_write.fd >= 0 && written < input.size()) {
      const ssize_t n = ::write(in_write.fd, input.data() + written, input.size() - written);
      if (n > 0) {
        written += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else {
        if (n < 0 && errno != EAGAIN) in_write.Close();  // EPIPE: the child does not read
        break;
      }
    }
    if (in_write.fd >= 0 && written >= input.size()) in_write.Close();
    // Keep the tail of stderr.
    char buf[512];
    while (err_read.fd >= 0) {
      const ssize_t n = ::read(err_read.fd, buf, sizeof(buf));
      if (n > 0) {
        err_tail.append(buf, static_cast<size_t>(n));
        if (err_tail.size() > kStderrTail) err_tail.erase(0, err_tail.size() - kStderrTail);
      } else if (n == 0) {
        err_read.Close();
      } else {
        break;  // EAGAIN or error
      }
    }
    const pid_t w = ::waitpid(pid, &wstatus, WNOHANG);
    if (w == pid) {
      exited = true;
      break;
    }
    if (w < 0 && errno != EINTR) {
      out.status = Internal("waitpid: " + Errno(errno));
      return out;
    }
    if (cancel && cancel->load()) {
      cancelled = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    pollfd fds[2];
    nfds_t nfds = 0;
    if (err_read.fd >= 0) fds[nfds++] = {err_read.fd, POLLIN, 0};
    if (in_write.fd >= 0) fds[nfds++] = {in_write.fd, POLLOUT, 0};
    ::poll(fds, nfds, kPollMs);  // also the sleep between waitpid checks
  }

  if (!exited) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    // SIGKILL cannot be caught; reap it (bounded: a process in uninterruptible sleep stays a
    // zombie-to-be rather than blocking the alarm worker).
    for (int i = 0; i < 200; ++i) {
      const pid_t w = ::waitpid(pid, &wstatus, WNOHANG);
      if (w == pid || (w < 0 && errno != EINTR)) break;
      ::usleep(5000);
    }
    out.timed_out = !cancelled;
    out.status = cancelled
                     ? Cancelled("cancelled (killed)")
                     : Unavailable("timed out after " + FormatSeconds(timeout_s) + " s (killed)");
    return out;
  }
  if (WIFEXITED(wstatus)) {
    out.exit_status = WEXITSTATUS(wstatus);
    if (out.exit_status == 0) {
      out.status = Status::Ok();
    } else {
      std::string message = "exit status " + std::to_string(out.exit_status);
      const std::string tail = Trimmed(err_tail);
      if (!tail.empty()) message.append(": ").append(tail);
      out.status = Unavailable(std::move(message));
    }
  } else if (WIFSIGNALED(wstatus)) {
    out.status = Unavailable("killed by signal " + std::to_string(WTERMSIG(wstatus)));
  } else {
    out.status = Unavailable("ended abnormally");
  }
  return out;
}

}  // namespace es
