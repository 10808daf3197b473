// SQL errors as values: an absl::Status that also carries a PostgreSQL SQLSTATE, and optionally
// a detail, a hint and a 1-based character position in the statement text.
//
// Shared by the whole SQL module (parser adapter, binder, types, expressions, functions) and
// read at the protocol edge (pgwire's ErrorResponse fields C, M, D, H, P). Create SQL errors
// only through SqlError(...) / the helpers below, and read them through SqlErrorOf(), so every
// error reaching a client has a SQLSTATE. The SQLSTATE, detail, hint and position ride in the
// Status payload; the message is Status::message(), worded as PostgreSQL words it (lower case,
// no trailing period, e.g. `integer out of range`).
//
// A Status without an SQLSTATE (e.g. an I/O error from below) reads back as XX000
// internal_error with its message, so the edge never has to special-case it.
//
// For the front end (parser adapter, catalog, binder — being written alongside the type
// system): report syntax and binding errors with SqlError(sqlstate::k..., "...") and attach
// the statement position with WithPosition(status, location + 1) (libpg_query locations are
// 0-based byte offsets; PostgreSQL reports 1-based characters). Add codes here as needed.
//
// Thread safety: plain values; Status is immutable once built.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace oxbow::sql {

// SQLSTATE codes used by Oxbow (PostgreSQL Appendix A). Use these names, not literals.
namespace sqlstate {
inline constexpr std::string_view kSuccessfulCompletion = "00000";
inline constexpr std::string_view kFeatureNotSupported = "0A000";
inline constexpr std::string_view kCardinalityViolation = "21000";
inline constexpr std::string_view kDataException = "22000";
inline constexpr std::string_view kStringDataRightTruncation = "22001";
inline constexpr std::string_view kNullValueNotAllowed = "22004";
inline constexpr std::string_view kNumericValueOutOfRange = "22003";
inline constexpr std::string_view kInvalidDatetimeFormat = "22007";
inline constexpr std::string_view kDatetimeFieldOverflow = "22008";
inline constexpr std::string_view kInvalidTimeZoneDisplacementValue = "22009";
inline constexpr std::string_view kDivisionByZero = "22012";
inline constexpr std::string_view kSubstringError = "22011";
inline constexpr std::string_view kInvalidArgumentForLogarithm = "2201E";
inline constexpr std::string_view kInvalidArgumentForPower = "2201F";
inline constexpr std::string_view kIntervalFieldOverflow = "22015";
inline constexpr std::string_view kInvalidParameterValue = "22023";
inline constexpr std::string_view kInvalidEscapeCharacter = "22019";
inline constexpr std::string_view kInvalidEscapeSequence = "22025";
inline constexpr std::string_view kInvalidRegularExpression = "2201B";
inline constexpr std::string_view kInvalidTextRepresentation = "22P02";
inline constexpr std::string_view kInvalidBinaryRepresentation = "22P03";
inline constexpr std::string_view kCharacterNotInRepertoire = "22021";
inline constexpr std::string_view kUntranslatableCharacter = "22P05";
inline constexpr std::string_view kInvalidJsonText = "22032";
inline constexpr std::string_view kSyntaxError = "42601";
inline constexpr std::string_view kInsufficientPrivilege = "42501";
inline constexpr std::string_view kGroupingError = "42803";
inline constexpr std::string_view kDatatypeMismatch = "42804";
inline constexpr std::string_view kWrongObjectType = "42809";
inline constexpr std::string_view kUndefinedColumn = "42703";
inline constexpr std::string_view kUndefinedFunction = "42883";
inline constexpr std::string_view kUndefinedTable = "42P01";
inline constexpr std::string_view kUndefinedObject = "42704";
inline constexpr std::string_view kDuplicateColumn = "42701";
inline constexpr std::string_view kDuplicateObject = "42710";
inline constexpr std::string_view kDuplicateTable = "42P07";
inline constexpr std::string_view kAmbiguousColumn = "42702";
inline constexpr std::string_view kAmbiguousFunction = "42725";
inline constexpr std::string_view kInvalidColumnReference = "42P10";
inline constexpr std::string_view kCannotCoerce = "42846";
inline constexpr std::string_view kInvalidObjectDefinition = "42P17";
inline constexpr std::string_view kInvalidTableDefinition = "42P16";
inline constexpr std::string_view kInvalidSchemaName = "3F000";
inline constexpr std::string_view kDependentObjectsStillExist = "2BP01";
inline constexpr std::string_view kProgramLimitExceeded = "54000";
inline constexpr std::string_view kStatementTooComplex = "54001";
inline constexpr std::string_view kObjectNotInPrerequisiteState = "55000";
inline constexpr std::string_view kInternalError = "XX000";
}  // namespace sqlstate

// The decoded form of an SQL error, for the protocol edge and for tests.
struct SqlErrorInfo {
  std::string sqlstate;  // five characters, e.g. "22003"
  std::string message;
  std::string detail;  // empty when absent
  std::string hint;    // empty when absent
  int position = 0;    // 1-based character offset into the statement; 0 when unknown

  bool operator==(const SqlErrorInfo&) const = default;
};

// Builds a Status carrying `sqlstate` (which must be one of the five-character codes above).
// The absl code is derived from the SQLSTATE class (22 → InvalidArgument, 42P01/42704/42883
// → NotFound, 42P07/42710 → AlreadyExists, 0A → Unimplemented, 54 → ResourceExhausted,
// XX → Internal, other → InvalidArgument) so code that only knows Status still branches
// sensibly.
Status SqlError(std::string_view sqlstate, std::string_view message);
Status SqlError(const SqlErrorInfo& info);

// Returns `status` with a hint / detail / position added (replacing any earlier one). OK
// statuses are returned unchanged. A position already set is kept by WithPositionIfUnset,
// so an inner, more precise position wins when errors bubble up through the binder.
Status WithHint(Status status, std::string_view hint);
Status WithDetail(Status status, std::string_view detail);
Status WithPosition(Status status, int position);
Status WithPositionIfUnset(Status status, int position);

// The SQLSTATE of `status`: "00000" for OK, XX000 for a non-OK Status built without one.
std::string SqlStateOf(const Status& status);

// Decodes `status` (must not be OK) into its fields, as above.
SqlErrorInfo SqlErrorOf(const Status& status);

// Frequently used errors, worded as PostgreSQL words them.
Status IntegerOutOfRange();   // 22003 "integer out of range" (int4)
Status SmallintOutOfRange();  // 22003 "smallint out of range"
Status BigintOutOfRange();    // 22003 "bigint out of range"
Status DivisionByZero();      // 22012 "division by zero"

}  // namespace oxbow::sql
