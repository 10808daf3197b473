// Statements: libpg_query's statement nodes → statement.h, and the helpers every part of the
// conversion shares.
#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "fmt/format.h"
#include "sql/convert_internal.h"
#include "sql/sql_error.h"
#include "sql/sql_text.h"

namespace oxbow::sql::internal {
namespace {

constexpr size_t kMaxIdentifierBytes = 63;  // PostgreSQL's NAMEDATALEN - 1

// A readable name for a node kind: its protobuf field name, e.g. "create_seq_stmt".
std::string NodeKindName(const pg_query::Node& node) {
  const google::protobuf::FieldDescriptor* field =
      pg_query::Node::descriptor()->FindFieldByNumber(node.node_case());
  return field ? field->name() : "unknown";
}

// "CREATE INDEX" for index_stmt: the statement as users write it.
std::string StatementName(const std::string& kind) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"index_stmt", "CREATE INDEX"},
      {"create_seq_stmt", "CREATE SEQUENCE"},
      {"alter_seq_stmt", "ALTER SEQUENCE"},
      {"rename_stmt", "ALTER … RENAME"},
      {"createdb_stmt", "CREATE DATABASE"},
      {"dropdb_stmt", "DROP DATABASE"},
      {"create_trig_stmt", "CREATE TRIGGER"},
      {"define_stmt", "CREATE AGGREGATE, OPERATOR or TYPE"},
      {"composite_type_stmt", "CREATE TYPE"},
      {"create_enum_stmt", "CREATE TYPE"},
      {"vacuum_stmt", "VACUUM and ANALYZE"},
      {"declare_cursor_stmt", "DECLARE"},
      {"close_portal_stmt", "CLOSE"},
      {"create_table_space_stmt", "CREATE TABLESPACE"},
      {"create_foreign_table_stmt", "CREATE FOREIGN TABLE"},
      {"create_plang_stmt", "CREATE LANGUAGE"},
      {"comment_stmt", "COMMENT"},
      {"grant_role_stmt", "GRANT"},
      {"refresh_mat_view_stmt", "REFRESH MATERIALIZED VIEW"},
  };
  for (const auto& [k, name] : kNames) {
    if (k == kind) return std::string(name);
  }
  std::string name = kind;
  if (name.ends_with("_stmt")) name.resize(name.size() - 5);
  absl::StrReplaceAll({{"_", " "}}, &name);
  return absl::AsciiStrToUpper(name);
}

std::string Downcase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ClipIdentifier(std::string s) {
  if (s.size() <= kMaxIdentifierBytes) return s;
  size_t n = kMaxIdentifierBytes;
  while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;  // keep whole characters
  s.resize(n);
  return s;
}

// The value of one WITH (name = value) element as text.
Result<std::string> OptionValue(const Converter& cv, const pg_query::DefElem& d) {
  if (!d.has_arg()) return std::string("true");
  const pg_query::Node& a = d.arg();
  switch (a.node_case()) {
    case pg_query::Node::kString:
      return a.string().sval();
    case pg_query::Node::kInteger:
      return std::to_string(a.integer().ival());
    case pg_query::Node::kFloat:
      return a.float_().fval();
    case pg_query::Node::kBoolean:
      return std::string(a.boolean().boolval() ? "true" : "false");
    case pg_query::Node::kTypeName: {
      // An identifier value (`emit = changes`) reaches us as a type name.
      const pg_query::TypeName& t = a.type_name();
      if (t.names_size() == 1 && t.typmods_size() == 0 && t.array_bounds_size() == 0) {
        return StringOf(t.names(0));
      }
      break;
    }
    default:
      break;
  }
  return cv.Error(sqlstate::kInvalidParameterValue,
                  fmt::format("invalid value for parameter \"{}\"", d.defname()), d.location());
}

class StatementConverter {
 public:
  StatementConverter(Converter& cv, const pg_query::RawStmt& raw) : cv_(cv), raw_(raw) {}

