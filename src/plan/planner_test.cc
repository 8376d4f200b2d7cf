#include "plan/planner.h"

#include <gtest/gtest.h>

namespace es {
namespace {

// A site whose numbers are easy to follow by hand (docs/tradeoffs.md, "The planner"):
// 10 cameras x 2 detector runs/s = 20 runs/s; one event per camera per second of
// 1000 + 1024 bytes; 1 Mbps of video per camera (1000 x 1000 x 10 fps x 0.1 bit).
PlanSite HandSite() {
  PlanSite s;
  s.cameras = {10, 1000, 1000, 10, 2, 24, 3600, 0, 0.1};
  s.link = {100, 50, 0, 0, 1.0, 0};
  s.power.usd_per_kwh = 0.25;
  s.edge = {600, 5, 10, 0.5, 2, 0, 0.1};
  s.cloud = {10, 1.0, 100, 0.5, 0, 10, 1000};
  s.event = {1000, 1};
  s.hybrid.escalation_fraction = 0.5;
  s.labour = {100, 1.2};
  s.constraints = {100, 0.9};
  return s;
}

OperatingPoint Point(const char* name, double p50, double p99, double fps, double joules,
                     double f1) {
  OperatingPoint p;
  p.name = name;
  p.p50_ms = p50;
  p.p99_ms = p99;
  p.throughput_fps = fps;
  p.energy_j = joules;
  p.agreement_f1 = f1;
  return p;
}

Profile HandProfile() {
  Profile p;
  p.origin = "hand";
  p.points = {Point("A", 40, 60, 10, 1.0, 1.0), Point("B", 20, 30, 20, 0.5, 0.95),
              Point("C", 10, 15, 40, 0.25, 0.8), Point("D", 50, 120, 5, 2.0, 0.99)};
  return p;
}

const ArchitecturePlan& Arch(const PlanResult& r, const std::string& name) {
  for (const ArchitecturePlan& a : r.architectures) {
    if (a.name == name) return a;
  }
  ADD_FAILURE() << "no architecture " << name;
  return r.architectures.front();
}

constexpr double kSecondsPerMonth = 3600 * 24 * 365.25 / 12;  // 2,629,800

TEST(PlannerTest, LoadAndOperatingPointsByHand) {
  const Profile profile = HandProfile();
  const PlanResult r = Plan(HandSite(), profile);
  EXPECT_DOUBLE_EQ(r.decisions_per_month, 20 * kSecondsPerMonth);  // 52,596,000
  EXPECT_DOUBLE_EQ(r.stream_kbps, 1000);
  ASSERT_EQ(r.points.size(), 4u);
  // Units = ceil(20 / (throughput x 0.5)).
  EXPECT_EQ(r.points[0].units, 4);
  EXPECT_EQ(r.points[1].units, 2);
  EXPECT_EQ(r.points[2].units, 1);
  EXPECT_EQ(r.points[3].units, 8);
  // B: power (2 x 10 W x 730.5 h + 52,596,000 x 0.5 J) = 14.61 + 7.305 kWh -> 5.47875 USD;
  // uplink 2024 B/s x 2,629,800 s x 10 cameras = 53.227152 GB -> 53.227152 USD;
  // maintenance 2 x 1.2 x 100 / 12 = 20; capex (2 x 600 + 100) / 60 months = 21.6667.
  EXPECT_NEAR(r.points[1].monthly_usd, 5.47875 + 53.227152 + 20 + 1300.0 / 60, 1e-6);
  EXPECT_NEAR(r.points[0].monthly_usd, 10.9575 + 53.227152 + 40 + 2500.0 / 60, 1e-6);
  EXPECT_NEAR(r.points[2].monthly_usd, 2.739375 + 53.227152 + 10 + 700.0 / 60, 1e-6);
  // D (p99 120, F1 0.99) is dominated by A (60, 1.0, cheaper); A, B, C are on the frontier.
  EXPECT_TRUE(r.points[0].pareto);
  EXPECT_TRUE(r.points[1].pareto);
  EXPECT_TRUE(r.points[2].pareto);
  EXPECT_FALSE(r.points[3].pareto);
  // C fails the agreement floor, D the latency budget; B is the cheapest that passes.
  EXPECT_TRUE(r.points[0].meets_constraints);
  EXPECT_TRUE(r.points[1].meets_constraints);
  EXPECT_FALSE(r.points[2].meets_constraints);
  EXPECT_FALSE(r.points[3].meets_constraints);
  ASSERT_NE(r.chosen, nullptr);
  EXPECT_EQ(r.chosen->name, "B");
  EXPECT_TRUE(r.constraints_met);
}

TEST(PlannerTest, EdgeByHand) {
  const Profile profile = HandProfile();
  const PlanResult r = Plan(HandSite(), profile);
  const ArchitecturePlan& e = Arch(r, "edge");
  EXPECT_TRUE(e.feasible);
  ASSERT_EQ(e.latency.size(), 1u);
  EXPECT_DOUBLE_EQ(e.latency[0].p50_ms, 22);  // B's p50 + 2 ms overhead
  EXPECT_DOUBLE_EQ(e.latency[0].p99_ms, 32);
  EXPECT_EQ(e.edge_units, 2);
  EXPECT_DOUBLE_EQ(e.capex_usd, 1300);
  EXPECT_NEAR(e.uplink_kbps_per_camera, 16.192, 1e-9);
  EXPECT_NEAR(e.gb_per_camera_month, 5.3227152, 1e-9);
  EXPECT_NEAR(e.link_utilisation, 161.92 / 100000, 1e-12);
  const double opex = 5.47875 + 53.227152 + 20;
  EXPECT_NEAR(e.monthly_total_usd, opex, 1e-6);
  EXPECT_NEAR(e.usd_per_1000_decisions, (opex + 1300.0 / 60) / 52596, 1e-9);
  ASSERT_EQ(e.cumulative_usd.size(), 61u);
  EXPECT_NEAR(e.cumulative_usd[0], 1300, 1e-9);
  EXPECT_NEAR(e.cumulative_usd[36], 1300 + 36 * opex, 1e-6);
  EXPECT_NEAR(e.cumulative_usd[60], 1300 + 60 * opex, 1e-6);
  ASSERT_TRUE(e.break_even_month.has_value());
  EXPECT_EQ(*e.break_even_month, 1);  // 1378.7 <= 4018.3 at month 1
  EXPECT_DOUBLE_EQ(e.decisions_lost_fraction, 0);
}

TEST(PlannerTest, CloudByHand) {
  const Profile profile = HandProfile();
  const PlanResult r = Plan(HandSite(), profile);
  const ArchitecturePlan& c = Arch(r, "cloud");
  EXPECT_TRUE(c.feasible);
  EXPECT_EQ(c.gpus, 1);  // ceil(20 / (100 x 0.5))
  EXPECT_EQ(c.edge_units, 0);
  EXPECT_DOUBLE_EQ(c.capex_usd, 0);
  EXPECT_NEAR(c.monthly_usd.at("cloud GPUs"), 730.5, 1e-9);
  // 125,000 B/s x 2,629,800 s x 10 cameras = 3,287.25 GB at 1 USD.
  EXPECT_NEAR(c.monthly_usd.at("uplink data"), 3287.25, 1e-6);
  // 52,596,000 answers x 1000 B = 0.052596 TB at 10 USD.
  EXPECT_NEAR(c.monthly_usd.at("egress"), 0.52596, 1e-9);
  EXPECT_NEAR(c.monthly_total_usd, 4018.27596, 1e-6);
  EXPECT_NEAR(c.cumulative_usd[60], 60 * 4018.27596, 1e-4);
  EXPECT_NEAR(c.link_utilisation, 0.1, 1e-12);
  // One 12,500-byte frame at 100 Mbps: 1 ms / (1 - 0.1) + 50 ms RTT + 10 ms; no jitter or loss.
  EXPECT_NEAR(c.latency[0].p50_ms, 1.0 / 0.9 + 60, 1e-4);
  EXPECT_NEAR(c.latency[0].p99_ms, 1.0 / 0.9 + 60, 1e-4);
  EXPECT_FALSE(c.break_even_month.has_value());
}

TEST(PlannerTest, HybridAndFallbackByHand) {
  const Profile profile = HandProfile();
  const PlanResult r = Plan(HandSite(), profile);
  const double edge_opex = 5.47875 + 53.227152 + 20;
  const ArchitecturePlan& h = Arch(r, "hybrid");
  // Half of 3600 events/h escalated as 1024-byte crops: 512 B/s = 4.096 kbps per camera.
  EXPECT_NEAR(h.uplink_kbps_per_camera, 16.192 + 4.096, 1e-9);
  // 13,149,000 escalations at 1 USD / (100 x 3600 x 0.5) each = 73.05 USD.
  EXPECT_NEAR(h.monthly_usd.at("cloud inference"), 73.05, 1e-6);
  EXPECT_NEAR(h.monthly_usd.at("egress"), 0.13149, 1e-9);
  EXPECT_NEAR(h.monthly_total_usd, edge_opex + 13.464576 + 73.05 + 0.13149, 1e-6);
  ASSERT_EQ(h.latency.size(), 2u);
  EXPECT_DOUBLE_EQ(h.latency[0].p50_ms, 22);
  // Verified: edge + 1024 B at 100 Mbps / (1 - 0.0016192) + 50 + 10.
  const double crop = 0.08192 / (1 - 0.0016192) + 60;
  EXPECT_EQ(h.latency[1].what, "verified");
  EXPECT_NEAR(h.latency[1].p50_ms, 22 + crop, 1e-4);
  EXPECT_NEAR(h.latency[1].p99_ms, 32 + crop, 1e-4);

  const ArchitecturePlan& f = Arch(r, "cloud-fallback");
  EXPECT_TRUE(f.feasible);
  // 10% of the time the cameras stream 1000 kbps.
  EXPECT_NEAR(f.uplink_kbps_per_camera, 16.192 + 100, 1e-9);
  EXPECT_NEAR(f.monthly_usd.at("uplink data"), 53.227152 + 328.725, 1e-6);
  EXPECT_NEAR(f.monthly_usd.at("cloud inference"), 29.22, 1e-6);
  EXPECT_NEAR(f.monthly_total_usd, edge_opex + 328.725 + 29.22 + 0.052596, 1e-6);
  // One unit's 5 cameras stream 5 Mbps of the 100.
  EXPECT_EQ(f.latency[1].what, "during fallback");
  EXPECT_NEAR(f.latency[1].p50_ms, 1.0 / 0.95 + 60, 1e-4);
}

TEST(PlannerTest, OutagesReplacementAndInfeasibility) {
  PlanSite s = HandSite();
  s.link.outage_hours_per_month = 7.305;  // 1 % of the month
  s.link.uplink_mbps = 5;                 // less than the 10 Mbps of video
  s.edge.life_years = 1;
  const Profile profile = HandProfile();
  const PlanResult r = Plan(s, profile);
  const ArchitecturePlan& c = Arch(r, "cloud");
  EXPECT_FALSE(c.feasible);
  EXPECT_NE(c.infeasible_why.find("uplink has 5"), std::string::npos) << c.infeasible_why;
  EXPECT_NEAR(c.decisions_lost_fraction, 0.01, 1e-12);
  const ArchitecturePlan& f = Arch(r, "cloud-fallback");
  EXPECT_FALSE(f.feasible);  // one unit's 5 cameras need 5 Mbps: the whole uplink
  EXPECT_NEAR(f.decisions_lost_fraction, 0.001, 1e-12);
  const ArchitecturePlan& e = Arch(r, "edge");
  EXPECT_TRUE(e.feasible);
  EXPECT_DOUBLE_EQ(e.decisions_lost_fraction, 0);
  // Life of 12 months: bought again at month 13, and at 25, 37, 49.
  EXPECT_NEAR(e.cumulative_usd[12], 1300 + 12 * e.monthly_total_usd, 1e-6);
  EXPECT_NEAR(e.cumulative_usd[13], 2 * 1300 + 13 * e.monthly_total_usd, 1e-6);
  EXPECT_NEAR(e.cumulative_usd[60], 5 * 1300 + 60 * e.monthly_total_usd, 1e-6);
}

TEST(PlannerTest, NoPointMeetsTheConstraints) {
  PlanSite s = HandSite();
  s.constraints.latency_p99_ms = 10;  // even C's 15 + 2 ms is over
  const Profile profile = HandProfile();
  const PlanResult r = Plan(s, profile);
  EXPECT_FALSE(r.constraints_met);
  EXPECT_EQ(r.chosen->name, "A");  // the highest agreement
  EXPECT_NE(r.chosen_why.find("no operating point"), std::string::npos);
  EXPECT_FALSE(Arch(r, "edge").meets_latency_budget);
}

TEST(PlannerTest, PerInferencePriceReplacesGpuHours) {
  PlanSite s = HandSite();
  s.cloud.usd_per_1000_inferences = 0.02;
  const Profile profile = HandProfile();
  const PlanResult r = Plan(s, profile);
  const ArchitecturePlan& c = Arch(r, "cloud");
  EXPECT_EQ(c.gpus, 0);
  EXPECT_EQ(c.monthly_usd.count("cloud GPUs"), 0u);
  EXPECT_NEAR(c.monthly_usd.at("cloud inference"), 52596 * 0.02, 1e-6);
  EXPECT_NEAR(Arch(r, "hybrid").monthly_usd.at("cloud inference"), 13149 * 0.02, 1e-6);
}

TEST(PlannerTest, NeverBreaksEvenWhenTheEdgeCostsMore) {
  PlanSite s = HandSite();
  s.edge.unit_usd = 1e6;
  s.link.usd_per_gb = 0;  // video is free to send: cloud is cheap
  const Profile profile = HandProfile();
  const PlanResult r = Plan(s, profile);
  EXPECT_FALSE(Arch(r, "edge").break_even_month.has_value());
}

}  // namespace
}  // namespace es
