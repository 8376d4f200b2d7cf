#include "models/model_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace es {
namespace {

namespace fs = std::filesystem;

Bundle MakeBundle(const std::string& version, const std::string& content) {
  const KeyPair k = GenerateKeyPair();
  ModelManifest m;
  m.name = "det";
  m.version = version;
  m.model_file = "model.onnx";
  m.input_size = 416;
  std::vector<BundleFile> files = {{"model.onnx", 0, "", content}};
  return *DecodeBundle(*EncodeBundle(m, files, k.secret), {k.pub});
}

class ModelStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("es_store_" + std::to_string(getpid()))).string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(ModelStoreTest, InstallActivateRollbackAndBack) {
  auto store = ModelStore::Open(dir_);
  ASSERT_TRUE(store.ok());
  EXPECT_FALSE(store->Active()->has_value());
  auto a = store->Install(MakeBundle("1", "model one"));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->id, "det@1");
  EXPECT_FALSE(a->active);  // installing does not activate
  ASSERT_TRUE(store->Activate("det@1").ok());
  ASSERT_TRUE(store->Install(MakeBundle("2", "model two")).ok());
  ASSERT_TRUE(store->Activate("det@2").ok());
  auto active = store->Active();
  ASSERT_TRUE(active.ok() && active->has_value());
  EXPECT_EQ((*active)->id, "det@2");
  std::ifstream in((*active)->model_path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "model two");
  ASSERT_TRUE(store->Rollback().ok());
  EXPECT_EQ((*store->Active())->id, "det@1");
  ASSERT_TRUE(store->Rollback().ok());  // a second rollback undoes the first
  EXPECT_EQ((*store->Active())->id, "det@2");
  auto list = store->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE((*list)[0].previous);
  EXPECT_TRUE((*list)[1].active);
  EXPECT_EQ(store->Activate("det@9").code(), StatusCode::kNotFound);
  // Deactivate: no active model any more; the last one is `previous`, so it can come back.
  ASSERT_TRUE(store->Deactivate().ok());
  EXPECT_FALSE(store->Active()->has_value());
  ASSERT_TRUE(store->Rollback().ok());
  EXPECT_EQ((*store->Active())->id, "det@2");
}

TEST_F(ModelStoreTest, VersionsAreImmutableAndReinstallIsANoOp) {
  auto store = ModelStore::Open(dir_);
  const Bundle one = MakeBundle("1", "model one");
  ASSERT_TRUE(store->Install(one).ok());
  EXPECT_TRUE(store->Install(one).ok());
  auto other = store->Install(MakeBundle("1", "something else"));
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("immutable"), std::string::npos);
  EXPECT_EQ(ModelStore::Open(dir_)->Rollback().code(), StatusCode::kNotFound);
}

TEST_F(ModelStoreTest, AChangedFileOnDiskIsDataLossAndLeftoversAreCleaned) {
  auto store = ModelStore::Open(dir_);
  auto m = store->Install(MakeBundle("1", "model one"));
  ASSERT_TRUE(store->Activate(m->id).ok());
  std::ofstream(m->model_path) << "model ONE";
  auto active = store->Active();
  ASSERT_FALSE(active.ok());
  EXPECT_EQ(active.status().code(), StatusCode::kDataLoss);
  // An interrupted install leaves .tmp-* behind; the next Open removes it.
  fs::create_directories(dir_ + "/models/.tmp-123");
  std::ofstream(dir_ + "/models/.tmp-123/model.onnx") << "half";
  ASSERT_TRUE(ModelStore::Open(dir_).ok());
  EXPECT_FALSE(fs::exists(dir_ + "/models/.tmp-123"));
}

}  // namespace
}  // namespace es
