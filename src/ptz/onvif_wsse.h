// onvif_wsse: the WS-Security UsernameToken that ONVIF devices require (OASIS Web Services
// Security UsernameToken Profile 1.0, PasswordDigest variant), on both sides of the wire.
//
// Contract
// - PasswordDigest = Base64(SHA-1(nonce + created + password)), where nonce is the raw nonce
//   bytes (sent Base64-encoded), created the UTC timestamp exactly as sent
//   ("2010-09-16T07:50:45Z"). MakeUsernameToken draws a fresh random 16-byte nonce
//   (OpenSSL RAND_bytes) per call; a failure of the random source is kInternal.
// - SecurityHeaderXml renders the <wsse:Security> header block; the password itself never
//   appears in it (only the digest), and nothing here logs or returns the password.
// - UsernameTokenVerifier (the device side) accepts a token when the user name matches, the
//   digest matches (constant-time compare), Created is within [now - max_age, now + max_skew]
//   and the nonce was not seen before within max_age (replay). Every rejection is
//   kPermissionDenied with a one-line reason that names neither password nor digest.
// - ReadUsernameToken, Base64Decode and ParseUtc return nullopt on malformed input, never crash.
// Thread-safety: free functions are thread-safe; UsernameTokenVerifier is not (guard it).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "edgesight/status.h"
#include "edgesight/time.h"

namespace es::onvif {

inline constexpr char kWsseNs[] =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
inline constexpr char kWsuNs[] =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
inline constexpr char kPasswordDigestType[] =
    "http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
inline constexpr char kBase64EncodingType[] =
    "http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-soap-message-security-1.0#Base64Binary";

using WallTime = std::chrono::system_clock::time_point;

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);  // ignores surrounding spaces
std::string Sha1(std::string_view bytes);                        // 20 raw bytes

// Base64(SHA-1(nonce_raw + created + password)).
std::string PasswordDigest(std::string_view nonce_raw, std::string_view created,
                           std::string_view password);

// "YYYY-MM-DDTHH:MM:SSZ" (UTC, whole seconds).
std::string FormatUtc(WallTime t);
// xs:dateTime in UTC: "Z" or "+00:00"/"-00:00" offsets, optional fractional seconds.
std::optional<WallTime> ParseUtc(std::string_view text);

struct UsernameToken {
  std::string username;
  std::string digest_b64;  // PasswordDigest
  std::string nonce_b64;
  std::string created;
  std::string password_type = kPasswordDigestType;  // as received (verifier side)
};

// Deterministic: the given nonce bytes and Created string.
UsernameToken MakeUsernameToken(std::string_view username, std::string_view password,
                                std::string_view nonce_raw, std::string_view created);
// A fresh random nonce and Created = now (UTC).
Result<UsernameToken> MakeUsernameToken(std::string_view username, std::string_view password);

// <wsse:Security s:mustUnderstand="1" ...><wsse:UsernameToken>...</wsse:UsernameToken></...>
// (expects the envelope to bind prefix "s" to the SOAP 1.2 namespace).
std::string SecurityHeaderXml(const UsernameToken& token);
// Reads Security/UsernameToken from a SOAP Header element (prefix-agnostic); nullopt if the
// header carries none. A Password without Type is PasswordText, as the profile says.
std::optional<UsernameToken> ReadUsernameToken(pugi::xml_node soap_header);

struct UsernameTokenVerifierOptions {
  std::string username;
  std::string password;
  Duration max_age = Duration::Seconds(300);  // Created older than this is stale
  Duration max_skew = Duration::Seconds(5);   // Created further in the future is rejected
};

class UsernameTokenVerifier {
 public:
  explicit UsernameTokenVerifier(UsernameTokenVerifierOptions options);
  // kOk or kPermissionDenied("stale Created timestamp", "nonce replayed", ...).
  Status Verify(const UsernameToken& token, WallTime now);
  size_t remembered_nonces() const { return seen_.size(); }

 private:
  void Prune(WallTime now);

  UsernameTokenVerifierOptions options_;
  std::unordered_map<std::string, WallTime> seen_;  // nonce (Base64) -> Created
};

}  // namespace es::onvif
