// libFuzzer target: the MOTChallenge text reader and the evaluation's preprocessing (the input
// is used as both ground truth and result). A bad row must be one error line; sizes are bounded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "track/mot_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = es::ParseMotText(text, "fuzz.txt");
  if (!file.ok()) {
    if (file.status().message().find('\n') != std::string::npos) std::abort();
    return 0;
  }
  for (auto format : {es::GtFormat::kAuto, es::GtFormat::kMot15, es::GtFormat::kMot16}) {
    es::MotEvalOptions o;
    o.gt_format = format;
    (void)es::PrepareMotSequence(*file, *file, o, "fuzz");
  }
  return 0;
}
