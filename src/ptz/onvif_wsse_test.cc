#include "ptz/onvif_wsse.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <set>
#include <vector>

#include "ptz/onvif_soap.h"

namespace es::onvif {
namespace {

using std::chrono::seconds;

// Runs a shell command and returns its stdout with trailing white space removed.
std::string Shell(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  if (!p) return "";
  std::string out;
  char buf[256];
  while (fgets(buf, sizeof(buf), p.get())) out += buf;
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

// The worked example of the ONVIF Application Programmer's Guide (section 6.1.1.3).
TEST(OnvifWsse, DigestMatchesOnvifProgrammersGuideExample) {
  const std::optional<std::string> nonce = Base64Decode("LKqI6G/AikKCQrN0zqZFlg==");
  ASSERT_TRUE(nonce);
  EXPECT_EQ(nonce->size(), 16u);
  EXPECT_EQ(PasswordDigest(*nonce, "2010-09-16T07:50:45Z", "userpassword"),
            "tuOSpGlFlIXsozq4HFNeeGeFLEI=");
}

// An independent computation with the openssl command-line tool on a fresh random token.
TEST(OnvifWsse, DigestMatchesOpensslCli) {
  if (Shell("command -v openssl").empty()) GTEST_SKIP() << "openssl CLI not installed";
  Result<UsernameToken> token = MakeUsernameToken("admin", "s3cret pass");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  const std::optional<std::string> nonce = Base64Decode(token->nonce_b64);
  ASSERT_TRUE(nonce);
  ASSERT_EQ(nonce->size(), 16u);
  // openssl decodes the Base64 nonce itself, so the test shares no code with the library.
  const std::string via_openssl =
      Shell("(printf '%s' '" + token->nonce_b64 + "' | openssl base64 -d -A; printf '%s%s' '" +
            token->created + "' 's3cret pass') | openssl dgst -sha1 -binary | openssl base64 -A");
  EXPECT_EQ(token->digest_b64, via_openssl);
}

TEST(OnvifWsse, Base64RoundTripAndRejectsGarbage) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba",
                                                       "foobar", std::string("\0\xff\x10", 3)}) {
    const std::optional<std::string> back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back) << s;
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(*Base64Decode("  Zm8=\n"), "fo");
  EXPECT_FALSE(Base64Decode("Zm8"));       // length not a multiple of 4
  EXPECT_FALSE(Base64Decode("Zm8*"));      // bad character
  EXPECT_FALSE(Base64Decode("Z=m8"));      // padding in the middle
  EXPECT_FALSE(Base64Decode("Zm=8"));      // padding before data
  EXPECT_FALSE(Base64Decode("Zm8=Zm8="));  // padding in the middle
}

TEST(OnvifWsse, UtcFormatAndParse) {
  const WallTime t = std::chrono::system_clock::from_time_t(1284623445);
  EXPECT_EQ(FormatUtc(t), "2010-09-16T07:50:45Z");
  EXPECT_EQ(ParseUtc("2010-09-16T07:50:45Z"), t);
  EXPECT_EQ(ParseUtc(" 2010-09-16T07:50:45+00:00 "), t);
  EXPECT_EQ(ParseUtc("2010-09-16T07:50:45.250Z"), t + std::chrono::milliseconds(250));
  EXPECT_FALSE(ParseUtc("2010-09-16T07:50:45"));        // no zone
  EXPECT_FALSE(ParseUtc("2010-09-16T07:50:45+02:00"));  // not UTC
  EXPECT_FALSE(ParseUtc("2010-13-16T07:50:45Z"));
  EXPECT_FALSE(ParseUtc("yesterday"));
  EXPECT_FALSE(ParseUtc(""));
}

TEST(OnvifWsse, FreshTokensHaveDistinctNoncesAndNoPassword) {
  std::set<std::string> nonces;
  for (int i = 0; i < 50; ++i) {
    Result<UsernameToken> t = MakeUsernameToken("admin", "topsecret");
    ASSERT_TRUE(t.ok());
    nonces.insert(t->nonce_b64);
    const std::string xml = SecurityHeaderXml(*t);
    EXPECT_EQ(xml.find("topsecret"), std::string::npos);
    ASSERT_TRUE(ParseUtc(t->created));
  }
  EXPECT_EQ(nonces.size(), 50u);
}

TEST(OnvifWsse, HeaderRoundTripsThroughSoapParser) {
  const UsernameToken t =
      MakeUsernameToken("ad<min>", "pw", "0123456789abcdef", "2024-05-01T10:00:00Z");
  const std::string env = BuildEnvelope(SecurityHeaderXml(t), "<tptz:GetStatus/>");
  Result<SoapMessage> msg = SoapMessage::Parse(env);
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  const std::optional<UsernameToken> back = ReadUsernameToken(msg->header());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->username, "ad<min>");
  EXPECT_EQ(back->digest_b64, t.digest_b64);
  EXPECT_EQ(back->nonce_b64, t.nonce_b64);
  EXPECT_EQ(back->created, t.created);
  EXPECT_EQ(back->password_type, kPasswordDigestType);
}

