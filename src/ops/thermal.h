// CPU temperature from Linux thermal zones (/sys/class/thermal/thermal_zone*/{type,temp}).
//
// Contract: ThermalZones(root) lists the zones present under root (type, path of its temp
// file); ReadCelsius(path) reads one (millidegrees -> degrees), nullopt when unreadable.
// RegisterThermalMetrics adds edgesight_cpu_temperature_celsius{zone=<type>} for each zone
// present at registration (machines without thermal zones, like most VMs, get none).
// Thread-safety: re-entrant; the gauges read the file on the reader's thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/metrics_registry.h"

namespace es {

struct ThermalZone {
  std::string type;       // "x86_pkg_temp", "cpu-thermal", "soc_thermal", ...
  std::string temp_path;  // .../thermal_zoneN/temp
};

std::vector<ThermalZone> ThermalZones(const std::string& root = "/sys/class/thermal");
std::optional<double> ReadCelsius(const std::string& temp_path);
void RegisterThermalMetrics(MetricsRegistry* metrics,
                            const std::string& root = "/sys/class/thermal");

}  // namespace es
