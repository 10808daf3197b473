#include "pgwire/sql_engine.h"

#include <chrono>
#include <thread>

#include "absl/strings/ascii.h"
#include "fmt/format.h"
#include "pgwire/constant_select.h"
#include "pgwire/constant_select_parse.h"
#include "pgwire/session_settings.h"
#include "pgwire/split_internal.h"
#include "pgwire/sqlstates.h"
#include "pgwire/subscribe_statement.h"
#include "sql/binder.h"
#include "sql/ddl.h"
#include "sql/parser.h"
#include "sql/sql_error.h"
#include "sql/system_catalog.h"

namespace oxbow::pgwire {
namespace {

using sql::Type;
using sql::Value;

// Rows computed up front (SHOW, DDL results, constant SELECTs).
class MaterializedRows : public RowStream {
 public:
  MaterializedRows(std::string command, std::vector<std::vector<Value>> rows,
                   std::vector<std::pair<std::string, std::string>> notices = {})
      : command_(std::move(command)), rows_(std::move(rows)), notices_(std::move(notices)) {}

  Result<std::optional<std::vector<Value>>> Next() override {
    if (next_ >= rows_.size()) return std::optional<std::vector<Value>>();
    return std::optional<std::vector<Value>>(std::move(rows_[next_++]));
  }
  std::string CommandTag(uint64_t rows) const override {
    // SELECT and SHOW-like commands carry a row count; the others do not.
    if (command_ == "SELECT" || command_ == "COPY") return fmt::format("{} {}", command_, rows);
    return command_;
  }
  std::vector<std::pair<std::string, std::string>> notices() const override { return notices_; }
  std::optional<int16_t> CopyOutColumns() const override { return copy_columns_; }
  void set_copy_columns(int16_t n) { copy_columns_ = n; }

 private:
  std::string command_;
  std::vector<std::vector<Value>> rows_;
  size_t next_ = 0;
  std::vector<std::pair<std::string, std::string>> notices_;
  std::optional<int16_t> copy_columns_;
};

// An ad-hoc SELECT's rows, chunk by chunk as the engine's cursor produces them.
class CursorRows : public RowStream {
 public:
  CursorRows(std::unique_ptr<engine::QueryCursor> cursor, bool copy)
      : cursor_(std::move(cursor)), copy_(copy) {}

  bool chunked() const override { return true; }
  Result<std::optional<sql::Chunk>> NextChunk() override { return cursor_->Next(); }
  Result<std::optional<std::vector<Value>>> Next() override {
    return absl::InternalError("pgwire: a query's rows come as chunks");
  }
  std::string CommandTag(uint64_t rows) const override {
    return fmt::format("{} {}", copy_ ? "COPY" : "SELECT", rows);
  }
  std::vector<std::pair<std::string, std::string>> notices() const override {
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& n : cursor_->notices()) out.emplace_back(n, "");
    return out;
  }
  std::optional<int16_t> CopyOutColumns() const override {
    if (!copy_) return std::nullopt;
    return static_cast<int16_t>(cursor_->column_names().size());
  }

 private:
  std::unique_ptr<engine::QueryCursor> cursor_;
  bool copy_;
};

// SUBSCRIBE's rows: changes as they happen, until the client cancels or the view stops.
class SubscriptionRows : public RowStream {
 public:
  SubscriptionRows(std::unique_ptr<engine::Subscription> subscription, const CancelFlag& cancel,
                   bool copy)
      : subscription_(std::move(subscription)), cancel_(cancel), copy_(copy) {}

  Result<std::optional<std::vector<Value>>> Next() override {
    ASSIGN_OR_RETURN(std::vector<Value> row, subscription_->Next(&cancel_));
    return std::optional<std::vector<Value>>(std::move(row));
  }
  bool Ready() override { return subscription_->Ready(); }
  std::optional<int16_t> CopyOutColumns() const override {
    if (!copy_) return std::nullopt;
    return static_cast<int16_t>(subscription_->column_names().size());
  }
  std::string CommandTag(uint64_t rows) const override {
    return copy_ ? fmt::format("COPY {}", rows) : fmt::format("SUBSCRIBE {}", rows);
  }

