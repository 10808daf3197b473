#include "sql/chunk/column_vector.h"

#include <cstring>

#include "sql/types/text_format.h"

namespace oxbow::sql {

std::string_view StringArena::Copy(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > remaining_) {
    size_t size = std::max(next_block_size_, s.size());
    next_block_size_ = std::min(next_block_size_ * 2, kBlockSize);
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
    cursor_ = blocks_.back().get();
    remaining_ = size;
  }
  std::memcpy(cursor_, s.data(), s.size());
  std::string_view out(cursor_, s.size());
  cursor_ += s.size();
  remaining_ -= s.size();
  used_ += s.size();
  return out;
}

ColumnVector::ColumnVector(Type type) : type_(type) {
  switch (type.physical()) {
    case PhysicalType::kBool:
      data_ = std::vector<uint8_t>();
      break;
    case PhysicalType::kInt16:
      data_ = std::vector<int16_t>();
      break;
    case PhysicalType::kInt32:
      data_ = std::vector<int32_t>();
      break;
    case PhysicalType::kInt64:
      data_ = std::vector<int64_t>();
      break;
    case PhysicalType::kFloat32:
      data_ = std::vector<float>();
      break;
    case PhysicalType::kFloat64:
      data_ = std::vector<double>();
      break;
    case PhysicalType::kDecimal:
      data_ = std::vector<Decimal>();
      break;
    case PhysicalType::kInterval:
      data_ = std::vector<Interval>();
      break;
    case PhysicalType::kString:
      data_ = std::vector<std::string_view>();
      break;
  }
}

ColumnVector ColumnVector::Nulls(Type type, size_t size) {
  ColumnVector c(type);
  c.ResizeData(size);
  c.GrowValidity(size);
  c.size_ = size;
  return c;
}

ColumnVector ColumnVector::Constant(const Type& type, const Value& v, size_t size) {
  ColumnVector c(type);
  c.Reserve(size);
  if (v.is_null()) {
    return Nulls(type, size);
  }
  c.AppendValue(v);
  for (size_t i = 1; i < size; ++i) c.AppendFrom(c, 0);
  return c;
}

void ColumnVector::Reserve(size_t n) {
  std::visit([n](auto& v) { v.reserve(n); }, data_);
  validity_.reserve((n + 63) / 64);
}

void ColumnVector::ResizeData(size_t rows) {
  std::visit([rows](auto& v) { v.resize(rows); }, data_);
}

void ColumnVector::GrowValidity(size_t rows) {
  size_t words = (rows + 63) / 64;
  if (validity_.size() < words) validity_.resize(words, 0);
}

bool ColumnVector::HasNulls() const {
  size_t full = size_ / 64;
  for (size_t w = 0; w < full; ++w) {
    if (validity_[w] != ~uint64_t{0}) return true;
  }
  for (size_t r = full * 64; r < size_; ++r) {
    if (IsNull(r)) return true;
  }
  return false;
}

StringArena& ColumnVector::arena() {
  if (!own_arena_) {
    arenas_.insert(arenas_.begin(), std::make_shared<StringArena>());
    own_arena_ = true;
  }
  return *arenas_.front();
}

void ColumnVector::ShareArenasOf(const ColumnVector& other) {
  for (const auto& a : other.arenas_) {
    bool present = false;
    for (const auto& mine : arenas_) present |= mine == a;
    if (!present) arenas_.push_back(a);
  }
}

void ColumnVector::AppendValue(const Value& v) {
  if (v.is_null()) return AppendNull();
  switch (type_.physical()) {
    case PhysicalType::kBool:
      return Append<uint8_t>(v.bool_value() ? 1 : 0);
    case PhysicalType::kInt16:
      return Append<int16_t>(static_cast<int16_t>(v.int_value()));
    case PhysicalType::kInt32:
      return Append<int32_t>(static_cast<int32_t>(v.int_value()));
    case PhysicalType::kInt64:
      return Append<int64_t>(v.int_value());
    case PhysicalType::kFloat32:
      return Append<float>(static_cast<float>(v.double_value()));
    case PhysicalType::kFloat64:
      return Append<double>(v.double_value());
    case PhysicalType::kDecimal:
      return Append<Decimal>(v.decimal_value());
    case PhysicalType::kInterval:
      return Append<Interval>(v.interval_value());
    case PhysicalType::kString:
      return AppendString(v.string_value());
  }
}

