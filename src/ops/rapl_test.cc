#include "ops/rapl.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/temp_dir_test_util.h"

namespace es {
namespace {

void Domain(const std::string& root, const std::string& dir, const std::string& name,
            const std::string& energy, const std::string& range) {
  std::filesystem::create_directories(root + "/" + dir);
  if (!name.empty()) std::ofstream(root + "/" + dir + "/name") << name << "\n";
  if (!energy.empty()) std::ofstream(root + "/" + dir + "/energy_uj") << energy << "\n";
  if (!range.empty()) std::ofstream(root + "/" + dir + "/max_energy_range_uj") << range << "\n";
}

TEST(Rapl, ListsReadablePackageDomainsOnly) {
  test_util::TempDir root;
  Domain(root.path(), "intel-rapl:0", "package-0", "1000", "262143328850");
  Domain(root.path(), "intel-rapl:0:0", "core", "500", "262143328850");  // inside package-0
  Domain(root.path(), "intel-rapl:1", "package-1", "2000", "262143328850");
  Domain(root.path(), "intel-rapl:2", "psys", "9000", "262143328850");  // whole platform
  Domain(root.path(), "intel-rapl:3", "package-3", "", "");             // no counter
  std::filesystem::create_directories(root / "intel-rapl");             // the control type
  const auto domains = RaplDomains(root.path());
  ASSERT_EQ(domains.size(), 2u);
  EXPECT_EQ(domains[0].name, "package-0");
  EXPECT_EQ(domains[1].name, "package-1");
  EXPECT_EQ(domains[0].max_range_uj, 262143328850u);
  const auto values = ReadRapl(domains);
  ASSERT_TRUE(values.has_value());
  EXPECT_EQ(*values, (std::vector<uint64_t>{1000, 2000}));
}

TEST(Rapl, NoPowercapMeansNoDomains) {
  EXPECT_TRUE(RaplDomains("/nonexistent/powercap").empty());
  test_util::TempDir root;
  EXPECT_TRUE(RaplDomains(root.path()).empty());
}

TEST(Rapl, JoulesBetweenReadingsHandleWraparound) {
  test_util::TempDir root;
  Domain(root.path(), "intel-rapl:0", "package-0", "999000000", "1000000000");  // 1000 J range
  Domain(root.path(), "intel-rapl:1", "package-1", "5000000", "1000000000");
  const auto domains = RaplDomains(root.path());
  ASSERT_EQ(domains.size(), 2u);
  const auto before = ReadRapl(domains);
  ASSERT_TRUE(before.has_value());
  // package-0 wraps: 999 J -> 1000 J (= 0) -> 2 J is 3 J; package-1 goes 5 J -> 7.5 J.
  Domain(root.path(), "intel-rapl:0", "package-0", "2000000", "1000000000");
  Domain(root.path(), "intel-rapl:1", "package-1", "7500000", "1000000000");
  const auto after = ReadRapl(domains);
  ASSERT_TRUE(after.has_value());
  EXPECT_DOUBLE_EQ(RaplJoules(domains, *before, *after), 5.5);
}

TEST(Rapl, DeltaRules) {
  EXPECT_EQ(RaplDeltaUj(10, 25, 100), 15u);
  EXPECT_EQ(RaplDeltaUj(90, 5, 100), 15u);  // 90 -> 100 (= 0) -> 5
  EXPECT_EQ(RaplDeltaUj(90, 5, 0), 0u);     // no range known: a decrease counts as nothing
}

TEST(Rapl, UnreadableCounterIsNullopt) {
  test_util::TempDir root;
  Domain(root.path(), "intel-rapl:0", "package-0", "1000", "5000");
  const auto domains = RaplDomains(root.path());
  ASSERT_EQ(domains.size(), 1u);
  std::filesystem::remove(domains[0].energy_path);
  EXPECT_FALSE(ReadRapl(domains).has_value());
}

}  // namespace
}  // namespace es
