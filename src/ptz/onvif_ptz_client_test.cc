// OnvifPtzClient against OnvifPtzEmulator on 127.0.0.1 (real HTTP, real SOAP), plus the
// failure modes of a real network: nothing listening, a server that never answers, HTTP 500,
// garbage, wrong credentials, replayed tokens. Every wait is bounded by a deadline.
#include "ptz/onvif_ptz_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <thread>

#include "ptz/onvif_ptz_emulator.h"
#include "ptz/onvif_soap.h"
#include "ptz/onvif_wsse.h"

namespace es {
namespace {

using std::chrono::milliseconds;

// Polls pred every 10 ms until it holds or `limit` passes.
bool WaitFor(const std::function<bool()>& pred, Duration limit = Duration::Seconds(5)) {
  const Timestamp end = SteadyNow() + limit;
  while (SteadyNow() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return pred();
}

// A TCP socket bound to a free port on 127.0.0.1; listening or not.
class RawSocket {
 public:
  explicit RawSocket(bool listen_on) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    socklen_t len = sizeof(addr);
    ok_ = ok_ && ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    port_ = ntohs(addr.sin_port);
    if (ok_ && listen_on) ok_ = ::listen(fd_, 8) == 0;
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return ok_; }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  bool ok_ = false;
};

std::unique_ptr<OnvifPtzClient> MakeClient(const std::string& endpoint,
                                           OnvifPtzClientOptions o = {}) {
  o.endpoint = endpoint;
  if (o.configuration_token.empty()) o.configuration_token = "PTZConfiguration_1";
  Result<std::unique_ptr<OnvifPtzClient>> c = OnvifPtzClient::Create(o);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

class OnvifRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    OnvifPtzEmulatorOptions eo;
    eo.username = "operator";
    eo.password = "pa55-w0rd";
    Result<std::unique_ptr<OnvifPtzEmulator>> emu = OnvifPtzEmulator::Start(eo);
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
    OnvifPtzClientOptions co;
    co.username = "operator";
    co.password = "pa55-w0rd";
    client_ = MakeClient(emu_->endpoint(), co);
    ASSERT_TRUE(client_);
  }

  // Waits until the client reports idle; returns the last status.
  PtzStatus WaitIdle() {
    PtzStatus last;
    EXPECT_TRUE(WaitFor([&] {
      Result<PtzStatus> s = client_->GetStatus();
      EXPECT_TRUE(s.ok()) << s.status().ToString();
      if (!s.ok()) return true;
      last = *s;
      return s->idle;
    })) << "head never became idle";
    return last;
  }

