// Encoding what the server sends (protocol 3.0): each function appends one complete message
// (type byte, int32 length, body) to `out`, so a connection batches a whole response in one
// buffer and writes it once.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/sql_error.h"
#include "sql/types/type.h"

namespace oxbow::pgwire {

// Builds one message: Begin writes the type and a length placeholder, End patches the length.
class MessageBuilder {
 public:
  MessageBuilder(std::string& out, char type);
  void Int16(int16_t v);
  void Int32(int32_t v);
  void Byte(char c) { out_.push_back(c); }
  void CString(std::string_view s);
  void Bytes(std::string_view s) { out_.append(s); }
  // Patches the length. Called once.
  void End();

 private:
  std::string& out_;
  size_t start_;
};

// One column of a RowDescription.
struct FieldDescription {
  std::string name;
  sql::Type type;
  int16_t format = 0;  // 0 text, 1 binary
  uint32_t table_oid = 0;
  int16_t column_number = 0;
};

void AppendAuthenticationOk(std::string& out);
void AppendAuthenticationCleartextPassword(std::string& out);
void AppendAuthenticationSasl(std::string& out, std::string_view mechanism);
void AppendAuthenticationSaslContinue(std::string& out, std::string_view data);
void AppendAuthenticationSaslFinal(std::string& out, std::string_view data);
void AppendParameterStatus(std::string& out, std::string_view name, std::string_view value);
void AppendBackendKeyData(std::string& out, int32_t process_id, int32_t secret_key);
// The minor version we speak (0) and the startup options we did not recognize.
void AppendNegotiateProtocolVersion(std::string& out, int32_t minor,
                                    const std::vector<std::string>& unrecognized);
void AppendReadyForQuery(std::string& out, char status);
void AppendRowDescription(std::string& out, const std::vector<FieldDescription>& fields);
void AppendNoData(std::string& out);
void AppendParameterDescription(std::string& out, const std::vector<uint32_t>& oids);
void AppendCommandComplete(std::string& out, std::string_view tag);
void AppendEmptyQueryResponse(std::string& out);
void AppendParseComplete(std::string& out);
void AppendBindComplete(std::string& out);
void AppendCloseComplete(std::string& out);
void AppendPortalSuspended(std::string& out);
// COPY … TO STDOUT in text format: CopyOutResponse, one CopyData per row (CopyRowText), then
// CopyDone.
void AppendCopyOutResponse(std::string& out, int16_t columns);
void AppendCopyDone(std::string& out);
// One row as a CopyData message of COPY's text format: values separated by tabs, NULL as
// \N, backslash, newline, carriage return and tab escaped; `texts` are the values' text
// forms (nullopt for NULL).
void AppendCopyRowText(std::string& out, const std::vector<std::optional<std::string>>& texts);

// ErrorResponse ('E') or NoticeResponse ('N') fields.
struct Notice {
  std::string severity = "ERROR";  // ERROR, FATAL, NOTICE, WARNING
  std::string sqlstate;
  std::string message;
  std::string detail;
  std::string hint;
  int position = 0;  // 1-based characters; 0 = none
};
// The notice of an error Status (sql_error.h fields; XX000 for a Status without a SQLSTATE).
Notice NoticeOf(const Status& status, std::string_view severity = "ERROR");
void AppendErrorResponse(std::string& out, const Notice& notice);
void AppendNoticeResponse(std::string& out, const Notice& notice);

// DataRow: each value already encoded (text or binary); nullopt is NULL.
class DataRowBuilder {
 public:
  DataRowBuilder(std::string& out, int16_t columns);
  void Null();
  // Starts a value; append its bytes to out() then call EndValue.
  void BeginValue();
  void EndValue();
  std::string& out() { return builder_out_; }
  void End() { builder_.End(); }

 private:
  std::string& builder_out_;
  MessageBuilder builder_;
  size_t value_start_ = 0;
};

}  // namespace oxbow::pgwire
