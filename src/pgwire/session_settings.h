// Session parameters (PostgreSQL's GUCs as a session sees them): the values SET, SHOW, RESET
// and current_setting() read and write, their defaults, which of them are reported to the
// client with ParameterStatus, and which values Oxbow accepts.
//
// Oxbow's sessions are fixed in a few ways PostgreSQL's are not, and say so instead of
// pretending: client_encoding is UTF8 (SQL_ASCII/UNICODE aliases accepted), DateStyle is
// ISO (ISO, MDY / ISO, DMY / ISO, YMD accepted), IntervalStyle is postgres and TimeZone is
// UTC (UTC, GMT, Z, Etc/UTC, +00, 0 accepted); anything else is 22023 with a hint. Other known
// parameters (application_name, extra_float_digits, search_path, statement_timeout, …) are
// stored and shown. Names are case-insensitive; unknown names are 42704
// `unrecognized configuration parameter "x"`, except qualified ones ("myapp.x"), which
// PostgreSQL also accepts as placeholders.
//
// Thread safety: one per session; not thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace oxbow::pgwire {

inline constexpr std::string_view kServerVersion = "15.0 (Oxbow)";
inline constexpr std::string_view kServerVersionNum = "150000";

class SessionSettings {
 public:
  // Defaults, then the startup packet's parameters (which become what RESET returns to);
  // `user` fills session_authorization. Errors as Set.
  static Result<SessionSettings> Create(
      std::string_view user, std::string_view database,
      const std::vector<std::pair<std::string, std::string>>& startup);

  // SET name TO value (several values are joined with ", ", as PostgreSQL's list GUCs do).
  Status Set(std::string_view name, const std::vector<std::string>& values);
  // RESET name; RESET ALL when `name` is empty.
  Status Reset(std::string_view name);
  // SHOW / current_setting: the value, or 42704.
  Result<std::string> Get(std::string_view name) const;
  // SHOW ALL: (name, value, description) sorted by name.
  std::vector<std::vector<std::string>> All() const;
  // The name as PostgreSQL spells it ("DateStyle" for "datestyle"), for SHOW's column.
  std::string DisplayName(std::string_view name) const;

  // The ParameterStatus parameters and values, for the startup.
  std::vector<std::pair<std::string, std::string>> Reported() const;
  // Reported parameters whose value changed since the last call.
  std::vector<std::pair<std::string, std::string>> TakeChanged();

  const std::string& database() const { return database_; }
  const std::string& user() const { return user_; }

 private:
  struct Entry {
    std::string display_name;
    std::string value;
    std::string reset_value;
    std::string description;
    bool reported = false;
  };
  // Checks and normalizes a value for `key` (lower-cased name).
  static Result<std::string> Validate(const std::string& key, std::string value);
  Status Assign(std::string_view name, std::string value, bool startup);

  std::map<std::string, Entry> entries_;  // by lower-cased name
  std::vector<std::string> changed_;
  std::string user_;
  std::string database_;
};

}  // namespace oxbow::pgwire
