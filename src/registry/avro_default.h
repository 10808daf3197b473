// Field default values (spec: "default" in the record field table): which JSON value is a
// valid default for which type.
#pragma once

#include <optional>
#include <string>

#include "nlohmann/json.hpp"
#include "registry/avro_schema.h"

namespace oxbow::registry {

struct AvroDefaultError {
  // Where inside the default value, e.g. "[2].amount" ("" for the value itself).
  std::string path;
  // What is wrong, e.g. `expected int (a JSON integer in the int32 range), got "abc"`.
  std::string reason;
};

// Checks `value` against `type` by the spec's table: null → null; boolean → true/false;
// int → an integer in the int32 range; long → an integer in the int64 range; float, double →
// a number; bytes, fixed, string → a string; enum → one of its symbols; array → an array of
// valid items; map → an object of valid values; record → an object whose members are valid
// for the fields they name, where every field not given has a default of its own; union → a
// valid default of its first branch. Returns the first problem found, or nullopt.
//
// `type` must be fully parsed (named types complete). Recursion follows `value`, whose depth
// the caller has bounded (ParseJsonText).
std::optional<AvroDefaultError> CheckAvroDefault(const AvroNode& type, const nlohmann::json& value);

}  // namespace oxbow::registry
