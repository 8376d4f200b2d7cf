// backend.yaml: defaults, every key, and one-line errors naming file and key.
#include "backend/backend_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

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

// The shipped example spells out every default: it must load and change nothing.
TEST(BackendConfig, ExampleFileIsTheDefaults) {
  auto c = LoadBackendConfig(std::string(ES_SOURCE_DIR) + "/examples/backend.yaml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const BackendConfig d;
  EXPECT_EQ(c->mqtt.url, d.mqtt.url);
  EXPECT_EQ(c->mqtt.group, d.mqtt.group);
  EXPECT_EQ(c->store.path, d.store.path);
  EXPECT_EQ(c->ingest.max_payload_bytes, d.ingest.max_payload_bytes);
  EXPECT_EQ(c->verify.queue, d.verify.queue);
  EXPECT_DOUBLE_EQ(c->verify.reject_score, d.verify.reject_score);
  EXPECT_EQ(c->verify.pose, d.verify.pose);
  EXPECT_DOUBLE_EQ(c->verify.pose_reject, d.verify.pose_reject);
  EXPECT_EQ(c->http.listen, d.http.listen);
}

// docs/configuration.md's backend table has one row per key with the same type and default.
TEST(BackendConfig, ReferenceDocMatchesSchema) {
  std::ifstream in(std::string(ES_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(in);
  std::map<std::string, std::string> rows;  // key -> "type|default"
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## edgesight-backend (backend.yaml)";
    if (!in_section || line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cols;
    std::stringstream ss(line.substr(1));
    std::string col;
    while (std::getline(ss, col, '|')) cols.push_back(col);
    ASSERT_GE(cols.size(), 5u) << line;
    auto strip = [](std::string c) {
      c = c.substr(c.find_first_not_of(' '));
      c = c.substr(0, c.find_last_not_of(' ') + 1);
      if (c.size() >= 2 && c.front() == '`' && c.back() == '`') c = c.substr(1, c.size() - 2);
      return c;
    };
    rows[strip(cols[0])] = strip(cols[1]) + "|" + strip(cols[2]);
  }
  std::stringstream keys(DescribeBackendConfig());
  size_t n = 0;
  while (std::getline(keys, line)) {
    std::vector<std::string> f;
    std::stringstream ls(line);
    std::string part;
    while (std::getline(ls, part, '\t')) f.push_back(part);
    ASSERT_GE(f.size(), 4u);
    ++n;
    auto it = rows.find(f[0]);
    ASSERT_NE(it, rows.end()) << "docs/configuration.md has no row for " << f[0];
    EXPECT_EQ(it->second, f[1] + "|" + f[3]) << f[0];
  }
  EXPECT_EQ(rows.size(), n) << "rows for keys the schema lacks";
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
