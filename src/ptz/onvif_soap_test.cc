#include "ptz/onvif_soap.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ptz/onvif_ptz_messages.h"

namespace es::onvif {
namespace {

Result<SoapMessage> Roundtrip(const std::string& body) {
  return SoapMessage::Parse(BuildEnvelope("", body));
}

TEST(OnvifSoap, EnvelopeIsSoap12WithPtzPayload) {
  Result<SoapMessage> m = Roundtrip(BuildGetStatus({"Profile_1"}));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->is_soap12());
  EXPECT_FALSE(m->header());
  EXPECT_EQ(LocalName(m->payload().name()), "GetStatus");
  EXPECT_EQ(NamespaceUri(m->payload()), kPtzNs);
  EXPECT_EQ(Text(Child(m->payload(), "ProfileToken")), "Profile_1");
  EXPECT_FALSE(m->fault());
}

TEST(OnvifSoap, ParsingIgnoresPrefixes) {
  // Default namespaces, other prefixes, white space and comments: same meaning.
  const std::string xml = R"(<?xml version="1.0"?>
    <SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope">
      <!-- a comment -->
      <SOAP-ENV:Body>
        <GetStatusResponse xmlns="http://www.onvif.org/ver20/ptz/wsdl">
          <PTZStatus>
            <sch:Position xmlns:sch="http://www.onvif.org/ver10/schema">
              <sch:PanTilt x="0.5" y="-0.25" space="x"/>
              <sch:Zoom x="0.1"/>
            </sch:Position>
            <MoveStatus><PanTilt> MOVING </PanTilt><Zoom>IDLE</Zoom></MoveStatus>
          </PTZStatus>
        </GetStatusResponse>
      </SOAP-ENV:Body>
    </SOAP-ENV:Envelope>)";
  Result<SoapMessage> m = SoapMessage::Parse(xml);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(NamespaceUri(m->payload()), kPtzNs);
  Result<GetStatusResponse> r = ParseGetStatusResponse(m->payload());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->position.pan_tilt);
  EXPECT_DOUBLE_EQ(r->position.pan_tilt->x, 0.5);
  EXPECT_DOUBLE_EQ(r->position.pan_tilt->y, -0.25);
  EXPECT_DOUBLE_EQ(*r->position.zoom, 0.1);
  EXPECT_EQ(r->pan_tilt_status, OnvifMoveStatus::kMoving);
  EXPECT_EQ(r->zoom_status, OnvifMoveStatus::kIdle);
}

TEST(OnvifSoap, MalformedInputIsDataLossNotACrash) {
  for (const std::string& bad :
       std::vector<std::string>{"", "not xml at all", "<a><b></a>", "<?xml version='1.0'?>",
                                "<Envelope><Header/></Envelope>", "<html><body>502</body></html>",
                                std::string("<s:Envelope>\0</s:Envelope>", 25)}) {
    Result<SoapMessage> m = SoapMessage::Parse(bad);
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.status().code(), StatusCode::kDataLoss) << bad;
    EXPECT_EQ(m.status().message().find('\n'), std::string::npos);
  }
  EXPECT_EQ(SoapMessage::Parse(std::string(kMaxSoapBytes + 1, ' ')).status().code(),
            StatusCode::kDataLoss);
}

TEST(OnvifSoap, EveryTruncationOfAValidReplyIsHandled) {
  GetStatusResponse st;
  st.position.pan_tilt = OnvifPanTilt{0.1, 0.2};
  st.position.zoom = 0.3;
  st.pan_tilt_status = OnvifMoveStatus::kIdle;
  const std::string xml = BuildEnvelope("", BuildGetStatusResponse(st));
  int parsed = 0;
  for (size_t n = 0; n < xml.size(); ++n) {
    Result<SoapMessage> m = SoapMessage::Parse(xml.substr(0, n));
    if (!m.ok()) continue;
    ++parsed;
    (void)ParseGetStatusResponse(m->payload());  // must not crash on whatever is left
  }
  EXPECT_EQ(parsed, 0);  // a truncated document is never well-formed
  EXPECT_TRUE(SoapMessage::Parse(xml).ok());
}

