#include "pgwire/chunk_rows.h"

#include "base/bytes.h"
#include "fmt/format.h"
#include "pgwire/backend_message.h"
#include "pgwire/value_codec.h"

namespace oxbow::pgwire {
namespace {

using sql::TypeId;

int16_t FormatOf(const std::vector<int16_t>& formats, size_t i) {
  if (formats.empty()) return 0;
  return formats.size() == 1 ? formats[0] : formats[i];
}

void AppendInt(std::string& out, int64_t v) {
  fmt::format_int digits(v);
  out.append(digits.data(), digits.size());
}

template <typename T>
void PutBE(std::string& out, T v) {
  uint8_t b[sizeof(T)];
  if constexpr (sizeof(T) == 2) StoreBE16(b, static_cast<uint16_t>(v));
  if constexpr (sizeof(T) == 4) StoreBE32(b, static_cast<uint32_t>(v));
  if constexpr (sizeof(T) == 8) StoreBE64(b, static_cast<uint64_t>(v));
  out.append(reinterpret_cast<const char*>(b), sizeof(T));
}

// The encoding of a non-NULL cell, as value_codec's AppendValue would give for its Value.
void AppendCell(std::string& out, const sql::ColumnVector& column, size_t row, int16_t format) {
  switch (column.type().id()) {
    case TypeId::kInt16:
      if (format == 0) {
        AppendInt(out, column.Get<int16_t>(row));
      } else {
        PutBE(out, column.Get<int16_t>(row));
      }
      return;
    case TypeId::kInt32:
      if (format == 0) {
        AppendInt(out, column.Get<int32_t>(row));
      } else {
        PutBE(out, column.Get<int32_t>(row));
      }
      return;
    case TypeId::kInt64:
      if (format == 0) {
        AppendInt(out, column.Get<int64_t>(row));
      } else {
        PutBE(out, column.Get<int64_t>(row));
      }
      return;
    case TypeId::kText:
    case TypeId::kVarchar:
      out.append(column.Get<std::string_view>(row));  // the same bytes in both formats
      return;
    default:
      AppendValue(out, column.GetValue(row), format);
  }
}

// COPY text escapes for one field.
void AppendCopyEscaped(std::string& out, std::string_view text) {
  size_t plain = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* escape = c == '\\'   ? "\\\\"
                         : c == '\n' ? "\\n"
                         : c == '\r' ? "\\r"
                         : c == '\t' ? "\\t"
                                     : nullptr;
    if (escape == nullptr) continue;
    out.append(text.substr(plain, i - plain));
    out.append(escape);
    plain = i + 1;
  }
  out.append(text.substr(plain));
}

}  // namespace

void AppendChunkDataRow(std::string& out, const sql::Chunk& chunk, size_t row,
                        const std::vector<int16_t>& formats) {
  DataRowBuilder data(out, static_cast<int16_t>(chunk.num_columns()));
  for (size_t c = 0; c < chunk.num_columns(); ++c) {
    const sql::ColumnVector& column = chunk.column(c);
    if (column.IsNull(row)) {
      data.Null();
      continue;
    }
    data.BeginValue();
    AppendCell(out, column, row, FormatOf(formats, c));
    data.EndValue();
  }
  data.End();
}

void AppendChunkCopyRow(std::string& out, const sql::Chunk& chunk, size_t row) {
  MessageBuilder m(out, 'd');
  std::string text;
  for (size_t c = 0; c < chunk.num_columns(); ++c) {
    if (c > 0) out.push_back('\t');
    const sql::ColumnVector& column = chunk.column(c);
    if (column.IsNull(row)) {
      out.append("\\N");
      continue;
    }
    switch (column.type().id()) {
      case TypeId::kInt16:
      case TypeId::kInt32:
      case TypeId::kInt64:
        AppendCell(out, column, row, 0);  // digits and '-': nothing to escape
        break;
      case TypeId::kText:
      case TypeId::kVarchar:
        AppendCopyEscaped(out, column.Get<std::string_view>(row));
        break;
      default:
        text.clear();
        AppendCell(text, column, row, 0);
        AppendCopyEscaped(out, text);
    }
  }
  out.push_back('\n');
  m.End();
}

}  // namespace oxbow::pgwire
