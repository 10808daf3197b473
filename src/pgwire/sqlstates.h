// SQLSTATEs that only the protocol edge raises (PostgreSQL Appendix A); the SQL ones are in
// sql/sql_error.h. Errors are built with sql::SqlError so that one path reads them all.
#pragma once

#include <string_view>

namespace oxbow::pgwire::sqlstate {
inline constexpr std::string_view kProtocolViolation = "08P01";
inline constexpr std::string_view kInvalidAuthorization = "28000";
inline constexpr std::string_view kInvalidPassword = "28P01";
inline constexpr std::string_view kQueryCanceled = "57014";
inline constexpr std::string_view kAdminShutdown = "57P01";
inline constexpr std::string_view kInFailedTransaction = "25P02";
inline constexpr std::string_view kActiveTransaction = "25001";
inline constexpr std::string_view kNoActiveTransaction = "25P01";
inline constexpr std::string_view kUndefinedPreparedStatement = "26000";
inline constexpr std::string_view kDuplicatePreparedStatement = "42P05";
inline constexpr std::string_view kUndefinedCursor = "34000";
inline constexpr std::string_view kIndeterminateDatatype = "42P18";
inline constexpr std::string_view kUndefinedParameter = "42704";
inline constexpr std::string_view kCantChangeRuntimeParam = "55P02";
inline constexpr std::string_view kTooManyConnections = "53300";
}  // namespace oxbow::pgwire::sqlstate
