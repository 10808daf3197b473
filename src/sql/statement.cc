#include "sql/statement.h"

#include "sql/sql_text.h"

namespace oxbow::sql {

std::string_view ObjectTypeName(ObjectType type) {
  switch (type) {
    case ObjectType::kTable:
      return "table";
    case ObjectType::kView:
      return "view";
    case ObjectType::kMaterializedView:
      return "materialized view";
  }
  return "";
}

ExplainStatement::ExplainStatement() = default;
ExplainStatement::ExplainStatement(ExplainStatement&&) noexcept = default;
ExplainStatement& ExplainStatement::operator=(ExplainStatement&&) noexcept = default;
ExplainStatement::~ExplainStatement() = default;

std::string_view Statement::CommandName() const {
  struct Visitor {
    std::string_view operator()(const SelectStatement&) { return "SELECT"; }
    std::string_view operator()(const InsertStatement&) { return "INSERT"; }
    std::string_view operator()(const CreateTableStatement&) { return "CREATE TABLE"; }
    std::string_view operator()(const CreateViewStatement& s) {
      return s.materialized ? "CREATE MATERIALIZED VIEW" : "CREATE VIEW";
    }
    std::string_view operator()(const DropStatement& s) {
      switch (s.object_type) {
        case ObjectType::kTable:
          return "DROP TABLE";
        case ObjectType::kView:
          return "DROP VIEW";
        case ObjectType::kMaterializedView:
          return "DROP MATERIALIZED VIEW";
      }
      return "DROP";
    }
    std::string_view operator()(const ShowObjectsStatement&) { return "SHOW"; }
    std::string_view operator()(const ShowCreateStatement&) { return "SHOW"; }
    std::string_view operator()(const DescribeStatement&) { return "SHOW"; }
    std::string_view operator()(const ExplainStatement&) { return "EXPLAIN"; }
    std::string_view operator()(const SetVariableStatement&) { return "SET"; }
    std::string_view operator()(const ShowVariableStatement&) { return "SHOW"; }
    std::string_view operator()(const ShowProgressStatement&) { return "SHOW"; }
    std::string_view operator()(const ResetVariableStatement&) { return "RESET"; }
    std::string_view operator()(const TransactionStatement& s) {
      switch (s.kind) {
        case TransactionKind::kBegin:
          return "BEGIN";
        case TransactionKind::kCommit:
          return "COMMIT";
        case TransactionKind::kRollback:
          return "ROLLBACK";
      }
      return "BEGIN";
    }
  };
  return std::visit(Visitor{}, body);
}

Status Statement::ErrorAt(Status status, int location) const {
  return AtByteOffset(std::move(status), *source, location);
}

}  // namespace oxbow::sql