  std::unique_ptr<OnvifPtzEmulator> emu_;
  std::unique_ptr<OnvifPtzClient> client_;
};

TEST_F(OnvifRoundTrip, ConfigurationOptionsAreMappedToDegrees) {
  Result<PtzCapabilities> caps = client_->GetConfigurationOptions();
  ASSERT_TRUE(caps.ok()) << caps.status().ToString();
  EXPECT_TRUE(caps->continuous && caps->relative && caps->absolute);
  EXPECT_DOUBLE_EQ(caps->pan_deg.min, -180);
  EXPECT_DOUBLE_EQ(caps->pan_deg.max, 180);
  EXPECT_DOUBLE_EQ(caps->tilt_deg.min, -90);
  EXPECT_DOUBLE_EQ(caps->tilt_deg.max, 90);
  EXPECT_DOUBLE_EQ(caps->pan_speed_dps.max, 120);
  EXPECT_DOUBLE_EQ(caps->tilt_speed_dps.max, 90);
  EXPECT_DOUBLE_EQ(caps->zoom.min, 1);
  EXPECT_DOUBLE_EQ(caps->zoom.max, 20);
  ASSERT_TRUE(client_->reported_options());
  const onvif::PtzConfigurationOptions& o = *client_->reported_options();
  EXPECT_EQ(o.relative_zoom.size(), 1u);
  EXPECT_EQ(o.zoom_speed.size(), 1u);
  EXPECT_EQ(o.timeout_min, Duration::Millis(100));
  EXPECT_EQ(o.timeout_max, Duration::Seconds(60));
}

TEST_F(OnvifRoundTrip, ContinuousMoveMovesTheHeadAndStopStopsIt) {
  ASSERT_TRUE(client_->ContinuousMove(40, -20, std::nullopt, Duration::Seconds(5)).ok());
  ASSERT_TRUE(WaitFor([&] { return emu_->head().pan_deg > 5; })) << emu_->head().pan_deg;
  EXPECT_LT(emu_->head().tilt_deg, 0);
  Result<PtzStatus> moving = client_->GetStatus();
  ASSERT_TRUE(moving.ok()) << moving.status().ToString();
  EXPECT_FALSE(moving->idle);
  EXPECT_GT(moving->pan_deg, 0);

  ASSERT_TRUE(client_->Stop().ok());
  const PtzStatus idle = WaitIdle();
  EXPECT_TRUE(idle.idle);
  const PtzStatus head = emu_->head();
  EXPECT_NEAR(idle.pan_deg, head.pan_deg, 1e-6);
  EXPECT_NEAR(idle.tilt_deg, head.tilt_deg, 1e-6);
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_DOUBLE_EQ(emu_->head().pan_deg, head.pan_deg);  // stopped for good
  EXPECT_EQ(emu_->counters().operations["ContinuousMove"], 1);
  EXPECT_EQ(emu_->counters().operations["Stop"], 1);
}

TEST_F(OnvifRoundTrip, ContinuousMoveStopsAtItsTimeout) {
  ASSERT_TRUE(client_->ContinuousMove(30, 0, std::nullopt, Duration::Millis(300)).ok());
  const PtzStatus st = WaitIdle();
  EXPECT_GT(st.pan_deg, 1);   // it moved ...
  EXPECT_LT(st.pan_deg, 60);  // ... and stopped by itself, long before 5 s of 30°/s
}

TEST_F(OnvifRoundTrip, AbsoluteAndRelativeMovesReachTheirGoals) {
  ASSERT_TRUE(client_->AbsoluteMove(40, -10, 4.0).ok());
  PtzStatus st = WaitIdle();
  EXPECT_NEAR(st.pan_deg, 40, 0.05);
  EXPECT_NEAR(st.tilt_deg, -10, 0.05);
  EXPECT_NEAR(st.zoom, 4.0, 0.01);

  ASSERT_TRUE(client_->RelativeMove(-15, 5, std::nullopt).ok());
  st = WaitIdle();
  EXPECT_NEAR(st.pan_deg, 25, 0.05);
  EXPECT_NEAR(st.tilt_deg, -5, 0.05);
  EXPECT_NEAR(st.zoom, 4.0, 0.01);

  // Through the generic interface.
  PtzCommand cmd;
  cmd.type = PtzCommand::Type::kAbsolute;
  cmd.pan = -30;
  cmd.tilt = 20;
  ASSERT_TRUE(client_->Send(cmd).ok());
  st = WaitIdle();
  EXPECT_NEAR(st.pan_deg, -30, 0.05);
  EXPECT_NEAR(st.tilt_deg, 20, 0.05);
  EXPECT_NEAR(emu_->head().pan_deg, -30, 0.05);
}

TEST_F(OnvifRoundTrip, ZoomTargetIsSentOnlyWhenItChanges) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client_->ContinuousMove(10, 0, 3.0, Duration::Seconds(20)).ok());
  }
  EXPECT_EQ(emu_->counters().operations["ContinuousMove"], 5);
  EXPECT_EQ(emu_->counters().operations["AbsoluteMove"], 1);
  EXPECT_TRUE(WaitFor([&] { return std::abs(emu_->head().zoom - 3.0) < 0.01; }));
  EXPECT_GT(emu_->head().pan_speed_dps, 0);  // the zoom command kept the pan moving
  ASSERT_TRUE(client_->RelativeMove(1, 0, 5.0).ok());
  EXPECT_EQ(emu_->counters().operations["AbsoluteMove"], 2);
  ASSERT_TRUE(client_->Stop().ok());
  const PtzStatus st = WaitIdle();
  EXPECT_GE(st.zoom, 3.0 - 0.01);
  EXPECT_LE(st.zoom, 5.0 + 0.01);
}

TEST_F(OnvifRoundTrip, StatusNeverIdleFaultIsReported) {
  emu_->SetFaults({.never_idle = true});
  Result<PtzStatus> st = client_->GetStatus();
  ASSERT_TRUE(st.ok());
  EXPECT_FALSE(st->idle);
  EXPECT_TRUE(emu_->head().idle);
}

