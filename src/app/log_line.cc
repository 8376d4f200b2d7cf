#include "app/log_line.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

#include "edgesight/status.h"

namespace es {
namespace {

int Priority(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::critical:
      return 2;
    case spdlog::level::err:
      return 3;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::info:
      return 6;
    default:
      return 7;
  }
}

// spdlog flag %* = the journal's "<N>" priority prefix.
class PriorityFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string p = "<" + std::to_string(Priority(msg.level)) + ">";
    dest.append(p.data(), p.data() + p.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<PriorityFlag>();
  }
};

}  // namespace

bool StderrIsJournal() { return IsJournalStream(2); }

bool IsJournalStream(int fd) {
  const char* env = std::getenv("JOURNAL_STREAM");
  if (env == nullptr) return false;
  unsigned long long dev = 0, ino = 0;  // NOLINT(runtime/int): sscanf's types
  if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(fd, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&  // NOLINT(runtime/int)
         static_cast<unsigned long long>(st.st_ino) == ino;    // NOLINT(runtime/int)
}

void LogLine(LogLevel level, const std::string& text) {
  static const bool journal = StderrIsJournal();
  const std::string line = OneLine(text);
  if (journal) {
    std::fprintf(stderr, "<%d>edgesight: %s\n", static_cast<int>(level), line.c_str());
  } else {
    std::fprintf(stderr, "edgesight: %s\n", line.c_str());
  }
}

void ConfigureLogging() {
  spdlog::set_default_logger(spdlog::stderr_color_mt("edgesight"));
  if (StderrIsJournal()) {
    auto f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<PriorityFlag>('*').set_pattern("%*[%l] %v");
    spdlog::set_formatter(std::move(f));
  } else {
    spdlog::set_pattern("%^[%l]%$ %v");
  }
  spdlog::set_level(spdlog::level::warn);
}

}  // namespace es
