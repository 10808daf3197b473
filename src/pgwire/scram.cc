#include "pgwire/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "base/logging.h"
#include "fmt/format.h"
#include "pgwire/split_internal.h"
#include "pgwire/sqlstates.h"
#include "sql/sql_error.h"

namespace oxbow::pgwire {
namespace {

constexpr std::string_view kPrefix = "SCRAM-SHA-256$";
constexpr int kMaxIterations = 1 << 24;

std::string RandomBytes(size_t n) {
  std::string s(n, '\0');
  OXBOW_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(s.data()), static_cast<int>(n)) == 1,
              "OpenSSL RAND_bytes failed");
  return s;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Sha256(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return std::string(reinterpret_cast<const char*>(out), sizeof(out));
}

std::string SaltedPassword(std::string_view password, std::string_view salt, int iterations) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(),
                    static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

Status Malformed(std::string_view what) {
  return sql::SqlError(sqlstate::kProtocolViolation,
                       fmt::format("malformed SCRAM message ({})", what));
}

// "k=value" attribute at the front of `part`.
Result<std::string_view> Attribute(std::string_view part, char key) {
  if (part.size() < 2 || part[0] != key || part[1] != '=') {
    return Malformed(fmt::format("expected attribute '{}'", key));
  }
  return part.substr(2);
}

}  // namespace

std::string Base64Encode(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return absl::InvalidArgumentError("invalid base64 length");
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=') {
      return absl::InvalidArgumentError("invalid base64 character");
    }
  }
  std::string out(text.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return absl::InvalidArgumentError("invalid base64");
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

ScramVerifier ScramVerifier::FromPassword(std::string_view password, std::string salt,
                                          int iterations) {
  ScramVerifier v;
  v.salt = salt.empty() ? RandomBytes(16) : std::move(salt);
  v.iterations = iterations;
  std::string salted = SaltedPassword(password, v.salt, iterations);
  v.stored_key = Sha256(Hmac(salted, "Client Key"));
  v.server_key = Hmac(salted, "Server Key");
  return v;
}

Result<ScramVerifier> ScramVerifier::Parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        fmt::format("not a SCRAM-SHA-256 verifier ({}); expected "
                    "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
                    why));
  };
  if (text.substr(0, kPrefix.size()) != kPrefix) return bad("prefix");
  std::vector<std::string_view> parts = internal::Split(text.substr(kPrefix.size()), '$');
  if (parts.size() != 2) return bad("expected two '$'-separated parts");
  std::vector<std::string_view> a = internal::Split(parts[0], ':');
  std::vector<std::string_view> b = internal::Split(parts[1], ':');
  if (a.size() != 2 || b.size() != 2) return bad("expected ':' in each part");
  ScramVerifier v;
  if (!absl::SimpleAtoi(absl::string_view(a[0].data(), a[0].size()), &v.iterations) ||
      v.iterations < 1 || v.iterations > kMaxIterations) {
    return bad("iterations");
  }
  Result<std::string> salt = Base64Decode(a[1]);
  Result<std::string> stored = Base64Decode(b[0]);
  Result<std::string> server = Base64Decode(b[1]);
  if (!salt.ok() || salt->empty()) return bad("salt");
  if (!stored.ok() || stored->size() != SHA256_DIGEST_LENGTH) return bad("StoredKey");
  if (!server.ok() || server->size() != SHA256_DIGEST_LENGTH) return bad("ServerKey");
  v.salt = std::move(*salt);
  v.stored_key = std::move(*stored);
  v.server_key = std::move(*server);
  return v;
}

std::string ScramVerifier::ToString() const {
  return fmt::format("{}{}:{}${}:{}", kPrefix, iterations, Base64Encode(salt),
                     Base64Encode(stored_key), Base64Encode(server_key));
}

bool ScramVerifier::Matches(std::string_view password) const {
  ScramVerifier other = FromPassword(password, salt, iterations);
  return CRYPTO_memcmp(other.stored_key.data(), stored_key.data(), stored_key.size()) == 0 &&
         CRYPTO_memcmp(other.server_key.data(), server_key.data(), server_key.size()) == 0;
}

