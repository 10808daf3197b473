#include "pgwire/backend_message.h"

#include "base/bytes.h"

namespace oxbow::pgwire {

MessageBuilder::MessageBuilder(std::string& out, char type) : out_(out) {
  out_.push_back(type);
  start_ = out_.size();
  out_.append(4, '\0');
}

void MessageBuilder::Int16(int16_t v) {
  uint8_t b[2];
  StoreBE16(b, static_cast<uint16_t>(v));
  out_.append(reinterpret_cast<const char*>(b), 2);
}

void MessageBuilder::Int32(int32_t v) {
  uint8_t b[4];
  StoreBE32(b, static_cast<uint32_t>(v));
  out_.append(reinterpret_cast<const char*>(b), 4);
}

void MessageBuilder::CString(std::string_view s) {
  out_.append(s);
  out_.push_back('\0');
}

void MessageBuilder::End() {
  StoreBE32(reinterpret_cast<uint8_t*>(out_.data() + start_),
            static_cast<uint32_t>(out_.size() - start_));
}

namespace {

void Auth(std::string& out, int32_t code, std::string_view data) {
  MessageBuilder m(out, 'R');
  m.Int32(code);
  m.Bytes(data);
  m.End();
}

void Empty(std::string& out, char type) { MessageBuilder(out, type).End(); }

void AppendFields(std::string& out, char type, const Notice& n) {
  MessageBuilder m(out, type);
  m.Byte('S');
  m.CString(n.severity);
  m.Byte('V');  // the non-localized severity (PostgreSQL 9.6+)
  m.CString(n.severity);
  m.Byte('C');
  m.CString(n.sqlstate);
  m.Byte('M');
  m.CString(n.message);
  if (!n.detail.empty()) {
    m.Byte('D');
    m.CString(n.detail);
  }
  if (!n.hint.empty()) {
    m.Byte('H');
    m.CString(n.hint);
  }
  if (n.position > 0) {
    m.Byte('P');
    m.CString(std::to_string(n.position));
  }
  m.Byte('\0');
  m.End();
}

}  // namespace

void AppendAuthenticationOk(std::string& out) { Auth(out, 0, {}); }
void AppendAuthenticationCleartextPassword(std::string& out) { Auth(out, 3, {}); }

void AppendAuthenticationSasl(std::string& out, std::string_view mechanism) {
  MessageBuilder m(out, 'R');
  m.Int32(10);
  m.CString(mechanism);
  m.Byte('\0');
  m.End();
}

void AppendAuthenticationSaslContinue(std::string& out, std::string_view data) {
  Auth(out, 11, data);
}
void AppendAuthenticationSaslFinal(std::string& out, std::string_view data) { Auth(out, 12, data); }

void AppendParameterStatus(std::string& out, std::string_view name, std::string_view value) {
  MessageBuilder m(out, 'S');
  m.CString(name);
  m.CString(value);
  m.End();
}

void AppendBackendKeyData(std::string& out, int32_t process_id, int32_t secret_key) {
  MessageBuilder m(out, 'K');
  m.Int32(process_id);
  m.Int32(secret_key);
  m.End();
}

void AppendNegotiateProtocolVersion(std::string& out, int32_t minor,
                                    const std::vector<std::string>& unrecognized) {
  MessageBuilder m(out, 'v');
  m.Int32((3 << 16) | minor);
  m.Int32(static_cast<int32_t>(unrecognized.size()));
  for (const auto& name : unrecognized) m.CString(name);
  m.End();
}

void AppendReadyForQuery(std::string& out, char status) {
  MessageBuilder m(out, 'Z');
  m.Byte(status);
  m.End();
}

void AppendRowDescription(std::string& out, const std::vector<FieldDescription>& fields) {
  MessageBuilder m(out, 'T');
  m.Int16(static_cast<int16_t>(fields.size()));
  for (const FieldDescription& f : fields) {
    m.CString(f.name);
    m.Int32(static_cast<int32_t>(f.table_oid));
    m.Int16(f.column_number);
    m.Int32(static_cast<int32_t>(f.type.oid()));
    m.Int16(f.type.wire_size());
    m.Int32(f.type.typmod());
    m.Int16(f.format);
  }
  m.End();
}

void AppendNoData(std::string& out) { Empty(out, 'n'); }

void AppendParameterDescription(std::string& out, const std::vector<uint32_t>& oids) {
  MessageBuilder m(out, 't');
  m.Int16(static_cast<int16_t>(oids.size()));
  for (uint32_t oid : oids) m.Int32(static_cast<int32_t>(oid));
  m.End();
}

void AppendCommandComplete(std::string& out, std::string_view tag) {
  MessageBuilder m(out, 'C');
  m.CString(tag);
  m.End();
}

void AppendEmptyQueryResponse(std::string& out) { Empty(out, 'I'); }
void AppendParseComplete(std::string& out) { Empty(out, '1'); }
void AppendBindComplete(std::string& out) { Empty(out, '2'); }
void AppendCloseComplete(std::string& out) { Empty(out, '3'); }
void AppendPortalSuspended(std::string& out) { Empty(out, 's'); }

void AppendCopyOutResponse(std::string& out, int16_t columns) {
  MessageBuilder m(out, 'H');
  m.Byte(0);  // text
  m.Int16(columns);
  for (int16_t i = 0; i < columns; ++i) m.Int16(0);
  m.End();
}

void AppendCopyDone(std::string& out) { Empty(out, 'c'); }

void AppendCopyRowText(std::string& out, const std::vector<std::optional<std::string>>& texts) {
  MessageBuilder m(out, 'd');
  std::string line;
  for (size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) line += '\t';
    if (!texts[i]) {
      line += "\\N";
      continue;
    }
    for (char c : *texts[i]) {
      switch (c) {
        case '\\':
          line += "\\\\";
          break;
        case '\n':
          line += "\\n";
          break;
        case '\r':
          line += "\\r";
          break;
        case '\t':
          line += "\\t";
          break;
        default:
          line += c;
      }
    }
  }
  line += '\n';
  m.Bytes(line);
  m.End();
}

Notice NoticeOf(const Status& status, std::string_view severity) {
  sql::SqlErrorInfo info = sql::SqlErrorOf(status);
  Notice n;
  n.severity = std::string(severity);
  n.sqlstate = info.sqlstate;
  n.message = info.message;
  n.detail = info.detail;
  n.hint = info.hint;
  n.position = info.position;
  return n;
}

void AppendErrorResponse(std::string& out, const Notice& notice) { AppendFields(out, 'E', notice); }
void AppendNoticeResponse(std::string& out, const Notice& notice) {
  AppendFields(out, 'N', notice);
}

DataRowBuilder::DataRowBuilder(std::string& out, int16_t columns)
    : builder_out_(out), builder_(out, 'D') {
  builder_.Int16(columns);
}

void DataRowBuilder::Null() { builder_.Int32(-1); }

void DataRowBuilder::BeginValue() {
  value_start_ = builder_out_.size();
  builder_.Int32(0);
}

void DataRowBuilder::EndValue() {
  StoreBE32(reinterpret_cast<uint8_t*>(builder_out_.data() + value_start_),
            static_cast<uint32_t>(builder_out_.size() - value_start_ - 4));
}

}  // namespace oxbow::pgwire
