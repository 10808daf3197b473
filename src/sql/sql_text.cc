#include "sql/sql_text.h"

#include <cstdint>

#include "sql/pg_query_adapter.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

bool IsContinuation(uint8_t b) { return (b & 0xC0) == 0x80; }

// The length of the well-formed UTF-8 sequence at `s[i]` (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 if it is not one.
size_t SequenceLength(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b = at(i);
  size_t left = s.size() - i;
  if (b < 0x80) return b == 0 ? 0 : 1;
  if (b >= 0xC2 && b <= 0xDF) return left >= 2 && IsContinuation(at(i + 1)) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    if (left < 3 || !IsContinuation(at(i + 1)) || !IsContinuation(at(i + 2))) return 0;
    if (b == 0xE0 && at(i + 1) < 0xA0) return 0;   // overlong
    if (b == 0xED && at(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (left < 4 || !IsContinuation(at(i + 1)) || !IsContinuation(at(i + 2)) ||
        !IsContinuation(at(i + 3))) {
      return 0;
    }
    if (b == 0xF0 && at(i + 1) < 0x90) return 0;   // overlong
    if (b == 0xF4 && at(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

bool IsLowerIdentifier(std::string_view name) {
  if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$')) {
      return false;
    }
  }
  return true;
}

}  // namespace

int CharPosition(std::string_view text, int byte_offset) {
  if (byte_offset < 0) return 0;
  size_t end = std::min(static_cast<size_t>(byte_offset), text.size());
  int chars = 0;
  for (size_t i = 0; i < end; ++i) {
    if (!IsContinuation(static_cast<uint8_t>(text[i]))) ++chars;
  }
  return chars + 1 + static_cast<int>(static_cast<size_t>(byte_offset) - end);
}

Status AtByteOffset(Status status, std::string_view text, int byte_offset) {
  if (status.ok() || byte_offset < 0) return status;
  return WithPositionIfUnset(std::move(status), CharPosition(text, byte_offset));
}

Status ValidateSqlText(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t n = SequenceLength(text, i);
    if (n > 0) {
      i += n;
      continue;
    }
    // PostgreSQL names the bytes of the sequence that failed (up to its expected length).
    size_t show = 1;
    uint8_t lead = static_cast<uint8_t>(text[i]);
    size_t expected = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    while (show < expected && i + show < text.size()) ++show;
    std::string bytes;
    for (size_t k = 0; k < show; ++k) {
      bytes += fmt::format("{}0x{:02x}", k ? " " : "", static_cast<uint8_t>(text[i + k]));
    }
    return SqlError(sqlstate::kCharacterNotInRepertoire,
                    fmt::format("invalid byte sequence for encoding \"UTF8\": {}", bytes));
  }
  return absl::OkStatus();
}

std::string QuoteIdentifier(std::string_view name) {
  if (IsLowerIdentifier(name)) {
    // Bare only if PostgreSQL's scanner reads it back as an identifier or an unreserved
    // keyword (quote_ident's rule).
    Result<pg_query::ScanResult> scan = internal::ScanTokens(name);
    if (scan.ok() && scan->tokens_size() == 1 &&
        (scan->tokens(0).keyword_kind() == pg_query::NO_KEYWORD ||
         scan->tokens(0).keyword_kind() == pg_query::UNRESERVED_KEYWORD)) {
      return std::string(name);
    }
  }
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string QuoteLiteral(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

}  // namespace oxbow::sql