TEST_F(OnvifRoundTrip, WrongPasswordIsPermissionDeniedWithoutLeakingIt) {
  OnvifPtzClientOptions co;
  co.username = "operator";
  co.password = "guess-123";
  auto bad = MakeClient(emu_->endpoint(), co);
  Result<PtzStatus> st = bad->GetStatus();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(st.status().message().find("NotAuthorized"), std::string::npos);
  EXPECT_NE(st.status().message().find(emu_->endpoint()), std::string::npos);
  EXPECT_EQ(st.status().message().find("guess-123"), std::string::npos);
  EXPECT_EQ(st.status().message().find("pa55-w0rd"), std::string::npos);
  EXPECT_EQ(bad->ContinuousMove(10, 0, std::nullopt, Duration::Seconds(1)).code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(emu_->head().idle);  // the rejected move did nothing
  // No credentials at all.
  auto anon = MakeClient(emu_->endpoint());
  EXPECT_EQ(anon->Stop().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(emu_->counters().auth_failures, 3);
}

TEST_F(OnvifRoundTrip, RejectAllAuthFaultIsPermissionDenied) {
  emu_->SetFaults({.reject_all_auth = true});
  EXPECT_EQ(client_->Stop().code(), StatusCode::kPermissionDenied);
  emu_->SetFaults({});
  EXPECT_TRUE(client_->Stop().ok());
}

TEST_F(OnvifRoundTrip, ReplayedAndStaleTokensAreRejected) {
  httplib::Client http("127.0.0.1", emu_->port());
  http.set_connection_timeout(2, 0);
  http.set_read_timeout(2, 0);
  const std::string body = onvif::BuildGetStatus({"Profile_1"});
  Result<onvif::UsernameToken> token = onvif::MakeUsernameToken("operator", "pa55-w0rd");
  ASSERT_TRUE(token.ok());
  const std::string env = onvif::BuildEnvelope(onvif::SecurityHeaderXml(*token), body);
  const std::string ct = "application/soap+xml; charset=utf-8";
  auto first = http.Post("/onvif/ptz_service", env, ct);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  auto replay = http.Post("/onvif/ptz_service", env, ct);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->status, 400);
  Result<onvif::SoapMessage> fault = onvif::SoapMessage::Parse(replay->body);
  ASSERT_TRUE(fault.ok());
  ASSERT_TRUE(fault->fault());
  EXPECT_TRUE(fault->fault()->HasSubcode("NotAuthorized"));
  EXPECT_NE(fault->fault()->reason.find("replayed"), std::string::npos);

  const onvif::UsernameToken stale = onvif::MakeUsernameToken(
      "operator", "pa55-w0rd", "0123456789abcdef",
      onvif::FormatUtc(std::chrono::system_clock::now() - std::chrono::minutes(10)));
  auto old = http.Post("/onvif/ptz_service",
                       onvif::BuildEnvelope(onvif::SecurityHeaderXml(stale), body), ct);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->status, 400);
  EXPECT_NE(old->body.find("stale"), std::string::npos);
}

TEST_F(OnvifRoundTrip, UnknownProfileIsAFaultWithItsReason) {
  OnvifPtzClientOptions co;
  co.username = "operator";
  co.password = "pa55-w0rd";
  co.profile_token = "NoSuchProfile";
  co.configuration_token = "NoSuchConfig";
  auto c = MakeClient(emu_->endpoint(), co);
  const Status s = c->Stop();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("ter:NoProfile"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("No such profile"), std::string::npos) << s.message();
  const Result<PtzCapabilities> caps = c->GetConfigurationOptions();
  EXPECT_EQ(caps.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(caps.status().message().find("No such configuration"), std::string::npos);
}

TEST_F(OnvifRoundTrip, Http500AndGarbageAreClearErrors) {
  emu_->SetFaults({.http_500 = true});
  Status s = client_->Stop();
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("HTTP 500"), std::string::npos) << s.message();
  emu_->SetFaults({.garbage_body = true});
  Result<PtzStatus> st = client_->GetStatus();
  EXPECT_EQ(st.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(st.status().message().find("not XML"), std::string::npos) << st.status().message();
  EXPECT_EQ(st.status().message().find('\n'), std::string::npos);
}

TEST_F(OnvifRoundTrip, SlowDeviceTimesOutAndTheEmulatorStillStopsPromptly) {
  OnvifPtzClientOptions co;
  co.username = "operator";
  co.password = "pa55-w0rd";
  co.read_timeout = Duration::Millis(300);
  auto c = MakeClient(emu_->endpoint(), co);
  emu_->SetFaults({.response_delay = Duration::Seconds(30)});
  const Timestamp t0 = SteadyNow();
  const Status s = c->Stop();
  EXPECT_LT((SteadyNow() - t0).seconds(), 5.0);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("no reply within 300 ms"), std::string::npos) << s.message();
  const Timestamp t1 = SteadyNow();
  emu_->Stop();  // a handler is still sleeping in the 30 s delay: Stop must cut it short
  EXPECT_LT((SteadyNow() - t1).seconds(), 5.0);
}