TEST(OnvifSoap, Soap12FaultWithNestedSubcodes) {
  Result<SoapMessage> m =
      Roundtrip(BuildFaultBody("Sender", {"InvalidArgVal", "NoProfile"}, "No such profile"));
  ASSERT_TRUE(m.ok());
  const std::optional<SoapFault> f = m->fault();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, "Sender");
  EXPECT_EQ(f->subcodes, (std::vector<std::string>{"InvalidArgVal", "NoProfile"}));
  EXPECT_EQ(f->reason, "No such profile");
  EXPECT_TRUE(f->HasSubcode("NoProfile"));
  EXPECT_FALSE(f->HasSubcode("NotAuthorized"));
  EXPECT_EQ(f->ToString(), "env:Sender/ter:InvalidArgVal/ter:NoProfile: No such profile");
}

TEST(OnvifSoap, Soap11FaultIsReadToo) {
  Result<SoapMessage> m = SoapMessage::Parse(
      "<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body>"
      "<soap:Fault><faultcode>soap:Client</faultcode><faultstring>bad\nthing</faultstring>"
      "</soap:Fault></soap:Body></soap:Envelope>");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->is_soap12());
  const std::optional<SoapFault> f = m->fault();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, "Client");
  EXPECT_EQ(f->reason, "bad thing");
}

TEST(OnvifSoap, XmlEscapeAndNumbers) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(FormatNumber(0.25), "0.25");
  EXPECT_EQ(FormatNumber(-1), "-1");
  EXPECT_EQ(FormatNumber(-0.0), "0");
  EXPECT_EQ(FormatNumber(std::nan("")), "0");
  const double v = 0.1234567890123;
  EXPECT_EQ(*ParseNumber(FormatNumber(v)), v);
  EXPECT_EQ(*ParseNumber(" +1.5 "), 1.5);
  EXPECT_EQ(*ParseNumber("1e-3"), 0.001);
  EXPECT_FALSE(ParseNumber("1.5x"));
  EXPECT_FALSE(ParseNumber("nan"));
  EXPECT_FALSE(ParseNumber("inf"));
  EXPECT_FALSE(ParseNumber(""));
}

TEST(OnvifSoap, Durations) {
  EXPECT_EQ(FormatDuration(Duration::Seconds(1)), "PT1S");
  EXPECT_EQ(FormatDuration(Duration::Millis(1500)), "PT1.5S");
  EXPECT_EQ(FormatDuration(Duration::Millis(250)), "PT0.25S");
  EXPECT_EQ(FormatDuration(Duration::Micros(0)), "PT0S");
  EXPECT_EQ(*ParseDuration("PT1.5S"), Duration::Millis(1500));
  EXPECT_EQ(*ParseDuration("PT2M"), Duration::Seconds(120));
  EXPECT_EQ(*ParseDuration("P1DT1H1M1S"), Duration::Seconds(86400 + 3600 + 61));
  EXPECT_EQ(*ParseDuration(" PT0.1S "), Duration::Millis(100));
  for (const char* bad :
       {"", "P", "PT", "1S", "PT1", "P1Y", "P1M", "PT1S1M", "PT-1S", "PTxS", "P1DT", "PT1H1H"}) {
    EXPECT_FALSE(ParseDuration(bad)) << bad;
  }
  for (Duration d : {Duration::Millis(1), Duration::Millis(999), Duration::Seconds(42)}) {
    EXPECT_EQ(*ParseDuration(FormatDuration(d)), d);
  }
}

// ---- the PTZ messages: what the client builds, the device parses, and back ----

TEST(OnvifPtzMessages, ContinuousMoveRoundTrip) {
  ContinuousMoveRequest in;
  in.profile_token = "P&1";
  in.velocity.pan_tilt = OnvifPanTilt{0.5, -0.125};
  in.timeout = Duration::Millis(800);
  const std::string body = BuildContinuousMove(in);
  EXPECT_NE(body.find("<tptz:Timeout>PT0.8S</tptz:Timeout>"), std::string::npos);
  Result<SoapMessage> m = Roundtrip(body);
  ASSERT_TRUE(m.ok());
  Result<ContinuousMoveRequest> out = ParseContinuousMove(m->payload());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->profile_token, "P&1");
  EXPECT_DOUBLE_EQ(out->velocity.pan_tilt->x, 0.5);
  EXPECT_DOUBLE_EQ(out->velocity.pan_tilt->y, -0.125);
  EXPECT_FALSE(out->velocity.zoom);
  EXPECT_EQ(out->timeout, Duration::Millis(800));
}