  Result<StatementBody> Convert(const pg_query::Node& stmt) {
    switch (stmt.node_case()) {
      case pg_query::Node::kSelectStmt: {
        ASSIGN_OR_RETURN(std::unique_ptr<Query> q, cv_.ConvertQuery(stmt.select_stmt()));
        return StatementBody(SelectStatement{std::move(q)});
      }
      case pg_query::Node::kCreateStmt:
        return CreateTable(stmt.create_stmt());
      case pg_query::Node::kViewStmt:
        return CreateView(stmt.view_stmt());
      case pg_query::Node::kCreateTableAsStmt:
        return CreateMaterializedView(stmt.create_table_as_stmt());
      case pg_query::Node::kInsertStmt:
        return Insert(stmt.insert_stmt());
      case pg_query::Node::kDropStmt:
        return Drop(stmt.drop_stmt());
      case pg_query::Node::kVariableSetStmt:
        return Set(stmt.variable_set_stmt());
      case pg_query::Node::kVariableShowStmt:
        return Show(stmt.variable_show_stmt());
      case pg_query::Node::kTransactionStmt:
        return Transaction(stmt.transaction_stmt());
      case pg_query::Node::kExplainStmt:
        return Explain(stmt.explain_stmt());
      default:
        return cv_.Unsupported(StatementName(NodeKindName(stmt)), StatementStart());
    }
  }

 private:
  int StatementStart() const { return raw_.stmt_location(); }

  Result<std::vector<WithOption>> Options(
      const google::protobuf::RepeatedPtrField<pg_query::Node>& nodes) {
    std::vector<WithOption> out;
    std::set<std::string> seen;
    for (const pg_query::Node& n : nodes) {
      if (!n.has_def_elem()) return cv_.UnsupportedNode(n, NodeLocation(n));
      const pg_query::DefElem& d = n.def_elem();
      if (!d.defnamespace().empty()) {
        return cv_.Unsupported("qualified option names", d.location());
      }
      if (!seen.insert(d.defname()).second) {
        return cv_.Error(sqlstate::kInvalidParameterValue,
                         fmt::format("parameter \"{}\" specified more than once", d.defname()),
                         d.location());
      }
      ASSIGN_OR_RETURN(std::string value, OptionValue(cv_, d));
      out.push_back(WithOption{d.defname(), std::move(value), cv_.Loc(d.location())});
    }
    return out;
  }

  Status CheckPersistence(const pg_query::RangeVar& rv, std::string_view what) {
    if (rv.relpersistence() == "t") {
      return cv_.Unsupported(fmt::format("TEMPORARY {}", what), rv.location());
    }
    if (rv.relpersistence() == "u") {
      return cv_.Unsupported(fmt::format("UNLOGGED {}", what), rv.location());
    }
    return absl::OkStatus();
  }

  Status CheckCreateTableClauses(const pg_query::CreateStmt& c) {
    int loc = c.relation().location();
    if (c.inh_relations_size() > 0) return cv_.Unsupported("INHERITS", loc);
    if (c.has_partspec()) return cv_.Unsupported("PARTITION BY", loc);
    if (c.has_partbound()) return cv_.Unsupported("PARTITION OF", loc);
    if (c.has_of_typename()) return cv_.Unsupported("CREATE TABLE … OF type", loc);
    if (!c.tablespacename().empty()) return cv_.Unsupported("TABLESPACE", loc);
    if (!c.access_method().empty()) return cv_.Unsupported("USING (table access methods)", loc);
    if (c.oncommit() > pg_query::ONCOMMIT_NOOP) return cv_.Unsupported("ON COMMIT", loc);
    return CheckPersistence(c.relation(), "tables");
  }

