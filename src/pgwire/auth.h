// Who may connect and how they prove it: an authentication method for loopback clients and
// one for everyone else (trust, cleartext password, SCRAM-SHA-256), and the configured users.
//
// Users come from one string (the --pg-users flag / pg_users config key):
//   "alice:secret,bob:SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>"
// Each entry is name:password, split at the first ':'; a password that starts with
// "SCRAM-SHA-256$" is a stored verifier (PostgreSQL's rolpassword format, e.g. copied from
// pg_authid or made by `oxbow`'s docs recipe), anything else is a plaintext password (which
// cannot contain ','). Plaintext passwords are turned into verifiers at startup.
//
// Thread safety: immutable after Parse; read from any thread.
#pragma once

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "base/status.h"
#include "pgwire/scram.h"

namespace oxbow::pgwire {

enum class AuthMethod { kTrust, kPassword, kScramSha256 };

// "trust", "password" (cleartext), "scram-sha-256"; InvalidArgument listing them otherwise.
Result<AuthMethod> ParseAuthMethod(std::string_view name);
std::string_view AuthMethodName(AuthMethod method);

class UserTable {
 public:
  // Parses the format above; InvalidArgument naming the bad entry (never its password).
  static Result<UserTable> Parse(std::string_view spec);

  // The user's verifier, or null when the user is not configured.
  const ScramVerifier* Find(std::string_view user) const;
  size_t size() const { return users_.size(); }

 private:
  absl::flat_hash_map<std::string, ScramVerifier> users_;
};

struct AuthOptions {
  AuthMethod local = AuthMethod::kTrust;         // clients on 127.0.0.0/8 and ::1
  AuthMethod remote = AuthMethod::kScramSha256;  // everyone else
  UserTable users;
};

}  // namespace oxbow::pgwire