ScramExchange::ScramExchange(std::optional<ScramVerifier> verifier, std::string server_nonce)
    : verifier_(std::move(verifier)),
      known_user_(verifier_.has_value()),
      server_nonce_(server_nonce.empty() ? Base64Encode(RandomBytes(18))
                                         : std::move(server_nonce)) {
  if (!known_user_) verifier_ = ScramVerifier::FromPassword(RandomBytes(16));
}

Result<std::string> ScramExchange::ClientFirst(std::string_view message) {
  // gs2-header: "n,," (no channel binding) or "y,," (client could but thinks we can't);
  // "p=…" asks for channel binding, which we did not offer.
  if (message.size() < 3) return Malformed("too short");
  if (message[0] == 'p') {
    return sql::SqlError(sqlstate::kProtocolViolation,
                         "channel binding is not supported (no TLS); use SCRAM-SHA-256");
  }
  if (message[0] != 'n' && message[0] != 'y') return Malformed("gs2 header");
  if (message[1] != ',') return Malformed("gs2 header");
  size_t authzid_end = message.find(',', 2);
  if (authzid_end == std::string_view::npos) return Malformed("gs2 header");
  gs2_header_ = std::string(message.substr(0, authzid_end + 1));
  client_first_bare_ = std::string(message.substr(authzid_end + 1));
  // n=user,r=nonce[,extensions]: PostgreSQL ignores the name here (the startup user counts).
  std::vector<std::string_view> parts = internal::Split(client_first_bare_, ',');
  if (parts.size() < 2) return Malformed("client-first-message");
  RETURN_IF_ERROR(Attribute(parts[0], 'n').status());
  ASSIGN_OR_RETURN(std::string_view client_nonce, Attribute(parts[1], 'r'));
  if (client_nonce.empty()) return Malformed("empty nonce");
  for (char c : client_nonce) {
    if (c < 0x21 || c > 0x7e || c == ',') return Malformed("nonce characters");
  }
  nonce_ = std::string(client_nonce) + server_nonce_;
  server_first_ =
      fmt::format("r={},s={},i={}", nonce_, Base64Encode(verifier_->salt), verifier_->iterations);
  return server_first_;
}

Result<std::string> ScramExchange::ClientFinal(std::string_view message) {
  if (server_first_.empty()) return Malformed("client-final before client-first");
  // c=<base64 gs2 header>,r=<nonce>[,extensions],p=<proof>
  size_t proof_at = message.rfind(",p=");
  if (proof_at == std::string_view::npos) return Malformed("no proof");
  std::string_view without_proof = message.substr(0, proof_at);
  std::vector<std::string_view> parts = internal::Split(without_proof, ',');
  if (parts.size() < 2) return Malformed("client-final-message");
  ASSIGN_OR_RETURN(std::string_view binding, Attribute(parts[0], 'c'));
  ASSIGN_OR_RETURN(std::string_view nonce, Attribute(parts[1], 'r'));
  if (binding != Base64Encode(gs2_header_)) return Malformed("channel binding mismatch");
  if (nonce != nonce_) return Malformed("nonce mismatch");
  Result<std::string> proof = Base64Decode(message.substr(proof_at + 3));
  if (!proof.ok() || proof->size() != SHA256_DIGEST_LENGTH) return Malformed("proof");

  std::string auth_message =
      fmt::format("{},{},{}", client_first_bare_, server_first_, without_proof);
  std::string client_signature = Hmac(verifier_->stored_key, auth_message);
  std::string client_key(SHA256_DIGEST_LENGTH, '\0');
  for (size_t i = 0; i < client_key.size(); ++i) client_key[i] = (*proof)[i] ^ client_signature[i];
  std::string stored = Sha256(client_key);
  bool ok = CRYPTO_memcmp(stored.data(), verifier_->stored_key.data(), stored.size()) == 0;
  if (!ok || !known_user_) {
    return sql::SqlError(sqlstate::kInvalidPassword, "password authentication failed");
  }
  return "v=" + Base64Encode(Hmac(verifier_->server_key, auth_message));
}

}  // namespace oxbow::pgwire
