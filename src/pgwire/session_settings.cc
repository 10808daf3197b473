#include "pgwire/session_settings.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "fmt/format.h"
#include "pgwire/split_internal.h"
#include "sql/sql_error.h"

namespace oxbow::pgwire {
namespace {

struct Default {
  const char* name;
  const char* value;
  bool reported;
  const char* description;
};

// PostgreSQL 15's reported (GUC_REPORT) parameters first, then the others clients set.
constexpr Default kDefaults[] = {
    {"application_name", "", true, "Sets the application name to be reported."},
    {"client_encoding", "UTF8", true, "Sets the client's character set encoding."},
    {"DateStyle", "ISO, MDY", true, "Sets the display format for date and time values."},
    {"default_transaction_read_only", "off", true,
     "Sets the default read-only status of new transactions."},
    {"in_hot_standby", "off", true, "Shows whether hot standby is currently active."},
    {"integer_datetimes", "on", true, "Shows whether datetimes are integer based."},
    {"IntervalStyle", "postgres", true, "Sets the display format for interval values."},
    {"is_superuser", "on", true, "Shows whether the current user is a superuser."},
    {"server_encoding", "UTF8", true, "Shows the server (database) character set encoding."},
    {"server_version", "15.0 (Oxbow)", true, "Shows the server version."},
    {"session_authorization", "", true, "Sets the session user name."},
    {"standard_conforming_strings", "on", true,
     "Causes '...' strings to treat backslashes literally."},
    {"TimeZone", "UTC", true, "Sets the time zone for displaying and interpreting time stamps."},
    {"server_version_num", "150000", false, "Shows the server version as an integer."},
    {"extra_float_digits", "1", false,
     "Sets the number of digits displayed for floating-point values."},
    {"search_path", "\"$user\", public", false,
     "Sets the schema search order for names that are not schema-qualified."},
    {"statement_timeout", "0", false, "Sets the maximum allowed duration of any statement."},
    {"lock_timeout", "0", false, "Sets the maximum allowed duration of any wait for a lock."},
    {"idle_in_transaction_session_timeout", "0", false,
     "Sets the maximum allowed idle time between queries, when in a transaction."},
    {"transaction_isolation", "read committed", false,
     "Sets the current transaction's isolation level."},
    {"default_transaction_isolation", "read committed", false,
     "Sets the transaction isolation level of each new transaction."},
    {"max_identifier_length", "63", false, "Shows the maximum identifier length."},
    {"client_min_messages", "notice", false,
     "Sets the message levels that are sent to the client."},
    {"bytea_output", "hex", false, "Sets the output format for bytea."},
    // Oxbow's own (as Materialize names it): SELECT waits until the materialized views it
    // reads have processed everything their sources held when it started.
    {"real_time_recency", "off", false,
     "Makes queries wait for materialized views to catch up with their sources."},
};

std::string Lower(std::string_view s) {
  return absl::AsciiStrToLower(absl::string_view(s.data(), s.size()));
}

Status InvalidValue(std::string_view name, std::string_view value, std::string_view hint) {
  return sql::WithHint(
      sql::SqlError(sql::sqlstate::kInvalidParameterValue,
                    fmt::format("invalid value for parameter \"{}\": \"{}\"", name, value)),
      hint);
}

Status Unrecognized(std::string_view name) {
  return sql::SqlError("42704", fmt::format("unrecognized configuration parameter \"{}\"", name));
}

bool IsReadOnly(const std::string& key) {
  return key == "server_version" || key == "server_version_num" || key == "server_encoding" ||
         key == "integer_datetimes" || key == "in_hot_standby" || key == "is_superuser" ||
         key == "max_identifier_length";
}

}  // namespace

Result<std::string> SessionSettings::Validate(const std::string& key, std::string value) {
  std::string upper = absl::AsciiStrToUpper(value);
  if (key == "client_encoding") {
    if (upper == "UTF8" || upper == "UTF-8" || upper == "UNICODE") return std::string("UTF8");
    return InvalidValue("client_encoding", value, "Oxbow speaks UTF8 only.");
  }
  if (key == "datestyle") {
    // "ISO", "ISO, MDY", "MDY, ISO", …: the output style must be ISO.
    std::string order = "MDY";
    bool iso = false;
    for (std::string_view piece : internal::Split(upper, ',')) {
      std::string part(internal::Trim(piece));
      if (part == "ISO") {
        iso = true;
      } else if (part == "MDY" || part == "DMY" || part == "YMD" || part == "US" ||
                 part == "EURO" || part == "EUROPEAN" || part == "NONEURO" ||
                 part == "NONEUROPEAN" || part == "DEFAULT") {
        if (part == "DMY" || part == "EURO" || part == "EUROPEAN") order = "DMY";
        if (part == "YMD") order = "YMD";
      } else if (!part.empty()) {
        iso = false;
        break;
      }
    }
    if (!iso) return InvalidValue("DateStyle", value, "Oxbow prints dates in the ISO style only.");
    return "ISO, " + order;
  }
  if (key == "intervalstyle") {
    if (Lower(value) == "postgres") return std::string("postgres");
    return InvalidValue("IntervalStyle", value,
                        "Oxbow prints intervals in the postgres style only.");
  }
  if (key == "timezone") {
    if (upper == "UTC" || upper == "GMT" || upper == "Z" || upper == "ETC/UTC" ||
        upper == "ETC/GMT" || upper == "UCT" || upper == "ZULU" || upper == "+00" || upper == "0" ||
        upper == "+00:00" || upper == "UNIVERSAL" || upper == "DEFAULT" || upper == "LOCAL") {
      return std::string("UTC");
    }
    return InvalidValue("TimeZone", value, "Oxbow sessions run in UTC.");
  }
  if (key == "extra_float_digits") {
    int digits = 0;
    if (!absl::SimpleAtoi(value, &digits)) {
      return sql::SqlError(
          sql::sqlstate::kInvalidParameterValue,
          fmt::format("invalid value for parameter \"extra_float_digits\": \"{}\"", value));
    }
    if (digits < -15 || digits > 3) {
      return sql::SqlError(
          sql::sqlstate::kInvalidParameterValue,
          fmt::format("{} is outside the valid range for parameter \"extra_float_digits\" "
                      "(-15 .. 3)",
                      digits));
    }
    return std::to_string(digits);
  }
  if (key == "real_time_recency") {
    std::string l = Lower(value);
    if (l == "on" || l == "true" || l == "1" || l == "yes") return std::string("on");
    if (l == "off" || l == "false" || l == "0" || l == "no") return std::string("off");
    return InvalidValue("real_time_recency", value, "Valid values are on and off.");
  }
  if (key == "standard_conforming_strings") {
    std::string l = Lower(value);
    if (l == "on" || l == "true" || l == "1" || l == "yes") return std::string("on");
    return InvalidValue("standard_conforming_strings", value,
                        "Oxbow always reads standard conforming strings.");
  }
  return value;
}

Result<SessionSettings> SessionSettings::Create(
    std::string_view user, std::string_view database,
    const std::vector<std::pair<std::string, std::string>>& startup) {
  SessionSettings s;
  s.user_ = std::string(user);
  s.database_ = std::string(database);
  for (const Default& d : kDefaults) {
    Entry e{d.name, d.value, d.value, d.description, d.reported};
    s.entries_.emplace(Lower(d.name), std::move(e));
  }
  s.entries_["session_authorization"].value = s.user_;
  s.entries_["session_authorization"].reset_value = s.user_;
  for (const auto& [name, value] : startup) {
    if (name == "options") continue;  // command-line options (-c x=y): not supported, ignored
    // Startup parameters that Oxbow does not know are ignored, as PostgreSQL ignores
    // unknown ones from some drivers (e.g. replication=false).
    std::string key = Lower(name);
    if (!s.entries_.contains(key) && key.find('.') == std::string::npos) continue;
    RETURN_IF_ERROR(s.Assign(name, value, /*startup=*/true));
  }
  s.changed_.clear();
  return s;
}

Status SessionSettings::Assign(std::string_view name, std::string value, bool startup) {
  std::string key = Lower(name);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (key.find('.') == std::string::npos) return Unrecognized(name);
    it =
        entries_.emplace(key, Entry{key, "", "", "A placeholder (custom) parameter.", false}).first;
  }
  if (IsReadOnly(key)) {
    return sql::SqlError("55P02", fmt::format("parameter \"{}\" cannot be changed", name));
  }
  ASSIGN_OR_RETURN(std::string normalized, Validate(key, std::move(value)));
  Entry& e = it->second;
  if (startup) e.reset_value = normalized;
  if (e.value != normalized) {
    e.value = std::move(normalized);
    if (e.reported) changed_.push_back(key);
  }
  return absl::OkStatus();
}