  // Applies a column's constraints (NOT NULL, NULL, PRIMARY KEY) to `col`.
  Status ColumnConstraints(const pg_query::ColumnDef& def, ColumnDefinition& col) {
    bool saw_null = false;
    for (const pg_query::Node& n : def.constraints()) {
      if (!n.has_constraint()) return cv_.UnsupportedNode(n, NodeLocation(n));
      const pg_query::Constraint& k = n.constraint();
      switch (k.contype()) {
        case pg_query::CONSTR_NOTNULL:
          col.not_null = true;
          break;
        case pg_query::CONSTR_NULL:
          saw_null = true;
          break;
        case pg_query::CONSTR_PRIMARY:
          if (col.primary_key) {
            return cv_.Error(sqlstate::kInvalidTableDefinition,
                             "multiple primary keys for a column are not allowed", k.location());
          }
          col.primary_key = true;
          break;
        default:
          return UnsupportedConstraint(k);
      }
    }
    if (saw_null && col.not_null) {
      return cv_.Error(
          sqlstate::kSyntaxError,
          fmt::format("conflicting NULL/NOT NULL declarations for column \"{}\"", col.name),
          def.location());
    }
    return absl::OkStatus();
  }

  Status UnsupportedConstraint(const pg_query::Constraint& k) {
    switch (k.contype()) {
      case pg_query::CONSTR_DEFAULT:
        return cv_.Unsupported("DEFAULT", k.location());
      case pg_query::CONSTR_IDENTITY:
        return cv_.Unsupported("identity columns", k.location());
      case pg_query::CONSTR_GENERATED:
        return cv_.Unsupported("generated columns", k.location());
      case pg_query::CONSTR_CHECK:
        return cv_.Unsupported("CHECK constraints", k.location());
      case pg_query::CONSTR_UNIQUE:
        return cv_.Unsupported("UNIQUE constraints", k.location());
      case pg_query::CONSTR_EXCLUSION:
        return cv_.Unsupported("EXCLUDE constraints", k.location());
      case pg_query::CONSTR_FOREIGN:
        return cv_.Unsupported("FOREIGN KEY constraints", k.location());
      default:
        return cv_.Unsupported("constraint attributes (DEFERRABLE, …)", k.location());
    }
  }

  Result<StatementBody> CreateTable(const pg_query::CreateStmt& c) {
    RETURN_IF_ERROR(CheckCreateTableClauses(c));
    CreateTableStatement out;
    ASSIGN_OR_RETURN(out.name, cv_.ConvertRelationName(c.relation()));
    out.if_not_exists = c.if_not_exists();
    const pg_query::Constraint* table_key = nullptr;
    for (const pg_query::Node& elt : c.table_elts()) {
      if (elt.has_column_def()) {
        RETURN_IF_ERROR(Column(elt.column_def(), out));
      } else if (elt.has_constraint()) {
        const pg_query::Constraint& k = elt.constraint();
        if (k.contype() != pg_query::CONSTR_PRIMARY) return UnsupportedConstraint(k);
        if (table_key != nullptr) return MultiplePrimaryKeys(out, k.location());
        table_key = &k;
      } else if (elt.has_table_like_clause()) {
        return cv_.Unsupported("LIKE in CREATE TABLE", NodeLocation(elt));
      } else {
        return cv_.UnsupportedNode(elt, NodeLocation(elt));
      }
    }
    if (c.constraints_size() > 0 && c.constraints(0).has_constraint()) {
      return UnsupportedConstraint(c.constraints(0).constraint());
    }
    RETURN_IF_ERROR(PrimaryKey(table_key, out));
    ASSIGN_OR_RETURN(out.options, Options(c.options()));
    return StatementBody(std::move(out));
  }