TEST(OnvifClientErrors, NothingListeningIsUnavailableNamingTheEndpoint) {
  int port = 0;
  {
    RawSocket s(/*listen_on=*/false);  // bound, not listening: connections are refused
    ASSERT_TRUE(s.ok());
    port = s.port();
    const std::string ep = "http://127.0.0.1:" + std::to_string(port) + "/onvif/ptz_service";
    OnvifPtzClientOptions co;
    co.connect_timeout = Duration::Millis(500);
    auto c = MakeClient(ep, co);
    const Timestamp t0 = SteadyNow();
    Result<PtzStatus> st = c->GetStatus();
    EXPECT_LT((SteadyNow() - t0).seconds(), 5.0);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(st.status().message().find("onvif " + ep + ": GetStatus: "), std::string::npos)
        << st.status().message();
    EXPECT_EQ(c->Describe(), "onvif " + ep);
  }
}

TEST(OnvifClientErrors, ServerThatAcceptsButNeverAnswersTimesOut) {
  RawSocket s(/*listen_on=*/true);  // the kernel completes the handshake; nobody reads
  ASSERT_TRUE(s.ok());
  OnvifPtzClientOptions co;
  co.read_timeout = Duration::Millis(300);
  auto c = MakeClient("http://127.0.0.1:" + std::to_string(s.port()) + "/onvif/ptz_service", co);
  const Timestamp t0 = SteadyNow();
  const Status st = c->ContinuousMove(10, 0, std::nullopt, Duration::Seconds(1));
  EXPECT_LT((SteadyNow() - t0).seconds(), 5.0);
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("no reply"), std::string::npos) << st.message();
}

