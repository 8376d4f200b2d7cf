// Signing keys for model bundles: ed25519 (libsodium), the device trusting only the public keys
// its configuration names.
//
// Contract
// - GenerateKeyPair() draws a fresh pair. WriteKeyPair(prefix) writes PREFIX (the secret key,
//   created with mode 0600, never world- or group-readable) and PREFIX.pub; both are one text
//   line "edgesight-ed25519-secret <hex>" / "edgesight-ed25519-public <hex>", so a key file is
//   recognisable and a wrong file is a clear error, not a silent mismatch.
// - KeyId(public key): the first 8 bytes of SHA-256 of the public key, hex (16 characters); a
//   bundle names the key that signed it, so a device with several trusted keys knows which to
//   try and an operator can tell them apart.
// - Sign(secret, message) / Verify(public, message, signature): detached ed25519 signatures
//   (64 bytes). Sha256Hex(bytes): lowercase hex.
// Failure: a missing key file -> kNotFound naming it; a file that is not a key of the expected
// kind, or a secret key readable by group or others -> kInvalidArgument naming it; a file that
// cannot be written -> kUnavailable. Verify returns false; it never throws.
// Thread-safety: pure functions (libsodium is initialised once, thread-safely).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "edgesight/status.h"

namespace es {

using PublicKey = std::array<unsigned char, 32>;
using SecretKey = std::array<unsigned char, 64>;
using Signature = std::array<unsigned char, 64>;

struct KeyPair {
  PublicKey pub{};
  SecretKey secret{};
};

KeyPair GenerateKeyPair();
Status WriteKeyPair(const KeyPair& keys, const std::string& prefix);
Result<SecretKey> ReadSecretKey(const std::string& path);
Result<PublicKey> ReadPublicKey(const std::string& path);
// The public half of a secret key (libsodium keeps it in the secret key's last 32 bytes).
PublicKey PublicOf(const SecretKey& secret);

std::string KeyId(const PublicKey& pub);
Signature Sign(const SecretKey& secret, std::string_view message);
bool Verify(const PublicKey& pub, std::string_view message, const Signature& signature);
std::string Sha256Hex(std::string_view bytes);

}  // namespace es
