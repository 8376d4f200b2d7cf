#include "ops/thermal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/temp_dir_test_util.h"

namespace es {
namespace {

void Zone(const std::string& root, int n, const std::string& type, const std::string& temp) {
  const std::string dir = root + "/thermal_zone" + std::to_string(n);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/type") << type << "\n";
  std::ofstream(dir + "/temp") << temp << "\n";
}

TEST(Thermal, ZonesAreReadInDegreesAndExposedPerZone) {
  test_util::TempDir root;
  Zone(root.path(), 0, "x86_pkg_temp", "54000");
  Zone(root.path(), 1, "acpitz", "27800");
  Zone(root.path(), 2, "acpitz", "garbage");
  std::filesystem::create_directories(root / "cooling_device0");  // not a zone
  const auto zones = ThermalZones(root.path());
  ASSERT_EQ(zones.size(), 3u);
  EXPECT_EQ(zones[0].type, "x86_pkg_temp");
  EXPECT_DOUBLE_EQ(*ReadCelsius(zones[0].temp_path), 54.0);
  EXPECT_DOUBLE_EQ(*ReadCelsius(zones[1].temp_path), 27.8);
  EXPECT_FALSE(ReadCelsius(zones[2].temp_path).has_value());

  MetricsRegistry m;
  RegisterThermalMetrics(&m, root.path());
  EXPECT_DOUBLE_EQ(m.GaugeValue("edgesight_cpu_temperature_celsius", {{"zone", "x86_pkg_temp"}}),
                   54.0);
  EXPECT_DOUBLE_EQ(m.GaugeValue("edgesight_cpu_temperature_celsius", {{"zone", "acpitz"}}), 27.8);
  EXPECT_TRUE(std::isnan(m.GaugeValue("edgesight_cpu_temperature_celsius", {{"zone", "acpitz_2"}})));
  Zone(root.path(), 0, "x86_pkg_temp", "61500");  // read live
  EXPECT_DOUBLE_EQ(m.GaugeValue("edgesight_cpu_temperature_celsius", {{"zone", "x86_pkg_temp"}}),
                   61.5);
  // A machine without thermal zones gets no series.
  MetricsRegistry none;
  RegisterThermalMetrics(&none, root.path() + "/missing");
  EXPECT_EQ(none.PrometheusText().find("temperature"), std::string::npos);
}

}  // namespace
}  // namespace es
