// JSON Schema compatibility as Confluent Schema Registry applies it: a consumer validating
// with the reader schema must accept every document the writer schema accepts.
#pragma once

#include <span>
#include <vector>

#include "registry/compatibility.h"
#include "registry/json_schema.h"

namespace oxbow::registry {

// Every reason why a document valid under `writer` may be rejected by `reader`; empty when
// none. Kinds and rules follow Confluent's JSON Schema diff (writer = the "original", reader =
// the "update"); paths are JSON pointers into the reader ("#/properties/a"):
//   - types: the reader must accept every writer type; integer → number is fine
//     (TYPE_EXTENDED), number → integer is not (TYPE_NARROWED), others TYPE_CHANGED; a reader
//     that accepts everything ({} or true) reads anything; a writer of false writes nothing;
//   - objects: the content model decides what may change. A schema is *open* when it has no
//     additionalProperties (or true) and no patternProperties, *closed* with
//     additionalProperties false, *partially open* with a schema for additionalProperties.
//     Removing a property is fine when the reader is open (PROPERTY_REMOVED_FROM_OPEN_CONTENT_
//     MODEL) or its additionalProperties schema reads the property; otherwise incompatible
//     (PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL). Adding a property is incompatible when
//     the writer is open (PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: old documents may hold
//     anything under that name) unless the new property accepts everything; with a closed or
//     partially open writer it is fine when optional, or required with a default
//     (REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL otherwise). Making an existing
//     property required needs a default (REQUIRED_ATTRIBUTE_ADDED). additionalProperties may
//     be opened but not closed or narrowed. minProperties may drop, maxProperties may grow;
//   - arrays: items recursively; minItems may drop, maxItems may grow; uniqueItems may be
//     removed, not added;
//   - strings: minLength may drop, maxLength may grow, pattern may be removed (adding or
//     changing one is incompatible); numbers: minimum and exclusiveMinimum may drop, maximum
//     and exclusiveMaximum may grow, multipleOf may become a divisor of the old one;
//   - enum/const: the reader's values must include the writer's;
//   - allOf/anyOf/oneOf: the combinator may become anyOf (or oneOf/allOf for single
//     subschemas); anyOf/oneOf may gain subschemas but not lose them, allOf may lose but not
//     gain; every subschema on the smaller side must pair with a compatible one on the other
//     (a maximum matching). A plain writer is readable by a reader anyOf/oneOf with some
//     compatible branch;
//   - keywords Oxbow does not model (not, if/then/else, dependencies, tuple items, …): the
//     reader may drop one but not add or change one (UNSUPPORTED_KEYWORD_CHANGED);
//     patternProperties are not evaluated, so adding or removing a property next to them is
//     reported as not covered.
// Metadata (title, description, default, $id, format, …) never matters. Local "$ref"s are
// followed; recursive schemas terminate.
std::vector<Incompatibility> CheckJsonSchemaReadCompatibility(const JsonSchema& reader,
                                                              const JsonSchema& writer);

// CheckCompatibilityLevel over JSON schemas: `candidate` against `previous` (oldest first).
CompatibilityReport CheckJsonSchemaCompatibility(CompatibilityLevel level,
                                                 const JsonSchema& candidate,
                                                 std::span<const JsonSchema* const> previous);

}  // namespace oxbow::registry