 private:
  std::unique_ptr<engine::Subscription> subscription_;
  const CancelFlag& cancel_;
  bool copy_;
};

// Statements recognized before the parser, which does not know them.
enum class Special { kNone, kDiscardAll, kDeallocate, kSubscribe };

Special ClassifySpecial(std::string_view sql) {
  std::string_view trimmed = internal::Trim(sql);
  std::string text = absl::AsciiStrToLower(absl::string_view(trimmed.data(), trimmed.size()));
  while (!text.empty() && (text.back() == ';' || absl::ascii_isspace(text.back()))) text.pop_back();
  std::vector<std::string_view> words;
  for (std::string_view w : internal::Split(text, ' ')) {
    if (!w.empty()) words.push_back(w);
  }
  if (words.size() == 2 && words[0] == "discard" && words[1] == "all") return Special::kDiscardAll;
  if ((words.size() == 2 || words.size() == 3) && words[0] == "deallocate") {
    return Special::kDeallocate;
  }
  return Special::kNone;
}

class SqlSession;

class SqlStatement : public PreparedStatement {
 public:
  SqlStatement(SqlSession& session, std::optional<sql::Statement> statement, Special special,
               std::vector<uint32_t> param_oids)
      : session_(session),
        statement_(std::move(statement)),
        special_(special),
        param_oids_(std::move(param_oids)) {}

  Result<StatementDescription> Describe() override;
  std::string_view command() const override {
    if (special_ == Special::kDiscardAll) return "DISCARD ALL";
    if (special_ == Special::kDeallocate) return "DEALLOCATE";
    if (special_ == Special::kSubscribe) return subscribe_->copy ? "COPY" : "SUBSCRIBE";
    return statement_->CommandName();
  }

  const sql::Statement& statement() const { return *statement_; }
  Special special() const { return special_; }
  // COPY (query) TO STDOUT: the query's rows go out as COPY text.
  bool copy() const { return copy_; }
  void set_copy() { copy_ = true; }
  const std::optional<SubscribeStatement>& subscribe() const { return subscribe_; }
  void set_subscribe(SubscribeStatement s) { subscribe_ = std::move(s); }
  // The declared type of parameter i, or nullopt when unspecified.
  std::optional<Type> DeclaredType(size_t i) const;

 private:
  SqlSession& session_;
  std::optional<sql::Statement> statement_;
  Special special_;
  std::optional<SubscribeStatement> subscribe_;
  bool copy_ = false;
  std::vector<uint32_t> param_oids_;
  std::optional<StatementDescription> description_;
};

class SqlSession : public Session {
 public:
  SqlSession(sql::Catalog* catalog, engine::Engine* engine, SessionSettings settings,
             int32_t process_id)
      : catalog_(catalog),
        engine_(engine),
        settings_(std::move(settings)),
        process_id_(process_id) {}

