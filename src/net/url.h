// The parts of a request target: percent-decoding (RFC 3986) and query strings
// (application/x-www-form-urlencoded, as browsers and HTTP clients send them).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace oxbow::net {

// Decodes %XX escapes; with plus_as_space, '+' becomes ' ' (query strings only: in a path
// '+' is itself). InvalidArgument for '%' not followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text, bool plus_as_space = false);

// "a=1&b=x%20y&c" -> {{"a","1"},{"b","x y"},{"c",""}}, in order, duplicates kept; empty
// pieces ("a=1&&b=2") are skipped. InvalidArgument naming the bad escape.
Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

}  // namespace oxbow::net
