// Avro schema resolution as a compatibility check (spec section "Schema Resolution"): can a
// reader using one schema read data written with another?
#pragma once

#include <span>
#include <vector>

#include "registry/avro_schema.h"
#include "registry/compatibility.h"

namespace oxbow::registry {

// Every reason why data written with `writer` cannot be read with `reader`; empty when it
// can. The rules, as the Java library's SchemaCompatibility applies them (and so Confluent):
//   - same primitive type; or a promotion: int → long, float, double; long → float, double;
//     float → double; string ↔ bytes (TYPE_MISMATCH otherwise);
//   - records, enums and fixed match when their unqualified names are equal or a reader alias
//     is the writer's full name (NAME_MISMATCH); fixed sizes must be equal
//     (FIXED_SIZE_MISMATCH);
//   - record fields: each reader field takes the writer field of the same name, or of one of
//     its aliases, and their types must be compatible; a reader field with no writer field
//     needs a default (READER_FIELD_MISSING_DEFAULT_VALUE); writer fields the reader lacks
//     are skipped;
//   - enums: every writer symbol must be a reader symbol, unless the reader enum has a
//     default (MISSING_ENUM_SYMBOLS);
//   - arrays and maps: items and values recursively;
//   - a writer union: every branch must be readable by the reader (MISSING_UNION_BRANCH for
//     each one that is not); a reader union with a non-union writer: some branch must read
//     the writer (MISSING_UNION_BRANCH otherwise).
// Recursive schemas terminate: a (reader, writer) pair already being checked is assumed
// compatible, so only a real difference makes the result incompatible. Paths name places in
// the reader schema ("/fields/0/type/items"); for a writer union branch the index is added.
// A pure function: any thread, no shared state.
std::vector<Incompatibility> CheckAvroReadCompatibility(const AvroSchema& reader,
                                                        const AvroSchema& writer);

// The same check for two nodes of parsed schemas (e.g. a reader union branch against a writer
// type, which is how the data codec picks the branch a value resolves to). Paths are relative
// to `reader`.
std::vector<Incompatibility> CheckAvroNodeReadCompatibility(const AvroNode& reader,
                                                            const AvroNode& writer);

// CheckCompatibilityLevel over Avro schemas: `candidate` (the new version) against
// `previous` (the subject's earlier versions, oldest first).
CompatibilityReport CheckAvroCompatibility(CompatibilityLevel level, const AvroSchema& candidate,
                                           std::span<const AvroSchema* const> previous);

}  // namespace oxbow::registry
