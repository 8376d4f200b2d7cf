// libFuzzer target: the site config loader (YAML -> every camera's AppConfig through the schema,
// the record lists and the cross-field and cross-camera checks). Any input must give a config or
// a one-line error; never a crash, a hang or a sanitizer report. scripts/fuzz.sh builds and runs.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config/site_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto site = es::LoadSiteConfigString(text, "fuzz.yaml");
  if (!site.ok() && site.status().message().find('\n') != std::string::npos) std::abort();
  return 0;
}
