#include "http/bearer_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/password_file.h"

namespace es {

std::array<unsigned char, 32> Sha256(std::string_view data) {
  std::array<unsigned char, 32> out{};
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, EVP_sha256(), nullptr);
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

BearerToken BearerToken::FromToken(std::string_view token) {
  BearerToken t;
  t.digest_ = Sha256(token);
  return t;
}

Result<BearerToken> BearerToken::Load(const std::string& key, const std::string& path) {
  ES_ASSIGN_OR_RETURN(std::string line, ReadPasswordFile(key, path));
  constexpr std::string_view kPrefix = "sha256:";
  if (line.rfind(kPrefix, 0) == 0) {
    const std::string hex = line.substr(kPrefix.size());
    BearerToken t;
    bool ok = hex.size() == 64;
    for (size_t i = 0; ok && i < 32; ++i) {
      const int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
      ok = hi >= 0 && lo >= 0;
      if (ok) t.digest_[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    if (!ok) {
      return InvalidArgument(key + ": '" + path + "': after 'sha256:' expected 64 hex digits");
    }
    return t;
  }
  if (line.size() < 16) {
    return InvalidArgument(key + ": '" + path + "': the token must be at least 16 characters");
  }
  return FromToken(line);
}

bool BearerToken::Matches(std::string_view header) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || header.substr(0, kScheme.size()) != kScheme) return false;
  const auto presented = Sha256(header.substr(kScheme.size()));
  return CRYPTO_memcmp(presented.data(), digest_.data(), digest_.size()) == 0;
}

}  // namespace es
