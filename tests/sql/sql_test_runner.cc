// Runs tests/sql/*.test files (format: README.md) in-process against a log, a catalog and
// an engine::Engine in a temporary directory. One CTest test per file.
//
//   sql_test_runner [-v] file.test…
//
// Exit status 0 when every check of every file passed (checks marked `skipif engine-bug:`
// may fail: they are counted and listed loudly), 1 otherwise.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "format/avro_decoder.h"
#include "format/confluent_framing.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "sql_env.h"
#include "stream/avro_sql_value.h"
#include "test_file.h"
#include "testing/log_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::sqltest {
namespace {

using Kind = TestRecord::Kind;
constexpr std::chrono::milliseconds kWaitTimeout{20000};
// Records without time= get consecutive timestamps from here (2024-01-01T00:00:00Z).
constexpr int64_t kFirstTimestampMs = 1704067200000;

std::string RTrim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

std::string FormatTextRow(const std::vector<std::optional<std::string>>& row) {
  std::string line;
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) line += " | ";
    line += row[i].value_or("NULL");
  }
  return RTrim(line);
}

std::string DescribeError(const Status& s) {
  sql::SqlErrorInfo e = sql::SqlErrorOf(s);
  std::string out = fmt::format("{} {}", e.sqlstate, e.message);
  if (!e.detail.empty()) out += fmt::format(" (detail: {})", e.detail);
  return out;
}

bool ErrorMatches(const Status& s, const TestRecord& r) {
  sql::SqlErrorInfo e = sql::SqlErrorOf(s);
  if (e.sqlstate != r.error_sqlstate) return false;
  if (r.error_substring.empty()) return true;
  return e.message.find(r.error_substring) != std::string::npos ||
         e.detail.find(r.error_substring) != std::string::npos;
}

class FileRunner {
 public:
  FileRunner(std::string path, bool verbose) : path_(std::move(path)), verbose_(verbose) {}

  // Returns whether the file passed.
  bool Run() {
    std::ifstream in(path_);
    if (!in) return FileError(fmt::format("cannot read {}", path_));
    std::stringstream text;
    text << in.rdbuf();
    Result<std::vector<TestRecord>> records = ParseTestFile(path_, text.str());
    if (!records.ok()) return FileError(std::string(records.status().message()));
    testing::TempDir dir;
    env_ = std::make_unique<SqlEnv>(dir.path());
    if (Status s = env_->Open(); !s.ok()) return FileError(fmt::format("open: {}", s));
    auto start = std::chrono::steady_clock::now();
    for (const TestRecord& r : *records) RunRecord(r);
    env_.reset();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    PrintSummary(ms);
    return failed_ == 0;
  }

 private:
  bool FileError(const std::string& message) {
    fmt::print(stderr, "{}: {}\n", path_, message);
    return false;
  }

  void RunRecord(const TestRecord& r) {
    std::string failure;
    switch (r.kind) {
      case Kind::kStatementOk:
        failure = StatementOk(r);
        break;
      case Kind::kStatementError:
        failure = StatementError(r);
        break;
      case Kind::kQuery:
        failure = CheckRows(r, QueryRows(r));
        break;
      case Kind::kView:
        failure = r.error_sqlstate.empty() ? CheckRows(r, ViewRows(r)) : ViewError(r);
        break;
      case Kind::kRegister:
        failure = Register(r);
        break;
      case Kind::kDlq:
        failure = CheckDlq(r);
        break;
      case Kind::kTopic:
        failure = CheckTopic(r);
        break;
      case Kind::kProduce:
        failure = Produce(r);
        break;
      case Kind::kRestart:
        failure = Restart();
        break;
    }
    if (r.IsCheck()) ++checks_;
    if (failure.empty()) {
      if (r.known_bug) {
        fmt::print("{}:{}: NOTE: marked `skipif engine-bug:{}` but passes now; remove the mark\n",
                   path_, r.line, *r.known_bug);
      }
      if (r.IsCheck()) ++passed_;
      return;
    }
    if (r.known_bug) {
      ++known_bugs_;
      known_bug_lines_.push_back(fmt::format("{}:{} ({})", path_, r.line, *r.known_bug));
      if (verbose_)
        fmt::print("{}:{}: KNOWN ENGINE BUG {}:\n{}\n", path_, r.line, *r.known_bug, failure);
      return;
    }
    ++failed_;
    fmt::print("\n{}:{}: FAILED\n{}\n", path_, r.line, failure);
  }

