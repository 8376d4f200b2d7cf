#include "http/http_server.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/temp_dir_test_util.h"

namespace es {
namespace {

using test_util::TempDir;

constexpr char kToken[] = "s3cret-token-0123456789";

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string ErrorOf(const httplib::Result& r) {
  return nlohmann::json::parse(r->body).value("error", "");
}

TEST(ParseListen, AcceptsLoopbackAndOtherAddresses) {
  auto a = ParseListen("127.0.0.1:8080");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_TRUE(a->loopback);
  EXPECT_TRUE(ParseListen("localhost:0")->loopback);
  EXPECT_TRUE(ParseListen("127.3.2.1:1")->loopback);
  EXPECT_TRUE(ParseListen("[::1]:9000")->loopback);
  EXPECT_FALSE(ParseListen("0.0.0.0:80")->loopback);
  EXPECT_FALSE(ParseListen("[::]:80")->loopback);
  EXPECT_FALSE(ParseListen("192.168.1.4:80")->loopback);
}

TEST(ParseListen, RejectsWhatIsNotHostAndPort) {
  for (const char* bad :
       {"", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
        "example.com:80", "[::1:80", "[zz]:80", "999.1.1.1:80"}) {
    auto a = ParseListen(bad);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(a.status().message().find("http.listen: '"), std::string::npos)
        << a.status().message();
  }
}

TEST(ValidateHttpOptions, OffLoopbackNeedsATokenAndTlsComesAsAPair) {
  HttpOptions o;
  EXPECT_TRUE(ValidateHttpOptions(o).ok());  // off
  o.listen = "0.0.0.0:8080";
  Status s = ValidateHttpOptions(o);
  EXPECT_NE(s.message().find("not a loopback address: set http.token_file"), std::string::npos)
      << s.ToString();
  o.token_file = "/nonexistent";
  EXPECT_TRUE(ValidateHttpOptions(o).ok());
  o.tls_cert = "c.pem";
  EXPECT_NE(ValidateHttpOptions(o).message().find("set both"), std::string::npos);
}

TEST(BearerToken, PlainAndHashedFilesAndConstantTimeMatch) {
  TempDir dir;
  WriteFile(dir / "plain", std::string(kToken) + "\n");
  auto plain = BearerToken::Load("http.token_file", dir / "plain");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_TRUE(plain->Matches(std::string("Bearer ") + kToken));
  EXPECT_FALSE(plain->Matches(std::string("Bearer ") + kToken + "x"));
  EXPECT_FALSE(plain->Matches(std::string("Basic ") + kToken));
  EXPECT_FALSE(plain->Matches(kToken));
  EXPECT_FALSE(plain->Matches(""));
  // The file may hold the digest instead of the token.
  std::string hex;
  for (unsigned char c : Sha256(kToken)) {
    char b[3];
    std::snprintf(b, sizeof(b), "%02x", c);
    hex += b;
  }
  WriteFile(dir / "hashed", "sha256:" + hex + "\n");
  auto hashed = BearerToken::Load("http.token_file", dir / "hashed");
  ASSERT_TRUE(hashed.ok()) << hashed.status().ToString();
  EXPECT_TRUE(hashed->Matches(std::string("Bearer ") + kToken));

  WriteFile(dir / "short", "tooshort\n");
  auto s = BearerToken::Load("http.token_file", dir / "short");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("at least 16"), std::string::npos);
  EXPECT_EQ(s.status().message().find("tooshort"), std::string::npos);  // never echoed
  WriteFile(dir / "badhex", "sha256:xyz\n");
  EXPECT_FALSE(BearerToken::Load("http.token_file", dir / "badhex").ok());
  EXPECT_EQ(BearerToken::Load("http.token_file", dir / "missing").status().code(),
            StatusCode::kNotFound);
}

TEST(RateLimiter, BurstThenRatePerClient) {
  RateLimiter limiter(/*rate_per_s=*/2, /*burst=*/3, /*max_keys=*/2);
  const Timestamp t0 = Timestamp::Seconds(100);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("a", t0));
  EXPECT_FALSE(limiter.Allow("a", t0));
  EXPECT_TRUE(limiter.Allow("b", t0));  // another client has its own bucket
  EXPECT_FALSE(limiter.Allow("a", t0 + Duration::Millis(400)));  // 0.8 tokens
  EXPECT_TRUE(limiter.Allow("a", t0 + Duration::Millis(600)));   // 1.2 tokens
  // A third client evicts the longest idle bucket (b): b starts full again.
  EXPECT_TRUE(limiter.Allow("c", t0 + Duration::Seconds(1)));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("b", t0 + Duration::Seconds(1)));
}

