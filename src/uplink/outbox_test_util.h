// Test helpers shared by the outbox tests (header only; not part of any library).
//
// TempDir: a fresh mkdtemp directory under /tmp, removed with everything in it on destruction.
// MustOpen: Outbox::Open that records a test failure and returns null when it fails.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "uplink/outbox.h"

namespace es::outbox_test {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/es_outbox_XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::unique_ptr<Outbox> MustOpen(const std::string& path, OutboxOptions o = {}) {
  auto r = Outbox::Open(path, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

}  // namespace es::outbox_test
