#include "ops/rapl.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace es {
namespace {

std::optional<uint64_t> ReadU64(const std::string& path) {
  std::ifstream in(path);
  uint64_t v = 0;
  if (!(in >> v)) return std::nullopt;
  return v;
}

// "intel-rapl:0" yes; "intel-rapl:0:1" (a sub-domain) and "intel-rapl" no.
bool IsPackageDomain(const std::string& dir) {
  const std::string prefix = "intel-rapl:";
  if (dir.rfind(prefix, 0) != 0 || dir.size() == prefix.size()) return false;
  return std::all_of(dir.begin() + prefix.size(), dir.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<RaplDomain> RaplDomains(const std::string& root) {
  std::vector<RaplDomain> domains;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    const std::string dir = entry.path().filename().string();
    if (!IsPackageDomain(dir)) continue;
    RaplDomain d;
    std::ifstream name_file(entry.path() / "name");
    if (!std::getline(name_file, d.name) || d.name.empty()) d.name = dir;
    if (d.name == "psys") continue;
    d.energy_path = (entry.path() / "energy_uj").string();
    if (!ReadU64(d.energy_path)) continue;  // absent, or root-only on this kernel
    d.max_range_uj = ReadU64((entry.path() / "max_energy_range_uj").string()).value_or(0);
    domains.push_back(std::move(d));
  }
  std::sort(domains.begin(), domains.end(),
            [](const RaplDomain& a, const RaplDomain& b) { return a.energy_path < b.energy_path; });
  return domains;
}

std::optional<std::vector<uint64_t>> ReadRapl(const std::vector<RaplDomain>& domains) {
  std::vector<uint64_t> values;
  for (const RaplDomain& d : domains) {
    const auto v = ReadU64(d.energy_path);
    if (!v) return std::nullopt;
    values.push_back(*v);
  }
  return values;
}

uint64_t RaplDeltaUj(uint64_t before, uint64_t after, uint64_t max_range_uj) {
  if (after >= before) return after - before;
  if (max_range_uj == 0 || before > max_range_uj) return 0;
  return (max_range_uj - before) + after;  // wrapped once through max_range_uj -> 0
}

double RaplJoules(const std::vector<RaplDomain>& domains, const std::vector<uint64_t>& before,
                  const std::vector<uint64_t>& after) {
  double uj = 0;
  for (size_t i = 0; i < domains.size() && i < before.size() && i < after.size(); ++i) {
    uj += static_cast<double>(RaplDeltaUj(before[i], after[i], domains[i].max_range_uj));
  }
  return uj / 1e6;
}

}  // namespace es
