#include "pgwire/frontend_message.h"

#include "fmt/format.h"
#include "pgwire/sqlstates.h"
#include "sql/sql_error.h"

namespace oxbow::pgwire {
namespace {

Status Malformed(std::string_view what) {
  return sql::SqlError(sqlstate::kProtocolViolation,
                       fmt::format("invalid message format: {}", what));
}

// Reads big-endian integers and strings from a message body, checking every bound.
class Reader {
 public:
  explicit Reader(ByteView body) : body_(body) {}

  Result<int16_t> Int16() {
    if (remaining() < 2) return Malformed("truncated int16");
    int16_t v = static_cast<int16_t>(LoadBE16(body_.data() + pos_));
    pos_ += 2;
    return v;
  }
  Result<int32_t> Int32() {
    if (remaining() < 4) return Malformed("truncated int32");
    int32_t v = static_cast<int32_t>(LoadBE32(body_.data() + pos_));
    pos_ += 4;
    return v;
  }
  Result<char> Byte() {
    if (remaining() < 1) return Malformed("truncated byte");
    return static_cast<char>(body_[pos_++]);
  }
  // A NUL-terminated string.
  Result<std::string> CString() {
    for (size_t i = pos_; i < body_.size(); ++i) {
      if (body_[i] == 0) {
        std::string s(reinterpret_cast<const char*>(body_.data() + pos_), i - pos_);
        pos_ = i + 1;
        return s;
      }
    }
    return Malformed("unterminated string");
  }
  Result<std::string> Bytes(size_t n) {
    if (remaining() < n) return Malformed("length beyond the end of the message");
    std::string s(reinterpret_cast<const char*>(body_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  // A count of following items, each at least `min_item_bytes` long: checked against what is
  // left so that a bogus count cannot make us reserve memory.
  Result<size_t> Count(size_t min_item_bytes) {
    ASSIGN_OR_RETURN(int16_t n, Int16());
    if (n < 0) return Malformed("negative count");
    if (static_cast<size_t>(n) * min_item_bytes > remaining()) {
      return Malformed("count beyond the end of the message");
    }
    return static_cast<size_t>(n);
  }
  Status End() const {
    if (remaining() != 0) return Malformed("extra bytes at the end of the message");
    return absl::OkStatus();
  }
  size_t remaining() const { return body_.size() - pos_; }

 private:
  ByteView body_;
  size_t pos_ = 0;
};

Result<std::vector<int16_t>> Formats(Reader& r) {
  ASSIGN_OR_RETURN(size_t n, r.Count(2));
  std::vector<int16_t> formats(n);
  for (auto& f : formats) {
    ASSIGN_OR_RETURN(f, r.Int16());
    if (f != 0 && f != 1) return Malformed(fmt::format("unsupported format code {}", f));
  }
  return formats;
}

Result<BindMessage> DecodeBind(Reader& r) {
  BindMessage m;
  ASSIGN_OR_RETURN(m.portal, r.CString());
  ASSIGN_OR_RETURN(m.statement, r.CString());
  ASSIGN_OR_RETURN(m.param_formats, Formats(r));
  ASSIGN_OR_RETURN(size_t n, r.Count(4));
  m.params.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    ASSIGN_OR_RETURN(int32_t len, r.Int32());
    if (len == -1) {
      m.params.emplace_back(std::nullopt);
    } else if (len < 0) {
      return Malformed("negative parameter length");
    } else {
      ASSIGN_OR_RETURN(std::string v, r.Bytes(static_cast<size_t>(len)));
      m.params.emplace_back(std::move(v));
    }
  }
  ASSIGN_OR_RETURN(m.result_formats, Formats(r));
  return m;
}

Result<char> Target(Reader& r) {
  ASSIGN_OR_RETURN(char t, r.Byte());
  if (t != 'S' && t != 'P') return Malformed(fmt::format("invalid target type '{}'", t));
  return t;
}

Result<FrontendMessage> DecodeBody(char type, Reader& r) {
  switch (type) {
    case 'Q': {
      ASSIGN_OR_RETURN(std::string sql, r.CString());
      return QueryMessage{std::move(sql)};
    }
    case 'P': {
      ParseMessage m;
      ASSIGN_OR_RETURN(m.name, r.CString());
      ASSIGN_OR_RETURN(m.sql, r.CString());
      ASSIGN_OR_RETURN(size_t n, r.Count(4));
      m.param_types.resize(n);
      for (auto& t : m.param_types) {
        ASSIGN_OR_RETURN(int32_t oid, r.Int32());
        t = static_cast<uint32_t>(oid);
      }
      return m;
    }
    case 'B':
      return DecodeBind(r);
    case 'D': {
      DescribeMessage m;
      ASSIGN_OR_RETURN(m.target, Target(r));
      ASSIGN_OR_RETURN(m.name, r.CString());
      return m;
    }
    case 'E': {
      ExecuteMessage m;
      ASSIGN_OR_RETURN(m.portal, r.CString());
      ASSIGN_OR_RETURN(m.max_rows, r.Int32());
      return m;
    }
    case 'C': {
      CloseMessage m;
      ASSIGN_OR_RETURN(m.target, Target(r));
      ASSIGN_OR_RETURN(m.name, r.CString());
      return m;
    }
    case 'S':
      return SyncMessage{};
    case 'H':
      return FlushMessage{};
    case 'X':
      return TerminateMessage{};
    case 'p': {
      ASSIGN_OR_RETURN(std::string body, r.Bytes(r.remaining()));
      return AuthResponseMessage{std::move(body)};
    }
    default: {
      bool printable = type >= 0x20 && type < 0x7f;
      return sql::SqlError(sqlstate::kProtocolViolation,
                           printable ? fmt::format("invalid frontend message type '{}'", type)
                                     : fmt::format("invalid frontend message type {}",
                                                   static_cast<int>(static_cast<uint8_t>(type))));
    }
  }
}

}  // namespace

Result<StartupPacket> DecodeStartupPacket(ByteView body) {
  Reader r(body);
  StartupPacket p;
  ASSIGN_OR_RETURN(p.protocol, r.Int32());
  switch (p.protocol) {
    case kSslRequestCode:
      p.kind = StartupPacket::Kind::kSslRequest;
      RETURN_IF_ERROR(r.End());
      return p;
    case kGssEncRequestCode:
      p.kind = StartupPacket::Kind::kGssEncRequest;
      RETURN_IF_ERROR(r.End());
      return p;
    case kCancelRequestCode: {
      p.kind = StartupPacket::Kind::kCancel;
      ASSIGN_OR_RETURN(p.process_id, r.Int32());
      ASSIGN_OR_RETURN(p.secret_key, r.Int32());
      RETURN_IF_ERROR(r.End());
      return p;
    }
    default:
      break;
  }
  if ((p.protocol >> 16) != 3) {
    return sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                         fmt::format("unsupported frontend protocol {}.{}: server supports 3.0",
                                     p.protocol >> 16, p.protocol & 0xffff));
  }
  // name\0value\0 … \0
  for (;;) {
    ASSIGN_OR_RETURN(std::string name, r.CString());
    if (name.empty()) break;
    ASSIGN_OR_RETURN(std::string value, r.CString());
    p.parameters.emplace_back(std::move(name), std::move(value));
  }
  RETURN_IF_ERROR(r.End());
  return p;
}

Result<FrontendMessage> DecodeFrontendMessage(char type, ByteView body) {
  Reader r(body);
  ASSIGN_OR_RETURN(FrontendMessage m, DecodeBody(type, r));
  RETURN_IF_ERROR(r.End());
  return m;
}

Result<std::string> DecodePassword(const AuthResponseMessage& m) {
  Reader r(AsBytes(m.body));
  ASSIGN_OR_RETURN(std::string password, r.CString());
  RETURN_IF_ERROR(r.End());
  return password;
}

Result<SaslInitialResponse> DecodeSaslInitial(const AuthResponseMessage& m) {
  Reader r(AsBytes(m.body));
  SaslInitialResponse s;
  ASSIGN_OR_RETURN(s.mechanism, r.CString());
  ASSIGN_OR_RETURN(int32_t len, r.Int32());
  if (len < -1) return Malformed("negative SASL data length");
  if (len > 0) {
    ASSIGN_OR_RETURN(s.data, r.Bytes(static_cast<size_t>(len)));
  }
  RETURN_IF_ERROR(r.End());
  return s;
}

}  // namespace oxbow::pgwire
