// OnvifPtzEmulator seen from raw HTTP: what a third-party ONVIF client would get from it.
#include "ptz/onvif_ptz_emulator.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <functional>
#include <thread>

#include "ptz/onvif_ptz_client.h"
#include "ptz/onvif_ptz_messages.h"
#include "ptz/onvif_soap.h"

namespace es {
namespace {

bool WaitFor(const std::function<bool()>& pred, Duration limit = Duration::Seconds(5)) {
  const Timestamp end = SteadyNow() + limit;
  while (SteadyNow() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

struct Answer {
  int http = 0;
  std::optional<onvif::SoapFault> fault;
  std::string payload;  // local name of the Body's first element
  std::string raw;
};

class EmulatorTest : public ::testing::Test {
 protected:
  void SetUp() override { Start({}); }
  void Start(OnvifPtzEmulatorOptions o) {
    emu_.reset();
    Result<std::unique_ptr<OnvifPtzEmulator>> e = OnvifPtzEmulator::Start(std::move(o));
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    emu_ = std::move(e).value();
  }
  Answer Post(const std::string& text) {
    httplib::Client http("127.0.0.1", emu_->port());
    http.set_connection_timeout(2, 0);
    http.set_read_timeout(2, 0);
    auto res = http.Post("/onvif/ptz_service", text, "application/soap+xml; charset=utf-8");
    Answer a;
    if (!res) return a;
    a.http = res->status;
    a.raw = res->body;
    Result<onvif::SoapMessage> m = onvif::SoapMessage::Parse(res->body);
    if (m.ok()) {
      a.fault = m->fault();
      a.payload = std::string(onvif::LocalName(m->payload().name()));
    }
    return a;
  }
  Answer Soap(const std::string& body) { return Post(onvif::BuildEnvelope("", body)); }
  onvif::GetStatusResponse StatusNow() {
    Answer a = Soap(onvif::BuildGetStatus({"Profile_1"}));
    Result<onvif::SoapMessage> m = onvif::SoapMessage::Parse(a.raw);
    EXPECT_TRUE(m.ok());
    Result<onvif::GetStatusResponse> r = onvif::ParseGetStatusResponse(m->payload());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : onvif::GetStatusResponse{};
  }

  std::unique_ptr<OnvifPtzEmulator> emu_;
};

TEST_F(EmulatorTest, AnswersEveryOperationWithSoap12) {
  for (const std::string& body :
       {onvif::BuildStop({"Profile_1"}), onvif::BuildGetStatus({"Profile_1"}),
        onvif::BuildGetConfigurationOptions({"PTZConfiguration_1"})}) {
    const Answer a = Soap(body);
    EXPECT_EQ(a.http, 200) << body;
    EXPECT_FALSE(a.fault) << body;
    EXPECT_TRUE(a.payload.ends_with("Response")) << a.payload;
  }
  EXPECT_EQ(emu_->counters().operations.size(), 3u);
}

TEST_F(EmulatorTest, RequestErrorsAreSoapFaults) {
  Answer a = Post("this is not xml");
  EXPECT_EQ(a.http, 400);
  ASSERT_TRUE(a.fault);
  EXPECT_TRUE(a.fault->HasSubcode("WellFormed"));

  a = Post(
      "<soap:Envelope xmlns:soap='http://schemas.xmlsoap.org/soap/envelope/'><soap:Body>"
      "<GetStatus xmlns='http://www.onvif.org/ver20/ptz/wsdl'/></soap:Body></soap:Envelope>");
  EXPECT_EQ(a.http, 500);
  ASSERT_TRUE(a.fault);
  EXPECT_EQ(a.fault->code, "VersionMismatch");

  a = Soap("<tds:GetDeviceInformation xmlns:tds='http://www.onvif.org/ver10/device/wsdl'/>");
  ASSERT_TRUE(a.fault);
  EXPECT_TRUE(a.fault->HasSubcode("ActionNotSupported"));

  a = Soap(
      "<tptz:GotoHomePosition><tptz:ProfileToken>Profile_1</tptz:ProfileToken>"
      "</tptz:GotoHomePosition>");
  ASSERT_TRUE(a.fault);
  EXPECT_TRUE(a.fault->HasSubcode("ActionNotSupported"));

  a = Soap(
      "<tptz:ContinuousMove><tptz:ProfileToken>Profile_1</tptz:ProfileToken>"
      "</tptz:ContinuousMove>");
  EXPECT_EQ(a.http, 400);
  ASSERT_TRUE(a.fault);
  EXPECT_TRUE(a.fault->HasSubcode("InvalidArgVal"));
  EXPECT_NE(a.fault->reason.find("Velocity"), std::string::npos);
  EXPECT_TRUE(emu_->head().idle);
}

TEST_F(EmulatorTest, ContinuousZoomAndZoomOnlyStop) {
  onvif::ContinuousMoveRequest r;
  r.profile_token = "Profile_1";
  r.velocity.zoom = 0.5;  // zoom in, pan/tilt untouched
  r.timeout = Duration::Seconds(10);
  ASSERT_EQ(Soap(onvif::BuildContinuousMove(r)).http, 200);
  ASSERT_TRUE(WaitFor([&] { return emu_->head().zoom > 1.5; }));
  onvif::StopRequest stop{"Profile_1", /*pan_tilt=*/false, /*zoom=*/true};
  ASSERT_EQ(Soap(onvif::BuildStop(stop)).http, 200);
  ASSERT_TRUE(WaitFor([&] { return emu_->head().idle; }));
  const double z = emu_->head().zoom;
  EXPECT_GT(z, 1.5);
  EXPECT_LT(z, 20);
  EXPECT_DOUBLE_EQ(emu_->head().pan_deg, 0);
}

TEST_F(EmulatorTest, StatusWrapsPanAndReportsMoving) {
  emu_->SetPosition(190, 10, 1);
  onvif::GetStatusResponse st = StatusNow();
  ASSERT_TRUE(st.position.pan_tilt);
  EXPECT_NEAR(st.position.pan_tilt->x, -170.0 / 180.0, 1e-9);
  EXPECT_NEAR(st.position.pan_tilt->y, 10.0 / 90.0, 1e-9);
  EXPECT_EQ(st.pan_tilt_status, onvif::OnvifMoveStatus::kIdle);
  onvif::RelativeMoveRequest rel;
  rel.profile_token = "Profile_1";
  rel.translation.pan_tilt = onvif::OnvifPanTilt{0.5, 0};  // +90°
  ASSERT_EQ(Soap(onvif::BuildRelativeMove(rel)).http, 200);
  EXPECT_EQ(StatusNow().pan_tilt_status, onvif::OnvifMoveStatus::kMoving);
  ASSERT_TRUE(WaitFor([&] { return emu_->head().idle; }));
  EXPECT_NEAR(emu_->head().pan_deg, 280, 0.05);
  EXPECT_NEAR(StatusNow().position.pan_tilt->x, -80.0 / 180.0, 1e-3);
}

TEST_F(EmulatorTest, Http401ModeForAuthFailures) {
  OnvifPtzEmulatorOptions o;
  o.username = "u";
  o.password = "p";
  o.auth_failure_http_status = 401;
  Start(o);
  const Answer a = Soap(onvif::BuildGetStatus({"Profile_1"}));
  EXPECT_EQ(a.http, 401);
  ASSERT_TRUE(a.fault);
  EXPECT_TRUE(a.fault->HasSubcode("NotAuthorized"));
  OnvifPtzClientOptions co;
  co.endpoint = emu_->endpoint();
  co.username = "u";
  co.password = "wrong";
  auto c = OnvifPtzClient::Create(co);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->Stop().code(), StatusCode::kPermissionDenied);
  co.password = "p";
  auto good = OnvifPtzClient::Create(co);
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE((*good)->Stop().ok());
}

TEST(OnvifEmulatorOptions, BadOptionsAreRejected) {
  OnvifPtzEmulatorOptions o;
  o.auth_failure_http_status = 403;
  EXPECT_EQ(OnvifPtzEmulator::Start(o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.path = "onvif";
  EXPECT_EQ(OnvifPtzEmulator::Start(o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.step_period = Duration::Micros(0);
  EXPECT_EQ(OnvifPtzEmulator::Start(o).status().code(), StatusCode::kInvalidArgument);
  o = {};
  o.mapping.pan_deg_per_unit = 0;
  EXPECT_EQ(OnvifPtzEmulator::Start(o).status().code(), StatusCode::kInvalidArgument);
}

TEST(OnvifEmulatorLifetime, StartAndStopAreBoundedAndPortsDiffer) {
  const Timestamp t0 = SteadyNow();
  auto a = OnvifPtzEmulator::Start({});
  auto b = OnvifPtzEmulator::Start({});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->port(), (*b)->port());
  (*a)->Stop();
  (*a)->Stop();  // idempotent
  b->reset();
  EXPECT_LT((SteadyNow() - t0).seconds(), 5.0);
}

}  // namespace
}  // namespace es
