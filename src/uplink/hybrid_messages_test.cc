// Escalation and verdict messages: round trips and every malformed-input path.
#include <gtest/gtest.h>

#include "uplink/crop_payload.h"
#include "uplink/escalation_message.h"
#include "uplink/verdict_message.h"

namespace es {
namespace {

Escalation Sample() {
  Escalation e;
  e.id = "dev1/cam0/esc/3";
  e.device = "dev1";
  e.stream = "cam0";
  e.event_id = "dev1/cam0/17";
  e.track_id = 7;
  e.class_id = 18;
  e.score = 0.41f;
  e.box = {10, 20, 30, 60};
  e.crop_box = {0, 5, 60, 90};
  e.frame = 120;
  e.pts_us = 4000000;
  e.reason = "uncertain";
  e.model = "nanodet-m-416";
  e.created_unix_ms = 1700000000000;
  e.deadline_unix_ms = 1700000005000;
  e.attempt = 2;
  e.jpeg = std::string("\xFF\xD8jpegbytes\xFF\xD9", 13);
  return e;
}

TEST(EscalationMessage, RoundTrips) {
  Escalation e = Sample();
  auto d = DecodeEscalation(EncodeEscalation(e, 60, 90));
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->id, e.id);
  EXPECT_EQ(d->device, "dev1");
  EXPECT_EQ(d->stream, "cam0");
  EXPECT_EQ(d->event_id, e.event_id);
  EXPECT_EQ(d->track_id, 7);
  EXPECT_EQ(d->class_id, 18);
  EXPECT_FLOAT_EQ(d->score, 0.41f);
  EXPECT_FLOAT_EQ(d->box.h, 60);
  EXPECT_FLOAT_EQ(d->crop_box.y, 5);
  EXPECT_EQ(d->frame, 120);
  EXPECT_EQ(d->reason, "uncertain");
  EXPECT_EQ(d->deadline_unix_ms, e.deadline_unix_ms);
  EXPECT_EQ(d->attempt, 2);
  EXPECT_EQ(d->jpeg, e.jpeg);
  EXPECT_EQ(EscalationTopic("dev1", "cam0"), "edgesight/v1/dev1/cam0/escalations");
}

TEST(EscalationMessage, RejectsMalformed) {
  EXPECT_EQ(DecodeEscalation("not a crop").status().code(), StatusCode::kDataLoss);
  nlohmann::json h = Sample().Header();
  h.erase("id");
  auto r = DecodeEscalation(EncodeCropPayload(h, Sample().jpeg));
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("'id'"), std::string::npos);
  h = Sample().Header();
  h["box"] = {1, 2, 3};
  r = DecodeEscalation(EncodeCropPayload(h, Sample().jpeg));
  EXPECT_NE(r.status().message().find("'box'"), std::string::npos);
  h = Sample().Header();
  h["score"] = "high";
  EXPECT_FALSE(DecodeEscalation(EncodeCropPayload(h, Sample().jpeg)).ok());
  h = Sample().Header();
  h["v"] = 2;
  EXPECT_FALSE(DecodeEscalation(EncodeCropPayload(h, Sample().jpeg)).ok());
  h = Sample().Header();
  h["class_id"] = -1;
  EXPECT_FALSE(DecodeEscalation(EncodeCropPayload(h, Sample().jpeg)).ok());
}

TEST(VerdictMessage, RoundTrips) {
  Verdict v;
  v.escalation_id = "dev1/cam0/esc/3";
  v.event_id = "dev1/cam0/17";
  v.device = "dev1";
  v.stream = "cam0";
  v.track_id = 7;
  v.class_id = 18;
  v.verdict = VerdictKind::kRejected;
  v.score = 0.05f;
  v.checks.push_back({"detector", "nanodet-m-416", false, 0.05f, "best: person 0.81"});
  v.worker = "w2";
  v.verify_ms = 41.5;
  auto d = DecodeVerdict(v.ToJson().dump());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->id(), "dev1/cam0/esc/3/verdict");
  EXPECT_EQ(d->verdict, VerdictKind::kRejected);
  EXPECT_EQ(d->class_id, 18);
  ASSERT_EQ(d->checks.size(), 1u);
  EXPECT_EQ(d->checks[0].check, "detector");
  EXPECT_FALSE(d->checks[0].agreed);
  EXPECT_EQ(d->worker, "w2");
  EXPECT_DOUBLE_EQ(d->verify_ms, 41.5);
  EXPECT_EQ(VerdictTopic("dev1"), "edgesight/v1/dev1/verdicts");
}

TEST(VerdictMessage, RejectsMalformed) {
  EXPECT_FALSE(DecodeVerdict("{").ok());
  EXPECT_FALSE(DecodeVerdict("[]").ok());
  EXPECT_FALSE(DecodeVerdict(R"({"v":1,"device":"d","verdict":"confirmed"})").ok());
  auto r = DecodeVerdict(R"({"v":1,"escalation_id":"e","device":"d","verdict":"maybe"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("maybe"), std::string::npos);
  EXPECT_FALSE(
      DecodeVerdict(R"({"v":1,"escalation_id":"e","device":"d","verdict":"confirmed","checks":{}})")
          .ok());
  EXPECT_FALSE(
      DecodeVerdict(
          R"({"v":1,"escalation_id":"e","device":"d","verdict":"confirmed","checks":[{}]})")
          .ok());
  EXPECT_TRUE(
      DecodeVerdict(R"({"v":1,"escalation_id":"e","device":"d","verdict":"uncertain"})").ok());
}

}  // namespace
}  // namespace es
