// The generic value model for Avro data: what a decoded datum is, and what the encoder and the
// JSON conversion take.
//
// An AvroValue is a tree that mirrors the schema it was read with:
//   null, boolean, int, long, float, double     a scalar
//   bytes, string, fixed                        bytes()
//   enum                                        enum_index() (into the schema's symbols) and
//                                               enum_symbol()
//   record                                      fields(), by position in the record schema
//   array                                       items()
//   map                                         keys() and items(), entry i = (keys()[i],
//                                               items()[i]), in the order they were written
//   union                                       branch() (index into the union's branches) and
//                                               branch_value()
// Logical types are annotations, not new kinds: a decimal is bytes or fixed holding the
// big-endian two's-complement unscaled value, with logical_type() kDecimal and decimal_scale();
// date and time-millis are ints, timestamps and time-micros longs, a uuid a string.
//
// Reuse: the decoder writes into an existing value. The Set*/Reset* calls keep the storage a
// value already has (string capacity, child values beyond the current size), so decoding a
// stream of records of one schema into the same AvroValue allocates nothing once it has seen
// the largest record. Fixed-width fields never allocate.
//
// Accessors check the kind (OXBOW_CHECK): asking a long for its string is a bug in the caller.
// Not thread-safe for writes; const access from several threads is fine.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "registry/avro_schema.h"

namespace oxbow::format {

using registry::AvroLogicalType;
using registry::AvroType;

class AvroValue {
 public:
  AvroValue() = default;  // null

  static AvroValue Null() { return {}; }
  static AvroValue Boolean(bool v);
  static AvroValue Int(int32_t v);
  static AvroValue Long(int64_t v);
  static AvroValue Float(float v);
  static AvroValue Double(double v);
  static AvroValue Bytes(std::string_view v);
  static AvroValue String(std::string_view v);
  static AvroValue Fixed(std::string_view v);
  static AvroValue Enum(int32_t index, std::string_view symbol);
  static AvroValue Record(std::vector<AvroValue> fields);
  static AvroValue Array(std::vector<AvroValue> items);
  static AvroValue Map(std::vector<std::pair<std::string, AvroValue>> entries);
  static AvroValue Union(int32_t branch, AvroValue value);

  AvroType type() const { return type_; }

  bool boolean_value() const;
  int32_t int_value() const;
  int64_t long_value() const;
  float float_value() const;
  double double_value() const;
  // bytes, string and fixed: the raw bytes (a string's are UTF-8 as written; not validated).
  std::string_view bytes() const;
  int32_t enum_index() const;
  std::string_view enum_symbol() const;
  int32_t branch() const;
  const AvroValue& branch_value() const;
  std::span<const AvroValue> fields() const;  // record
  std::span<const AvroValue> items() const;   // array items, map values
  std::span<const std::string> keys() const;  // map keys
  // Fields of a record, items of an array, entries of a map.
  size_t size() const { return size_; }

  AvroLogicalType logical_type() const { return logical_; }
  int32_t decimal_scale() const { return logical_ == AvroLogicalType::kDecimal ? index_ : 0; }
  void SetLogical(AvroLogicalType type, int32_t decimal_scale = 0);

  // In-place writes, keeping storage (see the file comment). Each makes the value that kind
  // and clears the logical annotation.
  void SetNull() { Become(AvroType::kNull); }
  void SetBoolean(bool v) {
    Become(AvroType::kBoolean);
    scalar_.b = v;
  }
  void SetInt(int32_t v) {
    Become(AvroType::kInt);
    scalar_.i = v;
  }
  void SetLong(int64_t v) {
    Become(AvroType::kLong);
    scalar_.l = v;
  }
  void SetFloat(float v) {
    Become(AvroType::kFloat);
    scalar_.f = v;
  }
  void SetDouble(double v) {
    Become(AvroType::kDouble);
    scalar_.d = v;
  }
  // bytes, string or fixed.
  void SetBytesOf(AvroType type, std::string_view v) {
    Become(type);
    str_.assign(v.data(), v.size());
  }
  void SetEnum(int32_t index, std::string_view symbol) {
    Become(AvroType::kEnum);
    index_ = index;
    str_.assign(symbol.data(), symbol.size());
  }
  // Makes the value a record of n fields and returns them; existing fields keep their storage.
  std::span<AvroValue> ResetRecord(size_t n);
  // Makes the value an empty array or map; AppendItem/AppendEntry then add to it.
  void ResetArray() { ResetSequence(AvroType::kArray); }
  void ResetMap() { ResetSequence(AvroType::kMap); }
  AvroValue& AppendItem();
  // Adds a map entry: sets its key and returns its value.
  AvroValue& AppendEntry(std::string_view key);
  // Makes the value a union holding `branch` and returns the branch's value.
  AvroValue& ResetUnion(int32_t branch);

  std::span<AvroValue> mutable_fields();
  std::span<AvroValue> mutable_items();
  AvroValue& mutable_branch_value();

  // Deep equality of kind and content (floats by ==; logical annotations are not compared).
  bool operator==(const AvroValue& other) const;

  // A compact rendering for messages and tests: null, true, 7, 7L, 1.5f, 2.5, b"\x01",
  // "text", fixed"\x00\x01", SYMBOL(2), {f0, f1}, [a, b], {"k": v}, <1: v>.
  std::string DebugString() const;

 private:
  void Become(AvroType type) {
    type_ = type;
    logical_ = AvroLogicalType::kNone;
  }
  void ResetSequence(AvroType type) {
    Become(type);
    size_ = 0;
  }
  void AppendDebug(std::string* out) const;

  AvroType type_ = AvroType::kNull;
  AvroLogicalType logical_ = AvroLogicalType::kNone;
  // Enum: symbol index. Union: branch index. Decimal: scale.
  int32_t index_ = 0;
  // Record fields / array items / map entries in use; children_ may hold more (kept storage).
  uint32_t size_ = 0;
  union {
    bool b;
    int32_t i;
    int64_t l;
    float f;
    double d;
  } scalar_{.l = 0};
  std::string str_;                  // bytes, string, fixed; enum symbol
  std::vector<AvroValue> children_;  // record fields, array items, map values, union value
  std::vector<std::string> keys_;    // map keys, parallel to children_
};

}  // namespace oxbow::format