TEST(OnvifPtzMessages, RelativeAbsoluteStopRoundTrip) {
  RelativeMoveRequest rel;
  rel.profile_token = "p";
  rel.translation.pan_tilt = OnvifPanTilt{-0.1, 0.05};
  rel.translation.zoom = 0.2;
  Result<SoapMessage> m = Roundtrip(BuildRelativeMove(rel));
  ASSERT_TRUE(m.ok());
  Result<RelativeMoveRequest> r = ParseRelativeMove(m->payload());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r->translation.pan_tilt->x, -0.1);
  EXPECT_DOUBLE_EQ(*r->translation.zoom, 0.2);
  EXPECT_FALSE(r->speed.pan_tilt);

  AbsoluteMoveRequest abs;
  abs.profile_token = "p";
  abs.position.zoom = 0.75;  // zoom only
  m = Roundtrip(BuildAbsoluteMove(abs));
  ASSERT_TRUE(m.ok());
  Result<AbsoluteMoveRequest> a = ParseAbsoluteMove(m->payload());
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->position.pan_tilt);
  EXPECT_DOUBLE_EQ(*a->position.zoom, 0.75);

  StopRequest stop;
  stop.profile_token = "p";
  stop.zoom = false;
  m = Roundtrip(BuildStop(stop));
  ASSERT_TRUE(m.ok());
  Result<StopRequest> s = ParseStop(m->payload());
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->pan_tilt);
  EXPECT_FALSE(s->zoom);

  m = Roundtrip(BuildGetConfigurationOptions({"cfg"}));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(ParseGetConfigurationOptions(m->payload())->configuration_token, "cfg");
}

TEST(OnvifPtzMessages, BadRequestsAreInvalidArgument) {
  const char* bad[] = {
      "<tptz:ContinuousMove><tptz:Velocity/></tptz:ContinuousMove>",  // no token
      "<tptz:ContinuousMove><tptz:ProfileToken>p</tptz:ProfileToken></tptz:ContinuousMove>",
      "<tptz:ContinuousMove><tptz:ProfileToken>p</tptz:ProfileToken><tptz:Velocity>"
      "<tt:PanTilt x='fast' y='0'/></tptz:Velocity></tptz:ContinuousMove>",
      "<tptz:ContinuousMove><tptz:ProfileToken>p</tptz:ProfileToken><tptz:Velocity>"
      "<tt:PanTilt x='0.1'/></tptz:Velocity></tptz:ContinuousMove>",
      "<tptz:ContinuousMove><tptz:ProfileToken>p</tptz:ProfileToken><tptz:Velocity>"
      "<tt:PanTilt x='1e999' y='0'/></tptz:Velocity></tptz:ContinuousMove>",
      "<tptz:ContinuousMove><tptz:ProfileToken>p</tptz:ProfileToken><tptz:Velocity/>"
      "<tptz:Timeout>soon</tptz:Timeout></tptz:ContinuousMove>",
  };
  for (const char* b : bad) {
    Result<SoapMessage> m = Roundtrip(b);
    ASSERT_TRUE(m.ok()) << b;
    Result<ContinuousMoveRequest> r = ParseContinuousMove(m->payload());
    ASSERT_FALSE(r.ok()) << b;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << b;
  }
  Result<SoapMessage> m = Roundtrip(
      "<tptz:Stop><tptz:ProfileToken>p</tptz:ProfileToken><tptz:Zoom>maybe</tptz:Zoom>"
      "</tptz:Stop>");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(ParseStop(m->payload()).status().code(), StatusCode::kInvalidArgument);
}

