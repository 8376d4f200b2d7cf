#include "core/text_file.h"

#include <gtest/gtest.h>

#include "core/temp_dir_test_util.h"

namespace es {
namespace {

using test_util::TempDir;

TEST(TextFileTest, WritesAndReadsBack) {
  TempDir dir;
  ASSERT_TRUE(WriteTextFile(dir / "a.json", "{\"x\": 1}\n").ok());
  auto r = ReadTextFile(dir / "a.json");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "{\"x\": 1}\n");
  ASSERT_TRUE(WriteTextFile(dir / "a.json", "y").ok());  // truncates
  EXPECT_EQ(*ReadTextFile(dir / "a.json"), "y");
}

TEST(TextFileTest, ErrorsNameThePath) {
  TempDir dir;
  auto missing = ReadTextFile(dir / "none");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(dir / "none"), std::string::npos);
  auto folder = ReadTextFile(dir.path());
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.status().message(), "'" + dir.path() + "' is a directory");
  ASSERT_TRUE(WriteTextFile(dir / "big", std::string(100, 'x')).ok());
  auto big = ReadTextFile(dir / "big", 99);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadTextFile(dir / "big", 100)->size(), 100u);
  Status w = WriteTextFile(dir / "no/such/dir/f", "x");
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.message().rfind("cannot write '" + (dir / "no/such/dir/f") + "': ", 0), 0u);
}

}  // namespace
}  // namespace es
