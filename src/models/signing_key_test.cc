#include "models/signing_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace es {
namespace {

namespace fs = std::filesystem;

class SigningKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("es_keys_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SigningKeyTest, WrittenPairReadsBackAndSigns) {
  const KeyPair k = GenerateKeyPair();
  const std::string prefix = (dir_ / "release").string();
  ASSERT_TRUE(WriteKeyPair(k, prefix).ok());
  struct stat st {};
  ASSERT_EQ(stat(prefix.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto secret = ReadSecretKey(prefix);
  auto pub = ReadPublicKey(prefix + ".pub");
  ASSERT_TRUE(secret.ok() && pub.ok());
  EXPECT_EQ(*pub, k.pub);
  EXPECT_EQ(PublicOf(*secret), k.pub);
  const Signature sig = Sign(*secret, "hello");
  EXPECT_TRUE(Verify(*pub, "hello", sig));
  EXPECT_FALSE(Verify(*pub, "hellO", sig));
  EXPECT_FALSE(Verify(GenerateKeyPair().pub, "hello", sig));
  EXPECT_EQ(KeyId(k.pub).size(), 16u);
  // An existing secret key is never overwritten.
  EXPECT_FALSE(WriteKeyPair(GenerateKeyPair(), prefix).ok());
}

TEST_F(SigningKeyTest, WrongFilesAreClearErrors) {
  EXPECT_EQ(ReadPublicKey((dir_ / "none.pub").string()).status().code(), StatusCode::kNotFound);
  const std::string prefix = (dir_ / "k").string();
  ASSERT_TRUE(WriteKeyPair(GenerateKeyPair(), prefix).ok());
  // The secret key where a public one is expected, and the reverse.
  auto swapped = ReadPublicKey(prefix);
  ASSERT_FALSE(swapped.ok());
  EXPECT_NE(swapped.status().message().find("not an edgesight public key"), std::string::npos);
  EXPECT_FALSE(ReadSecretKey(prefix + ".pub").ok());
  chmod(prefix.c_str(), 0644);
  auto open = ReadSecretKey(prefix);
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.status().message().find("chmod 600"), std::string::npos);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace es
