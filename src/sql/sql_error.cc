#include "sql/sql_error.h"

#include <charconv>

#include "absl/strings/cord.h"

namespace oxbow::sql {
namespace {

// Payload type URLs. Each field is its own payload so that adding a field never changes how
// the others are encoded.
constexpr char kSqlStateKey[] = "oxbow.sql/sqlstate";
constexpr char kDetailKey[] = "oxbow.sql/detail";
constexpr char kHintKey[] = "oxbow.sql/hint";
constexpr char kPositionKey[] = "oxbow.sql/position";

absl::StatusCode CodeFor(std::string_view state) {
  if (state == sqlstate::kUndefinedTable || state == sqlstate::kUndefinedObject ||
      state == sqlstate::kUndefinedFunction || state == sqlstate::kUndefinedColumn) {
    return absl::StatusCode::kNotFound;
  }
  if (state == sqlstate::kDuplicateTable || state == sqlstate::kDuplicateObject ||
      state == sqlstate::kDuplicateColumn) {
    return absl::StatusCode::kAlreadyExists;
  }
  std::string_view cls = state.substr(0, 2);
  if (cls == "0A") return absl::StatusCode::kUnimplemented;
  if (cls == "54") return absl::StatusCode::kResourceExhausted;
  if (cls == "55") return absl::StatusCode::kFailedPrecondition;
  if (cls == "XX") return absl::StatusCode::kInternal;
  return absl::StatusCode::kInvalidArgument;
}

std::string PayloadString(const Status& status, const char* key) {
  auto cord = status.GetPayload(key);
  if (!cord.has_value()) return {};
  return std::string(*cord);
}

Status WithPayload(Status status, const char* key, std::string_view value) {
  if (status.ok()) return status;
  status.SetPayload(key, absl::Cord(absl::string_view(value.data(), value.size())));
  return status;
}

}  // namespace

Status SqlError(std::string_view state, std::string_view message) {
  Status status(CodeFor(state), absl::string_view(message.data(), message.size()));
  return WithPayload(std::move(status), kSqlStateKey, state);
}

Status SqlError(const SqlErrorInfo& info) {
  Status status = SqlError(info.sqlstate, info.message);
  if (!info.detail.empty()) status = WithDetail(std::move(status), info.detail);
  if (!info.hint.empty()) status = WithHint(std::move(status), info.hint);
  if (info.position > 0) status = WithPosition(std::move(status), info.position);
  return status;
}

Status WithHint(Status status, std::string_view hint) {
  return WithPayload(std::move(status), kHintKey, hint);
}

Status WithDetail(Status status, std::string_view detail) {
  return WithPayload(std::move(status), kDetailKey, detail);
}

Status WithPosition(Status status, int position) {
  return WithPayload(std::move(status), kPositionKey, std::to_string(position));
}

Status WithPositionIfUnset(Status status, int position) {
  if (status.ok() || status.GetPayload(kPositionKey).has_value()) return status;
  return WithPosition(std::move(status), position);
}

std::string SqlStateOf(const Status& status) {
  if (status.ok()) return std::string(sqlstate::kSuccessfulCompletion);
  std::string state = PayloadString(status, kSqlStateKey);
  if (state.empty()) return std::string(sqlstate::kInternalError);
  return state;
}

SqlErrorInfo SqlErrorOf(const Status& status) {
  SqlErrorInfo info;
  info.sqlstate = SqlStateOf(status);
  info.message = std::string(ToStd(status.message()));
  info.detail = PayloadString(status, kDetailKey);
  info.hint = PayloadString(status, kHintKey);
  std::string pos = PayloadString(status, kPositionKey);
  if (!pos.empty()) {
    std::from_chars(pos.data(), pos.data() + pos.size(), info.position);
  }
  return info;
}

Status IntegerOutOfRange() {
  return SqlError(sqlstate::kNumericValueOutOfRange, "integer out of range");
}
Status SmallintOutOfRange() {
  return SqlError(sqlstate::kNumericValueOutOfRange, "smallint out of range");
}
Status BigintOutOfRange() {
  return SqlError(sqlstate::kNumericValueOutOfRange, "bigint out of range");
}
Status DivisionByZero() { return SqlError(sqlstate::kDivisionByZero, "division by zero"); }

}  // namespace oxbow::sql
