#include "registry/avro_logical_type.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace oxbow::registry {
namespace {

std::optional<int32_t> Int32Property(const nlohmann::json& properties, const char* key) {
  auto it = properties.find(key);
  if (it == properties.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned()) {
    uint64_t v = it->get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) return std::nullopt;
    return static_cast<int32_t>(v);
  }
  int64_t v = it->get<int64_t>();
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<int32_t>(v);
}

// The most decimal digits a two's-complement number of `size` bytes always holds; computed
// as the Java library does, so the same schemas are accepted.
double MaxDecimalPrecision(int64_t size) {
  if (size < 1) return 0;
  return std::floor(std::log10(std::pow(2.0, 8.0 * static_cast<double>(size) - 1) - 1));
}

AvroLogical Decimal(const AvroNode& node) {
  if (node.type != AvroType::kBytes && node.type != AvroType::kFixed) return {};
  std::optional<int32_t> precision = Int32Property(node.properties, "precision");
  if (!precision || *precision <= 0) return {};
  int32_t scale = 0;
  if (node.properties.contains("scale")) {
    std::optional<int32_t> s = Int32Property(node.properties, "scale");
    if (!s) return {};
    scale = *s;
  }
  if (scale < 0 || scale > *precision) return {};
  if (node.type == AvroType::kFixed && *precision > MaxDecimalPrecision(node.size)) return {};
  return AvroLogical{AvroLogicalType::kDecimal, *precision, scale};
}

// The underlying type each non-decimal logical type requires.
struct Simple {
  std::string_view name;
  AvroLogicalType logical;
  AvroType type;
};
constexpr Simple kSimple[] = {
    {"uuid", AvroLogicalType::kUuid, AvroType::kString},
    {"date", AvroLogicalType::kDate, AvroType::kInt},
    {"time-millis", AvroLogicalType::kTimeMillis, AvroType::kInt},
    {"time-micros", AvroLogicalType::kTimeMicros, AvroType::kLong},
    {"timestamp-millis", AvroLogicalType::kTimestampMillis, AvroType::kLong},
    {"timestamp-micros", AvroLogicalType::kTimestampMicros, AvroType::kLong},
    {"local-timestamp-millis", AvroLogicalType::kLocalTimestampMillis, AvroType::kLong},
    {"local-timestamp-micros", AvroLogicalType::kLocalTimestampMicros, AvroType::kLong},
    {"duration", AvroLogicalType::kDuration, AvroType::kFixed},
};

}  // namespace

AvroLogical ResolveAvroLogicalType(const AvroNode& node) {
  auto it = node.properties.find("logicalType");
  if (it == node.properties.end() || !it->is_string()) return {};
  const std::string& name = it->get_ref<const std::string&>();
  if (name == "decimal") return Decimal(node);
  for (const Simple& s : kSimple) {
    if (s.name != name) continue;
    if (node.type != s.type) return {};
    if (s.logical == AvroLogicalType::kDuration && node.size != 12) return {};
    return AvroLogical{s.logical, 0, 0};
  }
  return {};
}

}  // namespace oxbow::registry
