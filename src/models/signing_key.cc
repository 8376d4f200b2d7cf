#include "models/signing_key.h"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace es {
namespace {

constexpr const char* kSecretTag = "edgesight-ed25519-secret";
constexpr const char* kPublicTag = "edgesight-ed25519-public";

void InitSodium() {
  static const int ok = sodium_init();  // thread-safe; -1 only without entropy
  (void)ok;
}

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

template <size_t N>
Result<std::array<unsigned char, N>> ReadKeyFile(const std::string& path, const char* tag,
                                                 const char* what) {
  std::ifstream in(path);
  if (!in) return NotFound(std::string(what) + " " + path + ": cannot be read");
  std::string kind, hex;
  in >> kind >> hex;
  std::array<unsigned char, N> key{};
  size_t len = 0;
  if (kind != tag || hex.size() != 2 * N ||
      sodium_hex2bin(key.data(), N, hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != N) {
    return InvalidArgument(std::string(what) + " " + path + ": not an edgesight " + what +
                           " (expected one line '" + tag + " <" + std::to_string(2 * N) +
                           " hex digits>')");
  }
  return key;
}

}  // namespace

KeyPair GenerateKeyPair() {
  InitSodium();
  KeyPair k;
  crypto_sign_keypair(k.pub.data(), k.secret.data());
  return k;
}

Status WriteKeyPair(const KeyPair& keys, const std::string& prefix) {
  InitSodium();
  const std::string pub_path = prefix + ".pub";
  // The secret key is created 0600 from the start (umask can only remove bits).
  const mode_t old = umask(077);
  std::FILE* f = std::fopen(prefix.c_str(), "wx");
  umask(old);
  if (f == nullptr) {
    return Unavailable("secret key " + prefix + ": cannot be created (it may exist already)");
  }
  const std::string secret_line =
      std::string(kSecretTag) + " " + Hex(keys.secret.data(), keys.secret.size()) + "\n";
  const bool wrote = std::fputs(secret_line.c_str(), f) >= 0;
  if (std::fclose(f) != 0 || !wrote) return Unavailable("secret key " + prefix + ": write failed");
  std::ofstream pub(pub_path, std::ios::trunc);
  pub << kPublicTag << " " << Hex(keys.pub.data(), keys.pub.size()) << "\n";
  pub.close();
  if (!pub) return Unavailable("public key " + pub_path + ": write failed");
  return Status::Ok();
}

Result<SecretKey> ReadSecretKey(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return InvalidArgument("secret key " + path + ": readable by group or others (chmod 600 it)");
  }
  return ReadKeyFile<64>(path, kSecretTag, "secret key");
}

Result<PublicKey> ReadPublicKey(const std::string& path) {
  return ReadKeyFile<32>(path, kPublicTag, "public key");
}

PublicKey PublicOf(const SecretKey& secret) {
  PublicKey pub{};
  crypto_sign_ed25519_sk_to_pk(pub.data(), secret.data());
  return pub;
}

std::string KeyId(const PublicKey& pub) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, pub.data(), pub.size());
  return Hex(h, 8);
}

Signature Sign(const SecretKey& secret, std::string_view message) {
  InitSodium();
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret.data());
  return sig;
}

bool Verify(const PublicKey& pub, std::string_view message, const Signature& signature) {
  InitSodium();
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), pub.data()) == 0;
}

std::string Sha256Hex(std::string_view bytes) {
  InitSodium();
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return Hex(h, sizeof(h));
}

}  // namespace es
