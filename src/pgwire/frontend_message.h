// Decoding what a PostgreSQL client sends (protocol 3.0): the untyped first packet of a
// connection (startup, SSLRequest, GSSENCRequest, CancelRequest) and the typed messages after
// it (Query, Parse, Bind, Describe, Execute, Close, Sync, Flush, Terminate, password and SASL
// responses). Pure functions over bytes: no sockets, so tests and the fuzzer call them directly.
//
// Framing is the connection's job: it reads the type byte and the int32 length (which counts
// itself), checks the length against kMaxMessageBytes, and passes the body here. Every decoder
// checks every length against the bytes present and returns 08P01 (protocol_violation, as a
// sql_error.h error) for anything malformed; none reads out of bounds or trusts a count.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace oxbow::pgwire {

// The largest message body accepted, before and after startup. PostgreSQL allows 1 GB;
// a statement or a parameter beyond 64 MiB is surely a mistake or an attack.
inline constexpr uint32_t kMaxMessageBytes = 64u << 20;
// The largest startup packet (PostgreSQL: MAX_STARTUP_PACKET_LENGTH).
inline constexpr uint32_t kMaxStartupBytes = 10000;

inline constexpr int32_t kProtocolV3 = 196608;  // 3 << 16
inline constexpr int32_t kSslRequestCode = 80877103;
inline constexpr int32_t kGssEncRequestCode = 80877104;
inline constexpr int32_t kCancelRequestCode = 80877102;

// The first packet of a connection (after its int32 length).
struct StartupPacket {
  enum class Kind { kStartup, kSslRequest, kGssEncRequest, kCancel };
  Kind kind = Kind::kStartup;
  int32_t protocol = 0;
  // kStartup: name/value pairs in order ("user", "database", "application_name", "options"…).
  std::vector<std::pair<std::string, std::string>> parameters;
  // kCancel: the backend to cancel.
  int32_t process_id = 0;
  int32_t secret_key = 0;
};

// Decodes a first packet's body. A protocol version other than 3.x is 0A000 naming it;
// minor versions above 0 are accepted (the connection answers NegotiateProtocolVersion).
Result<StartupPacket> DecodeStartupPacket(ByteView body);

struct QueryMessage {  // 'Q'
  std::string sql;
};
struct ParseMessage {  // 'P'
  std::string name;
  std::string sql;
  std::vector<uint32_t> param_types;  // 0 = unspecified
};
struct BindMessage {  // 'B'
  std::string portal;
  std::string statement;
  std::vector<int16_t> param_formats;              // 0 text, 1 binary; size 0, 1 or n
  std::vector<std::optional<std::string>> params;  // nullopt = NULL
  std::vector<int16_t> result_formats;             // size 0, 1 or n
};
struct DescribeMessage {  // 'D'
  char target = 'S';      // 'S' statement or 'P' portal
  std::string name;
};
struct ExecuteMessage {  // 'E'
  std::string portal;
  int32_t max_rows = 0;  // 0 = all
};
struct CloseMessage {  // 'C'
  char target = 'S';
  std::string name;
};
struct SyncMessage {};       // 'S'
struct FlushMessage {};      // 'H'
struct TerminateMessage {};  // 'X'
// 'p': a password, SASLInitialResponse or SASLResponse; which one depends on what the server
// asked for, so the body stays raw and DecodePassword / DecodeSaslInitial / DecodeSaslResponse
// read it.
struct AuthResponseMessage {
  std::string body;
};

using FrontendMessage =
    std::variant<QueryMessage, ParseMessage, BindMessage, DescribeMessage, ExecuteMessage,
                 CloseMessage, SyncMessage, FlushMessage, TerminateMessage, AuthResponseMessage>;

// Decodes the body of a typed message. Unknown types (and COPY messages, which Oxbow does not
// accept yet) are 08P01 naming the type byte.
Result<FrontendMessage> DecodeFrontendMessage(char type, ByteView body);

// The password of a PasswordMessage (a NUL-terminated string).
Result<std::string> DecodePassword(const AuthResponseMessage& m);
struct SaslInitialResponse {
  std::string mechanism;
  std::string data;  // absent data (length -1) reads as empty
};
Result<SaslInitialResponse> DecodeSaslInitial(const AuthResponseMessage& m);

}  // namespace oxbow::pgwire
