#include "format/avro_value.h"

#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::format {
namespace {

void CheckType(AvroType actual, AvroType wanted) {
  OXBOW_CHECK(actual == wanted, "AvroValue is {}, not {}", registry::AvroTypeName(actual),
              registry::AvroTypeName(wanted));
}

void AppendQuoted(std::string_view prefix, std::string_view bytes, std::string* out) {
  out->append(prefix);
  out->push_back('"');
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7f) {
      out->push_back(static_cast<char>(c));
    } else {
      out->append(fmt::format("\\x{:02x}", c));
    }
  }
  out->push_back('"');
}

}  // namespace

AvroValue AvroValue::Boolean(bool v) {
  AvroValue out;
  out.SetBoolean(v);
  return out;
}
AvroValue AvroValue::Int(int32_t v) {
  AvroValue out;
  out.SetInt(v);
  return out;
}
AvroValue AvroValue::Long(int64_t v) {
  AvroValue out;
  out.SetLong(v);
  return out;
}
AvroValue AvroValue::Float(float v) {
  AvroValue out;
  out.SetFloat(v);
  return out;
}
AvroValue AvroValue::Double(double v) {
  AvroValue out;
  out.SetDouble(v);
  return out;
}
AvroValue AvroValue::Bytes(std::string_view v) {
  AvroValue out;
  out.SetBytesOf(AvroType::kBytes, v);
  return out;
}
AvroValue AvroValue::String(std::string_view v) {
  AvroValue out;
  out.SetBytesOf(AvroType::kString, v);
  return out;
}
AvroValue AvroValue::Fixed(std::string_view v) {
  AvroValue out;
  out.SetBytesOf(AvroType::kFixed, v);
  return out;
}
AvroValue AvroValue::Enum(int32_t index, std::string_view symbol) {
  AvroValue out;
  out.SetEnum(index, symbol);
  return out;
}
AvroValue AvroValue::Record(std::vector<AvroValue> fields) {
  AvroValue out;
  out.type_ = AvroType::kRecord;
  out.size_ = static_cast<uint32_t>(fields.size());
  out.children_ = std::move(fields);
  return out;
}
AvroValue AvroValue::Array(std::vector<AvroValue> items) {
  AvroValue out = Record(std::move(items));
  out.type_ = AvroType::kArray;
  return out;
}
AvroValue AvroValue::Map(std::vector<std::pair<std::string, AvroValue>> entries) {
  AvroValue out;
  out.ResetMap();
  for (auto& [key, value] : entries) out.AppendEntry(key) = std::move(value);
  return out;
}
AvroValue AvroValue::Union(int32_t branch, AvroValue value) {
  AvroValue out;
  out.ResetUnion(branch) = std::move(value);
  return out;
}

bool AvroValue::boolean_value() const {
  CheckType(type_, AvroType::kBoolean);
  return scalar_.b;
}
int32_t AvroValue::int_value() const {
  CheckType(type_, AvroType::kInt);
  return scalar_.i;
}
int64_t AvroValue::long_value() const {
  CheckType(type_, AvroType::kLong);
  return scalar_.l;
}
float AvroValue::float_value() const {
  CheckType(type_, AvroType::kFloat);
  return scalar_.f;
}
double AvroValue::double_value() const {
  CheckType(type_, AvroType::kDouble);
  return scalar_.d;
}
std::string_view AvroValue::bytes() const {
  OXBOW_CHECK(type_ == AvroType::kBytes || type_ == AvroType::kString || type_ == AvroType::kFixed,
              "AvroValue is {}, not bytes, string or fixed", registry::AvroTypeName(type_));
  return str_;
}
int32_t AvroValue::enum_index() const {
  CheckType(type_, AvroType::kEnum);
  return index_;
}
std::string_view AvroValue::enum_symbol() const {
  CheckType(type_, AvroType::kEnum);
  return str_;
}
int32_t AvroValue::branch() const {
  CheckType(type_, AvroType::kUnion);
  return index_;
}
const AvroValue& AvroValue::branch_value() const {
  CheckType(type_, AvroType::kUnion);
  return children_[0];
}
AvroValue& AvroValue::mutable_branch_value() {
  CheckType(type_, AvroType::kUnion);
  return children_[0];
}
std::span<const AvroValue> AvroValue::fields() const {
  CheckType(type_, AvroType::kRecord);
  return {children_.data(), size_};
}
std::span<AvroValue> AvroValue::mutable_fields() {
  CheckType(type_, AvroType::kRecord);
  return {children_.data(), size_};
}
std::span<const AvroValue> AvroValue::items() const {
  OXBOW_CHECK(type_ == AvroType::kArray || type_ == AvroType::kMap,
              "AvroValue is {}, not array or map", registry::AvroTypeName(type_));
  return {children_.data(), size_};
}
std::span<AvroValue> AvroValue::mutable_items() {
  OXBOW_CHECK(type_ == AvroType::kArray || type_ == AvroType::kMap,
              "AvroValue is {}, not array or map", registry::AvroTypeName(type_));
  return {children_.data(), size_};
}
std::span<const std::string> AvroValue::keys() const {
  CheckType(type_, AvroType::kMap);
  return {keys_.data(), size_};
}

