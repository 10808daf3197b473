// Timestamps as users type them on the command line and read them in output.
#pragma once

#include <string>
#include <string_view>

#include "base/ids.h"
#include "base/status.h"

namespace oxbow::server {

// Parses milliseconds since the Unix epoch ("1700000000000") or an ISO 8601 / RFC 3339
// date-time: "2024-05-01", "2024-05-01T12:00", "2024-05-01T12:00:30", with optional
// fractional seconds (".250", milliseconds kept) and an optional zone ("Z", "+02:00",
// "-0530"); a space may replace the 'T'. Without a zone the time is UTC. InvalidArgument,
// showing the accepted forms, for anything else.
Result<TimestampMs> ParseTimestamp(std::string_view text);

// RFC 3339 in UTC with milliseconds: "2024-05-01T12:00:30.250Z".
std::string FormatTimestamp(TimestampMs ts);

}  // namespace oxbow::server
