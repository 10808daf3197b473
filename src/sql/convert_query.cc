// Queries: SelectStmt (SELECT, VALUES, UNION) and FROM items → ast.h.
#include "fmt/format.h"
#include "sql/convert_internal.h"
#include "sql/sql_error.h"

namespace oxbow::sql::internal {
namespace {

std::optional<Alias> ConvertAlias(const pg_query::Alias& alias) {
  Alias out;
  out.name = alias.aliasname();
  for (const pg_query::Node& c : alias.colnames()) out.columns.push_back(StringOf(c));
  return out;
}

class QueryConverter {
 public:
  explicit QueryConverter(Converter& cv) : cv_(cv) {}

  Result<std::unique_ptr<Query>> Convert(const pg_query::SelectStmt& s) {
    RETURN_IF_ERROR(CheckUnsupported(s));
    std::unique_ptr<Query> q;
    switch (s.op()) {
      case pg_query::SETOP_UNION: {
        q = std::make_unique<Query>();
        q->kind = QueryKind::kUnion;
        q->union_all = s.all();
        ASSIGN_OR_RETURN(q->left, Convert(s.larg()));
        ASSIGN_OR_RETURN(q->right, Convert(s.rarg()));
        break;
      }
      case pg_query::SETOP_INTERSECT:
        return cv_.Unsupported("INTERSECT", FirstLocation(s));
      case pg_query::SETOP_EXCEPT:
        return cv_.Unsupported("EXCEPT", FirstLocation(s));
      default:
        if (s.values_lists_size() > 0) {
          ASSIGN_OR_RETURN(q, Values(s));
        } else {
          ASSIGN_OR_RETURN(q, Select(s));
        }
    }
    if (s.has_with_clause()) {
      ASSIGN_OR_RETURN(q->with, With(s.with_clause()));
    }
    ASSIGN_OR_RETURN(q->order_by, cv_.ConvertOrderBy(s.sort_clause()));
    if (s.has_limit_count() && !IsNullConstant(s.limit_count())) {
      ASSIGN_OR_RETURN(q->limit, cv_.ConvertExpr(s.limit_count()));
    }
    if (s.has_limit_offset()) {
      ASSIGN_OR_RETURN(q->offset, cv_.ConvertExpr(s.limit_offset()));
    }
    return q;
  }

 private:
  static bool IsNullConstant(const pg_query::Node& n) {
    return n.has_a_const() && n.a_const().isnull();
  }

  // A location to point at for errors about a whole query block.
  int FirstLocation(const pg_query::SelectStmt& s) const {
    if (s.target_list_size() > 0) return NodeLocation(s.target_list(0));
    if (s.has_larg()) return FirstLocation(s.larg());
    return -1;
  }

  Status CheckUnsupported(const pg_query::SelectStmt& s) {
    if (s.has_into_clause()) return cv_.Unsupported("SELECT INTO", FirstLocation(s));
    if (s.locking_clause_size() > 0) {
      return cv_.Unsupported("FOR UPDATE/SHARE", FirstLocation(s));
    }
    if (s.window_clause_size() > 0) {
      return cv_.Unsupported("WINDOW clauses", NodeLocation(s.window_clause(0)));
    }
    if (s.limit_option() == pg_query::LIMIT_OPTION_WITH_TIES) {
      return cv_.Unsupported("FETCH … WITH TIES", NodeLocation(s.limit_count()));
    }
    if (s.group_distinct()) return cv_.Unsupported("GROUP BY DISTINCT", FirstLocation(s));
    for (const pg_query::Node& g : s.group_clause()) {
      if (g.has_grouping_set()) {
        return cv_.Unsupported("GROUPING SETS, ROLLUP and CUBE", g.grouping_set().location());
      }
    }
    return absl::OkStatus();
  }

  Result<std::unique_ptr<Query>> Values(const pg_query::SelectStmt& s) {
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kValues;
    for (const pg_query::Node& row : s.values_lists()) {
      if (!row.has_list()) return cv_.UnsupportedNode(row, NodeLocation(row));
      ASSIGN_OR_RETURN(std::vector<ParsedExprPtr> exprs, cv_.ConvertExprList(row.list().items()));
      if (!q->values.empty() && exprs.size() != q->values[0].size()) {
        return cv_.Error(sqlstate::kSyntaxError, "VALUES lists must all be the same length",
                         NodeLocation(row.list().items(0)));
      }
      q->values.push_back(std::move(exprs));
    }
    if (!q->values.empty() && !q->values[0].empty()) q->location = q->values[0][0]->location;
    return q;
  }