  Result<std::vector<std::unique_ptr<PreparedStatement>>> Parse(
      std::string_view sql, const std::vector<uint32_t>& param_types, bool single) override {
    std::vector<std::unique_ptr<PreparedStatement>> out;
    ASSIGN_OR_RETURN(std::optional<SubscribeStatement> subscribe, ParseSubscribe(sql));
    if (subscribe) {
      auto statement =
          std::make_unique<SqlStatement>(*this, std::nullopt, Special::kSubscribe, param_types);
      statement->set_subscribe(std::move(*subscribe));
      out.push_back(std::move(statement));
      return out;
    }
    if (std::optional<std::string_view> inner = CopyToStdoutQuery(sql)) {
      ASSIGN_OR_RETURN(std::vector<sql::Statement> statements, sql::ParseStatements(*inner));
      if (statements.size() != 1 || statements[0].As<sql::SelectStatement>() == nullptr) {
        return sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                             "COPY (…) TO STDOUT supports one SELECT or SUBSCRIBE");
      }
      auto statement = std::make_unique<SqlStatement>(*this, std::move(statements[0]),
                                                      Special::kNone, param_types);
      statement->set_copy();
      out.push_back(std::move(statement));
      return out;
    }
    Special special = ClassifySpecial(sql);
    if (special != Special::kNone) {
      out.push_back(std::make_unique<SqlStatement>(*this, std::nullopt, special, param_types));
      return out;
    }
    for (uint32_t oid : param_types) {
      if (oid != 0 && !sql::TypeFromOid(oid)) {
        return sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                             fmt::format("parameter type with OID {} is not supported", oid));
      }
    }
    std::vector<sql::Statement> statements;
    if (single) {
      // An empty string is a valid (empty) prepared statement.
      Result<std::vector<sql::Statement>> all = sql::ParseStatements(sql);
      if (!all.ok()) return all.status();
      if (all->size() > 1) {
        return sql::SqlError(sql::sqlstate::kSyntaxError,
                             "cannot insert multiple commands into a prepared statement");
      }
      statements = std::move(*all);
    } else {
      ASSIGN_OR_RETURN(statements, sql::ParseStatements(sql));
    }
    for (sql::Statement& s : statements) {
      out.push_back(
          std::make_unique<SqlStatement>(*this, std::move(s), Special::kNone, param_types));
    }
    return out;
  }

  Result<std::unique_ptr<RowStream>> Execute(PreparedStatement& prepared, std::vector<Value> params,
                                             const CancelFlag& cancel) override;

  std::vector<std::pair<std::string, std::string>> ReportedParameters() const override {
    return settings_.Reported();
  }
  std::vector<std::pair<std::string, std::string>> TakeChanged() override {
    return settings_.TakeChanged();
  }

  // Binds (and with `evaluate`, runs) a constant SELECT with `params` (none while
  // describing).
  Result<ConstantResult> RunSelect(const SqlStatement& s, const std::vector<Value>& params,
                                   bool evaluate) {
    ASSIGN_OR_RETURN(ConstSelect select, ToConstSelect(s.statement()));
    ConstantContext context;
    context.params = params;
    for (size_t i = 0; i < params.size(); ++i) {
      context.param_unknown.push_back(!s.DeclaredType(i).has_value());
    }
    context.setting = [this](const std::string& name) { return settings_.Get(name); };
    context.database = settings_.database();
    context.user = settings_.user();
    context.process_id = process_id_;
    return RunConstantSelect(select, context, evaluate);
  }

  // Columns of a statement, without running it (DDL that returns rows is run: it only reads).
  Result<StatementDescription> DescribeStatement(const SqlStatement& s);

 private:
  Result<std::unique_ptr<RowStream>> ExecuteSelect(const SqlStatement& s,
                                                   const std::vector<Value>& params,
                                                   const CancelFlag& cancel);
  Result<std::unique_ptr<RowStream>> ExecuteShow(const sql::ShowVariableStatement& show);
  Result<sql::StatementResult> RunDdl(const sql::Statement& s);
  Status CheckRelations(const sql::Statement& s, const sql::Query& q);

  sql::Catalog* catalog_;
  engine::Engine* engine_;
  SessionSettings settings_;
  int32_t process_id_;
};

std::optional<Type> SqlStatement::DeclaredType(size_t i) const {
  if (i >= param_oids_.size() || param_oids_[i] == 0) return std::nullopt;
  return sql::TypeFromOid(param_oids_[i]);
}

Result<StatementDescription> SqlStatement::Describe() {
  if (!description_) {
    ASSIGN_OR_RETURN(StatementDescription d, session_.DescribeStatement(*this));
    // Parameters: the declared types, else what a cast says ($1::int), else text.
    description_ = std::move(d);
  }
  return *description_;
}

std::vector<Value> TextRow(const std::vector<std::optional<std::string>>& row) {
  std::vector<Value> out;
  for (const auto& v : row) out.push_back(v ? Value::Text(*v) : Value::Null(Type::Text()));
  return out;
}

