#include "alarm/command_runner.h"
#include "core/temp_dir_test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace es {
namespace {

using test_util::TempDir;

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(CommandRunnerTest, StdinAndEnvironmentReachTheCommand) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string in_file = dir.path() + "/stdin.txt";
  const std::string env_file = dir.path() + "/env.txt";
  CommandOutcome out =
      RunCommand({"/bin/sh", "-c", "cat > \"$1\"; printf %s \"$EDGESIGHT_EVENT\" > \"$2\"", "sh",
                  in_file, env_file},
                 "{\"id\":\"a/b/1\"}", {"EDGESIGHT_EVENT={\"id\":\"a/b/1\"}"}, 5.0, nullptr);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.exit_status, 0);
  EXPECT_EQ(ReadFile(in_file), "{\"id\":\"a/b/1\"}");
  EXPECT_EQ(ReadFile(env_file), "{\"id\":\"a/b/1\"}");
}

TEST(CommandRunnerTest, NonZeroExitIsAFailureWithStderr) {
  CommandOutcome out =
      RunCommand({"/bin/sh", "-c", "echo 'siren offline' >&2; exit 3"}, "x", {}, 5.0, nullptr);
  EXPECT_FALSE(out.status.ok());
  EXPECT_EQ(out.exit_status, 3);
  EXPECT_EQ(out.status.message(), "exit status 3: siren offline");
}

TEST(CommandRunnerTest, HangingCommandIsKilledAtTheTimeout) {
  // The shell's child (sleep) is killed too: the whole process group goes.
  const auto t0 = std::chrono::steady_clock::now();
  CommandOutcome out = RunCommand({"/bin/sh", "-c", "sleep 30; true"}, "x", {}, 0.3, nullptr);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(out.timed_out);
  EXPECT_EQ(out.status.message(), "timed out after 0.3 s (killed)");
  EXPECT_LT(took, 10.0);  // bounded, far below the sleep
}

TEST(CommandRunnerTest, CancelKillsTheCommand) {
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel = true;
  });
  CommandOutcome out = RunCommand({"/bin/sleep", "30"}, "", {}, 60.0, &cancel);
  canceller.join();
  EXPECT_FALSE(out.timed_out);
  EXPECT_EQ(out.status.code(), StatusCode::kCancelled);
}

TEST(CommandRunnerTest, ChildThatDoesNotReadStdinDoesNotKillUs) {
  // A large input the child never reads: the pipe fills or breaks (EPIPE); no SIGPIPE here.
  const std::string big(1 << 20, 'x');
  CommandOutcome out = RunCommand({"/bin/true"}, big, {}, 5.0, nullptr);
  EXPECT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.exit_status, 0);
}

TEST(CommandRunnerTest, MissingProgram) {
  CommandOutcome out = RunCommand({"/nonexistent/siren"}, "x", {}, 5.0, nullptr);
  EXPECT_THAT(out.status.message(), StartsWith("cannot start '/nonexistent/siren': "));
  EXPECT_THAT(CheckExecutable("/nonexistent/siren").message(),
              StartsWith("command '/nonexistent/siren' is not executable: "));
  EXPECT_EQ(CheckExecutable("no-such-program-xyz").message(),
            "command 'no-such-program-xyz' not found in PATH");
  EXPECT_TRUE(CheckExecutable("sh").ok());
  EXPECT_TRUE(CheckExecutable("/bin/sh").ok());
  EXPECT_FALSE(CheckExecutable("/tmp").ok());  // a directory
}

}  // namespace
}  // namespace es
