// ColumnVector: one column of a Chunk — a typed array of fixed-width values (or string_views
// into arenas the column keeps alive) plus a validity bitmap (bit set = not NULL).
//
// Strings (text, varchar, bytea, jsonb) are string_views. Their bytes live in the column's own
// arena or in arenas shared from the columns they were selected from, so filtering and
// projecting a string column copies 16-byte views, never the bytes.
//
// Thread safety: not synchronized; one thread builds a column, after which any number of
// threads may read it (arenas are never written once shared).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "sql/types/datetime.h"
#include "sql/types/decimal.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace oxbow::sql {

// Append-only storage for string bytes. Views into it stay valid for the arena's lifetime.
class StringArena {
 public:
  std::string_view Copy(std::string_view s);
  size_t bytes_used() const { return used_; }

 private:
  // Blocks double from kFirstBlockSize to kBlockSize, so a vector of a few rows (a decoded
  // state row, a constant) does not pay for a 64 KiB block; their bytes are not zeroed.
  static constexpr size_t kFirstBlockSize = 256;
  static constexpr size_t kBlockSize = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t next_block_size_ = kFirstBlockSize;
  char* cursor_ = nullptr;
  size_t remaining_ = 0;
  size_t used_ = 0;
};

// Rows of a chunk to operate on: either all rows [0, count) or the listed indices.
struct Rows {
  const uint32_t* indices = nullptr;  // nullptr: all rows
  size_t count = 0;

  static Rows All(size_t n) { return Rows{nullptr, n}; }
  static Rows Of(std::span<const uint32_t> sel) { return Rows{sel.data(), sel.size()}; }
  uint32_t operator[](size_t i) const { return indices ? indices[i] : static_cast<uint32_t>(i); }
};

// Calls f(row) for each row; the two loops let the compiler vectorize the dense case.
template <typename F>
inline void ForEachRow(const Rows& rows, F&& f) {
  if (rows.indices == nullptr) {
    for (uint32_t i = 0; i < rows.count; ++i) f(i);
  } else {
    for (size_t i = 0; i < rows.count; ++i) f(rows.indices[i]);
  }
}

using SelectionVector = std::vector<uint32_t>;

class ColumnVector {
 public:
  // An empty column of `type`.
  explicit ColumnVector(Type type = Type::Unknown());
  // A column of `size` rows, all NULL (kernels fill it in).
  static ColumnVector Nulls(Type type, size_t size);
  // `size` copies of `v` (which must have `type`'s physical type or be NULL).
  static ColumnVector Constant(const Type& type, const Value& v, size_t size);

  const Type& type() const { return type_; }
  size_t size() const { return size_; }
  void Reserve(size_t n);

  bool IsNull(size_t row) const { return !((validity_[row >> 6] >> (row & 63)) & 1); }
  bool IsValid(size_t row) const { return !IsNull(row); }
  void SetNull(size_t row) { validity_[row >> 6] &= ~(uint64_t{1} << (row & 63)); }
  void SetValid(size_t row) { validity_[row >> 6] |= uint64_t{1} << (row & 63); }
  // True when some row is NULL (scans the bitmap).
  bool HasNulls() const;

  // Typed access. T must match physical(): uint8_t (bool), int16_t, int32_t (int4, date),
  // int64_t (int8, timestamps), float, double, Decimal, Interval, std::string_view.
  template <typename T>
  T* data() {
    return std::get<std::vector<T>>(data_).data();
  }
  template <typename T>
  const T* data() const {
    return std::get<std::vector<T>>(data_).data();
  }
  template <typename T>
  const T& Get(size_t row) const {
    return data<T>()[row];
  }
  // Sets a value and marks the row valid.
  template <typename T>
  void Set(size_t row, T v) {
    data<T>()[row] = v;
    SetValid(row);
  }
  // Copies the bytes into this column's arena and stores the view.
  void SetString(size_t row, std::string_view s) { Set(row, arena().Copy(s)); }

  // Appends (growing the column by one row). Inline: a decoder appends a NULL to every
  // column of each row before it sets the row's values.
  void AppendNull() {
    std::visit([](auto& v) { v.emplace_back(); }, data_);
    if (validity_.size() * 64 <= size_) validity_.push_back(0);
    SetNull(size_++);
  }
  template <typename T>
  void Append(T v) {
    std::get<std::vector<T>>(data_).push_back(v);
    GrowValidity(size_ + 1);
    SetValid(size_++);
  }
  void AppendString(std::string_view s) { Append(arena().Copy(s)); }
  // Appends a Value, which must be NULL or have this column's physical type.
  void AppendValue(const Value& v);
  // Sets row `row` to a Value (NULL, or of this column's physical type).
  void SetValue(size_t row, const Value& v);
  // Drops the rows from `rows` on (rows <= size()); their strings stay in the arena.
  void Truncate(size_t rows);
  // Appends row `row` of `other` (same physical type).
  void AppendFrom(const ColumnVector& other, size_t row);
  // Sets row `row` to row `src_row` of `src` (same physical type; NULL stays NULL).
  void CopyRow(const ColumnVector& src, size_t src_row, size_t row);

  // Row `row` as a Value of this column's type.
  Value GetValue(size_t row) const;
  // PostgreSQL's text output of row `row` ("NULL" for NULL).
  void AppendText(std::string& out, size_t row) const;

  // The listed rows, in order; strings share this column's arenas.
  ColumnVector Select(std::span<const uint32_t> rows) const;
  // Makes this column's strings reachable from `other`'s arenas too (for kernels that pass
  // through views of an input column).
  void ShareArenasOf(const ColumnVector& other);
  StringArena& arena();

 private:
  using Data =
      std::variant<std::vector<uint8_t>, std::vector<int16_t>, std::vector<int32_t>,
                   std::vector<int64_t>, std::vector<float>, std::vector<double>,
                   std::vector<Decimal>, std::vector<Interval>, std::vector<std::string_view>>;
  void GrowValidity(size_t rows);
  void ResizeData(size_t rows);

  Type type_;
  size_t size_ = 0;
  Data data_;
  std::vector<uint64_t> validity_;
  // arenas_[0] (if any) is this column's own; the rest are shared from source columns.
  std::vector<std::shared_ptr<StringArena>> arenas_;
  bool own_arena_ = false;
};

}  // namespace oxbow::sql
