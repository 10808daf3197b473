#include "pgwire/auth.h"

#include "absl/strings/ascii.h"
#include "fmt/format.h"
#include "pgwire/split_internal.h"

namespace oxbow::pgwire {

Result<AuthMethod> ParseAuthMethod(std::string_view name) {
  std::string lower = absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
  if (lower == "trust") return AuthMethod::kTrust;
  if (lower == "password") return AuthMethod::kPassword;
  if (lower == "scram-sha-256") return AuthMethod::kScramSha256;
  return absl::InvalidArgumentError(fmt::format(
      "unknown authentication method \"{}\"; expected trust, password or scram-sha-256", name));
}

std::string_view AuthMethodName(AuthMethod method) {
  switch (method) {
    case AuthMethod::kTrust:
      return "trust";
    case AuthMethod::kPassword:
      return "password";
    case AuthMethod::kScramSha256:
      return "scram-sha-256";
  }
  return "?";
}

Result<UserTable> UserTable::Parse(std::string_view spec) {
  UserTable table;
  for (std::string_view entry : internal::Split(spec, ',')) {
    entry = internal::Trim(entry);
    if (entry.empty()) continue;
    size_t colon = entry.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return absl::InvalidArgumentError(
          fmt::format("user entry \"{}\" is not name:password",
                      colon == std::string_view::npos ? entry : entry.substr(0, colon)));
    }
    std::string name(entry.substr(0, colon));
    std::string_view secret = entry.substr(colon + 1);
    ScramVerifier verifier;
    if (secret.starts_with("SCRAM-SHA-256$")) {
      Result<ScramVerifier> parsed = ScramVerifier::Parse(secret);
      if (!parsed.ok()) {
        return absl::InvalidArgumentError(
            fmt::format("user \"{}\": {}", name, parsed.status().message()));
      }
      verifier = std::move(*parsed);
    } else {
      verifier = ScramVerifier::FromPassword(secret);
    }
    if (!table.users_.emplace(name, std::move(verifier)).second) {
      return absl::InvalidArgumentError(fmt::format("user \"{}\" is listed twice", name));
    }
  }
  return table;
}

const ScramVerifier* UserTable::Find(std::string_view user) const {
  auto it = users_.find(absl::string_view(user.data(), user.size()));
  return it == users_.end() ? nullptr : &it->second;
}

}  // namespace oxbow::pgwire