std::vector<ColumnDescription> TextColumns(const std::vector<std::string>& names) {
  std::vector<ColumnDescription> out;
  for (const auto& n : names) out.push_back({n, Type::Text()});
  return out;
}

Result<StatementDescription> SqlSession::DescribeStatement(const SqlStatement& s) {
  StatementDescription d;
  if (s.copy()) {
    // COPY answers with CopyOutResponse, not RowDescription; the query is checked here.
    if (const auto* select = s.statement().As<sql::SelectStatement>();
        select != nullptr && catalog_ != nullptr) {
      RETURN_IF_ERROR(sql::PlanQuery(*select->query, s.statement(), *catalog_).status());
    }
    return d;
  }
  if (s.special() == Special::kSubscribe) {
    if (engine_ == nullptr) {
      return sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                           "SUBSCRIBE is not available: this server has no SQL engine");
    }
    ASSIGN_OR_RETURN(engine::QueryResult view, engine_->ReadView(s.subscribe()->view));
    if (s.subscribe()->copy) return d;  // COPY sends CopyOutResponse, not RowDescription
    d.columns.push_back({"time", Type::TimestampTz()});
    d.columns.push_back({"op", Type::Text()});
    for (size_t i = 0; i < view.column_names.size(); ++i) {
      d.columns.push_back({view.column_names[i], view.column_types[i]});
    }
    return d;
  }
  if (s.special() != Special::kNone) return d;
  const sql::Statement& st = s.statement();
  if (IsConstantSelect(st)) {
    ASSIGN_OR_RETURN(ConstantResult bound, RunSelect(s, {}, /*evaluate=*/false));
    d.columns = std::move(bound.columns);
    for (int i = 0; i < bound.max_param; ++i) {
      std::optional<Type> t = s.DeclaredType(static_cast<size_t>(i));
      if (!t && static_cast<size_t>(i) < bound.param_casts.size()) t = bound.param_casts[i];
      d.param_types.push_back(t.value_or(Type::Text()));
    }
    return d;
  }
  if (const auto* show = st.As<sql::ShowVariableStatement>()) {
    if (show->name == "all") {
      d.columns = TextColumns({"name", "setting", "description"});
    } else {
      RETURN_IF_ERROR(settings_.Get(show->name).status());
      d.columns = TextColumns({settings_.DisplayName(show->name)});
    }
    return d;
  }
  if (st.As<sql::ShowObjectsStatement>() || st.As<sql::ShowCreateStatement>() ||
      st.As<sql::DescribeStatement>() || st.As<sql::ShowProgressStatement>() ||
      (st.As<sql::ExplainStatement>() && engine_ != nullptr && sql::DdlExecutor::Handles(st))) {
    // These only read the catalog: running them is how their columns are known.
    ASSIGN_OR_RETURN(sql::StatementResult result, RunDdl(st));
    d.columns = TextColumns(result.column_names);
    return d;
  }
  if (const auto* select = st.As<sql::SelectStatement>()) {
    RETURN_IF_ERROR(CheckRelations(st, *select->query));
    if (engine_ != nullptr && catalog_ != nullptr) {
      // Parameters: the declared types (as typed NULLs) or unknown; the binder names the
      // first $n beyond them (42P02), which then counts as one more unknown parameter.
      sql::PlanOptions options;
      for (size_t i = 0;; ++i) {
        std::optional<Type> t = s.DeclaredType(i);
        if (!t) break;
        options.params.push_back(Value::Null(*t));
      }
      Result<sql::PlanPtr> plan = sql::PlanQuery(*select->query, st, *catalog_, options);
      while (!plan.ok() && sql::SqlStateOf(plan.status()) == "42P02" &&
             options.params.size() < 65535) {
        std::optional<Type> t = s.DeclaredType(options.params.size());
        options.params.push_back(Value::Null(t.value_or(Type::Unknown())));
        plan = sql::PlanQuery(*select->query, st, *catalog_, options);
      }
      if (!plan.ok()) return plan.status();
      for (const Value& p : options.params) {
        d.param_types.push_back(p.type().id() == sql::TypeId::kUnknown ? Type::Text() : p.type());
      }
      for (const sql::PlanColumn& c : (*plan)->schema) d.columns.push_back({c.name, c.type});
      return d;
    }
  }
  if (st.As<sql::InsertStatement>() && engine_ != nullptr) return d;
  if (st.As<sql::SelectStatement>() || st.As<sql::InsertStatement>() ||
      st.As<sql::ExplainStatement>() || (engine_ == nullptr && sql::DdlExecutor::Handles(st))) {
    return sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                         fmt::format("{} is not supported by this server yet", st.CommandName()));
  }
  return d;  // SET, RESET, BEGIN/COMMIT/ROLLBACK, CREATE, DROP: no rows
}

