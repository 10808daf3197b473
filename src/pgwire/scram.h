// SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it, server side, on OpenSSL's
// PBKDF2, HMAC and SHA-256. Channel binding (SCRAM-SHA-256-PLUS) is not offered: there is
// no TLS yet. Passwords are used as given (no SASLprep normalization: ASCII passwords, the
// common case, are unaffected).
//
// Thread safety: ScramVerifier is a plain value; a ScramExchange belongs to one connection.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace oxbow::pgwire {

// What the server stores instead of a password: PostgreSQL's pg_authid.rolpassword format
// "SCRAM-SHA-256$<iterations>:<salt base64>$<StoredKey base64>:<ServerKey base64>".
struct ScramVerifier {
  std::string salt;  // raw bytes
  int iterations = 4096;
  std::string stored_key;  // raw 32 bytes
  std::string server_key;  // raw 32 bytes

  // Derives a verifier from a password; an empty `salt` picks 16 random bytes.
  static ScramVerifier FromPassword(std::string_view password, std::string salt = {},
                                    int iterations = 4096);
  // Parses PostgreSQL's format; InvalidArgument saying what is wrong.
  static Result<ScramVerifier> Parse(std::string_view text);
  std::string ToString() const;
  // Whether `password` derives this verifier (for cleartext password authentication).
  bool Matches(std::string_view password) const;
};

std::string Base64Encode(std::string_view raw);
// Standard alphabet with padding; InvalidArgument on anything else.
Result<std::string> Base64Decode(std::string_view text);

// One SCRAM exchange: client-first → server-first, client-final → server-final.
class ScramExchange {
 public:
  // `verifier` is the user's, or nullopt for an unknown user: the exchange then runs to the
  // end with a made-up verifier and fails, so a client cannot tell unknown users from wrong
  // passwords. `server_nonce` is for tests (RFC 7677's example); empty picks 18 random bytes.
  explicit ScramExchange(std::optional<ScramVerifier> verifier, std::string server_nonce = {});

  // The client-first-message (SASLInitialResponse data) → server-first-message.
  // 08P01 when malformed or asking for channel binding.
  Result<std::string> ClientFirst(std::string_view message);
  // The client-final-message → server-final-message ("v=..."). 28P01 when the proof is wrong
  // (or the user unknown); 08P01 when malformed or the nonce or channel binding differ.
  Result<std::string> ClientFinal(std::string_view message);

 private:
  std::optional<ScramVerifier> verifier_;
  bool known_user_;
  std::string server_nonce_;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string server_first_;
  std::string nonce_;  // client nonce + server nonce
};

}  // namespace oxbow::pgwire