void AvroValue::SetLogical(AvroLogicalType type, int32_t decimal_scale) {
  logical_ = type;
  if (type == AvroLogicalType::kDecimal) index_ = decimal_scale;
}

std::span<AvroValue> AvroValue::ResetRecord(size_t n) {
  Become(AvroType::kRecord);
  if (children_.size() < n) children_.resize(n);
  size_ = static_cast<uint32_t>(n);
  return {children_.data(), n};
}

AvroValue& AvroValue::AppendItem() {
  if (size_ == children_.size()) children_.emplace_back();
  return children_[size_++];
}

AvroValue& AvroValue::AppendEntry(std::string_view key) {
  if (size_ == keys_.size()) keys_.emplace_back();
  keys_[size_].assign(key.data(), key.size());
  return AppendItem();
}

AvroValue& AvroValue::ResetUnion(int32_t branch) {
  Become(AvroType::kUnion);
  index_ = branch;
  if (children_.empty()) children_.emplace_back();
  size_ = 1;
  return children_[0];
}

bool AvroValue::operator==(const AvroValue& o) const {
  if (type_ != o.type_) return false;
  switch (type_) {
    case AvroType::kNull:
      return true;
    case AvroType::kBoolean:
      return scalar_.b == o.scalar_.b;
    case AvroType::kInt:
      return scalar_.i == o.scalar_.i;
    case AvroType::kLong:
      return scalar_.l == o.scalar_.l;
    case AvroType::kFloat:
      return scalar_.f == o.scalar_.f;
    case AvroType::kDouble:
      return scalar_.d == o.scalar_.d;
    case AvroType::kBytes:
    case AvroType::kString:
    case AvroType::kFixed:
      return str_ == o.str_;
    case AvroType::kEnum:
      return index_ == o.index_ && str_ == o.str_;
    case AvroType::kUnion:
      return index_ == o.index_ && children_[0] == o.children_[0];
    case AvroType::kMap:
      for (uint32_t i = 0; i < size_ && size_ == o.size_; ++i) {
        if (keys_[i] != o.keys_[i]) return false;
      }
      [[fallthrough]];
    case AvroType::kRecord:
    case AvroType::kArray:
      if (size_ != o.size_) return false;
      for (uint32_t i = 0; i < size_; ++i) {
        if (!(children_[i] == o.children_[i])) return false;
      }
      return true;
  }
  return false;
}

std::string AvroValue::DebugString() const {
  std::string out;
  AppendDebug(&out);
  return out;
}

void AvroValue::AppendDebug(std::string* out) const {
  switch (type_) {
    case AvroType::kNull:
      out->append("null");
      return;
    case AvroType::kBoolean:
      out->append(scalar_.b ? "true" : "false");
      return;
    case AvroType::kInt:
      out->append(fmt::format("{}", scalar_.i));
      return;
    case AvroType::kLong:
      out->append(fmt::format("{}L", scalar_.l));
      return;
    case AvroType::kFloat:
      out->append(fmt::format("{}f", scalar_.f));
      return;
    case AvroType::kDouble:
      out->append(fmt::format("{}", scalar_.d));
      return;
    case AvroType::kBytes:
      AppendQuoted("b", str_, out);
      return;
    case AvroType::kString:
      AppendQuoted("", str_, out);
      return;
    case AvroType::kFixed:
      AppendQuoted("fixed", str_, out);
      return;
    case AvroType::kEnum:
      out->append(fmt::format("{}({})", str_, index_));
      return;
    case AvroType::kUnion:
      out->append(fmt::format("<{}: ", index_));
      children_[0].AppendDebug(out);
      out->push_back('>');
      return;
    case AvroType::kRecord:
    case AvroType::kArray:
    case AvroType::kMap:
      out->push_back(type_ == AvroType::kArray ? '[' : '{');
      for (uint32_t i = 0; i < size_; ++i) {
        if (i > 0) out->append(", ");
        if (type_ == AvroType::kMap) {
          AppendQuoted("", keys_[i], out);
          out->append(": ");
        }
        children_[i].AppendDebug(out);
      }
      out->push_back(type_ == AvroType::kArray ? ']' : '}');
      return;
  }
}

}  // namespace oxbow::format
