#include "sql/pg_query_adapter.h"

#include <pg_query.h>

#include <string>

#include "google/protobuf/io/coded_stream.h"
#include "sql/sql_error.h"

namespace oxbow::sql::internal {
namespace {

Status FromPgError(const PgQueryError& error, int position_offset) {
  Status status = SqlError(sqlstate::kSyntaxError, error.message ? error.message : "syntax error");
  if (error.cursorpos > 0)
    status = WithPosition(std::move(status), error.cursorpos + position_offset);
  return status;
}

template <typename Message>
Status ParseMessage(const char* data, size_t size, int max_depth, Message* out) {
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(data),
                                               static_cast<int>(size));
  input.SetRecursionLimit(max_depth);
  if (!out->ParseFromCodedStream(&input) || !input.ConsumedEntireMessage()) {
    return SqlError(sqlstate::kStatementTooComplex,
                    "statement is too complex: its parse tree is nested too deeply");
  }
  return absl::OkStatus();
}

}  // namespace

Result<pg_query::ScanResult> ScanTokens(std::string_view text) {
  std::string input(text);
  PgQueryScanResult result = pg_query_scan(input.c_str());
  Status status;
  pg_query::ScanResult scan;
  if (result.error != nullptr) {
    status = FromPgError(*result.error, 0);
  } else {
    // The token list is flat: the default recursion limit is plenty.
    status = ParseMessage(result.pbuf.data, result.pbuf.len, 100, &scan);
  }
  pg_query_free_scan_result(result);
  RETURN_IF_ERROR(status);
  return scan;
}

Result<pg_query::ParseResult> ParseTree(std::string_view text, int position_offset,
                                        int max_tree_depth) {
  std::string input(text);
  PgQueryProtobufParseResult result = pg_query_parse_protobuf(input.c_str());
  Status status;
  pg_query::ParseResult tree;
  if (result.error != nullptr) {
    status = FromPgError(*result.error, position_offset);
  } else {
    status = ParseMessage(result.parse_tree.data, result.parse_tree.len, max_tree_depth, &tree);
  }
  pg_query_free_protobuf_parse_result(result);
  RETURN_IF_ERROR(status);
  return tree;
}

}  // namespace oxbow::sql::internal
