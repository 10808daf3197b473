#include "sql/view_analysis.h"

#include <algorithm>
#include <set>

#include "fmt/format.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

bool IsWindowFunction(const FunctionCall& f) {
  const std::string& n = f.function_name();
  return f.name.size() == 1 && (n == "tumble" || n == "hop" || n == "session");
}

class RelationCollector {
 public:
  void Query(const sql::Query& q, std::set<std::string> ctes) {
    for (const CommonTableExpr& cte : q.with) {
      Query(*cte.query, ctes);
      ctes.insert(cte.name);  // visible to the later WITH queries and the body
    }
    if (q.left) Query(*q.left, ctes);
    if (q.right) Query(*q.right, ctes);
    for (const TableRefPtr& t : q.from) From(*t, ctes);
    // Subqueries in expressions read relations too.
    for (const SelectItem& item : q.select_list) Walk(item.expr.get(), ctes);
    Walk(q.where.get(), ctes);
    for (const ParsedExprPtr& g : q.group_by) Walk(g.get(), ctes);
    Walk(q.having.get(), ctes);
    for (const OrderItem& o : q.order_by) Walk(o.expr.get(), ctes);
  }

  std::vector<NameRef> names;

 private:
  void Add(const std::string& name, int location, const std::set<std::string>& ctes) {
    if (ctes.contains(name)) return;
    for (const NameRef& n : names) {
      if (n.name == name) return;
    }
    names.push_back(NameRef{name, location});
  }

  void Walk(const ParsedExpr* e, const std::set<std::string>& ctes) {
    if (e == nullptr) return;
    if (e->kind == ExprKind::kSubLink) {
      Walk(e->As<SubLink>().test.get(), ctes);
      Query(*e->As<SubLink>().query, ctes);
      return;
    }
    ForEachChild(*e, [&](const ParsedExpr& child) { Walk(&child, ctes); });
  }

  void From(const TableRef& t, const std::set<std::string>& ctes) {
    switch (t.kind) {
      case TableRefKind::kTable:
        Add(t.As<TableName>().name, t.location, ctes);
        break;
      case TableRefKind::kSubquery:
        Query(*t.As<SubqueryRef>().query, ctes);
        break;
      case TableRefKind::kJoin:
        From(*t.As<JoinRef>().left, ctes);
        From(*t.As<JoinRef>().right, ctes);
        Walk(t.As<JoinRef>().on.get(), ctes);
        break;
      case TableRefKind::kTableFunction: {
        const FunctionCall& call = *t.As<TableFunctionRef>().call;
        if (IsWindowFunction(call) && !call.args.empty() &&
            call.args[0]->kind == ExprKind::kColumnRef &&
            call.args[0]->As<ColumnRef>().names.size() == 1) {
          Add(call.args[0]->As<ColumnRef>().names[0], call.args[0]->location, ctes);
        }
        break;
      }
    }
  }
};

// The single relation a simple SELECT reads, with the name its columns are qualified by.
struct SimpleSource {
  CatalogObjectPtr object;
  const std::vector<CatalogColumn>* columns = nullptr;
  std::string qualifier;
};

std::optional<SimpleSource> SimpleSourceOf(const Query& q, const Catalog& catalog) {
  if (q.kind != QueryKind::kSelect || !q.with.empty() || q.from.size() != 1 ||
      q.from[0]->kind != TableRefKind::kTable) {
    return std::nullopt;
  }
  const TableName& t = q.from[0]->As<TableName>();
  if (t.alias && !t.alias->columns.empty()) return std::nullopt;
  SimpleSource source;
  source.object = catalog.Find(t.name);
  if (source.object == nullptr) return std::nullopt;
  if (const TableDefinition* table = source.object->table()) {
    source.columns = &table->columns;
  } else if (!source.object->view()->columns.empty()) {
    source.columns = &source.object->view()->columns;
  } else {
    return std::nullopt;
  }
  source.qualifier = t.alias ? t.alias->name : t.name;
  return source;
}

