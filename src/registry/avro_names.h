// Avro names and namespaces (spec section "Names").
//
// A name is [A-Za-z_][A-Za-z0-9_]* (ASCII only, as the spec says; the Java library also takes
// Unicode letters). A namespace is a dot-separated sequence of names, or empty for the null
// namespace. A full name is "namespace.name", or "name" in the null namespace. A name written
// with dots is already a full name and ignores any namespace attribute or enclosing namespace.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace oxbow::registry {

bool IsValidAvroName(std::string_view name);

// The full name of `name` as written inside namespace `space` ("" = null namespace).
std::string AvroFullName(std::string_view name, std::string_view space);

// The namespace part of a full name ("" when it has none).
std::string_view AvroNamespaceOf(std::string_view full_name);

// InvalidArgument unless every dot-separated part of `full_name` is a valid name. `what` names
// the thing in the message ("record name", "alias").
Status ValidateAvroFullName(std::string_view full_name, std::string_view what);

// InvalidArgument unless `space` is empty or a dot-separated sequence of valid names.
Status ValidateAvroNamespace(std::string_view space);

}  // namespace oxbow::registry