Status SqlSession::CheckRelations(const sql::Statement& s, const sql::Query& q) {
  if (catalog_ == nullptr) return absl::OkStatus();
  for (const sql::TableRefPtr& ref : q.from) {
    if (ref->kind != sql::TableRefKind::kTable) continue;
    const auto& table = ref->As<sql::TableName>();
    // pg_catalog / information_schema relations are the binder's (system_catalog.h).
    if (!table.schema.empty() || sql::IsPgCatalogTable(table.name)) continue;
    if (catalog_->Find(table.name) == nullptr) {
      return s.ErrorAt(sql::SqlError(sql::sqlstate::kUndefinedTable,
                                     fmt::format("relation \"{}\" does not exist", table.name)),
                       table.location);
    }
  }
  return absl::OkStatus();
}

Result<sql::StatementResult> SqlSession::RunDdl(const sql::Statement& s) {
  if (engine_ == nullptr) {
    return sql::SqlError(
        sql::sqlstate::kFeatureNotSupported,
        fmt::format("{} is not available: this server has no catalog", s.CommandName()));
  }
  return engine_->Execute(s);
}

Result<std::unique_ptr<RowStream>> SqlSession::ExecuteSelect(const SqlStatement& s,
                                                             const std::vector<Value>& params,
                                                             const CancelFlag& cancel) {
  ASSIGN_OR_RETURN(ConstantResult bound, RunSelect(s, params, /*evaluate=*/true));
  if (bound.sleep_seconds && *bound.sleep_seconds > 0) {
    // pg_sleep: wait in small steps so that a CancelRequest ends it promptly.
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::microseconds(static_cast<int64_t>(*bound.sleep_seconds * 1e6));
    while (std::chrono::steady_clock::now() < until) {
      if (cancel.load(std::memory_order_acquire)) {
        return sql::SqlError(sqlstate::kQueryCanceled, "canceling statement due to user request");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  std::vector<std::vector<Value>> rows;
  rows.push_back(std::move(bound.row));
  return std::make_unique<MaterializedRows>("SELECT", std::move(rows));
}

Result<std::unique_ptr<RowStream>> SqlSession::ExecuteShow(const sql::ShowVariableStatement& show) {
  std::vector<std::vector<Value>> rows;
  if (show.name == "all") {
    for (const auto& r : settings_.All()) {
      rows.push_back({Value::Text(r[0]), Value::Text(r[1]), Value::Text(r[2])});
    }
  } else {
    ASSIGN_OR_RETURN(std::string value, settings_.Get(show.name));
    rows.push_back({Value::Text(std::move(value))});
  }
  return std::make_unique<MaterializedRows>("SHOW", std::move(rows));
}

Result<std::unique_ptr<RowStream>> SqlSession::Execute(PreparedStatement& prepared,
                                                       std::vector<Value> params,
                                                       const CancelFlag& cancel) {
  auto& s = static_cast<SqlStatement&>(prepared);
  auto no_rows = [](std::string tag) -> Result<std::unique_ptr<RowStream>> {
    return std::make_unique<MaterializedRows>(std::move(tag), std::vector<std::vector<Value>>());
  };
  if (s.special() == Special::kDiscardAll) {
    RETURN_IF_ERROR(settings_.Reset(""));
    return no_rows("DISCARD ALL");
  }
  if (s.special() == Special::kDeallocate) return no_rows("DEALLOCATE");
  if (s.special() == Special::kSubscribe) {
    ASSIGN_OR_RETURN(std::unique_ptr<engine::Subscription> subscription,
                     engine_->Subscribe(s.subscribe()->view));
    return std::make_unique<SubscriptionRows>(std::move(subscription), cancel, s.subscribe()->copy);
  }
  const sql::Statement& st = s.statement();
  if (IsConstantSelect(st)) return ExecuteSelect(s, params, cancel);
  if (const auto* set = st.As<sql::SetVariableStatement>()) {
    if (set->name == "transaction" || set->name == "session characteristics") return no_rows("SET");
    if (set->to_default) {
      RETURN_IF_ERROR(settings_.Reset(set->name));
    } else {
      RETURN_IF_ERROR(settings_.Set(set->name, set->values));
    }
    return no_rows("SET");
  }
  if (const auto* show = st.As<sql::ShowVariableStatement>()) return ExecuteShow(*show);
  if (const auto* reset = st.As<sql::ResetVariableStatement>()) {
    RETURN_IF_ERROR(settings_.Reset(reset->all ? "" : reset->name));
    return no_rows("RESET");
  }
  if (st.As<sql::TransactionStatement>()) return no_rows(std::string(st.CommandName()));
  if (engine_ != nullptr && st.As<sql::SelectStatement>() != nullptr) {
    ASSIGN_OR_RETURN(std::string recency, settings_.Get("real_time_recency"));
    engine::QueryOptions options;
    options.cancel = &cancel;
    options.real_time_recency = recency == "on";
    for (size_t i = 0; i < params.size(); ++i) {
      // A parameter the client did not type is text on the wire: read it as PostgreSQL reads
      // an unknown literal, in the type its context needs.
      if (!s.DeclaredType(i) && !params[i].is_null()) {
        options.params.push_back(Value::String(Type::Unknown(), params[i].ToString()));
      } else if (!s.DeclaredType(i)) {
        options.params.push_back(Value::Null(Type::Unknown()));
      } else {
        options.params.push_back(std::move(params[i]));
      }
    }
    ASSIGN_OR_RETURN(std::unique_ptr<engine::QueryCursor> cursor, engine_->OpenQuery(st, options));
    return std::make_unique<CursorRows>(std::move(cursor), s.copy());
  }
  if (engine_ != nullptr && engine::Engine::Handles(st)) {
    ASSIGN_OR_RETURN(sql::StatementResult result, RunDdl(st));
    std::vector<std::vector<Value>> rows;
    for (const auto& r : result.rows) rows.push_back(TextRow(r));
    std::vector<std::pair<std::string, std::string>> notices;
    for (const auto& n : result.notices) notices.emplace_back(n.message, n.detail);
    // SHOW-like results count rows as SELECT does ("SHOW" has no count in PostgreSQL).
    return std::make_unique<MaterializedRows>(result.command_tag, std::move(rows),
                                              std::move(notices));
  }
  // Not reached for statements Describe rejected; kept for callers that skip it.
  ASSIGN_OR_RETURN(StatementDescription d, DescribeStatement(s));
  (void)d;
  return sql::SqlError(sql::sqlstate::kFeatureNotSupported,
                       fmt::format("{} is not supported by this server yet", st.CommandName()));
}

}  // namespace

Result<std::unique_ptr<Session>> SqlQueryEngine::NewSession(const SessionStartup& startup) {
  ASSIGN_OR_RETURN(SessionSettings settings,
                   SessionSettings::Create(startup.user, startup.database, startup.parameters));
  return std::unique_ptr<Session>(
      std::make_unique<SqlSession>(catalog_, engine_, std::move(settings), startup.process_id));
}

}  // namespace oxbow::pgwire
