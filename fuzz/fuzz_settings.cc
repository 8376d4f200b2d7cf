// libFuzzer target: a live settings PATCH body (config/live_patch.h), which arrives over the
// network. Any JSON must give a new config or one error line, never a crash; what is accepted
// must stay within the live keys.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "config/live_patch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto patch = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (patch.is_discarded()) return 0;
  const es::AppConfig current;
  auto next = es::ApplyLivePatch(current, patch);
  if (!next.ok()) {
    if (next.status().message().find('\n') != std::string::npos) std::abort();
    return 0;
  }
  // Only live settings may change: everything else stays as it was.
  es::AppConfig expect = current;
  expect.gate = next->gate;
  expect.pipeline.detect_interval = next->pipeline.detect_interval;
  expect.pipeline.detect_period_s = next->pipeline.detect_period_s;
  expect.pipeline.max_period_s = next->pipeline.max_period_s;
  expect.pipeline.priority = next->pipeline.priority;
  if (es::LiveSettingsJson(expect) != es::LiveSettingsJson(*next)) std::abort();
  return 0;
}