TEST(OnvifWsse, ReadUsernameTokenIsPrefixAgnosticAndDefaultsToPasswordText) {
  const std::string env =
      "<e:Envelope xmlns:e='http://www.w3.org/2003/05/soap-envelope'><e:Header>"
      "<Security xmlns='urn:x'><UsernameToken><Username>u</Username><Password>p</Password>"
      "</UsernameToken></Security></e:Header><e:Body/></e:Envelope>";
  Result<SoapMessage> msg = SoapMessage::Parse(env);
  ASSERT_TRUE(msg.ok());
  const std::optional<UsernameToken> t = ReadUsernameToken(msg->header());
  ASSERT_TRUE(t);
  EXPECT_EQ(t->username, "u");
  EXPECT_NE(t->password_type, kPasswordDigestType);
  Result<SoapMessage> none = SoapMessage::Parse(
      "<s:Envelope xmlns:s='http://www.w3.org/2003/05/soap-envelope'><s:Body/></s:Envelope>");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(ReadUsernameToken(none->header()));
}

class VerifierTest : public ::testing::Test {
 protected:
  UsernameTokenVerifier verifier_{{"admin", "right", Duration::Seconds(300), Duration::Seconds(5)}};
  WallTime now_ = std::chrono::system_clock::from_time_t(1700000000);
  UsernameToken Token(std::string_view password, WallTime created,
                      std::string_view nonce = "nonce-0123456789") {
    return MakeUsernameToken("admin", password, nonce, FormatUtc(created));
  }
};

TEST_F(VerifierTest, AcceptsAValidToken) {
  EXPECT_TRUE(verifier_.Verify(Token("right", now_), now_).ok());
  EXPECT_EQ(verifier_.remembered_nonces(), 1u);
}

TEST_F(VerifierTest, RejectsWrongPasswordWithoutLeakingIt) {
  const Status s = verifier_.Verify(Token("wrong", now_), now_);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message().find("right"), std::string::npos);
  EXPECT_EQ(s.message().find("wrong"), std::string::npos);
  // A rejected token does not burn its nonce.
  EXPECT_EQ(verifier_.remembered_nonces(), 0u);
}

TEST_F(VerifierTest, RejectsReplayedNonce) {
  const UsernameToken t = Token("right", now_);
  ASSERT_TRUE(verifier_.Verify(t, now_).ok());
  const Status again = verifier_.Verify(t, now_ + seconds(1));
  EXPECT_EQ(again.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(again.message().find("replayed"), std::string::npos);
  // Another nonce is fine.
  EXPECT_TRUE(verifier_.Verify(Token("right", now_, "another-nonce-01"), now_).ok());
}

TEST_F(VerifierTest, RejectsStaleAndFutureTimestamps) {
  const Status stale = verifier_.Verify(Token("right", now_ - seconds(301)), now_);
  EXPECT_EQ(stale.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(stale.message().find("stale"), std::string::npos);
  const Status future = verifier_.Verify(Token("right", now_ + seconds(60)), now_);
  EXPECT_EQ(future.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(future.message().find("future"), std::string::npos);
  EXPECT_TRUE(verifier_.Verify(Token("right", now_ - seconds(299)), now_).ok());
}

TEST_F(VerifierTest, ForgetsNoncesOlderThanTheWindow) {
  ASSERT_TRUE(verifier_.Verify(Token("right", now_, "n1-0123456789abc"), now_).ok());
  const WallTime later = now_ + seconds(400);
  ASSERT_TRUE(verifier_.Verify(Token("right", later, "n2-0123456789abc"), later).ok());
  EXPECT_EQ(verifier_.remembered_nonces(), 1u);
}

TEST_F(VerifierTest, RejectsWrongUserMissingFieldsAndPasswordText) {
  UsernameToken t = Token("right", now_);
  t.username = "root";
  EXPECT_EQ(verifier_.Verify(t, now_).code(), StatusCode::kPermissionDenied);
  t = Token("right", now_);
  t.nonce_b64 = "%%%";
  EXPECT_EQ(verifier_.Verify(t, now_).code(), StatusCode::kPermissionDenied);
  t = Token("right", now_);
  t.created = "";
  EXPECT_EQ(verifier_.Verify(t, now_).code(), StatusCode::kPermissionDenied);
  t = Token("right", now_);
  t.password_type =
      "http://docs.oasis-open.org/wss/2004/01/"
      "oasis-200401-wss-username-token-profile-1.0#PasswordText";
  t.digest_b64 = "right";
  EXPECT_EQ(verifier_.Verify(t, now_).code(), StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace es::onvif
