// A std::string_view splitter: Debian's Abseil splits its own absl::string_view only.
#pragma once

#include <string_view>
#include <vector>

namespace oxbow::pgwire::internal {

// Every piece between `sep`s, empty ones included ("a,,b" → a, "", b; "" → one empty piece).
inline std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(text.substr(start));
      return out;
    }
    out.push_back(text.substr(start, at - start));
    start = at + 1;
  }
}

// `text` without leading and trailing ASCII whitespace.
inline std::string_view Trim(std::string_view text) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace oxbow::pgwire::internal