  Status Column(const pg_query::ColumnDef& def, CreateTableStatement& table) {
    ColumnDefinition col;
    col.name = def.colname();
    col.location = cv_.Loc(def.location());
    if (def.has_coll_clause()) return cv_.Unsupported("COLLATE", def.coll_clause().location());
    if (!def.compression().empty()) return cv_.Unsupported("COMPRESSION", def.location());
    if (!def.storage().empty()) return cv_.Unsupported("STORAGE", def.location());
    for (const ColumnDefinition& other : table.columns) {
      if (other.name == col.name) {
        return cv_.Error(sqlstate::kDuplicateColumn,
                         fmt::format("column \"{}\" specified more than once", col.name),
                         def.location());
      }
    }
    ASSIGN_OR_RETURN(col.type, cv_.ConvertTypeName(def.type_name()));
    RETURN_IF_ERROR(ColumnConstraints(def, col));
    table.columns.push_back(std::move(col));
    return absl::OkStatus();
  }

  Status MultiplePrimaryKeys(const CreateTableStatement& t, int location) {
    return cv_.Error(
        sqlstate::kInvalidTableDefinition,
        fmt::format("multiple primary keys for table \"{}\" are not allowed", t.name.name),
        location);
  }

  // Collects the key from the inline or table-level PRIMARY KEY (not both) and marks its
  // columns NOT NULL, as PostgreSQL does.
  Status PrimaryKey(const pg_query::Constraint* table_key, CreateTableStatement& t) {
    for (ColumnDefinition& col : t.columns) {
      if (!col.primary_key) continue;
      if (!t.primary_key.empty() || table_key != nullptr) {
        return MultiplePrimaryKeys(t, table_key ? table_key->location() : -1);
      }
      t.primary_key.push_back(NameRef{col.name, col.location});
    }
    if (table_key != nullptr) {
      for (const pg_query::Node& key : table_key->keys()) {
        std::string name = StringOf(key);
        for (const NameRef& k : t.primary_key) {
          if (k.name == name) {
            return cv_.Error(
                sqlstate::kDuplicateColumn,
                fmt::format("column \"{}\" appears twice in primary key constraint", name),
                table_key->location());
          }
        }
        t.primary_key.push_back(NameRef{name, cv_.Loc(table_key->location())});
      }
    }
    for (const NameRef& k : t.primary_key) {
      auto col = std::find_if(t.columns.begin(), t.columns.end(),
                              [&](const ColumnDefinition& c) { return c.name == k.name; });
      if (col == t.columns.end()) {
        return cv_.Error(sqlstate::kUndefinedColumn,
                         fmt::format("column \"{}\" named in key does not exist", k.name),
                         table_key ? table_key->location() : -1);
      }
      col->not_null = true;
    }
    return absl::OkStatus();
  }

  // The query's text: from after the first top-level AS to the end of the statement,
  // without a trailing WITH DATA.
  std::string QueryText() {
    const std::vector<const pg_query::ScanToken*>& tokens = cv_.tokens();
    size_t end = tokens.size();
    if (end >= 2 && tokens[end - 1]->token() == pg_query::DATA_P &&
        tokens[end - 2]->token() == pg_query::WITH) {
      end -= 2;
    }
    int depth = 0;
    for (size_t i = 0; i + 1 < end; ++i) {
      int t = tokens[i]->token();
      if (t == '(') ++depth;
      if (t == ')') --depth;
      if (t == pg_query::AS && depth == 0) {
        int begin = tokens[i + 1]->start();
        return std::string(cv_.source().substr(begin, tokens[end - 1]->end() - begin));
      }
    }
    return "";
  }

  Result<StatementBody> CreateView(const pg_query::ViewStmt& v) {
    RETURN_IF_ERROR(CheckPersistence(v.view(), "views"));
    if (v.replace()) return cv_.Unsupported("CREATE OR REPLACE VIEW", StatementStart());
    if (v.with_check_option() > pg_query::NO_CHECK_OPTION) {
      return cv_.Unsupported("WITH CHECK OPTION", StatementStart());
    }
    CreateViewStatement out;
    ASSIGN_OR_RETURN(out.name, cv_.ConvertRelationName(v.view()));
    for (const pg_query::Node& a : v.aliases()) out.column_names.push_back(StringOf(a));
    ASSIGN_OR_RETURN(out.options, Options(v.options()));
    ASSIGN_OR_RETURN(out.query, cv_.ConvertQueryNode(v.query(), StatementStart()));
    out.query_text = QueryText();
    return StatementBody(std::move(out));
  }

