#include "ops/readiness.h"

#include <gtest/gtest.h>

namespace es {
namespace {

ReadinessInput Healthy() {
  ReadinessInput in;
  in.cameras = {{"gate", true, 0.1, 5}, {"yard", true, 0.05, 2}};
  in.detector_wait_s = 0.02;
  in.has_outbox = true;
  return in;
}

TEST(Readiness, ReadyWhenEveryCheckPasses) {
  const Readiness r = CheckReadiness(Healthy());
  EXPECT_TRUE(r.ready);
  EXPECT_EQ(r.body["ready"], true);
  EXPECT_TRUE(r.body["failed"].empty());
  EXPECT_EQ(r.body["checks"]["camera gate"]["ok"], true);
  EXPECT_EQ(r.body["checks"]["outbox"]["detail"], "last write succeeded");
}

TEST(Readiness, EachFailureIsNamed) {
  ReadinessInput in = Healthy();
  in.cameras[1].last_frame_age_s = 7.2;
  Readiness r = CheckReadiness(in);
  EXPECT_FALSE(r.ready);
  ASSERT_EQ(r.body["failed"].size(), 1u);
  EXPECT_EQ(r.body["failed"][0], "camera yard: last frame 7.2 s ago (limit 2 s)");

  in = Healthy();
  in.cameras[0].up = false;
  in.cameras[1].last_frame_age_s.reset();
  in.cameras.push_back({"door", false, std::nullopt, 5});
  in.detector_wait_s = 12;
  in.outbox_error = "disk I/O error";
  r = CheckReadiness(in);
  EXPECT_FALSE(r.ready);
  ASSERT_EQ(r.body["failed"].size(), 5u) << r.body.dump();
  EXPECT_EQ(r.body["failed"][0], "camera gate: capture ended (the source ended or failed)");
  EXPECT_EQ(r.body["failed"][1], "camera yard: no frame yet");
  EXPECT_EQ(r.body["failed"][2], "camera door: source not open (starting, or it failed)");
  EXPECT_EQ(r.body["failed"][3], "detector: oldest request waiting 12 s (limit 10 s)");
  EXPECT_EQ(r.body["failed"][4], "outbox: last write failed: disk I/O error");
}

TEST(Readiness, NoOutboxNoOutboxCheck) {
  ReadinessInput in = Healthy();
  in.has_outbox = false;
  const Readiness r = CheckReadiness(in);
  EXPECT_TRUE(r.ready);
  EXPECT_FALSE(r.body["checks"].contains("outbox"));
}

}  // namespace
}  // namespace es
