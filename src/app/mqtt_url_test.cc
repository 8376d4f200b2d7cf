#include "app/mqtt_url.h"

#include <gtest/gtest.h>

namespace es {
namespace {

TEST(MqttUrlTest, PlainTlsCredentialsAndDefaults) {
  MosquittoOptions o;
  ASSERT_TRUE(ParseMqttUrl("mqtt://127.0.0.1:1999", &o).ok());
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 1999);
  EXPECT_TRUE(o.tls_capath.empty());

  MosquittoOptions t;
  ASSERT_TRUE(ParseMqttUrl("mqtts://cam%40site:p%3Ass@broker.example", &t).ok());
  EXPECT_EQ(t.host, "broker.example");
  EXPECT_EQ(t.port, 8883);
  EXPECT_EQ(t.username, "cam@site");
  EXPECT_EQ(t.password, "p:ss");
  EXPECT_EQ(t.tls_capath, "/etc/ssl/certs");

  MosquittoOptions ca;
  ca.tls_cafile = "/etc/edgesight/ca.pem";  // an explicit CA wins over the system store
  ASSERT_TRUE(ParseMqttUrl("mqtts://[::1]:9000", &ca).ok());
  EXPECT_EQ(ca.host, "::1");
  EXPECT_EQ(ca.port, 9000);
  EXPECT_TRUE(ca.tls_capath.empty());

  MosquittoOptions bare;
  ASSERT_TRUE(ParseMqttUrl("localhost", &bare).ok());
  EXPECT_EQ(bare.host, "localhost");
  EXPECT_EQ(bare.port, 1883);
}

TEST(MqttUrlTest, BadUrlsAreOneLineErrorsWithoutThePassword) {
  const char* bad[] = {"http://x",          "mqtt://",          "mqtt://host:0",
                       "mqtt://host:70000", "mqtt://host:12a",  "mqtt://host/topic",
                       "mqtt://[::1",       "mqtt://u:p%zz@h",  "mqtt://:secret@h"};
  for (const char* url : bad) {
    MosquittoOptions o;
    Status s = ParseMqttUrl(url, &o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << url;
    EXPECT_EQ(s.message().find('\n'), std::string::npos);
    EXPECT_EQ(s.message().find("secret"), std::string::npos) << s.message();
    EXPECT_EQ(o.host, "127.0.0.1") << url;  // unchanged on error
  }
  EXPECT_EQ(RedactMqttUrl("mqtt://u:secret@h:1"), "mqtt://u:***@h:1");
  EXPECT_EQ(RedactMqttUrl("mqtt://h:1"), "mqtt://h:1");
}

}  // namespace
}  // namespace es