  Result<StatementBody> CreateMaterializedView(const pg_query::CreateTableAsStmt& c) {
    if (c.objtype() != pg_query::OBJECT_MATVIEW) {
      return WithHint(
          cv_.Unsupported(c.is_select_into() ? "SELECT INTO" : "CREATE TABLE AS", StatementStart()),
          "Use CREATE MATERIALIZED VIEW.");
    }
    const pg_query::IntoClause& into = c.into();
    RETURN_IF_ERROR(CheckPersistence(into.rel(), "materialized views"));
    if (into.skip_data()) return cv_.Unsupported("WITH NO DATA", StatementStart());
    if (!into.access_method().empty()) {
      return cv_.Unsupported("USING (table access methods)", into.rel().location());
    }
    if (!into.table_space_name().empty()) {
      return cv_.Unsupported("TABLESPACE", into.rel().location());
    }
    CreateViewStatement out;
    out.materialized = true;
    out.if_not_exists = c.if_not_exists();
    ASSIGN_OR_RETURN(out.name, cv_.ConvertRelationName(into.rel()));
    for (const pg_query::Node& a : into.col_names()) out.column_names.push_back(StringOf(a));
    ASSIGN_OR_RETURN(out.options, Options(into.options()));
    ASSIGN_OR_RETURN(out.query, cv_.ConvertQueryNode(c.query(), StatementStart()));
    out.query_text = QueryText();
    return StatementBody(std::move(out));
  }

  Result<StatementBody> Insert(const pg_query::InsertStmt& ins) {
    int loc = ins.relation().location();
    if (ins.has_on_conflict_clause()) {
      return cv_.Unsupported("ON CONFLICT", ins.on_conflict_clause().location());
    }
    if (ins.returning_list_size() > 0) {
      return cv_.Unsupported("RETURNING", NodeLocation(ins.returning_list(0)));
    }
    if (ins.has_with_clause())
      return cv_.Unsupported("WITH in INSERT", ins.with_clause().location());
    if (ins.override() > pg_query::OVERRIDING_NOT_SET) return cv_.Unsupported("OVERRIDING", loc);
    if (!ins.has_select_stmt()) return cv_.Unsupported("DEFAULT VALUES", loc);
    InsertStatement out;
    ASSIGN_OR_RETURN(out.table, cv_.ConvertRelationName(ins.relation()));
    for (const pg_query::Node& c : ins.cols()) {
      const pg_query::ResTarget& rt = c.res_target();
      if (rt.indirection_size() > 0) {
        return cv_.Unsupported("subscripted INSERT targets", rt.location());
      }
      for (const NameRef& other : out.columns) {
        if (other.name == rt.name()) {
          return cv_.Error(sqlstate::kDuplicateColumn,
                           fmt::format("column \"{}\" specified more than once", rt.name()),
                           rt.location());
        }
      }
      out.columns.push_back(NameRef{rt.name(), cv_.Loc(rt.location())});
    }
    ASSIGN_OR_RETURN(out.source, cv_.ConvertQueryNode(ins.select_stmt(), loc));
    return StatementBody(std::move(out));
  }

  // The position of `name` in the statement: DROP's names carry none in the tree, so they
  // are found among the tokens, in order.
  int FindNameToken(const std::string& name, size_t& next_token) {
    const std::vector<const pg_query::ScanToken*>& tokens = cv_.tokens();
    for (size_t i = next_token; i < tokens.size(); ++i) {
      std::optional<std::string> id = TokenIdentifier(cv_.source(), *tokens[i]);
      if (id && *id == name) {
        next_token = i + 1;
        return tokens[i]->start();
      }
    }
    return -1;
  }

