#include "registry/avro_default.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "fmt/format.h"
#include "registry/json_text.h"

namespace oxbow::registry {
namespace {

std::string Describe(const AvroNode& type) {
  switch (type.type) {
    case AvroType::kInt:
      return "int (a JSON integer in the int32 range)";
    case AvroType::kLong:
      return "long (a JSON integer in the int64 range)";
    case AvroType::kFloat:
    case AvroType::kDouble:
      return fmt::format("{} (a JSON number)", AvroTypeName(type.type));
    case AvroType::kBytes:
      return "bytes (a JSON string)";
    case AvroType::kFixed:
      return fmt::format("fixed {} (a JSON string)", type.full_name);
    case AvroType::kEnum:
      return fmt::format("enum {} (one of its symbols)", type.full_name);
    case AvroType::kRecord:
      return fmt::format("record {} (a JSON object)", type.full_name);
    case AvroType::kArray:
      return "array (a JSON array)";
    case AvroType::kMap:
      return "map (a JSON object)";
    default:
      return std::string(AvroTypeName(type.type));
  }
}

bool FitsInt32(const nlohmann::json& v) {
  if (!v.is_number_integer()) return false;
  if (v.is_number_unsigned()) {
    return v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int32_t>::max());
  }
  int64_t i = v.get<int64_t>();
  return i >= std::numeric_limits<int32_t>::min() && i <= std::numeric_limits<int32_t>::max();
}

bool FitsInt64(const nlohmann::json& v) {
  if (!v.is_number_integer()) return false;
  return !v.is_number_unsigned() ||
         v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
}

class Checker {
 public:
  std::optional<AvroDefaultError> Check(const AvroNode& type, const nlohmann::json& v) {
    if (Valid(type, v)) return std::nullopt;
    return std::move(error_);
  }

 private:
  bool Fail(const AvroNode& type, const nlohmann::json& v) {
    // The innermost failure is reported; outer levels only add their path segment.
    if (!error_) {
      error_ = AvroDefaultError{
          "", fmt::format("expected {}, got {}", Describe(type), JsonForMessage(v))};
    }
    return false;
  }
  bool Nested(bool ok, const std::string& segment) {
    if (!ok && error_) error_->path.insert(0, segment);
    return ok;
  }

  bool Valid(const AvroNode& type, const nlohmann::json& v) {
    switch (type.type) {
      case AvroType::kNull:
        return v.is_null() || Fail(type, v);
      case AvroType::kBoolean:
        return v.is_boolean() || Fail(type, v);
      case AvroType::kInt:
        return FitsInt32(v) || Fail(type, v);
      case AvroType::kLong:
        return FitsInt64(v) || Fail(type, v);
      case AvroType::kFloat:
      case AvroType::kDouble:
        return v.is_number() || Fail(type, v);
      case AvroType::kBytes:
      case AvroType::kString:
      case AvroType::kFixed:
        return v.is_string() || Fail(type, v);
      case AvroType::kEnum:
        return (v.is_string() &&
                std::find(type.symbols.begin(), type.symbols.end(),
                          v.get_ref<const std::string&>()) != type.symbols.end()) ||
               Fail(type, v);
      case AvroType::kArray:
        return ValidArray(type, v);
      case AvroType::kMap:
        return ValidMap(type, v);
      case AvroType::kRecord:
        return ValidRecord(type, v);
      case AvroType::kUnion:
        if (type.branches.empty()) {
          error_ = AvroDefaultError{"", "an empty union has no values, so no default"};
          return false;
        }
        if (Valid(*type.branches[0], v)) return true;
        if (error_ && error_->path.empty()) {
          error_->reason += " (the default of a union is a value of its first branch)";
        }
        return false;
    }
    return Fail(type, v);
  }

  bool ValidArray(const AvroNode& type, const nlohmann::json& v) {
    if (!v.is_array()) return Fail(type, v);
    for (size_t i = 0; i < v.size(); ++i) {
      if (!Nested(Valid(*type.items, v[i]), fmt::format("[{}]", i))) return false;
    }
    return true;
  }

  bool ValidMap(const AvroNode& type, const nlohmann::json& v) {
    if (!v.is_object()) return Fail(type, v);
    for (const auto& [key, value] : v.items()) {
      if (!Nested(Valid(*type.values, value), fmt::format("[{}]", JsonForMessage(key)))) {
        return false;
      }
    }
    return true;
  }

  bool ValidRecord(const AvroNode& type, const nlohmann::json& v) {
    if (!v.is_object()) return Fail(type, v);
    for (const AvroField& f : type.fields) {
      auto it = v.find(f.name);
      if (it == v.end()) {
        // The field's own default fills the gap; it is validated where it is declared, and
        // not re-checked here (a record may contain itself through defaults).
        if (f.default_value) continue;
        error_ = AvroDefaultError{
            "", fmt::format("field \"{}\" of record {} is missing and has no default", f.name,
                            type.full_name)};
        return false;
      }
      if (!Nested(Valid(*f.type, *it), "." + f.name)) return false;
    }
    return true;
  }

  std::optional<AvroDefaultError> error_;
};

}  // namespace

std::optional<AvroDefaultError> CheckAvroDefault(const AvroNode& type,
                                                 const nlohmann::json& value) {
  return Checker().Check(type, value);
}

}  // namespace oxbow::registry