  // --- statements ---

  Status Execute(const std::string& sql) { return env_->Execute(sql); }

  std::string StatementOk(const TestRecord& r) {
    Status s = Execute(r.sql);
    if (s.ok()) return {};
    return fmt::format("statement ok\n{}got error: {}", r.sql, DescribeError(s));
  }

  std::string StatementError(const TestRecord& r) {
    Status s = Execute(r.sql);
    if (!s.ok() && ErrorMatches(s, r)) return {};
    return fmt::format("statement error {} {}\n{}got: {}", r.error_sqlstate, r.error_substring,
                       r.sql, s.ok() ? "success" : DescribeError(s));
  }

  // --- rows ---

  // Waits for every view to catch up; a failure is kept to explain a mismatch later.
  void WaitForViews() { wait_status_ = env_->engine().WaitForViews(kWaitTimeout); }

  Result<std::vector<std::string>> QueryRows(const TestRecord& r) {
    WaitForViews();
    ASSIGN_OR_RETURN(sql::Statement statement, sql::ParseStatement(r.sql));
    std::vector<std::string> rows;
    if (statement.As<sql::SelectStatement>() != nullptr) {
      ASSIGN_OR_RETURN(engine::QueryResult result, env_->engine().Query(statement));
      for (const auto& row : result.rows) rows.push_back(FormatRow(row));
    } else {
      ASSIGN_OR_RETURN(sql::StatementResult result, env_->engine().Execute(statement));
      for (const auto& row : result.rows) rows.push_back(FormatTextRow(row));
    }
    return rows;
  }

  Result<std::vector<std::string>> ViewRows(const TestRecord& r) {
    WaitForViews();
    ASSIGN_OR_RETURN(engine::QueryResult result, env_->engine().ReadView(r.name));
    std::vector<std::string> rows;
    for (const auto& row : result.rows) rows.push_back(FormatRow(row));
    return rows;
  }

  std::string ViewError(const TestRecord& r) {
    wait_status_ = env_->engine().WaitForViews(kWaitTimeout);
    Result<engine::QueryResult> result = env_->engine().ReadView(r.name);
    if (!result.ok() && ErrorMatches(result.status(), r)) return {};
    return fmt::format(
        "view {} error {} {}\ngot: {}", r.name, r.error_sqlstate, r.error_substring,
        result.ok() ? fmt::format("{} rows", result->rows.size()) : DescribeError(result.status()));
  }

  std::string CheckRows(const TestRecord& r, Result<std::vector<std::string>> actual) {
    std::string what =
        r.kind == Kind::kView ? fmt::format("view {}", r.name) : fmt::format("query\n{}", r.sql);
    if (!actual.ok()) {
      return fmt::format("{}\ngot error: {}{}", what, DescribeError(actual.status()), WaitNote());
    }
    std::vector<std::string> expected = r.expected;
    if (!r.ordered) {
      std::sort(expected.begin(), expected.end());
      std::sort(actual->begin(), actual->end());
    }
    if (expected == *actual) return {};
    std::string out = fmt::format("{}\nexpected ({} rows):\n", what, expected.size());
    for (const auto& row : expected) out += fmt::format("  {}\n", row);
    out += fmt::format("actual ({} rows):\n", actual->size());
    for (const auto& row : *actual) out += fmt::format("  {}\n", row);
    return out + WaitNote();
  }

  std::string WaitNote() const {
    if (wait_status_.ok()) return {};
    return fmt::format("(WaitForViews before this check failed: {})\n", wait_status_);
  }

  // --- input and dead letters ---

  std::string Produce(const TestRecord& r) {
    std::vector<testing::TestRecord> batch;
    for (const InputRecord& in : r.records) {
      int64_t ts = in.timestamp_ms.value_or(next_timestamp_++);
      batch.push_back(testing::Rec(in.key, in.value, ts));
    }
    Status s = env_->Produce(r.name, r.partition, batch);
    if (!s.ok()) return fmt::format("produce {}: {}", r.name, s);
    return {};
  }

