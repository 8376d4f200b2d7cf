// backend.yaml: defaults, every key, and one-line errors naming file and key.
#include "backend/backend_config.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(BackendConfig, EmptyFileKeepsDefaults) {
  auto c = LoadBackendConfigString("", "b.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->mqtt.group, "verifiers");
  EXPECT_EQ(c->http.listen, "127.0.0.1:8090");
  EXPECT_TRUE(c->verify.enabled);
  EXPECT_DOUBLE_EQ(c->verify.confirm_score, 0.5);
}

TEST(BackendConfig, ReadsEverySection) {
  auto c = LoadBackendConfigString(R"(
mqtt: {url: "mqtt://127.0.0.1:1999", group: g2, worker: w7}
store: {path: /tmp/x.db, busy_timeout_ms: 100}
ingest: {max_payload_bytes: 2048, devices: [a, b]}
verify: {enabled: false, verifiers: 2, confirm_score: 0.6, reject_score: 0.1}
http: {listen: ""}
)",
                                   "b.yaml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->mqtt.worker, "w7");
  EXPECT_EQ(c->store.busy_timeout_ms, 100);
  EXPECT_EQ(c->ingest.devices.size(), 2u);
  EXPECT_FALSE(c->verify.enabled);
  EXPECT_EQ(c->verify.verifiers, 2);
  EXPECT_TRUE(c->http.listen.empty());
}

TEST(BackendConfig, ErrorsNameFileAndKey) {
  auto unknown = LoadBackendConfigString("verify: {confirm: 0.5}", "b.yaml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("b.yaml"), std::string::npos);
  EXPECT_NE(unknown.status().message().find("confirm_score"), std::string::npos)
      << unknown.status().message();
  auto section = LoadBackendConfigString("verfy: {}", "b.yaml");
  EXPECT_NE(section.status().message().find("verify"), std::string::npos);
  auto range = LoadBackendConfigString("verify: {confirm_score: 2}", "b.yaml");
  EXPECT_NE(range.status().message().find("verify.confirm_score"), std::string::npos);
  auto rule = LoadBackendConfigString("verify: {confirm_score: 0.3, reject_score: 0.4}", "b.yaml");
  EXPECT_NE(rule.status().message().find("verify.reject_score"), std::string::npos);
  auto group = LoadBackendConfigString("mqtt: {group: 'a/b'}", "b.yaml");
  EXPECT_NE(group.status().message().find("mqtt.group"), std::string::npos);
  EXPECT_FALSE(LoadBackendConfigString("mqtt: [1", "b.yaml").ok());
  EXPECT_EQ(LoadBackendConfig("/nonexistent/b.yaml").status().code(), StatusCode::kNotFound);
  EXPECT_NE(DescribeBackendConfig().find("verify.confirm_score\tfloat"), std::string::npos);
}

}  // namespace
}  // namespace es
