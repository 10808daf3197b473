#include "registry/avro_schema.h"

#include <array>

namespace oxbow::registry {
namespace {

constexpr std::array<std::string_view, 14> kTypeNames = {
    "null",   "boolean", "int",  "long",  "float", "double", "bytes",
    "string", "record",  "enum", "array", "map",   "union",  "fixed"};

constexpr std::array<std::string_view, 11> kLogicalNames = {"",
                                                            "decimal",
                                                            "uuid",
                                                            "date",
                                                            "time-millis",
                                                            "time-micros",
                                                            "timestamp-millis",
                                                            "timestamp-micros",
                                                            "local-timestamp-millis",
                                                            "local-timestamp-micros",
                                                            "duration"};

}  // namespace

std::string_view AvroTypeName(AvroType type) { return kTypeNames[static_cast<size_t>(type)]; }

std::optional<AvroType> PrimitiveAvroType(std::string_view name) {
  for (size_t i = 0; i <= static_cast<size_t>(AvroType::kString); ++i) {
    if (kTypeNames[i] == name) return static_cast<AvroType>(i);
  }
  return std::nullopt;
}

bool IsNamedAvroType(AvroType type) {
  return type == AvroType::kRecord || type == AvroType::kEnum || type == AvroType::kFixed;
}

std::string_view AvroLogicalTypeName(AvroLogicalType type) {
  return kLogicalNames[static_cast<size_t>(type)];
}

std::string_view AvroFieldOrderName(AvroFieldOrder order) {
  switch (order) {
    case AvroFieldOrder::kAscending:
      return "ascending";
    case AvroFieldOrder::kDescending:
      return "descending";
    case AvroFieldOrder::kIgnore:
      return "ignore";
  }
  return "ascending";
}

std::string_view AvroNode::name() const {
  std::string_view full = full_name;
  size_t dot = full.rfind('.');
  return dot == std::string_view::npos ? full : full.substr(dot + 1);
}

std::string_view AvroNode::name_space() const {
  std::string_view full = full_name;
  size_t dot = full.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : full.substr(0, dot);
}

const AvroField* AvroNode::FindField(std::string_view field_name) const {
  for (const AvroField& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

const AvroNode* AvroSchema::FindNamed(std::string_view full_name) const {
  auto it = names_.find(absl::string_view(full_name.data(), full_name.size()));
  return it == names_.end() ? nullptr : it->second;
}

}  // namespace oxbow::registry