TEST(OnvifPtzMessages, StatusResponseRoundTripAndBadReplies) {
  GetStatusResponse st;
  st.position.pan_tilt = OnvifPanTilt{-0.5, 0.25};
  st.position.zoom = 1.0;
  st.pan_tilt_status = OnvifMoveStatus::kIdle;
  st.zoom_status = OnvifMoveStatus::kMoving;
  st.utc_time = "2024-01-01T00:00:00Z";
  Result<SoapMessage> m = Roundtrip(BuildGetStatusResponse(st));
  ASSERT_TRUE(m.ok());
  Result<GetStatusResponse> r = ParseGetStatusResponse(m->payload());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_DOUBLE_EQ(r->position.pan_tilt->x, -0.5);
  EXPECT_EQ(r->zoom_status, OnvifMoveStatus::kMoving);
  EXPECT_EQ(r->utc_time, "2024-01-01T00:00:00Z");

  const char* bad[] = {
      "<tptz:StopResponse/>",       // wrong element
      "<tptz:GetStatusResponse/>",  // no PTZStatus
      "<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x='a' y='0'/>"
      "</tt:Position></tptz:PTZStatus></tptz:GetStatusResponse>",
      "<tptz:GetStatusResponse><tptz:PTZStatus><tt:MoveStatus><tt:PanTilt>SPINNING"
      "</tt:PanTilt></tt:MoveStatus></tptz:PTZStatus></tptz:GetStatusResponse>",
  };
  for (const char* b : bad) {
    Result<SoapMessage> bm = Roundtrip(b);
    ASSERT_TRUE(bm.ok()) << b;
    Result<GetStatusResponse> br = ParseGetStatusResponse(bm->payload());
    ASSERT_FALSE(br.ok()) << b;
    EXPECT_EQ(br.status().code(), StatusCode::kDataLoss) << b;
  }
}

TEST(OnvifPtzMessages, ConfigurationOptionsRoundTrip) {
  PtzConfigurationOptions o;
  o.absolute_pan_tilt = {{kPanTiltPositionGenericSpace, {-1, 1}, OnvifRange{-0.5, 1}},
                         {"urn:vendor:degrees", {-170, 170}, OnvifRange{-90, 0}}};
  o.absolute_zoom = {{kZoomPositionGenericSpace, {0, 1}, std::nullopt}};
  o.continuous_pan_tilt = {{kPanTiltVelocityGenericSpace, {-1, 1}, OnvifRange{-1, 1}}};
  o.pan_tilt_speed = {{kPanTiltSpeedGenericSpace, {0, 1}, std::nullopt}};
  o.timeout_min = Duration::Seconds(1);
  o.timeout_max = Duration::Seconds(60);
  Result<SoapMessage> m = Roundtrip(BuildGetConfigurationOptionsResponse(o));
  ASSERT_TRUE(m.ok());
  Result<PtzConfigurationOptions> r = ParseGetConfigurationOptionsResponse(m->payload());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->absolute_pan_tilt.size(), 2u);
  const OnvifSpace* g = FindSpace(r->absolute_pan_tilt, kPanTiltPositionGenericSpace);
  ASSERT_TRUE(g);
  EXPECT_DOUBLE_EQ(g->y->min, -0.5);
  EXPECT_DOUBLE_EQ(FindSpace(r->absolute_pan_tilt, "urn:vendor:degrees")->x.max, 170);
  EXPECT_TRUE(r->relative_pan_tilt.empty());
  EXPECT_EQ(r->pan_tilt_speed.size(), 1u);
  EXPECT_EQ(r->timeout_max, Duration::Seconds(60));

  Result<SoapMessage> bad = Roundtrip(
      "<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions><tt:Spaces>"
      "<tt:AbsoluteZoomPositionSpace><tt:URI>u</tt:URI><tt:XRange><tt:Min>0</tt:Min>"
      "</tt:XRange></tt:AbsoluteZoomPositionSpace></tt:Spaces></tptz:PTZConfigurationOptions>"
      "</tptz:GetConfigurationOptionsResponse>");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(ParseGetConfigurationOptionsResponse(bad->payload()).status().code(),
            StatusCode::kDataLoss);
}

}  // namespace
}  // namespace es::onvif
