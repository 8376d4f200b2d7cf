// Package energy from Intel/AMD RAPL counters exposed by the Linux powercap framework
// (/sys/class/powercap/intel-rapl:N/{name,energy_uj,max_energy_range_uj}).
//
// Contract
// - RaplDomains(root) lists the top-level package domains under root ("intel-rapl:N", not the
//   "intel-rapl:N:M" sub-domains, which the package already contains; "psys", the whole
//   platform, is skipped so that nothing is counted twice) whose energy_uj can be read now.
//   Empty when there are none (most VMs, ARM boards, or energy_uj readable by root only): the
//   caller then estimates energy another way.
// - ReadRapl(domains) reads every counter (microjoules); nullopt if any read fails.
// - RaplJoules(domains, before, after) sums the per-domain deltas; a counter that went down
//   wrapped once at max_energy_range_uj (a domain without a range counts a decrease as 0).
//   Counters are whole-package: they include every process and the idle cores.
// Thread-safety: re-entrant; reads files only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace es {

struct RaplDomain {
  std::string name;         // "package-0", ... (the directory name if there is no name file)
  std::string energy_path;  // .../intel-rapl:N/energy_uj
  uint64_t max_range_uj = 0;
};

std::vector<RaplDomain> RaplDomains(const std::string& root = "/sys/class/powercap");
std::optional<std::vector<uint64_t>> ReadRapl(const std::vector<RaplDomain>& domains);
// Microjoules between two counter values of one domain, wraparound handled.
uint64_t RaplDeltaUj(uint64_t before, uint64_t after, uint64_t max_range_uj);
double RaplJoules(const std::vector<RaplDomain>& domains, const std::vector<uint64_t>& before,
                  const std::vector<uint64_t>& after);

}  // namespace es
