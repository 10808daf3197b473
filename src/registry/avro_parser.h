// Parsing Avro schema JSON text into the model (avro_schema.h), with the spec's rules
// enforced. The registry calls this on every schema it is asked to register or check.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "registry/avro_schema.h"

namespace oxbow::registry {

struct AvroParseOptions {
  // Schemas whose named types the parsed schema may use by full name, as if defined before
  // it (Confluent's schema references). The parsed schema holds these pointers, so the
  // referenced nodes live as long as it does. Two references may not define the same name
  // differently, and the schema may not redefine a name they define.
  std::vector<std::shared_ptr<const AvroSchema>> references;
};

// Parses `text`, a JSON schema: a string (a primitive type or a defined name), an object
// ({"type": ...} with the attributes of that type) or an array (a union).
//
// Every violation is InvalidArgument, its message naming the place and the problem, e.g.
//   at fields[2] ("amount").type: unknown type "strin"
// Rejected: invalid JSON or nesting deeper than kMaxJsonDepth; a missing or mistyped
// attribute; invalid names, namespaces, aliases or enum symbols; a primitive type name used
// as a type name; a name defined twice; a name used before it is defined (no forward
// references; a record may refer to itself from its fields); a field name or enum symbol
// repeated; an enum default that is not a symbol; a fixed size that is not a non-negative
// int32; a union directly inside a union; two union branches of the same unnamed type or with
// the same name; a field default that is not a value of the field's type (of the first
// branch, for a union); a field order other than ascending, descending or ignore.
//
// Names: a name without dots takes the namespace attribute of its definition, else the
// namespace of the innermost enclosing named type; a reference without dots is looked up in
// that namespace first and then in the null namespace (as the Java library does).
//
// Accepted leniently, as the Java library does: unknown attributes (kept in `properties`);
// logical types that do not apply (ignored, see avro_logical_type.h); bytes and fixed
// defaults are any string; empty unions.
//
// Reentrant: parses share no state, so any thread may call it.
Result<AvroSchema> ParseAvroSchema(std::string_view text, const AvroParseOptions& options = {});

}  // namespace oxbow::registry