void ColumnVector::SetValue(size_t row, const Value& v) {
  if (v.is_null()) return SetNull(row);
  switch (type_.physical()) {
    case PhysicalType::kBool:
      return Set<uint8_t>(row, v.bool_value() ? 1 : 0);
    case PhysicalType::kInt16:
      return Set<int16_t>(row, static_cast<int16_t>(v.int_value()));
    case PhysicalType::kInt32:
      return Set<int32_t>(row, static_cast<int32_t>(v.int_value()));
    case PhysicalType::kInt64:
      return Set<int64_t>(row, v.int_value());
    case PhysicalType::kFloat32:
      return Set<float>(row, static_cast<float>(v.double_value()));
    case PhysicalType::kFloat64:
      return Set<double>(row, v.double_value());
    case PhysicalType::kDecimal:
      return Set<Decimal>(row, v.decimal_value());
    case PhysicalType::kInterval:
      return Set<Interval>(row, v.interval_value());
    case PhysicalType::kString:
      return SetString(row, v.string_value());
  }
}

void ColumnVector::Truncate(size_t rows) {
  if (rows >= size_) return;
  ResizeData(rows);
  size_ = rows;
}

void ColumnVector::AppendFrom(const ColumnVector& other, size_t row) {
  if (other.IsNull(row)) return AppendNull();
  std::visit(
      [&](auto& v) {
        using Vec = std::decay_t<decltype(v)>;
        auto value = std::get<Vec>(other.data_)[row];
        if constexpr (std::is_same_v<typename Vec::value_type, std::string_view>) {
          if (&other != this) ShareArenasOf(other);
        }
        v.push_back(value);
      },
      data_);
  GrowValidity(size_ + 1);
  SetValid(size_++);
}

void ColumnVector::CopyRow(const ColumnVector& src, size_t src_row, size_t row) {
  if (src.IsNull(src_row)) return SetNull(row);
  std::visit(
      [&](auto& v) {
        using Vec = std::decay_t<decltype(v)>;
        v[row] = std::get<Vec>(src.data_)[src_row];
        if constexpr (std::is_same_v<typename Vec::value_type, std::string_view>) {
          if (&src != this) ShareArenasOf(src);
        }
      },
      data_);
  SetValid(row);
}

Value ColumnVector::GetValue(size_t row) const {
  if (IsNull(row)) return Value::Null(type_);
  switch (type_.id()) {
    case TypeId::kBool:
      return Value::Bool(Get<uint8_t>(row) != 0);
    case TypeId::kInt16:
      return Value::Int16(Get<int16_t>(row));
    case TypeId::kInt32:
      return Value::Int32(Get<int32_t>(row));
    case TypeId::kInt64:
      return Value::Int64(Get<int64_t>(row));
    case TypeId::kFloat32:
      return Value::Float32(Get<float>(row));
    case TypeId::kFloat64:
      return Value::Float64(Get<double>(row));
    case TypeId::kNumeric:
      return Value::Numeric(Get<Decimal>(row), type_);
    case TypeId::kDate:
      return Value::Date(Get<int32_t>(row));
    case TypeId::kTimestamp:
      return Value::Timestamp(Get<int64_t>(row));
    case TypeId::kTimestampTz:
      return Value::TimestampTz(Get<int64_t>(row));
    case TypeId::kInterval:
      return Value::IntervalOf(Get<Interval>(row));
    case TypeId::kUnknown:
    case TypeId::kText:
    case TypeId::kVarchar:
    case TypeId::kBytea:
    case TypeId::kJsonb:
    case TypeId::kArray:
      return Value::String(type_, std::string(Get<std::string_view>(row)));
  }
  return Value::Null(type_);
}

void ColumnVector::AppendText(std::string& out, size_t row) const {
  AppendValueText(out, GetValue(row));
}

ColumnVector ColumnVector::Select(std::span<const uint32_t> rows) const {
  ColumnVector out(type_);
  out.Reserve(rows.size());
  for (uint32_t r : rows) out.AppendFrom(*this, r);
  return out;
}

}  // namespace oxbow::sql