  Result<std::unique_ptr<Query>> Select(const pg_query::SelectStmt& s) {
    auto q = std::make_unique<Query>();
    q->kind = QueryKind::kSelect;
    if (s.distinct_clause_size() > 0) {
      // DISTINCT is a list holding one empty node; DISTINCT ON (…) lists its expressions.
      if (s.distinct_clause_size() == 1 &&
          s.distinct_clause(0).node_case() == pg_query::Node::NODE_NOT_SET) {
        q->distinct = true;
      } else {
        return cv_.Unsupported("DISTINCT ON", NodeLocation(s.distinct_clause(0)));
      }
    }
    for (const pg_query::Node& t : s.target_list()) {
      if (!t.has_res_target()) return cv_.UnsupportedNode(t, NodeLocation(t));
      const pg_query::ResTarget& rt = t.res_target();
      SelectItem item;
      ASSIGN_OR_RETURN(item.expr, cv_.ConvertExpr(rt.val()));
      if (!rt.name().empty()) item.alias = rt.name();
      item.location = cv_.Loc(rt.location());
      q->select_list.push_back(std::move(item));
    }
    if (!q->select_list.empty()) q->location = q->select_list[0].location;
    for (const pg_query::Node& f : s.from_clause()) {
      ASSIGN_OR_RETURN(TableRefPtr ref, FromItem(f));
      q->from.push_back(std::move(ref));
    }
    if (s.has_where_clause()) {
      ASSIGN_OR_RETURN(q->where, cv_.ConvertExpr(s.where_clause()));
    }
    ASSIGN_OR_RETURN(q->group_by, cv_.ConvertExprList(s.group_clause()));
    if (s.has_having_clause()) {
      ASSIGN_OR_RETURN(q->having, cv_.ConvertExpr(s.having_clause()));
    }
    return q;
  }

  Result<std::vector<CommonTableExpr>> With(const pg_query::WithClause& w) {
    if (w.recursive()) return cv_.Unsupported("WITH RECURSIVE", w.location());
    std::vector<CommonTableExpr> out;
    for (const pg_query::Node& n : w.ctes()) {
      if (!n.has_common_table_expr()) return cv_.UnsupportedNode(n, NodeLocation(n));
      const pg_query::CommonTableExpr& cte = n.common_table_expr();
      if (cte.has_search_clause() || cte.has_cycle_clause()) {
        return cv_.Unsupported("SEARCH and CYCLE clauses", cte.location());
      }
      if (!cte.ctequery().has_select_stmt()) {
        return cv_.Unsupported("data-modifying statements in WITH", cte.location());
      }
      CommonTableExpr c;
      c.name = cte.ctename();
      c.location = cv_.Loc(cte.location());
      for (const pg_query::Node& col : cte.aliascolnames()) c.columns.push_back(StringOf(col));
      ASSIGN_OR_RETURN(c.query, Convert(cte.ctequery().select_stmt()));
      out.push_back(std::move(c));
    }
    return out;
  }

  Result<TableRefPtr> FromItem(const pg_query::Node& n) {
    switch (n.node_case()) {
      case pg_query::Node::kRangeVar: {
        const pg_query::RangeVar& rv = n.range_var();
        auto t = std::make_unique<TableName>(cv_.Loc(rv.location()));
        if (rv.catalogname().empty() &&
            (rv.schemaname() == "pg_catalog" || rv.schemaname() == "information_schema")) {
          // The system schemas' virtual tables (the binder resolves them).
          t->schema = rv.schemaname();
          t->name = rv.relname();
        } else {
          ASSIGN_OR_RETURN(NameRef name, cv_.ConvertRelationName(rv));
          t->name = std::move(name.name);
        }
        if (rv.has_alias()) t->alias = ConvertAlias(rv.alias());
        return TableRefPtr(std::move(t));
      }
      case pg_query::Node::kRangeSubselect: {
        const pg_query::RangeSubselect& rs = n.range_subselect();
        int loc = NodeLocation(rs.subquery());
        if (rs.lateral()) return cv_.Unsupported("LATERAL", loc);
        if (!rs.subquery().has_select_stmt()) return cv_.UnsupportedNode(rs.subquery(), loc);
        auto t = std::make_unique<SubqueryRef>(cv_.Loc(loc));
        ASSIGN_OR_RETURN(t->query, Convert(rs.subquery().select_stmt()));
        if (rs.has_alias()) t->alias = ConvertAlias(rs.alias());
        return TableRefPtr(std::move(t));
      }
      case pg_query::Node::kJoinExpr:
        return Join(n.join_expr());
      case pg_query::Node::kRangeFunction:
        return Function(n.range_function());
      case pg_query::Node::kRangeTableSample:
        return cv_.Unsupported("TABLESAMPLE", n.range_table_sample().location());
      default:
        return cv_.UnsupportedNode(n, NodeLocation(n));
    }
  }