  Result<StatementBody> Drop(const pg_query::DropStmt& d) {
    DropStatement out;
    switch (d.remove_type()) {
      case pg_query::OBJECT_TABLE:
        out.object_type = ObjectType::kTable;
        break;
      case pg_query::OBJECT_VIEW:
        out.object_type = ObjectType::kView;
        break;
      case pg_query::OBJECT_MATVIEW:
        out.object_type = ObjectType::kMaterializedView;
        break;
      default: {
        std::string type = pg_query::ObjectType_Name(d.remove_type());
        if (type.starts_with("OBJECT_")) type = type.substr(7);
        absl::StrReplaceAll({{"_", " "}}, &type);
        return cv_.Unsupported(fmt::format("DROP {}", type), StatementStart());
      }
    }
    if (d.concurrent()) return cv_.Unsupported("DROP … CONCURRENTLY", StatementStart());
    out.if_exists = d.missing_ok();
    out.cascade = d.behavior() == pg_query::DROP_CASCADE;
    size_t next_token = 0;
    for (const pg_query::Node& obj : d.objects()) {
      if (!obj.has_list() || obj.list().items_size() == 0) {
        return cv_.UnsupportedNode(obj, StatementStart());
      }
      pg_query::RangeVar rv;
      const auto& parts = obj.list().items();
      rv.set_relname(StringOf(parts[parts.size() - 1]));
      if (parts.size() >= 2) rv.set_schemaname(StringOf(parts[parts.size() - 2]));
      if (parts.size() >= 3) rv.set_catalogname(StringOf(parts[parts.size() - 3]));
      int absolute = FindNameToken(rv.relname(), next_token);
      rv.set_location(absolute < 0 ? -1 : absolute - cv_.Loc(0));
      ASSIGN_OR_RETURN(NameRef name, cv_.ConvertRelationName(rv));
      out.names.push_back(std::move(name));
    }
    return StatementBody(std::move(out));
  }

  Result<StatementBody> Set(const pg_query::VariableSetStmt& s) {
    switch (s.kind()) {
      case pg_query::VAR_SET_VALUE:
      case pg_query::VAR_SET_DEFAULT: {
        SetVariableStatement out;
        out.name = s.name();
        out.local = s.is_local();
        out.to_default = s.kind() == pg_query::VAR_SET_DEFAULT;
        for (const pg_query::Node& a : s.args()) {
          if (!a.has_a_const() || a.a_const().isnull()) {
            return cv_.Unsupported("this kind of SET value", NodeLocation(a));
          }
          ASSIGN_OR_RETURN(ParsedExprPtr e, cv_.ConvertExpr(a));
          out.values.push_back(e->As<Constant>().value);
        }
        return StatementBody(std::move(out));
      }
      case pg_query::VAR_SET_MULTI: {
        // SET TRANSACTION …, SET SESSION CHARACTERISTICS AS TRANSACTION …: no-ops.
        SetVariableStatement out;
        out.name = Downcase(s.name());
        out.local = s.is_local();
        return StatementBody(std::move(out));
      }
      case pg_query::VAR_RESET:
        return StatementBody(ResetVariableStatement{s.name(), false});
      case pg_query::VAR_RESET_ALL:
        return StatementBody(ResetVariableStatement{"", true});
      default:
        return cv_.Unsupported("SET … FROM CURRENT", StatementStart());
    }
  }

  Result<StatementBody> Show(const pg_query::VariableShowStmt& s) {
    if (s.name() == "tables") return StatementBody(ShowObjectsStatement{ObjectType::kTable});
    if (s.name() == "views") return StatementBody(ShowObjectsStatement{ObjectType::kView});
    return StatementBody(ShowVariableStatement{s.name()});
  }