TEST(OnvifClientErrors, CreateRejectsBadEndpointsWithoutEchoingCredentials) {
  OnvifPtzClientOptions o;
  for (const char* bad : {"", "ftp://cam/onvif", "http://", "http://:80/x", "http://cam:0/x",
                          "http://cam:99999/x", "http://cam:8o/x", "https://cam/onvif"}) {
    o.endpoint = bad;
    EXPECT_EQ(OnvifPtzClient::Create(o).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  o.endpoint = "http://admin:hunter2@cam/onvif/ptz_service";
  const Status s = OnvifPtzClient::Create(o).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().find("hunter2"), std::string::npos);
  o.endpoint = "http://[::1]:8080/onvif/ptz_service";
  EXPECT_TRUE(OnvifPtzClient::Create(o).ok());
  o.endpoint = "http://cam/onvif";
  o.profile_token = "";
  EXPECT_FALSE(OnvifPtzClient::Create(o).ok());
  o.profile_token = "p";
  o.read_timeout = Duration::Micros(0);
  EXPECT_FALSE(OnvifPtzClient::Create(o).ok());
  o.read_timeout = Duration::Seconds(1);
  o.mapping.max_zoom = 0.5;
  EXPECT_FALSE(OnvifPtzClient::Create(o).ok());
}

TEST(OnvifClientErrors, NonFiniteCommandsAreRejectedLocally) {
  auto c = MakeClient("http://127.0.0.1:9/onvif/ptz_service");
  EXPECT_EQ(c->ContinuousMove(NAN, 0, std::nullopt, Duration::Seconds(1)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(c->RelativeMove(0, INFINITY, std::nullopt).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c->AbsoluteMove(0, 0, NAN).code(), StatusCode::kInvalidArgument);
}

// A device whose replies are scripted: malformed answers must become errors, never crashes.
TEST(OnvifClientErrors, MalformedRepliesAreDataLossOrFaults) {
  httplib::Server svr;
  std::mutex mu;
  int status = 200;
  std::string body;
  svr.Post("/ptz", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lk(mu);
    res.status = status;
    res.set_content(body, "application/soap+xml");
  });
  const int port = svr.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread th([&] { svr.listen_after_bind(); });
  ASSERT_TRUE(WaitFor([&] { return svr.is_running(); }));
  auto c = MakeClient("http://127.0.0.1:" + std::to_string(port) + "/ptz");
  auto reply = [&](int st, const std::string& b) {
    std::lock_guard<std::mutex> lk(mu);
    status = st;
    body = b;
  };
  const auto env = [](const std::string& b) { return onvif::BuildEnvelope("", b); };

  struct Case {
    int status;
    std::string body;
    StatusCode want;
  };
  const std::vector<Case> cases = {
      {200, "", StatusCode::kDataLoss},
      {200, "{\"json\": true}", StatusCode::kDataLoss},
      {200, "<html><body>hello</body></html>", StatusCode::kDataLoss},
      {200, env("<tptz:StopResponse/>"), StatusCode::kDataLoss},  // wrong response element
      {200, env("<tptz:GetStatusResponse/>"), StatusCode::kDataLoss},
      {200, env("<tptz:GetStatusResponse><tptz:PTZStatus/></tptz:GetStatusResponse>"),
       StatusCode::kDataLoss},  // no position
      {200,
       env("<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x='0'/>"
           "</tt:Position></tptz:PTZStatus></tptz:GetStatusResponse>"),
       StatusCode::kDataLoss},
      {200,
       env("<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position><tt:PanTilt x='0' y='0'/>"
           "</tt:Position></tptz:PTZStatus></tptz:GetStatusResponse>")
           .substr(0, 150),
       StatusCode::kDataLoss},  // truncated
      {401, "", StatusCode::kPermissionDenied},
      {404, "not here", StatusCode::kNotFound},
      {503, "", StatusCode::kUnavailable},
      {500, env(onvif::BuildFaultBody("Receiver", {"Action"}, "motor jammed")),
       StatusCode::kInternal},
      {400, env(onvif::BuildFaultBody("Sender", {"NotAuthorized"}, "Sender not Authorized")),
       StatusCode::kPermissionDenied},
      {200, env(onvif::BuildFaultBody("Sender", {"InvalidArgVal"}, "bad")),
       StatusCode::kInvalidArgument},
  };
  for (const Case& k : cases) {
    reply(k.status, k.body);
    Result<PtzStatus> st = c->GetStatus();
    ASSERT_FALSE(st.ok()) << k.body;
    EXPECT_EQ(st.status().code(), k.want)
        << k.status << " " << k.body << " -> " << st.status().ToString();
    EXPECT_EQ(st.status().message().find('\n'), std::string::npos);
  }
  reply(500, env(onvif::BuildFaultBody("Receiver", {"Action"}, "motor jammed")));
  EXPECT_NE(c->Stop().message().find("motor jammed"), std::string::npos);

  // A minimal valid reply from a device that reports no MoveStatus and no zoom.
  reply(200, env("<tptz:GetStatusResponse><tptz:PTZStatus><tt:Position>"
                 "<tt:PanTilt x='0.5' y='-0.5'/></tt:Position></tptz:PTZStatus>"
                 "</tptz:GetStatusResponse>"));
  Result<PtzStatus> st = c->GetStatus();
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_DOUBLE_EQ(st->pan_deg, 90);
  EXPECT_DOUBLE_EQ(st->tilt_deg, -45);
  EXPECT_DOUBLE_EQ(st->zoom, 1);
  EXPECT_TRUE(st->idle);

  // A device offering only a vendor space: modes without a generic space are not offered.
  reply(200, env("<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions>"
                 "<tt:Spaces><tt:ContinuousPanTiltVelocitySpace><tt:URI>urn:v</tt:URI>"
                 "<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange>"
                 "</tt:ContinuousPanTiltVelocitySpace></tt:Spaces>"
                 "</tptz:PTZConfigurationOptions></tptz:GetConfigurationOptionsResponse>"));
  Result<PtzCapabilities> caps = c->GetConfigurationOptions();
  ASSERT_TRUE(caps.ok()) << caps.status().ToString();
  EXPECT_FALSE(caps->continuous || caps->relative || caps->absolute);
  EXPECT_DOUBLE_EQ(caps->zoom.max, 1);  // no zoom space at all: fixed lens

  svr.stop();
  th.join();
}

}  // namespace
}  // namespace es
