#include "ops/thermal.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

namespace es {

std::vector<ThermalZone> ThermalZones(const std::string& root) {
  std::vector<ThermalZone> zones;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("thermal_zone", 0) != 0) continue;
    std::ifstream type_file(entry.path() / "type");
    std::string type;
    if (!std::getline(type_file, type) || type.empty()) type = name;
    zones.push_back({type, (entry.path() / "temp").string()});
  }
  std::sort(zones.begin(), zones.end(),
            [](const ThermalZone& a, const ThermalZone& b) { return a.temp_path < b.temp_path; });
  return zones;
}

std::optional<double> ReadCelsius(const std::string& temp_path) {
  std::ifstream in(temp_path);
  long long milli = 0;
  if (!(in >> milli)) return std::nullopt;
  return static_cast<double>(milli) / 1000.0;
}

void RegisterThermalMetrics(MetricsRegistry* metrics, const std::string& root) {
  std::set<std::string> seen;
  for (const ThermalZone& z : ThermalZones(root)) {
    std::string label = z.type;
    for (int n = 2; !seen.insert(label).second; ++n) label = z.type + "_" + std::to_string(n);
    const std::string path = z.temp_path;
    metrics->AddCallbackGauge("edgesight_cpu_temperature_celsius",
                              "temperature of a thermal zone of the machine", {{"zone", label}},
                              [path] {
                                return ReadCelsius(path).value_or(
                                    std::numeric_limits<double>::quiet_NaN());
                              });
  }
}

}  // namespace es
