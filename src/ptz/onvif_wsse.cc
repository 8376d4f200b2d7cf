#include "ptz/onvif_wsse.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>
#include <cstdio>
#include <ctime>

#include "ptz/onvif_soap.h"

namespace es::onvif {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Parses exactly n decimal digits at s[pos].
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  text = Trim(text);
  if (text.size() % 4 != 0) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' ||
                    (c == '=' && i + 2 >= text.size());
    if (!ok) return std::nullopt;
  }
  if (text.size() >= 2 && text[text.size() - 2] == '=' && text.back() != '=') return std::nullopt;
  if (text.empty()) return std::string();
  std::string out(3 * (text.size() / 4) + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes: remove them.
  if (text.size() >= 1 && text[text.size() - 1] == '=') --len;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

std::string Sha1(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha1(), nullptr) != 1) return {};
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string PasswordDigest(std::string_view nonce_raw, std::string_view created,
                           std::string_view password) {
  std::string buf;
  buf.reserve(nonce_raw.size() + created.size() + password.size());
  buf.append(nonce_raw).append(created).append(password);
  std::string digest = Base64Encode(Sha1(buf));
  OPENSSL_cleanse(buf.data(), buf.size());
  return digest;
}

std::string FormatUtc(WallTime t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<WallTime> ParseUtc(std::string_view text) {
  const std::string_view s = Trim(text);
  int year, mon, day, hour, min, sec;
  if (!Digits(s, 0, 4, &year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, &mon) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &min) || s[16] != ':' ||
      !Digits(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t scale = 100000;
    const size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      frac_us += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  const std::string_view zone = s.substr(pos);
  if (zone != "Z" && zone != "z" && zone != "+00:00" && zone != "-00:00") return std::nullopt;
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1) && year != 1969) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t) + std::chrono::microseconds(frac_us);
}

UsernameToken MakeUsernameToken(std::string_view username, std::string_view password,
                                std::string_view nonce_raw, std::string_view created) {
  UsernameToken token;
  token.username = std::string(username);
  token.nonce_b64 = Base64Encode(nonce_raw);
  token.created = std::string(created);
  token.digest_b64 = PasswordDigest(nonce_raw, created, password);
  return token;
}

Result<UsernameToken> MakeUsernameToken(std::string_view username, std::string_view password) {
  unsigned char nonce[16];
  if (RAND_bytes(nonce, sizeof(nonce)) != 1) {
    return Internal("onvif: the random source failed to produce a nonce");
  }
  return MakeUsernameToken(username, password,
                           std::string_view(reinterpret_cast<const char*>(nonce), sizeof(nonce)),
                           FormatUtc(std::chrono::system_clock::now()));
}

std::string SecurityHeaderXml(const UsernameToken& token) {
  std::string x;
  x += "<wsse:Security s:mustUnderstand=\"1\" xmlns:wsse=\"";
  x += kWsseNs;
  x += "\" xmlns:wsu=\"";
  x += kWsuNs;
  x += "\"><wsse:UsernameToken><wsse:Username>";
  x += XmlEscape(token.username);
  x += "</wsse:Username><wsse:Password Type=\"";
  x += kPasswordDigestType;
  x += "\">";
  x += token.digest_b64;
  x += "</wsse:Password><wsse:Nonce EncodingType=\"";
  x += kBase64EncodingType;
  x += "\">";
  x += token.nonce_b64;
  x += "</wsse:Nonce><wsu:Created>";
  x += XmlEscape(token.created);
  x += "</wsu:Created></wsse:UsernameToken></wsse:Security>";
  return x;
}

std::optional<UsernameToken> ReadUsernameToken(pugi::xml_node soap_header) {
  const pugi::xml_node ut = Descend(soap_header, {"Security", "UsernameToken"});
  if (!ut) return std::nullopt;
  UsernameToken token;
  token.username = Text(Child(ut, "Username"));
  const pugi::xml_node password = Child(ut, "Password");
  token.digest_b64 = Text(password);
  const std::optional<std::string_view> type = Attr(password, "Type");
  token.password_type = type ? std::string(Trim(*type))
                             : std::string(
                                   "http://docs.oasis-open.org/wss/2004/01/"
                                   "oasis-200401-wss-username-token-profile-1.0"
                                   "#PasswordText");
  token.nonce_b64 = Text(Child(ut, "Nonce"));
  token.created = Text(Child(ut, "Created"));
  return token;
}

UsernameTokenVerifier::UsernameTokenVerifier(UsernameTokenVerifierOptions options)
    : options_(std::move(options)) {}

void UsernameTokenVerifier::Prune(WallTime now) {
  const auto horizon = now - std::chrono::microseconds(options_.max_age.us);
  for (auto it = seen_.begin(); it != seen_.end();) {
    it = it->second < horizon ? seen_.erase(it) : std::next(it);
  }
}

Status UsernameTokenVerifier::Verify(const UsernameToken& token, WallTime now) {
  if (token.username != options_.username) return PermissionDenied("unknown user name");
  if (token.password_type != kPasswordDigestType) {
    return PermissionDenied("password type is not PasswordDigest");
  }
  const std::optional<std::string> nonce = Base64Decode(token.nonce_b64);
  if (!nonce || nonce->empty()) return PermissionDenied("missing or malformed Nonce");
  const std::optional<WallTime> created = ParseUtc(token.created);
  if (!created) return PermissionDenied("missing or malformed Created timestamp");
  if (*created < now - std::chrono::microseconds(options_.max_age.us)) {
    return PermissionDenied("stale Created timestamp");
  }
  if (*created > now + std::chrono::microseconds(options_.max_skew.us)) {
    return PermissionDenied("Created timestamp is in the future");
  }
  const std::string expected = PasswordDigest(*nonce, token.created, options_.password);
  const std::string got(Trim(token.digest_b64));
  if (got.size() != expected.size() ||
      CRYPTO_memcmp(got.data(), expected.data(), expected.size()) != 0) {
    return PermissionDenied("password digest mismatch");
  }
  Prune(now);
  const std::string key(Trim(token.nonce_b64));
  if (seen_.count(key)) return PermissionDenied("nonce replayed");
  seen_.emplace(key, *created);
  return Status::Ok();
}

}  // namespace es::onvif