  Result<std::vector<std::string>> DeadLetters(const std::string& topic) {
    std::vector<std::string> rows;
    std::string dlq = topic + ".dlq";
    if (!env_->log().HasTopic(dlq)) return rows;
    ASSIGN_OR_RETURN(int32_t partitions, env_->log().PartitionCount(dlq));
    for (int32_t i = 0; i < partitions; ++i) {
      ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> p,
                       env_->log().GetPartition(dlq, PartitionId(i)));
      ASSIGN_OR_RETURN(std::vector<testing::ReadRecord> records, testing::ReadAll(*p));
      for (const testing::ReadRecord& rec : records) {
        std::string cls, message;
        for (const auto& [k, v] : rec.record.headers) {
          if (k == "oxbow.dlq.error.class") cls = v.value_or("");
          if (k == "oxbow.dlq.error.message") message = v.value_or("");
        }
        rows.push_back(
            fmt::format("{} | {} | {}", rec.record.value.value_or("NULL"), cls, message));
      }
    }
    return rows;
  }

  // Expected `<value> | <class> | <message substring>`, in the order of the dead-letter
  // topic (partition, offset).
  static bool DlqMatches(const std::vector<std::string>& expected,
                         const std::vector<std::string>& actual) {
    if (expected.size() != actual.size()) return false;
    for (size_t i = 0; i < expected.size(); ++i) {
      // The file's lines are trimmed: `value | class |` expects any message.
      std::string want = expected[i].ends_with(" |") ? expected[i] + " " : expected[i];
      size_t e = want.rfind(" | ");
      size_t a = actual[i].rfind(" | ");
      if (e == std::string::npos || a == std::string::npos) return false;
      if (want.substr(0, e) != actual[i].substr(0, a)) return false;
      if (actual[i].substr(a + 3).find(want.substr(e + 3)) == std::string::npos) {
        return false;
      }
    }
    return true;
  }

  std::string CheckDlq(const TestRecord& r) {
    WaitForViews();
    // Dead letters are appended while the view processes the chunk; after WaitForViews they
    // are there. A short bounded re-read covers an engine that appends them just after.
    Result<std::vector<std::string>> actual = DeadLetters(r.name);
    int tries = r.known_bug ? 10 : 100;  // a known failure need not wait long
    for (int i = 0; i < tries && actual.ok() && !DlqMatches(r.expected, *actual); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      actual = DeadLetters(r.name);
    }
    if (!actual.ok()) return fmt::format("dlq {}: {}", r.name, actual.status());
    if (DlqMatches(r.expected, *actual)) return {};
    std::string out =
        fmt::format("dlq {}\nexpected (value | class | message substring):\n", r.name);
    for (const auto& row : r.expected) out += fmt::format("  {}\n", row);
    out += "actual:\n";
    for (const auto& row : *actual) out += fmt::format("  {}\n", row);
    return out;
  }

  // The rows a view's output topic adds up to, each row's JSON re-serialized (so number
  // formatting does not count): upserts keep the latest value per key, Debezium envelopes
  // remove `before` and add `after`.
  Result<std::vector<std::string>> TopicRows(const std::string& topic, bool debezium, bool avro) {
    std::vector<std::string> rows;
    if (!env_->log().HasTopic(topic)) return rows;
    std::map<std::string, std::optional<std::string>> latest;
    std::multiset<std::string> content;
    ASSIGN_OR_RETURN(int32_t partitions, env_->log().PartitionCount(topic));
    for (int32_t i = 0; i < partitions; ++i) {
      ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> p,
                       env_->log().GetPartition(topic, PartitionId(i)));
      ASSIGN_OR_RETURN(std::vector<testing::ReadRecord> records, testing::ReadAll(*p));
      for (const testing::ReadRecord& rec : records) {
        if (!debezium) {
          std::optional<std::string> value = rec.record.value;
          if (avro) {
            if (!rec.record.key) return absl::DataLossError("an Avro upsert without a key");
            RETURN_IF_ERROR(AvroAsJson(*rec.record.key).status());
            if (value) {
              ASSIGN_OR_RETURN(value, AvroAsJson(*value));
            }
          }
          latest[rec.record.key.value_or("")] = value;
          continue;
        }
        if (!rec.record.value) continue;  // the tombstone after a delete, for compaction
        nlohmann::ordered_json envelope =
            nlohmann::ordered_json::parse(*rec.record.value, nullptr, false);
        if (envelope.is_discarded() || !envelope.is_object()) {
          return absl::DataLossError(fmt::format("not a Debezium envelope: {}", *rec.record.value));
        }
        if (envelope.contains("before") && !envelope["before"].is_null()) {
          auto it = content.find(envelope["before"].dump());
          if (it == content.end()) {
            return absl::DataLossError(
                fmt::format("deletes a row it never added: {}", *rec.record.value));
          }
          content.erase(it);
        }
        if (envelope.contains("after") && !envelope["after"].is_null()) {
          content.insert(envelope["after"].dump());
        }
      }
    }
    for (const auto& [key, value] : latest) {
      if (value) rows.push_back(NormalizeJson(*value));
    }
    rows.insert(rows.end(), content.begin(), content.end());
    return rows;
  }

  // A Confluent-framed Avro datum as JSON (stream/avro_sql_value.h's AppendAvroAsJson: unions
  // are their branch's value), decoded with the registry's schema of its id.
  Result<std::string> AvroAsJson(const std::string& bytes) {
    ASSIGN_OR_RETURN(format::ConfluentFrame frame, format::ParseConfluentFrame(AsBytes(bytes)));
    ASSIGN_OR_RETURN(std::shared_ptr<const registry::AvroSchema> schema,
                     env_->schemas().AvroSchemaById(frame.schema_id));
    ASSIGN_OR_RETURN(format::AvroDecoder decoder, format::AvroDecoder::Compile(*schema));
    format::AvroValue value;
    RETURN_IF_ERROR(decoder.Decode(frame.payload, &value));
    std::string json;
    RETURN_IF_ERROR(stream::AppendAvroAsJson(value, schema->root(), json));
    return json;
  }

  std::string Register(const TestRecord& r) {
    Result<int32_t> id = env_->schemas().RegisterAvroSchema(r.name, r.sql);
    if (!id.ok()) return fmt::format("register {}: {}", r.name, id.status());
    return {};
  }

  static std::string NormalizeJson(const std::string& text) {
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
    return j.is_discarded() ? text : j.dump();
  }

  std::string CheckTopic(const TestRecord& r) {
    WaitForViews();
    std::vector<std::string> expected;
    for (const std::string& row : r.expected) expected.push_back(NormalizeJson(row));
    std::sort(expected.begin(), expected.end());
    // A view's output records are appended after the checkpoint that commits them, which
    // may come just after WaitForViews: re-read for at most 2 s while they differ.
    Result<std::vector<std::string>> actual = TopicRows(r.name, r.debezium, r.avro);
    for (int i = 0; i < (r.known_bug ? 10 : 100); ++i) {
      if (actual.ok()) std::sort(actual->begin(), actual->end());
      if (!actual.ok() || *actual == expected) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      actual = TopicRows(r.name, r.debezium, r.avro);
    }
    if (!actual.ok()) return fmt::format("topic {}: {}", r.name, actual.status());
    if (*actual == expected) return {};
    std::string out = fmt::format("topic {} {}\nexpected (JSON rows):\n", r.name,
                                  r.debezium ? "debezium"
                                  : r.avro   ? "avro"
                                             : "upsert");
    for (const auto& row : expected) out += fmt::format("  {}\n", row);
    out += "actual:\n";
    for (const auto& row : *actual) out += fmt::format("  {}\n", row);
    return out;
  }

  std::string Restart() {
    env_->Close();
    if (Status s = env_->Open(); !s.ok()) return fmt::format("restart: {}", s);
    return {};
  }

  void PrintSummary(int64_t ms) {
    fmt::print("{}: {} checks, {} passed, {} failed, {} known engine bugs ({} ms)\n", path_,
               checks_, passed_, failed_, known_bugs_, ms);
    for (const auto& l : known_bug_lines_) fmt::print("  KNOWN ENGINE BUG, still failing: {}\n", l);
  }

  std::string path_;
  bool verbose_;
  std::unique_ptr<SqlEnv> env_;
  Status wait_status_;
  int64_t next_timestamp_ = kFirstTimestampMs;
  int checks_ = 0, passed_ = 0, failed_ = 0, known_bugs_ = 0;
  std::vector<std::string> known_bug_lines_;
};

}  // namespace
}  // namespace oxbow::sqltest

int main(int argc, char** argv) {
  bool verbose = false;
  bool ok = true;
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-v") {
      verbose = true;
      continue;
    }
    ++files;
    ok = oxbow::sqltest::FileRunner(arg, verbose).Run() && ok;
  }
  if (files == 0) {
    fmt::print(stderr, "usage: {} [-v] file.test…\n", argv[0]);
    return 2;
  }
  return ok ? 0 : 1;
}