  Result<TableRefPtr> Join(const pg_query::JoinExpr& j) {
    int loc = NodeLocation(j.rarg());
    if (j.is_natural()) return cv_.Unsupported("NATURAL JOIN", loc);
    if (j.has_join_using_alias()) return cv_.Unsupported("USING … AS alias", loc);
    auto out = std::make_unique<JoinRef>(cv_.Loc(loc));
    switch (j.jointype()) {
      case pg_query::JOIN_INNER:
        // CROSS JOIN is an inner join without a condition.
        out->join_type =
            j.has_quals() || j.using_clause_size() > 0 ? JoinType::kInner : JoinType::kCross;
        break;
      case pg_query::JOIN_LEFT:
        out->join_type = JoinType::kLeft;
        break;
      case pg_query::JOIN_RIGHT:
        out->join_type = JoinType::kRight;
        break;
      case pg_query::JOIN_FULL:
        out->join_type = JoinType::kFull;
        break;
      default:
        return cv_.Unsupported("this join type", loc);
    }
    ASSIGN_OR_RETURN(out->left, FromItem(j.larg()));
    ASSIGN_OR_RETURN(out->right, FromItem(j.rarg()));
    if (j.has_quals()) {
      ASSIGN_OR_RETURN(out->on, cv_.ConvertExpr(j.quals()));
    }
    for (const pg_query::Node& c : j.using_clause()) out->using_columns.push_back(StringOf(c));
    if (j.has_alias()) out->alias = ConvertAlias(j.alias());
    return TableRefPtr(std::move(out));
  }

  Result<TableRefPtr> Function(const pg_query::RangeFunction& rf) {
    // functions: one List per function, holding the call and its column definition list.
    const pg_query::Node* call = nullptr;
    if (rf.functions_size() > 0 && rf.functions(0).has_list() &&
        rf.functions(0).list().items_size() > 0) {
      call = &rf.functions(0).list().items(0);
    }
    int loc = call ? NodeLocation(*call) : -1;
    if (rf.lateral()) return cv_.Unsupported("LATERAL", loc);
    if (rf.ordinality()) return cv_.Unsupported("WITH ORDINALITY", loc);
    if (rf.is_rowsfrom() || rf.functions_size() != 1) return cv_.Unsupported("ROWS FROM", loc);
    if (rf.coldeflist_size() > 0 ||
        (rf.functions(0).list().items_size() > 1 &&
         rf.functions(0).list().items(1).node_case() != pg_query::Node::NODE_NOT_SET)) {
      return cv_.Unsupported("column definition lists", loc);
    }
    if (call == nullptr || !call->has_func_call()) {
      return cv_.Unsupported("this kind of function in FROM", loc);
    }
    auto out = std::make_unique<TableFunctionRef>(cv_.Loc(loc));
    ASSIGN_OR_RETURN(out->call, cv_.ConvertFunctionCall(call->func_call()));
    if (out->call->over || out->call->star || out->call->distinct || out->call->filter) {
      return cv_.Unsupported("aggregate or window syntax in FROM", loc);
    }
    if (rf.has_alias()) out->alias = ConvertAlias(rf.alias());
    return TableRefPtr(std::move(out));
  }

  Converter& cv_;
};

}  // namespace

Result<std::unique_ptr<Query>> Converter::ConvertQuery(const pg_query::SelectStmt& select) {
  return QueryConverter(*this).Convert(select);
}

Result<std::unique_ptr<Query>> Converter::ConvertQueryNode(const pg_query::Node& node,
                                                           int location) {
  if (!node.has_select_stmt()) return UnsupportedNode(node, location);
  return ConvertQuery(node.select_stmt());
}

Result<NameRef> Converter::ConvertRelationName(const pg_query::RangeVar& rv) {
  if (!rv.catalogname().empty()) {
    return Error(sqlstate::kFeatureNotSupported,
                 fmt::format("cross-database references are not implemented: {}.{}.{}",
                             rv.catalogname(), rv.schemaname(), rv.relname()),
                 rv.location());
  }
  if (!rv.schemaname().empty() && rv.schemaname() != "public") {
    return Error(sqlstate::kInvalidSchemaName,
                 fmt::format("schema \"{}\" does not exist", rv.schemaname()), rv.location());
  }
  return NameRef{rv.relname(), Loc(rv.location())};
}

}  // namespace oxbow::sql::internal
