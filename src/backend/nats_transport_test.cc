// NATS transport: MQTT filters and topics mapped to subjects and back; bad options refused.
// (The transport against a real 3-node cluster: tests/backend_cluster_test.cc, BackendNats.)
#include "backend/nats_transport.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(NatsTransport, MapsFiltersAndTopics) {
  EXPECT_EQ(NatsSubjectForFilter("$share/verifiers/edgesight/v1/+/+/escalations"),
            "edgesight.v1.*.*.escalations");
  EXPECT_EQ(NatsSubjectForFilter("edgesight/v1/+/status"), "edgesight.v1.*.status");
  EXPECT_EQ(NatsSubjectForFilter("edgesight/#"), "edgesight.>");
  EXPECT_EQ(NatsSubjectForFilter("$share/nogroup"), "");
  EXPECT_EQ(NatsSubjectForFilter("edge.sight/v1"), "");  // '.' is NATS's separator
  EXPECT_EQ(MqttTopicForSubject("edgesight.v1.d1.cam0.events"), "edgesight/v1/d1/cam0/events");
  EXPECT_EQ(NatsSubjectForTopic("edgesight/v1/d1/verdicts"), "edgesight.v1.d1.verdicts");
}

TEST(NatsTransport, BadOptionsAreInvalidArgument) {
  NatsOptions o;
  EXPECT_EQ(MakeNatsTransport(o).status().code(), StatusCode::kInvalidArgument);
  o.url = "nats://127.0.0.1:4222";
  EXPECT_EQ(MakeNatsTransport(o).status().code(), StatusCode::kInvalidArgument);  // no subjects
  o.subscriptions.push_back({"bad.filter/x", 1});
  auto r = MakeNatsTransport(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.filter/x"), std::string::npos);
  o.subscriptions = {{"$share/g/edgesight/v1/+/+/events", 1}};
  EXPECT_TRUE(MakeNatsTransport(o).ok());
}

}  // namespace
}  // namespace es
