// The contract between the wire protocol and whatever runs SQL. pgwire knows statements,
// parameters, rows of typed values and session settings through these interfaces only, so
// the SQL engine can grow (binder, planner, ad-hoc queries) without pgwire changing.
//
// One Session per connection. The connection calls a session from one coroutine at a time
// (never concurrently), possibly from different threads over its life (the BlockingPool runs
// Execute and Next). Errors are sql_error.h Statuses: their SQLSTATE, detail, hint and
// position go to the client as an ErrorResponse.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "sql/chunk/chunk.h"
#include "sql/types/value.h"

namespace oxbow::pgwire {

struct ColumnDescription {
  std::string name;
  sql::Type type;
};

// What Describe answers for a statement.
struct StatementDescription {
  // One per $n: the type the client gave in Parse or the one inferred (text when nothing
  // says otherwise).
  std::vector<sql::Type> param_types;
  // Empty when the statement returns no rows.
  std::vector<ColumnDescription> columns;
};

// The result of executing a statement: its rows, pulled one at a time, then its command tag.
class RowStream {
 public:
  virtual ~RowStream() = default;
  // The next row (one Value per column, of the column's type or NULL), or nullopt at the end.
  virtual Result<std::optional<std::vector<sql::Value>>> Next() = 0;
  // Streams whose rows come in columnar chunks (an ad-hoc query's cursor) say so; the
  // connection then calls NextChunk instead of Next and encodes cells straight from the
  // columns. NextChunk: the next rows (inserts; possibly none), or nullopt at the end.
  virtual bool chunked() const { return false; }
  virtual Result<std::optional<sql::Chunk>> NextChunk() { return std::optional<sql::Chunk>(); }
  // The CommandComplete tag once the rows are exhausted ("SELECT 3", "SET", "CREATE TABLE").
  // `rows` is how many rows the client received.
  virtual std::string CommandTag(uint64_t rows) const = 0;
  // NoticeResponses to send before the rows (message, detail).
  virtual std::vector<std::pair<std::string, std::string>> notices() const { return {}; }
  // Whether Next would return without waiting. A stream whose rows come as things happen
  // (SUBSCRIBE) says no when it has none at hand, so the connection sends what it has first.
  virtual bool Ready() { return true; }
  // For COPY … TO STDOUT: the number of columns; rows then go out as CopyData text lines
  // between CopyOutResponse and CopyDone instead of DataRows (and Describe gives no columns).
  virtual std::optional<int16_t> CopyOutColumns() const { return std::nullopt; }
};

// A parsed statement: from the simple protocol's Query (one per statement of the string) or
// the extended protocol's Parse.
class PreparedStatement {
 public:
  virtual ~PreparedStatement() = default;
  // Analyzes the statement (names, types) on first call and caches the answer. An error
  // here is the error Execute would return (42P01, 42703, 42883, …).
  virtual Result<StatementDescription> Describe() = 0;
  // The command this statement is ("SELECT", "BEGIN", "COMMIT", "ROLLBACK", "SET", …), known
  // without analysis; the connection tracks the transaction status from it.
  virtual std::string_view command() const = 0;
};

// Why an execution should stop early (CancelRequest); Next and long-running work poll it.
using CancelFlag = std::atomic<bool>;

class Session {
 public:
  virtual ~Session() = default;

  // Parses `sql` into its statements (none for an empty string or only comments).
  // `param_types` are Parse's OIDs (0 = unspecified). `single`: the extended protocol, where
  // several statements are 42601 "cannot insert multiple commands into a prepared statement".
  virtual Result<std::vector<std::unique_ptr<PreparedStatement>>> Parse(
      std::string_view sql, const std::vector<uint32_t>& param_types, bool single) = 0;

  // Runs `statement` with `params` (one per parameter, of the described types or NULL).
  // Rows are produced lazily by the stream. `cancel` outlives the stream.
  virtual Result<std::unique_ptr<RowStream>> Execute(PreparedStatement& statement,
                                                     std::vector<sql::Value> params,
                                                     const CancelFlag& cancel) = 0;

  // Session parameters PostgreSQL reports with ParameterStatus, and their current values:
  // all of them after startup, then those changed by the last Execute (TakeChanged).
  virtual std::vector<std::pair<std::string, std::string>> ReportedParameters() const = 0;
  virtual std::vector<std::pair<std::string, std::string>> TakeChanged() = 0;
};

// What a client said at startup, for a new session.
struct SessionStartup {
  std::string user;
  std::string database;
  int32_t process_id = 0;  // the BackendKeyData process id (pg_backend_pid())
  // Other startup parameters (application_name, client_encoding, DateStyle, options, …).
  std::vector<std::pair<std::string, std::string>> parameters;
};

class QueryEngine {
 public:
  virtual ~QueryEngine() = default;
  // A new session, or an error for the client (e.g. 3D000 for an unknown database, 22023
  // for an unsupported client_encoding). Called on a connection's thread; must not block.
  virtual Result<std::unique_ptr<Session>> NewSession(const SessionStartup& startup) = 0;
};

}  // namespace oxbow::pgwire
