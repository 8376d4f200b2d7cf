// BearerToken: the API's shared secret, kept only as its SHA-256 digest.
//
// Contract: Load(key, path) reads the first line of the file (core/password_file.h): either the
// token itself (at least 16 characters) or "sha256:" followed by the 64 hex digits of the
// token's SHA-256. Matches(header) accepts an Authorization header value "Bearer <token>"
// whose token hashes to the digest, compared in constant time. Errors name the key and the
// path, never the content.
// Thread-safety: immutable after Load; Matches is re-entrant.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "edgesight/status.h"

namespace es {

class BearerToken {
 public:
  static Result<BearerToken> Load(const std::string& key, const std::string& path);
  static BearerToken FromToken(std::string_view token);
  bool Matches(std::string_view authorization_header) const;

 private:
  std::array<unsigned char, 32> digest_{};
};

std::array<unsigned char, 32> Sha256(std::string_view data);

}  // namespace es
