#include "core/password_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace es {
namespace {

TEST(PasswordFileTest, FirstLineWithoutLineEndAndErrorsNameKeyAndPathNotContent) {
  char tmpl[] = "/tmp/es_pw_XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  std::ofstream(dir + "/pw") << "s3cret\r\nsecond line\n";
  auto pw = ReadPasswordFile("uplink.password_file", dir + "/pw");
  ASSERT_TRUE(pw.ok()) << pw.status().ToString();
  EXPECT_EQ(*pw, "s3cret");

  std::ofstream(dir + "/empty") << "\n";
  auto empty = ReadPasswordFile("--password-file", dir + "/empty");
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().message(), "--password-file: '" + dir + "/empty' is empty");

  auto missing = ReadPasswordFile("ptz.onvif_password_file", dir + "/nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(),
            "ptz.onvif_password_file: cannot open '" + dir + "/nope'");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace es