class HttpServerTest : public ::testing::Test {
 protected:
  std::unique_ptr<HttpServer> Serve(HttpOptions o) {
    auto s = HttpServer::Bind(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    std::unique_ptr<HttpServer> server = std::move(s).value();
    server->Route("GET", "/hello", HttpAccess::kRead,
                  [](const httplib::Request&, httplib::Response& res) {
                    res.set_content("{\"hello\":1}", "application/json");
                  });
    server->Route("PATCH", "/setting", HttpAccess::kWrite,
                  [this](const httplib::Request& req, httplib::Response& res) {
                    ++changes;
                    res.set_content(req.body, "application/json");
                  });
    server->Route("GET", "/boom", HttpAccess::kRead,
                  [](const httplib::Request&, httplib::Response&) {
                    throw std::runtime_error("handler failed");
                  });
    server->Start();
    return server;
  }
  HttpOptions Options(const std::string& listen = "127.0.0.1:0") {
    HttpOptions o;
    o.listen = listen;
    return o;
  }
  static httplib::Headers Bearer(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }

  TempDir dir;
  std::atomic<int> changes{0};
};

TEST_F(HttpServerTest, LoopbackReadsWithoutTokenWritesNeedIt) {
  auto server = Serve(Options());
  ASSERT_TRUE(server);
  EXPECT_EQ(server->url(), "http://127.0.0.1:" + std::to_string(server->port()));
  httplib::Client c("127.0.0.1", server->port());
  auto r = c.Get("/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // No token configured: a change is refused, whoever asks.
  r = c.Patch("/setting", "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(ErrorOf(r).find("http.token_file"), std::string::npos);
  EXPECT_EQ(changes.load(), 0);
  // Unknown path and a throwing handler: JSON errors.
  r = c.Get("/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(ErrorOf(r), "no such resource: /nope");
  r = c.Get("/boom");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(ErrorOf(r), "internal error: handler failed");
}

TEST_F(HttpServerTest, WritesNeedTheRightBearerToken) {
  WriteFile(dir / "token", kToken);
  HttpOptions o = Options();
  o.token_file = dir / "token";
  auto server = Serve(o);
  ASSERT_TRUE(server);
  httplib::Client c("127.0.0.1", server->port());
  auto r = c.Patch("/setting", "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer realm=\"edgesight\"");
  r = c.Patch("/setting", Bearer("wrong-token-wrong-token"), "{}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->body.find(kToken), std::string::npos);
  EXPECT_EQ(changes.load(), 0);
  r = c.Patch("/setting", Bearer(kToken), "{\"a\":1}", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(changes.load(), 1);
}

TEST_F(HttpServerTest, OffLoopbackEveryRequestNeedsTheToken) {
  WriteFile(dir / "token", kToken);
  HttpOptions o = Options("0.0.0.0:0");
  o.token_file = dir / "token";
  auto server = Serve(o);
  ASSERT_TRUE(server);
  httplib::Client c("127.0.0.1", server->port());  // test traffic stays on loopback
  auto r = c.Get("/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = c.Get("/hello", Bearer(kToken));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // And it cannot be started without one.
  o.token_file.clear();
  EXPECT_EQ(HttpServer::Bind(o).status().code(), StatusCode::kInvalidArgument);
}

// A route with a larger limit of its own (model bundles) takes bodies the others refuse, and
// only up to its own limit; a declared oversize body is refused without being read.
TEST_F(HttpServerTest, ARouteCanHaveABodyLimitOfItsOwn) {
  WriteFile(dir / "token", kToken);
  HttpOptions o = Options();
  o.token_file = dir / "token";
  o.max_body_bytes = 1024;
  auto server = HttpServer::Bind(o);
  ASSERT_TRUE(server.ok());
  std::atomic<size_t> got{0};
  (*server)->Route(
      "POST", "/big", HttpAccess::kWrite,
      [&](const httplib::Request& req, httplib::Response& res) {
        got = req.body.size();
        res.set_content("{}", "application/json");
      },
      64 * 1024);
  (*server)->Route("POST", "/small", HttpAccess::kWrite,
                   [&](const httplib::Request&, httplib::Response& res) {
                     ++changes;
                     res.set_content("{}", "application/json");
                   });
  (*server)->Start();
  httplib::Client c("127.0.0.1", (*server)->port());
  auto r = c.Post("/big", Bearer(kToken), std::string(32 * 1024, 'x'), "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(got.load(), 32u * 1024);
  r = c.Post("/big", Bearer(kToken), std::string(65 * 1024, 'x'), "application/octet-stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(ErrorOf(r), "request body too large");
  r = c.Post("/small", Bearer(kToken), std::string(4096, 'x'), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(changes.load(), 0);
  // The server still answers after refusing unread bodies.
  r = c.Post("/small", Bearer(kToken), std::string(100, 'x'), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(changes.load(), 1);
  // A chunked body (no Content-Length) over the route's limit: refused after reading.
  r = c.Post(
      "/small", Bearer(kToken),
      [](size_t offset, httplib::DataSink& sink) {
        if (offset < 4096) {
          const std::string chunk(1024, 'y');
          sink.write(chunk.data(), chunk.size());
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(changes.load(), 1);
  (*server)->Stop();
}

TEST_F(HttpServerTest, OversizedBodiesAndFastClientsAreRefused) {
  WriteFile(dir / "token", kToken);
  HttpOptions o = Options();
  o.token_file = dir / "token";
  o.max_body_bytes = 1024;
  o.rate_per_s = 1;
  o.rate_burst = 5;
  auto server = Serve(o);
  ASSERT_TRUE(server);
  httplib::Client c("127.0.0.1", server->port());
  auto r = c.Patch("/setting", Bearer(kToken), std::string(4096, 'x'), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(ErrorOf(r), "request body too large");
  EXPECT_EQ(changes.load(), 0);
  int limited = 0;
  for (int i = 0; i < 10; ++i) {
    auto g = c.Get("/hello");
    ASSERT_TRUE(g);
    if (g->status == 429) {
      ++limited;
      EXPECT_EQ(g->get_header_value("Retry-After"), "1");
    }
  }
  EXPECT_GE(limited, 4);  // burst 5 at 1/s: at most 6 of 10 pass in a few ms
}

TEST_F(HttpServerTest, TlsWithACertificateAndClearErrorsWithout) {
  const std::string cert = dir / "cert.pem", key = dir / "key.pem";
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
      " -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  HttpOptions o = Options();
  o.tls_cert = cert;
  o.tls_key = key;
  auto server = Serve(o);
  ASSERT_TRUE(server);
  EXPECT_EQ(server->url().rfind("https://127.0.0.1:", 0), 0u);
  httplib::SSLClient c("127.0.0.1", server->port());
  c.set_ca_cert_path(cert.c_str());
  auto r = c.Get("/hello");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  // Plain HTTP to the HTTPS port gets no answer.
  httplib::Client plain("127.0.0.1", server->port());
  plain.set_read_timeout(2, 0);
  EXPECT_FALSE(plain.Get("/hello"));

  WriteFile(dir / "junk.pem", "not a certificate\n");
  o.tls_cert = dir / "junk.pem";
  auto bad = HttpServer::Bind(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("cannot load"), std::string::npos);
}

TEST_F(HttpServerTest, APortInUseIsReported) {
  auto first = Serve(Options());
  ASSERT_TRUE(first);
  auto second = HttpServer::Bind(Options("127.0.0.1:" + std::to_string(first->port())));
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("cannot listen on 127.0.0.1:"), std::string::npos)
      << second.status().ToString();
}

}  // namespace
}  // namespace es
