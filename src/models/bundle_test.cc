#include "models/bundle.h"

#include <gtest/gtest.h>

namespace es {
namespace {

ModelManifest Manifest() {
  ModelManifest m;
  m.name = "tiny";
  m.version = "1.2";
  m.head = "nanodet";
  m.input_size = 320;
  m.classes = {"person", "car"};
  m.model_file = "model.onnx";
  return m;
}

std::vector<BundleFile> Files() {
  return {{"model.onnx", 0, "", std::string(1000, 'm')}, {"labels.txt", 0, "", "person\ncar\n"}};
}

TEST(BundleTest, RoundTripsAndNamesTheSigningKey) {
  const KeyPair k = GenerateKeyPair();
  auto bytes = EncodeBundle(Manifest(), Files(), k.secret);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto b = DecodeBundle(*bytes, {k.pub});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(ModelId(b->manifest), "tiny@1.2");
  EXPECT_EQ(b->manifest.key_id, KeyId(k.pub));
  ASSERT_EQ(b->files.size(), 2u);
  ASSERT_NE(b->model(), nullptr);
  EXPECT_EQ(b->model()->bytes, std::string(1000, 'm'));
  EXPECT_EQ(b->files[1].sha256, Sha256Hex("person\ncar\n"));
  // Another trusted key beside the right one does not matter.
  EXPECT_TRUE(DecodeBundle(*bytes, {GenerateKeyPair().pub, k.pub}).ok());
}

// One changed byte anywhere (header length, manifest, a file, the signature) is refused, and
// nothing of a refused bundle is returned.
TEST(BundleTest, EveryTamperedByteIsRefused) {
  const KeyPair k = GenerateKeyPair();
  const std::string good = *EncodeBundle(Manifest(), Files(), k.secret);
  int refused = 0;
  for (size_t at = 4; at < good.size(); at += 7) {
    std::string bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x20);
    auto b = DecodeBundle(bad, {k.pub});
    EXPECT_FALSE(b.ok()) << "byte " << at;
    refused += !b.ok();
  }
  EXPECT_GT(refused, 100);
  std::string file_byte = good;
  file_byte[good.size() - 64 - 5] ^= 1;  // inside labels.txt
  EXPECT_NE(DecodeBundle(file_byte, {k.pub}).status().message().find("signature does not verify"),
            std::string::npos);
}

TEST(BundleTest, FramingErrorsAreOneLine) {
  const KeyPair k = GenerateKeyPair();
  const std::string good = *EncodeBundle(Manifest(), Files(), k.secret);
  EXPECT_EQ(DecodeBundle("hello", {k.pub}).status().message(),
            "not a model bundle (no ESMB header)");
  for (size_t n : {size_t{20}, good.size() / 2, good.size() - 1}) {
    auto b = DecodeBundle(good.substr(0, n), {k.pub});
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.status().code(), StatusCode::kDataLoss) << n;
  }
  EXPECT_NE(DecodeBundle(good + "x", {k.pub}).status().message().find("trailing bytes"),
            std::string::npos);
  auto untrusted = DecodeBundle(good, {GenerateKeyPair().pub});
  EXPECT_EQ(untrusted.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(untrusted.status().message().find("does not trust"), std::string::npos);
  EXPECT_EQ(DecodeBundle(good, {}).status().code(), StatusCode::kPermissionDenied);
}

TEST(BundleTest, IncompatibleOrMalformedManifestsAreRefusedAtPack) {
  const KeyPair k = GenerateKeyPair();
  ModelManifest m = Manifest();
  m.min_runtime = "9.0";
  EXPECT_NE(EncodeBundle(m, Files(), k.secret).status().message().find("needs edgesight >= 9.0"),
            std::string::npos);
  m = Manifest();
  m.head = "detr";
  EXPECT_FALSE(EncodeBundle(m, Files(), k.secret).ok());
  m = Manifest();
  m.model_file = "other.onnx";
  EXPECT_NE(EncodeBundle(m, Files(), k.secret).status().message().find("not among the files"),
            std::string::npos);
  m = Manifest();
  m.version = "1.x";
  EXPECT_FALSE(EncodeBundle(m, Files(), k.secret).ok());
  std::vector<BundleFile> sneaky = Files();
  sneaky[1].name = "../etc/passwd";
  EXPECT_FALSE(EncodeBundle(Manifest(), sneaky, k.secret).ok());
}

TEST(BundleTest, VersionsCompareNumerically) {
  EXPECT_TRUE(VersionAtLeast("0.1.10", "0.1.9"));
  EXPECT_TRUE(VersionAtLeast("0.1.0", "0.1.0"));
  EXPECT_TRUE(VersionAtLeast("1", "0.9.9"));
  EXPECT_FALSE(VersionAtLeast("0.1.0", "0.2"));
  EXPECT_FALSE(VersionAtLeast("0.1.0", "x"));
}

}  // namespace
}  // namespace es
