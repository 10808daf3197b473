// libFuzzer target for the Avro schema parser: schema text arrives from any HTTP client of the
// registry, so every byte sequence must give a schema or a clear error, never a crash.
//
// Properties checked on every input:
//   - ParseAvroSchema fails only with InvalidArgument;
//   - a parsed schema reads its own data (no incompatibilities with itself);
//   - its normalized form parses back to the same normalized form;
//   - its Parsing Canonical Form parses back to the same canonical form, and both schemas read
//     each other's data — unless a type in the null namespace sits inside a namespaced one,
//     which the spec's canonical form cannot express (it drops namespace attributes).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "registry/avro_canonical_form.h"
#include "registry/avro_compatibility.h"
#include "registry/avro_parser.h"

namespace oxbow::registry {
namespace {

#define FUZZ_CHECK(cond, what)                                           \
  do {                                                                   \
    if (!(cond)) {                                                       \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s)\n", #cond, what); \
      std::abort();                                                      \
    }                                                                    \
  } while (false)

bool MixesNullNamespace(const AvroSchema& s) {
  bool with = false;
  bool without = false;
  for (const AvroNode* n : s.named_types()) (n->name_space().empty() ? without : with) = true;
  return with && without;
}

void CheckParsed(const AvroSchema& s) {
  FUZZ_CHECK(CheckAvroReadCompatibility(s, s).empty(), "a schema reads itself");

  std::string normalized = AvroNormalizedForm(s);
  Result<AvroSchema> again = ParseAvroSchema(normalized);
  FUZZ_CHECK(again.ok(), normalized.c_str());
  FUZZ_CHECK(AvroNormalizedForm(*again) == normalized, normalized.c_str());

  if (MixesNullNamespace(s)) return;
  std::string canonical = AvroParsingCanonicalForm(s);
  Result<AvroSchema> parsed = ParseAvroSchema(canonical);
  FUZZ_CHECK(parsed.ok(), canonical.c_str());
  FUZZ_CHECK(AvroParsingCanonicalForm(*parsed) == canonical, canonical.c_str());
  FUZZ_CHECK(CheckAvroReadCompatibility(s, *parsed).empty(), canonical.c_str());
  FUZZ_CHECK(CheckAvroReadCompatibility(*parsed, s).empty(), canonical.c_str());
}

}  // namespace
}  // namespace oxbow::registry

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oxbow::registry;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  oxbow::Result<AvroSchema> s = ParseAvroSchema(text);
  if (!s.ok()) {
    FUZZ_CHECK(s.status().code() == absl::StatusCode::kInvalidArgument,
               s.status().ToString().c_str());
    return 0;
  }
  CheckParsed(*s);
  return 0;
}
