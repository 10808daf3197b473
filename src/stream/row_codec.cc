#include "stream/row_codec.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "base/varint.h"

namespace oxbow::stream {

using sql::ColumnVector;
using sql::PhysicalType;

namespace {

template <typename T>
void PutFixed(T v, std::string* out) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out->append(buf, sizeof(T));
}

template <typename T>
bool GetFixed(std::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  std::memcpy(v, in->data(), sizeof(T));
  in->remove_prefix(sizeof(T));
  return true;
}

template <typename F>
F NormalFloat(F v) {
  if (std::isnan(v)) return std::numeric_limits<F>::quiet_NaN();
  return v == 0 ? F(0) : v;
}

Status Corrupt() { return absl::DataLossError("state store: malformed row encoding"); }

}  // namespace

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    result |= uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) {
      *v = result;
      return true;
    }
  }
  return false;
}

void PutSigned(int64_t v, std::string* out) {
  PutVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63), out);
}

bool GetSigned(std::string_view* in, int64_t* v) {
  uint64_t u;
  if (!GetVarint(in, &u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

void EncodeCell(const ColumnVector& c, size_t row, bool normalize, std::string* out) {
  if (c.IsNull(row)) {
    out->push_back(0);
    return;
  }
  out->push_back(1);
  switch (c.type().physical()) {
    case PhysicalType::kBool:
      out->push_back(static_cast<char>(c.Get<uint8_t>(row)));
      break;
    case PhysicalType::kInt16:
      PutFixed(c.Get<int16_t>(row), out);
      break;
    case PhysicalType::kInt32:
      PutFixed(c.Get<int32_t>(row), out);
      break;
    case PhysicalType::kInt64:
      PutFixed(c.Get<int64_t>(row), out);
      break;
    case PhysicalType::kFloat32: {
      float f = c.Get<float>(row);
      PutFixed(normalize ? NormalFloat(f) : f, out);
      break;
    }
    case PhysicalType::kFloat64: {
      double d = c.Get<double>(row);
      PutFixed(normalize ? NormalFloat(d) : d, out);
      break;
    }
    case PhysicalType::kDecimal: {
      sql::Decimal d = c.Get<sql::Decimal>(row);
      if (normalize) d = d.Normalized();
      PutFixed(d.value, out);
      PutFixed(d.scale, out);
      break;
    }
    case PhysicalType::kInterval: {
      const sql::Interval& iv = c.Get<sql::Interval>(row);
      PutFixed(iv.months, out);
      PutFixed(iv.days, out);
      PutFixed(iv.micros, out);
      break;
    }
    case PhysicalType::kString: {
      std::string_view s = c.Get<std::string_view>(row);
      PutVarint(s.size(), out);
      out->append(s);
      break;
    }
  }
}

namespace {

template <typename T>
const T* ValuesOf(const ColumnVector& c) {
  return c.data<T>();
}

template <typename T>
char* WriteFixed(const void* values, size_t row, char* p) {
  std::memcpy(p, static_cast<const T*>(values) + row, sizeof(T));
  return p + sizeof(T);
}

}  // namespace

ChunkRowEncoder::ChunkRowEncoder(const sql::Chunk& chunk) {
  columns_.reserve(chunk.num_columns());
  for (const ColumnVector& c : chunk.columns()) {
    Column col{c.type().physical(), 0, &c, nullptr};
    switch (col.type) {
      case PhysicalType::kBool:
        col = {col.type, 1, &c, ValuesOf<uint8_t>(c)};
        break;
      case PhysicalType::kInt16:
        col = {col.type, 2, &c, ValuesOf<int16_t>(c)};
        break;
      case PhysicalType::kInt32:
        col = {col.type, 4, &c, ValuesOf<int32_t>(c)};
        break;
      case PhysicalType::kInt64:
        col = {col.type, 8, &c, ValuesOf<int64_t>(c)};
        break;
      case PhysicalType::kFloat32:
        col = {col.type, 4, &c, ValuesOf<float>(c)};
        break;
      case PhysicalType::kFloat64:
        col = {col.type, 8, &c, ValuesOf<double>(c)};
        break;
      case PhysicalType::kDecimal:
        col = {col.type, sizeof(sql::int128) + sizeof(int32_t), &c, ValuesOf<sql::Decimal>(c)};
        break;
      case PhysicalType::kInterval:
        col = {col.type, 16, &c, ValuesOf<sql::Interval>(c)};
        break;
      case PhysicalType::kString:
        col = {col.type, 0, &c, ValuesOf<std::string_view>(c)};
        break;
    }
    columns_.push_back(col);
  }
}

void ChunkRowEncoder::Append(size_t row, std::string* out) const {
  size_t n = 0;
  for (const Column& c : columns_) {
    if (c.vector->IsNull(row)) {
      n += 1;
    } else if (c.type == PhysicalType::kString) {
      size_t len = static_cast<const std::string_view*>(c.values)[row].size();
      n += 1 + UvarintLength(len) + len;
    } else {
      n += 1 + c.width;
    }
  }
  const size_t at = out->size();
  out->resize(at + n);
  char* p = out->data() + at;
  for (const Column& c : columns_) {
    if (c.vector->IsNull(row)) {
      *p++ = 0;
      continue;
    }
    *p++ = 1;
    switch (c.type) {
      case PhysicalType::kBool:
        p = WriteFixed<uint8_t>(c.values, row, p);
        break;
      case PhysicalType::kInt16:
        p = WriteFixed<int16_t>(c.values, row, p);
        break;
      case PhysicalType::kInt32:
        p = WriteFixed<int32_t>(c.values, row, p);
        break;
      case PhysicalType::kInt64:
        p = WriteFixed<int64_t>(c.values, row, p);
        break;
      case PhysicalType::kFloat32:
        p = WriteFixed<float>(c.values, row, p);
        break;
      case PhysicalType::kFloat64:
        p = WriteFixed<double>(c.values, row, p);
        break;
      case PhysicalType::kDecimal: {
        const sql::Decimal& d = static_cast<const sql::Decimal*>(c.values)[row];
        std::memcpy(p, &d.value, sizeof(d.value));
        std::memcpy(p + sizeof(d.value), &d.scale, sizeof(d.scale));
        p += sizeof(d.value) + sizeof(d.scale);
        break;
      }
      case PhysicalType::kInterval: {
        const sql::Interval& iv = static_cast<const sql::Interval*>(c.values)[row];
        std::memcpy(p, &iv.months, 4);
        std::memcpy(p + 4, &iv.days, 4);
        std::memcpy(p + 8, &iv.micros, 8);
        p += 16;
        break;
      }
      case PhysicalType::kString: {
        std::string_view s = static_cast<const std::string_view*>(c.values)[row];
        p += PutUvarint64(reinterpret_cast<uint8_t*>(p), s.size());  // sized above
        if (!s.empty()) std::memcpy(p, s.data(), s.size());
        p += s.size();
        break;
      }
    }
  }
}

void EncodeKey(const sql::Chunk& chunk, std::span<const int> columns, size_t row,
               std::string* out) {
  for (int col : columns) EncodeCell(chunk.column(col), row, /*normalize=*/true, out);
}

void EncodeRow(const sql::Chunk& chunk, size_t row, std::string* out) {
  for (size_t col = 0; col < chunk.num_columns(); ++col) {
    EncodeCell(chunk.column(col), row, /*normalize=*/false, out);
  }
}

namespace {

Status DecodeCell(std::string_view* in, ColumnVector& c) {
  if (in->empty()) return Corrupt();
  char tag = in->front();
  in->remove_prefix(1);
  if (tag == 0) {
    c.AppendNull();
    return Status();
  }
  if (tag != 1) return Corrupt();
  auto fixed = [&](auto v) -> Status {
    if (!GetFixed(in, &v)) return Corrupt();
    c.Append(v);
    return Status();
  };
  switch (c.type().physical()) {
    case PhysicalType::kBool:
      return fixed(uint8_t{});
    case PhysicalType::kInt16:
      return fixed(int16_t{});
    case PhysicalType::kInt32:
      return fixed(int32_t{});
    case PhysicalType::kInt64:
      return fixed(int64_t{});
    case PhysicalType::kFloat32:
      return fixed(float{});
    case PhysicalType::kFloat64:
      return fixed(double{});
    case PhysicalType::kDecimal: {
      sql::Decimal d;
      if (!GetFixed(in, &d.value) || !GetFixed(in, &d.scale)) return Corrupt();
      c.Append(d);
      return Status();
    }
    case PhysicalType::kInterval: {
      sql::Interval iv;
      if (!GetFixed(in, &iv.months) || !GetFixed(in, &iv.days) || !GetFixed(in, &iv.micros)) {
        return Corrupt();
      }
      c.Append(iv);
      return Status();
    }
    case PhysicalType::kString: {
      uint64_t n;
      if (!GetVarint(in, &n) || n > in->size()) return Corrupt();
      c.AppendString(in->substr(0, n));
      in->remove_prefix(n);
      return Status();
    }
  }
  return Corrupt();
}

}  // namespace

Status DecodeCells(std::string_view* in, std::vector<ColumnVector>& out, size_t first,
                   size_t count) {
  for (size_t i = 0; i < count; ++i) RETURN_IF_ERROR(DecodeCell(in, out[first + i]));
  return Status();
}

Result<std::vector<sql::Value>> DecodeRowValues(std::string_view in,
                                                std::span<const sql::Type> types) {
  std::vector<ColumnVector> cols;
  for (const sql::Type& t : types) cols.emplace_back(t);
  RETURN_IF_ERROR(DecodeCells(&in, cols, 0, cols.size()));
  if (!in.empty()) return Corrupt();
  std::vector<sql::Value> values;
  for (const ColumnVector& c : cols) values.push_back(c.GetValue(0));
  return values;
}

std::string GroupedRowKey(std::string_view key, std::string_view row) {
  std::string out;
  PutVarint(key.size(), &out);
  out.append(key);
  out.append(row);
  return out;
}

bool SplitGroupedRowKey(std::string_view store_key, std::string_view* key, std::string_view* row) {
  uint64_t n = 0;
  if (!GetVarint(&store_key, &n) || n > store_key.size()) return false;
  *key = store_key.substr(0, n);
  *row = store_key.substr(n);
  return true;
}

}  // namespace oxbow::stream
