// Compatibility levels and results, independent of the schema language (Avro today; JSON
// Schema and Protobuf plug in the same way): how the registry decides whether a new version of
// a subject may be registered.
//
// A "read check" answers one question for a pair of schemas: can a consumer using `reader`
// read data written with `writer`? The levels combine read checks over a subject's versions:
//
//   NONE                 no check
//   BACKWARD (default)   the new schema reads data written with the latest version
//   BACKWARD_TRANSITIVE  the new schema reads data written with every earlier version
//   FORWARD              the latest version reads data written with the new schema
//   FORWARD_TRANSITIVE   every earlier version reads data written with the new schema
//   FULL                 BACKWARD and FORWARD
//   FULL_TRANSITIVE      BACKWARD_TRANSITIVE and FORWARD_TRANSITIVE
//
// These are Confluent Schema Registry's levels and names.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "base/status.h"

namespace oxbow::registry {

enum class CompatibilityLevel : uint8_t {
  kNone,
  kBackward,
  kBackwardTransitive,
  kForward,
  kForwardTransitive,
  kFull,
  kFullTransitive,
};

inline constexpr CompatibilityLevel kDefaultCompatibilityLevel = CompatibilityLevel::kBackward;

// "NONE", "BACKWARD", … as Confluent spells them.
std::string_view CompatibilityLevelName(CompatibilityLevel level);
// The level called `name` (upper case, as above). InvalidArgument lists the valid names.
Result<CompatibilityLevel> ParseCompatibilityLevel(std::string_view name);

// One reason why a reader cannot read a writer's data.
struct Incompatibility {
  // Confluent's / the Java library's error type: TYPE_MISMATCH, NAME_MISMATCH,
  // FIXED_SIZE_MISMATCH, MISSING_ENUM_SYMBOLS, READER_FIELD_MISSING_DEFAULT_VALUE,
  // MISSING_UNION_BRANCH (Avro; plus Oxbow's READER_FIELD_MATCHES_SEVERAL_WRITER_FIELDS and
  // SCHEMAS_TOO_DEEP); Confluent's JSON Schema difference types for JSON.
  std::string kind;
  // Where, in the reader schema, as a JSON-pointer-like path: "/fields/1/type".
  std::string path;
  // What, in words, naming reader and writer: `reader field "f2" has no default value ...`.
  std::string message;

  // "KIND at PATH: MESSAGE".
  std::string ToString() const;
};

// Which way a level's read check ran against an earlier version.
enum class CheckDirection : uint8_t {
  kNewReadsOld,  // the new schema as reader, the earlier version as writer (BACKWARD)
  kOldReadsNew,  // the earlier version as reader, the new schema as writer (FORWARD)
};

struct LevelViolation {
  size_t previous_index;  // index into the earlier versions the caller passed
  CheckDirection direction;
  Incompatibility incompatibility;
};

struct CompatibilityReport {
  std::vector<LevelViolation> violations;

  bool compatible() const { return violations.empty(); }
  // One line per violation, e.g. "BACKWARD: the new schema cannot read data written with
  // earlier version 3: READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: ...".
  // `version_names[i]` labels earlier version i ("version 3"); when absent, "#i" is used.
  std::vector<std::string> Messages(CompatibilityLevel level,
                                    const std::vector<std::string>& version_names = {}) const;
};

// Runs `level` for a new schema against `num_previous` earlier versions, ordered oldest
// first (the last is the latest). `read_check(i, direction)` returns the incompatibilities of
// one read check between the new schema and earlier version i. The non-transitive levels
// check the latest version only; the transitive ones check all, newest first. With no
// earlier versions every level passes. Never fails: the report says what is incompatible.
using ReadCheck =
    absl::FunctionRef<std::vector<Incompatibility>(size_t previous_index, CheckDirection)>;
CompatibilityReport CheckCompatibilityLevel(CompatibilityLevel level, size_t num_previous,
                                            ReadCheck read_check);

}  // namespace oxbow::registry
