// The tests/sql/*.test format (README.md next to this file): records separated by blank
// lines, each a directive line followed by SQL, input records or expected rows.
//
// Parsing only; sql_test_runner.cc executes. Errors in the file itself (an unknown
// directive, a `query` without `----`) are InvalidArgument naming file:line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace oxbow::sqltest {

// One record to append: key and value as bytes (nullopt: null; a null value is a
// tombstone) and the record timestamp in ms (nullopt: the runner's clock).
struct InputRecord {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::optional<int64_t> timestamp_ms;
  int line = 0;
};

struct TestRecord {
  enum class Kind {
    kStatementOk,     // statement ok: SQL (one or more statements) must succeed
    kStatementError,  // statement error <SQLSTATE> [message substring]
    kQuery,           // query [sorted|ordered]: SQL, ----, rows
    kView,            // view <name>: ----, rows (or `view <name> error <SQLSTATE> [substr]`)
    kProduce,         // produce <topic> [partition=N]: input records
    kRestart,         // restart: reopen log, catalog and engine from their directories
    kDlq,             // dlq <topic>: ----, one line per dead letter
    kTopic,           // topic <name> upsert|debezium|avro: ----, the rows the records add up to
    kRegister,        // register <subject>: an Avro schema (JSON), registered in the registry
  } kind;
  int line = 0;                // the directive's line
  std::string sql;             // statement / query / register: the schema
  std::string name;            // view name, topic or subject
  int partition = 0;           // produce
  bool ordered = false;        // query: compare rows in order
  bool debezium = false;       // topic: Debezium envelopes (else upserts)
  bool avro = false;           // topic: Avro upserts (Confluent framing, decoded by the registry)
  std::string error_sqlstate;  // statement error / view … error
  std::string error_substring;
  std::vector<std::string> expected;  // rows, as ` | `-separated text
  std::vector<InputRecord> records;   // produce
  // `skipif engine-bug:<reason>` before the record: it runs, but a failure is reported as a
  // known engine bug instead of failing the file.
  std::optional<std::string> known_bug;

  bool IsCheck() const {
    return kind == Kind::kQuery || kind == Kind::kView || kind == Kind::kDlq ||
           kind == Kind::kTopic || kind == Kind::kStatementError;
  }
};

// Parses the text of `path` (used in error messages).
Result<std::vector<TestRecord>> ParseTestFile(const std::string& path, const std::string& text);

// Parses one `produce` line: `key=<json|null> value=<json|null|bytes> [time=<ms|ISO>]`, or a
// bare JSON value (`{…}`: key null). Exposed for the README's examples and tests.
Result<InputRecord> ParseInputLine(std::string_view line);

}  // namespace oxbow::sqltest
