// Test helpers shared by the config tests (header only; not part of any library).
//
// LoadError(yaml): loads YAML that must be rejected; checks the error is one InvalidArgument line
// and returns its message ("" after a failed expectation if it loaded). LoadOk(yaml): loads YAML
// that must be accepted; AppConfig{} after a failed expectation. ORIGIN is "config.yaml".
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"

namespace es::config_test {

inline std::string LoadError(const std::string& yaml) {
  Result<AppConfig> r = LoadConfigString(yaml, "config.yaml");
  EXPECT_FALSE(r.ok()) << "loaded without error:\n" << yaml;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << r.status().message();
  return r.status().message();
}

inline AppConfig LoadOk(const std::string& yaml) {
  Result<AppConfig> r = LoadConfigString(yaml, "config.yaml");
  EXPECT_TRUE(r.ok()) << r.status().ToString() << "\n" << yaml;
  return r.ok() ? r.value() : AppConfig{};
}

}  // namespace es::config_test
