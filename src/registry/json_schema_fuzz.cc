// libFuzzer target for the JSON Schema parser and compatibility check: schema text arrives
// from any HTTP client of the registry.
//
// Properties checked on every input:
//   - JsonSchema::Parse fails only with InvalidArgument;
//   - a parsed schema reads its own documents (no incompatibilities with itself);
//   - its normalized form parses back to the same normalized form.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "registry/json_schema.h"
#include "registry/json_schema_compatibility.h"

#define FUZZ_CHECK(cond, what)                                           \
  do {                                                                   \
    if (!(cond)) {                                                       \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s)\n", #cond, what); \
      std::abort();                                                      \
    }                                                                    \
  } while (false)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oxbow::registry;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  oxbow::Result<JsonSchema> s = JsonSchema::Parse(text);
  if (!s.ok()) {
    FUZZ_CHECK(s.status().code() == absl::StatusCode::kInvalidArgument,
               s.status().ToString().c_str());
    return 0;
  }
  std::vector<Incompatibility> self = CheckJsonSchemaReadCompatibility(*s, *s);
  FUZZ_CHECK(self.empty(), self[0].ToString().c_str());
  std::string normalized = JsonSchemaNormalizedForm(*s);
  oxbow::Result<JsonSchema> again = JsonSchema::Parse(normalized);
  FUZZ_CHECK(again.ok(), normalized.c_str());
  FUZZ_CHECK(JsonSchemaNormalizedForm(*again) == normalized, normalized.c_str());
  return 0;
}
