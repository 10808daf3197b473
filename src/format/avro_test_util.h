// Helpers shared by the format tests (test code only).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "registry/avro_parser.h"

namespace oxbow::format::testing {

inline registry::AvroSchema Schema(std::string_view text) {
  Result<registry::AvroSchema> s = registry::ParseAvroSchema(text);
  EXPECT_TRUE(s.ok()) << s.status() << " in " << text;
  return std::move(*s);
}

// "36 06 66" → bytes.
inline std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < hex.size();) {
    if (hex[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

inline std::string ToHex(ByteView bytes) {
  std::string out;
  for (uint8_t b : bytes) out += fmt::format("{}{:02x}", out.empty() ? "" : " ", b);
  return out;
}

}  // namespace oxbow::format::testing
