// Test helpers shared by the outbox tests (header only; not part of any library).
//
// TempDir: core/temp_dir_test_util.h.
// MustOpen: Outbox::Open that records a test failure and returns null when it fails.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/temp_dir_test_util.h"
#include "uplink/outbox.h"

namespace es::outbox_test {

using test_util::TempDir;


inline std::unique_ptr<Outbox> MustOpen(const std::string& path, OutboxOptions o = {}) {
  auto r = Outbox::Open(path, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

}  // namespace es::outbox_test