Status SessionSettings::Set(std::string_view name, const std::vector<std::string>& values) {
  std::string key = Lower(name);
  if (values.empty()) return Reset(name);  // SET x TO DEFAULT
  return Assign(name, absl::StrJoin(values, ", "), /*startup=*/false);
}

Status SessionSettings::Reset(std::string_view name) {
  if (name.empty()) {
    for (auto& [key, e] : entries_) {
      if (e.value != e.reset_value) {
        e.value = e.reset_value;
        if (e.reported) changed_.push_back(key);
      }
    }
    return absl::OkStatus();
  }
  std::string key = Lower(name);
  auto it = entries_.find(key);
  if (it == entries_.end()) return Unrecognized(name);
  if (IsReadOnly(key)) {
    return sql::SqlError("55P02", fmt::format("parameter \"{}\" cannot be changed", name));
  }
  Entry& e = it->second;
  if (e.value != e.reset_value) {
    e.value = e.reset_value;
    if (e.reported) changed_.push_back(key);
  }
  return absl::OkStatus();
}

Result<std::string> SessionSettings::Get(std::string_view name) const {
  auto it = entries_.find(Lower(name));
  if (it == entries_.end()) return Unrecognized(name);
  return it->second.value;
}

std::string SessionSettings::DisplayName(std::string_view name) const {
  auto it = entries_.find(Lower(name));
  return it == entries_.end() ? Lower(name) : it->second.display_name;
}

std::vector<std::vector<std::string>> SessionSettings::All() const {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [key, e] : entries_) rows.push_back({e.display_name, e.value, e.description});
  return rows;
}

std::vector<std::pair<std::string, std::string>> SessionSettings::Reported() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, e] : entries_) {
    if (e.reported) out.emplace_back(e.display_name, e.value);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> SessionSettings::TakeChanged() {
  std::vector<std::pair<std::string, std::string>> out;
  std::sort(changed_.begin(), changed_.end());
  changed_.erase(std::unique(changed_.begin(), changed_.end()), changed_.end());
  for (const std::string& key : changed_) {
    const Entry& e = entries_.at(key);
    out.emplace_back(e.display_name, e.value);
  }
  changed_.clear();
  return out;
}

}  // namespace oxbow::pgwire