  Result<StatementBody> Transaction(const pg_query::TransactionStmt& t) {
    switch (t.kind()) {
      case pg_query::TRANS_STMT_BEGIN:
      case pg_query::TRANS_STMT_START:
        return StatementBody(TransactionStatement{TransactionKind::kBegin});
      case pg_query::TRANS_STMT_COMMIT:
        if (t.chain()) return cv_.Unsupported("COMMIT AND CHAIN", StatementStart());
        return StatementBody(TransactionStatement{TransactionKind::kCommit});
      case pg_query::TRANS_STMT_ROLLBACK:
        if (t.chain()) return cv_.Unsupported("ROLLBACK AND CHAIN", StatementStart());
        return StatementBody(TransactionStatement{TransactionKind::kRollback});
      case pg_query::TRANS_STMT_SAVEPOINT:
      case pg_query::TRANS_STMT_RELEASE:
      case pg_query::TRANS_STMT_ROLLBACK_TO:
        return cv_.Unsupported("savepoints", StatementStart());
      default:
        return cv_.Unsupported("two-phase commit", StatementStart());
    }
  }

  Result<StatementBody> Explain(const pg_query::ExplainStmt& e) {
    if (e.options_size() > 0) {
      return cv_.Unsupported("EXPLAIN options (ANALYZE, VERBOSE, …)", NodeLocation(e.options(0)));
    }
    if (!e.query().has_select_stmt() &&
        !(e.query().has_create_table_as_stmt() &&
          e.query().create_table_as_stmt().objtype() == pg_query::OBJECT_MATVIEW)) {
      return cv_.Unsupported(fmt::format("EXPLAIN {}", StatementName(NodeKindName(e.query()))),
                             StatementStart());
    }
    ASSIGN_OR_RETURN(StatementBody inner, Convert(e.query()));
    ExplainStatement out;
    out.statement = std::make_unique<Statement>();
    out.statement->body = std::move(inner);
    return StatementBody(std::move(out));
  }

  Converter& cv_;
  const pg_query::RawStmt& raw_;
};

}  // namespace

Result<StatementBody> Converter::ConvertStatement(const pg_query::RawStmt& raw) {
  return StatementConverter(*this, raw).Convert(raw.stmt());
}

Status Converter::Error(std::string_view sqlstate, std::string_view message,
                        int pg_location) const {
  return AtByteOffset(SqlError(sqlstate, message), source_, Loc(pg_location));
}

Status Converter::Unsupported(std::string_view what, int pg_location) const {
  return Error(sqlstate::kFeatureNotSupported, fmt::format("{} is not supported", what),
               pg_location);
}

Status Converter::UnsupportedNode(const pg_query::Node& node, int pg_location) const {
  return Unsupported(StatementName(NodeKindName(node)), pg_location);
}

std::string StringOf(const pg_query::Node& node) {
  return node.has_string() ? node.string().sval() : std::string();
}

int NodeLocation(const pg_query::Node& node) {
  const google::protobuf::FieldDescriptor* field =
      pg_query::Node::descriptor()->FindFieldByNumber(node.node_case());
  if (field == nullptr || field->message_type() == nullptr) return -1;
  const google::protobuf::Message& inner = node.GetReflection()->GetMessage(node, field);
  const google::protobuf::FieldDescriptor* loc = inner.GetDescriptor()->FindFieldByName("location");
  if (loc == nullptr || loc->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT32) {
    return -1;
  }
  return inner.GetReflection()->GetInt32(inner, loc);
}

std::optional<std::string> TokenIdentifier(std::string_view source, const pg_query::ScanToken& t) {
  if (t.token() != pg_query::IDENT && t.keyword_kind() == pg_query::NO_KEYWORD) {
    return std::nullopt;
  }
  std::string_view text = source.substr(t.start(), t.end() - t.start());
  if (text.starts_with('"')) {
    if (text.size() < 2) return std::nullopt;
    std::string out;
    for (size_t i = 1; i + 1 < text.size(); ++i) {
      out += text[i];
      if (text[i] == '"') ++i;  // "" stands for one quote
    }
    return ClipIdentifier(std::move(out));
  }
  return ClipIdentifier(Downcase(text));
}

}  // namespace oxbow::sql::internal
