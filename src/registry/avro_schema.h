// The Avro schema model (Avro specification 1.11): what a parsed schema is.
//
// A schema is a graph of nodes owned by one AvroSchema. Named types (record, enum, fixed) exist
// once per definition: every later reference to the name points at the same node, so recursive
// schemas (a record whose field refers to the record) are cycles in the graph, and consumers
// that walk the graph (canonical form, compatibility) must stop at names they have already
// seen. Unnamed types (primitives, arrays, maps, unions) are one node per occurrence.
//
// Build one with ParseAvroSchema (avro_parser.h); every node reachable from root() is valid
// per the spec (names, defaults, unions, ...). An AvroSchema is immutable after parsing, so
// const access from any number of threads is safe. It is move-only; nodes keep their
// addresses across moves.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "nlohmann/json.hpp"

namespace oxbow::registry {

namespace internal {
class AvroParser;
}

enum class AvroType : uint8_t {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed,
};

// The spec's name of a type: "null", "int", "record", "union" (unions have no name in the
// JSON; "union" is used in messages).
std::string_view AvroTypeName(AvroType type);
// The primitive type named `name` ("null" … "string"), if it is one.
std::optional<AvroType> PrimitiveAvroType(std::string_view name);
bool IsNamedAvroType(AvroType type);

// Logical types of Avro 1.11. A logicalType attribute that is unknown, or that does not fit
// its underlying type (e.g. "date" on a string, decimal with scale > precision), is kNone:
// the schema is then just its underlying type, as in the Java library. The attribute itself
// is still kept in the node's properties.
enum class AvroLogicalType : uint8_t {
  kNone,
  kDecimal,               // bytes or fixed; precision > 0, 0 <= scale <= precision
  kUuid,                  // string
  kDate,                  // int: days since 1970-01-01
  kTimeMillis,            // int
  kTimeMicros,            // long
  kTimestampMillis,       // long, UTC instant
  kTimestampMicros,       // long, UTC instant
  kLocalTimestampMillis,  // long, wall-clock time in no particular zone
  kLocalTimestampMicros,  // long
  kDuration,              // fixed of size 12: months, days, millis (little-endian uint32 each)
};

// The logicalType string for `type` ("decimal", "timestamp-millis", …); "" for kNone.
std::string_view AvroLogicalTypeName(AvroLogicalType type);

struct AvroLogical {
  AvroLogicalType type = AvroLogicalType::kNone;
  // Decimal only.
  int32_t precision = 0;
  int32_t scale = 0;
};

// The sort order of a record field ("order" attribute).
enum class AvroFieldOrder : uint8_t { kAscending, kDescending, kIgnore };
std::string_view AvroFieldOrderName(AvroFieldOrder order);

struct AvroNode;

struct AvroField {
  std::string name;
  // Position in the record (0-based), as the spec's resolution rules and messages use it.
  size_t position = 0;
  const AvroNode* type = nullptr;  // never null in a parsed schema
  // The JSON default value as written; validated against `type` when parsed (for a union,
  // against its first branch). Absent when the field has no default; a JSON null default is
  // a present value.
  std::optional<nlohmann::json> default_value;
  std::optional<std::string> doc;
  AvroFieldOrder order = AvroFieldOrder::kAscending;
  // Alternative names of the field, used when it reads data written under an old name.
  std::vector<std::string> aliases;
  // Attributes the spec does not define (kept, so a schema round-trips), as a JSON object.
  nlohmann::json properties = nlohmann::json::object();
};

struct AvroNode {
  AvroType type = AvroType::kNull;

  // Named types (record, enum, fixed). `full_name` is "namespace.name" or just "name" in
  // the null namespace.
  std::string full_name;
  // Alternative full names (aliases resolved against this type's namespace).
  std::vector<std::string> aliases;
  std::optional<std::string> doc;
  std::string_view name() const;        // the part after the last dot
  std::string_view name_space() const;  // the part before it; "" for the null namespace

  // Record. `is_error` marks a record declared with type "error" (Avro protocols).
  std::vector<AvroField> fields;
  bool is_error = false;
  // The field called `name`, or null.
  const AvroField* FindField(std::string_view name) const;

  // Enum. `enum_default` is a symbol, used by readers for symbols they do not know.
  std::vector<std::string> symbols;
  std::optional<std::string> enum_default;

  // Fixed: the size in bytes.
  int64_t size = 0;

  // Array items and map values.
  const AvroNode* items = nullptr;
  const AvroNode* values = nullptr;

  // Union branches, in order (the order matters: a field default matches the first).
  std::vector<const AvroNode*> branches;

  AvroLogical logical;
  // Attributes not interpreted above (logicalType, precision, scale, and any custom ones such
  // as "connect.name"), as a JSON object (keys sorted).
  nlohmann::json properties = nlohmann::json::object();
};

class AvroSchema {
 public:
  AvroSchema(AvroSchema&&) = default;
  AvroSchema& operator=(AvroSchema&&) = default;
  AvroSchema(const AvroSchema&) = delete;
  AvroSchema& operator=(const AvroSchema&) = delete;

  const AvroNode& root() const { return *root_; }
  // The named type with full name `full_name` defined by this schema or one of the schemas it
  // references, or null.
  const AvroNode* FindNamed(std::string_view full_name) const;
  // The named types this schema defines (not those of references), in definition order.
  std::span<const AvroNode* const> named_types() const { return defined_; }
  // The schemas whose named types this one may use (see AvroParseOptions::references).
  std::span<const std::shared_ptr<const AvroSchema>> references() const { return references_; }

 private:
  friend class internal::AvroParser;
  AvroSchema() = default;

  std::vector<std::unique_ptr<AvroNode>> nodes_;  // every node this schema owns
  std::vector<const AvroNode*> defined_;
  absl::flat_hash_map<std::string, const AvroNode*> names_;    // own and referenced named types
  std::vector<std::shared_ptr<const AvroSchema>> references_;  // keeps referenced nodes alive
  const AvroNode* root_ = nullptr;
};

}  // namespace oxbow::registry