const CatalogColumn* FindColumn(const SimpleSource& s, const std::string& name) {
  for (const CatalogColumn& c : *s.columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Checks column references outside subqueries (this AST has none inside expressions).
class ColumnChecker {
 public:
  ColumnChecker(const SimpleSource& source, const Statement& statement,
                std::set<std::string> output_names)
      : source_(source), statement_(statement), output_names_(std::move(output_names)) {}

  Status ParsedExpr(const sql::ParsedExpr* e, bool allow_output_names) {
    if (e == nullptr) return absl::OkStatus();
    switch (e->kind) {
      case ExprKind::kColumnRef:
        return Column(e->As<ColumnRef>(), allow_output_names);
      case ExprKind::kOperator:
        RETURN_IF_ERROR(ParsedExpr(e->As<Operator>().left.get(), false));
        return ParsedExpr(e->As<Operator>().right.get(), false);
      case ExprKind::kBoolean:
        for (const ParsedExprPtr& a : e->As<BooleanExpr>().args)
          RETURN_IF_ERROR(ParsedExpr(a.get(), false));
        return absl::OkStatus();
      case ExprKind::kFunctionCall: {
        const FunctionCall& f = e->As<FunctionCall>();
        for (const ParsedExprPtr& a : f.args) RETURN_IF_ERROR(ParsedExpr(a.get(), false));
        RETURN_IF_ERROR(ParsedExpr(f.filter.get(), false));
        for (const OrderItem& o : f.order_by) RETURN_IF_ERROR(ParsedExpr(o.expr.get(), false));
        if (f.over) {
          for (const ParsedExprPtr& p : f.over->partition_by)
            RETURN_IF_ERROR(ParsedExpr(p.get(), false));
          for (const OrderItem& o : f.over->order_by)
            RETURN_IF_ERROR(ParsedExpr(o.expr.get(), false));
        }
        return absl::OkStatus();
      }
      case ExprKind::kCase: {
        const CaseExpr& c = e->As<CaseExpr>();
        RETURN_IF_ERROR(ParsedExpr(c.operand.get(), false));
        for (const CaseWhen& w : c.whens) {
          RETURN_IF_ERROR(ParsedExpr(w.condition.get(), false));
          RETURN_IF_ERROR(ParsedExpr(w.result.get(), false));
        }
        return ParsedExpr(c.else_result.get(), false);
      }
      case ExprKind::kCast:
        return ParsedExpr(e->As<Cast>().expr.get(), false);
      case ExprKind::kInList:
        RETURN_IF_ERROR(ParsedExpr(e->As<InList>().expr.get(), false));
        for (const ParsedExprPtr& a : e->As<InList>().list)
          RETURN_IF_ERROR(ParsedExpr(a.get(), false));
        return absl::OkStatus();
      case ExprKind::kBetween:
        RETURN_IF_ERROR(ParsedExpr(e->As<Between>().expr.get(), false));
        RETURN_IF_ERROR(ParsedExpr(e->As<Between>().low.get(), false));
        return ParsedExpr(e->As<Between>().high.get(), false);
      case ExprKind::kLike:
        RETURN_IF_ERROR(ParsedExpr(e->As<Like>().expr.get(), false));
        RETURN_IF_ERROR(ParsedExpr(e->As<Like>().pattern.get(), false));
        return ParsedExpr(e->As<Like>().escape.get(), false);
      case ExprKind::kNullTest:
        return ParsedExpr(e->As<NullTest>().expr.get(), false);
      case ExprKind::kBooleanTest:
        return ParsedExpr(e->As<BooleanTest>().expr.get(), false);
      case ExprKind::kIsDistinct:
        RETURN_IF_ERROR(ParsedExpr(e->As<IsDistinct>().left.get(), false));
        return ParsedExpr(e->As<IsDistinct>().right.get(), false);
      default:
        return absl::OkStatus();
    }
  }

 private:
  Status Column(const ColumnRef& ref, bool allow_output_names) {
    std::string name;
    if (ref.names.size() == 1) {
      name = ref.names[0];
      // ORDER BY and GROUP BY may name output columns (PostgreSQL's rule).
      if (allow_output_names && output_names_.contains(name)) return absl::OkStatus();
    } else if (ref.names.size() == 2 && ref.names[0] == source_.qualifier) {
      name = ref.names[1];
    } else {
      return absl::OkStatus();  // other qualifiers: left to the binder
    }
    if (FindColumn(source_, name) != nullptr) return absl::OkStatus();
    return statement_.ErrorAt(
        SqlError(sqlstate::kUndefinedColumn, fmt::format("column \"{}\" does not exist", name)),
        ref.location);
  }

  const SimpleSource& source_;
  const Statement& statement_;
  std::set<std::string> output_names_;
};

}  // namespace

std::vector<NameRef> ReferencedRelations(const Query& query) {
  RelationCollector collector;
  collector.Query(query, {});
  return std::move(collector.names);
}

Status CheckColumnNames(const Query& q, const Catalog& catalog, const Statement& statement) {
  std::optional<SimpleSource> source = SimpleSourceOf(q, catalog);
  if (!source) return absl::OkStatus();
  std::set<std::string> output_names;
  for (const SelectItem& item : q.select_list) {
    if (item.alias) output_names.insert(*item.alias);
  }
  ColumnChecker checker(*source, statement, output_names);
  for (const SelectItem& item : q.select_list) {
    RETURN_IF_ERROR(checker.ParsedExpr(item.expr.get(), false));
  }
  RETURN_IF_ERROR(checker.ParsedExpr(q.where.get(), false));
  for (const ParsedExprPtr& g : q.group_by) RETURN_IF_ERROR(checker.ParsedExpr(g.get(), true));
  RETURN_IF_ERROR(checker.ParsedExpr(q.having.get(), false));
  for (const OrderItem& o : q.order_by) RETURN_IF_ERROR(checker.ParsedExpr(o.expr.get(), true));
  return absl::OkStatus();
}

std::optional<std::vector<CatalogColumn>> SimpleOutputColumns(const Query& q,
                                                              const Catalog& catalog) {
  std::optional<SimpleSource> source = SimpleSourceOf(q, catalog);
  if (!source || q.distinct || !q.group_by.empty() || q.having) return std::nullopt;
  std::vector<CatalogColumn> out;
  for (const SelectItem& item : q.select_list) {
    if (item.expr->kind == ExprKind::kStar) {
      const Star& star = item.expr->As<Star>();
      if (!star.qualifier.empty() &&
          (star.qualifier.size() != 1 || star.qualifier[0] != source->qualifier)) {
        return std::nullopt;
      }
      out.insert(out.end(), source->columns->begin(), source->columns->end());
      continue;
    }
    if (item.expr->kind != ExprKind::kColumnRef) return std::nullopt;
    const ColumnRef& ref = item.expr->As<ColumnRef>();
    if (ref.names.size() == 2 && ref.names[0] != source->qualifier) return std::nullopt;
    if (ref.names.size() > 2) return std::nullopt;
    const CatalogColumn* col = FindColumn(*source, ref.names.back());
    if (col == nullptr) return std::nullopt;
    CatalogColumn c = *col;
    if (item.alias) c.name = *item.alias;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace oxbow::sql
