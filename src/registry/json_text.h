// Parsing untrusted JSON text (schemas arrive over HTTP) into nlohmann::json without
// exceptions escaping and without unbounded recursion later.
#pragma once

#include <string_view>

#include "base/status.h"
#include "nlohmann/json.hpp"

namespace oxbow::registry {

// The nesting depth every schema parser of this module accepts. Code that walks a parsed
// document recursively relies on it to bound its stack.
inline constexpr int kMaxJsonDepth = 200;

// Parses `text` as one JSON value. InvalidArgument when it is not valid JSON (the message
// says where), or when arrays and objects nest deeper than `max_depth`.
Result<nlohmann::json> ParseJsonText(std::string_view text, int max_depth = kMaxJsonDepth);

// `value` as compact JSON text, for messages. Strings come out quoted and escaped.
std::string JsonForMessage(const nlohmann::json& value);

}  // namespace oxbow::registry
