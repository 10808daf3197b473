// Parsing Canonical Form and the normalized form: the two strings the registry derives from a
// parsed schema.
#pragma once

#include <string>

#include "registry/avro_schema.h"

namespace oxbow::registry {

// The schema's Parsing Canonical Form (spec section "Parsing Canonical Form for Schemas"):
// primitives as plain strings; full names everywhere and no namespace attributes; only the
// attributes that matter for reading data (type, name, fields, symbols, items, values, size),
// in that order (name first); strings unescaped to UTF-8; integers plain; no whitespace. A
// named type is written in full where it is first met in a depth-first walk, by its full name
// afterwards. Two schemas with the same canonical form read and write the same bytes;
// fingerprints (schema_fingerprint.h) are computed over it.
std::string AvroParsingCanonicalForm(const AvroSchema& schema);

// The whole schema as compact JSON with every attribute kept: doc, aliases, defaults, field
// order, logicalType and other custom properties. Differences in whitespace, key order,
// namespace spelling ({"namespace":"a","name":"B"} vs {"name":"a.B"}), primitive spelling
// ({"type":"int"} vs "int"), alias spelling and order (written as sorted full names) and an
// explicit "order":"ascending" disappear; anything else stays. The registry treats two
// registrations with the same normalized form as the same schema (one id), as Confluent does for
// identical schemas.
//
// Key order: "type", "name" (a full name; plus "namespace":"" for a type in the null namespace
// inside a namespaced one, so that the text parses back to the same names), then per type "doc",
// "aliases", "fields" / "symbols", "default" / "size" / "items" / "values", then the custom
// properties sorted by key; fields write "name", "type", "doc", "default", "order" (only when not
// ascending), "aliases", then their properties sorted.
std::string AvroNormalizedForm(const AvroSchema& schema);

}  // namespace oxbow::registry
