#include "sql/plan.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "base/logging.h"
#include "fmt/format.h"

namespace oxbow::sql {
namespace {

PlanPtr NewNode(PlanOp op, std::vector<PlanPtr> inputs) {
  auto node = std::make_unique<PlanNode>();
  node->op = std::move(op);
  node->inputs = std::move(inputs);
  return node;
}

bool IsNonNullConstant(const Expr& e) {
  return e.kind == Expr::Kind::kConstant && !e.constant.is_null();
}

// Schema, key and append_only of each kind from its inputs (already derived).
struct Deriver {
  PlanNode& node;

  const PlanNode& in(size_t i) const { return *node.inputs[i]; }

  void operator()(ScanOp& s) {
    node.schema.clear();
    for (int c : s.columns) node.schema.push_back(s.relation_columns[c]);
    node.key.clear();
    for (int k : s.relation_key) {
      auto it = std::find(s.columns.begin(), s.columns.end(), k);
      if (it == s.columns.end()) {
        node.key.clear();
        break;
      }
      node.key.push_back(static_cast<int>(it - s.columns.begin()));
    }
    node.append_only = s.relation_append_only;
  }
  void operator()(ValuesOp&) {
    node.key.clear();
    node.append_only = true;
  }
  void operator()(FilterOp&) { Passthrough(); }
  void operator()(SortOp&) { Passthrough(); }
  void operator()(LimitOp&) { Passthrough(); }
  void operator()(ProjectOp& p) {
    std::vector<PlanColumn> schema;
    for (size_t i = 0; i < p.exprs.size(); ++i) {
      const Expr& e = *p.exprs[i];
      PlanColumn c;
      c.name = i < node.schema.size() ? node.schema[i].name : fmt::format("column{}", i + 1);
      c.type = e.type;
      c.nullable = e.kind == Expr::Kind::kColumnRef ? in(0).schema[e.column].nullable
                                                    : !IsNonNullConstant(e);
      if (e.kind == Expr::Kind::kColumnRef) {
        c.fields = in(0).schema[e.column].fields;
      } else if (i < node.schema.size()) {
        c.fields = node.schema[i].fields;  // a composite the binder built
      }
      schema.push_back(std::move(c));
    }
    node.schema = std::move(schema);
    node.key.clear();
    for (int k : in(0).key) {
      auto it = std::find_if(p.exprs.begin(), p.exprs.end(), [&](const ExprPtr& e) {
        return e->kind == Expr::Kind::kColumnRef && e->column == k;
      });
      if (it == p.exprs.end()) {
        node.key.clear();
        break;
      }
      node.key.push_back(static_cast<int>(it - p.exprs.begin()));
    }
    node.append_only = in(0).append_only;
  }
  void operator()(AggregateOp& a) {
    std::vector<PlanColumn> schema;
    for (int k : a.group_keys) schema.push_back(in(0).schema[k]);
    for (size_t i = 0; i < a.calls.size(); ++i) {
      const AggregateCall& call = a.calls[i];
      size_t at = a.group_keys.size() + i;
      PlanColumn c;
      c.name = at < node.schema.size() ? node.schema[at].name : call.function.name;
      c.type = call.function.return_type;
      c.nullable = call.function.name != "count";
      schema.push_back(std::move(c));
    }
    node.schema = std::move(schema);
    node.key.clear();
    for (size_t i = 0; i < a.group_keys.size(); ++i) node.key.push_back(static_cast<int>(i));
    node.append_only = false;
  }
  // Whether `n` reads a named changelog relation (a table with a key or a materialized view),
  // through filters and projections: what a stream–table join probes.
  static bool IsNamedChangelog(const PlanNode& n) {
    if (n.As<FilterOp>() != nullptr || n.As<ProjectOp>() != nullptr) {
      return IsNamedChangelog(*n.inputs[0]);
    }
    return n.As<ScanOp>() != nullptr && !n.append_only;
  }
  void operator()(JoinOp& j) {
    const PlanNode& l = in(0);
    const PlanNode& r = in(1);
    node.schema = l.schema;
    for (PlanColumn c : r.schema) {
      if (j.kind == JoinKind::kLeft) c.nullable = true;
      node.schema.push_back(std::move(c));
    }
    // A stream probing a changelog table (or materialized view): the temporal join (see
    // JoinOp::temporal). A stream joined with a changelog computed in the query itself (an
    // aggregate, a join) is a regular join: its result is the query's, as a batch would give.
    j.temporal = l.append_only && !r.append_only && IsNamedChangelog(r);
    node.key.clear();
    if (!l.key.empty() && !r.key.empty() && !j.temporal) {
      node.key = l.key;
      for (int k : r.key) node.key.push_back(k + static_cast<int>(l.schema.size()));
    }
    node.append_only = j.temporal || (l.append_only && r.append_only && j.kind == JoinKind::kInner);
  }
  void operator()(UnionAllOp&) {
    node.schema = in(0).schema;
    for (size_t i = 0; i < node.schema.size(); ++i) {
      node.schema[i].nullable = node.schema[i].nullable || in(1).schema[i].nullable;
    }
    node.key.clear();
    node.append_only = in(0).append_only && in(1).append_only;
  }
  void operator()(DistinctOp&) {
    node.schema = in(0).schema;
    node.key.clear();
    for (size_t i = 0; i < node.schema.size(); ++i) node.key.push_back(static_cast<int>(i));
    // The first occurrence of a row is inserted, later ones change nothing: without deletes
    // in the input, nothing is ever retracted.
    node.append_only = in(0).append_only;
  }
  void operator()(TopNOp& t) {
    std::string rn = node.schema.size() > in(0).schema.size() ? node.schema.back().name
                                                              : std::string("row_number");
    node.schema = in(0).schema;
    node.schema.push_back(PlanColumn{rn, Type::Int64(), false});
    node.key = t.partition_by;
    node.key.push_back(static_cast<int>(in(0).schema.size()));
    node.append_only = false;
  }
  void operator()(ProjectSetOp& p) {
    node.schema = in(0).schema;
    for (const SetFunctionCall& call : p.calls) {
      for (PlanColumn c : call.columns) {
        c.nullable = true;  // lockstep pads shorter functions with NULLs
        node.schema.push_back(std::move(c));
      }
    }
    node.key.clear();  // an input row becomes several
    node.append_only = in(0).append_only;
  }
  void operator()(WindowTvfOp& w) {
    node.schema = in(0).schema;
    Type t = in(0).schema[w.time_column].type;
    node.schema.push_back(PlanColumn{"window_start", t, false});
    node.schema.push_back(PlanColumn{"window_end", t, false});
    node.key.clear();
    if (w.window != WindowKind::kSession && !in(0).key.empty()) {
      node.key = in(0).key;
      node.key.push_back(static_cast<int>(in(0).schema.size()));
    }
    // Sessions merge as later rows arrive, retracting the sessions they replace.
    node.append_only = w.window != WindowKind::kSession && in(0).append_only;
  }

  void Passthrough() {
    node.schema = in(0).schema;
    node.key = in(0).key;
    node.append_only = in(0).append_only;
  }
};

}  // namespace

std::string_view PlanNode::name() const {
  static constexpr std::string_view kNames[] = {
      "Scan",     "Values", "Filter",    "Project", "Aggregate", "Join",      "UnionAll",
      "Distinct", "TopN",   "WindowTVF", "Sort",    "Limit",     "ProjectSet"};
  return kNames[op.index()];
}

void Rederive(PlanNode& node) { std::visit(Deriver{node}, node.op); }

PlanPtr MakeScan(ScanOp scan) {
  auto node = NewNode(std::move(scan), {});
  Rederive(*node);
  return node;
}

namespace {

template <typename T>
T CloneOp(const T& op) {
  return op;
}
std::vector<ExprPtr> CloneExprs(const std::vector<ExprPtr>& exprs) {
  std::vector<ExprPtr> out;
  for (const ExprPtr& e : exprs) out.push_back(e ? e->Clone() : nullptr);
  return out;
}
ScanOp CloneOp(const ScanOp& op) {
  ScanOp out;
  out.source = op.source;
  out.relation = op.relation;
  out.topic = op.topic;
  out.format = op.format;
  out.columns = op.columns;
  out.filter = op.filter ? op.filter->Clone() : nullptr;
  out.relation_columns = op.relation_columns;
  out.relation_key = op.relation_key;
  out.relation_append_only = op.relation_append_only;
  return out;
}
ValuesOp CloneOp(const ValuesOp& op) {
  ValuesOp out;
  for (const std::vector<ExprPtr>& row : op.rows) out.rows.push_back(CloneExprs(row));
  out.series = CloneExprs(op.series);
  out.unnest = op.unnest;
  return out;
}
FilterOp CloneOp(const FilterOp& op) { return FilterOp{op.predicate->Clone()}; }
ProjectOp CloneOp(const ProjectOp& op) { return ProjectOp{CloneExprs(op.exprs)}; }
ProjectSetOp CloneOp(const ProjectSetOp& op) {
  ProjectSetOp out;
  for (const SetFunctionCall& c : op.calls) {
    out.calls.push_back(SetFunctionCall{c.kind, CloneExprs(c.args), c.columns});
  }
  return out;
}
JoinOp CloneOp(const JoinOp& op) {
  JoinOp out;
  out.kind = op.kind;
  out.left_keys = CloneExprs(op.left_keys);
  out.right_keys = CloneExprs(op.right_keys);
  out.residual = op.residual ? op.residual->Clone() : nullptr;
  out.location = op.location;
  out.temporal = op.temporal;
  return out;
}

}  // namespace

PlanPtr ClonePlan(const PlanNode& plan) {
  auto out = std::make_unique<PlanNode>();
  out->op = std::visit([](const auto& op) -> PlanOp { return CloneOp(op); }, plan.op);
  for (const PlanPtr& in : plan.inputs) out->inputs.push_back(ClonePlan(*in));
  out->schema = plan.schema;
  out->key = plan.key;
  out->append_only = plan.append_only;
  return out;
}

PlanPtr MakeValues(std::vector<std::vector<ExprPtr>> rows, std::vector<PlanColumn> schema) {
  ValuesOp values;
  values.rows = std::move(rows);
  auto node = NewNode(std::move(values), {});
  node->schema = std::move(schema);
  Rederive(*node);
  return node;
}

namespace {
PlanPtr Unary(PlanOp op, PlanPtr input) {
  std::vector<PlanPtr> inputs;
  inputs.push_back(std::move(input));
  auto node = NewNode(std::move(op), std::move(inputs));
  Rederive(*node);
  return node;
}
}  // namespace

PlanPtr MakeFilter(PlanPtr input, ExprPtr predicate) {
  return Unary(FilterOp{std::move(predicate)}, std::move(input));
}

PlanPtr MakeProject(PlanPtr input, std::vector<ExprPtr> exprs, std::vector<std::string> names) {
  std::vector<PlanPtr> inputs;
  inputs.push_back(std::move(input));
  auto node = NewNode(ProjectOp{std::move(exprs)}, std::move(inputs));
  for (std::string& n : names) node->schema.push_back(PlanColumn{std::move(n), Type(), true});
  Rederive(*node);
  return node;
}

PlanPtr MakeAggregate(PlanPtr input, std::vector<int> group_keys, std::vector<AggregateCall> calls,
                      std::vector<std::string> call_names) {
  std::vector<PlanPtr> inputs;
  inputs.push_back(std::move(input));
  size_t keys = group_keys.size();
  auto node = NewNode(AggregateOp{std::move(group_keys), std::move(calls)}, std::move(inputs));
  node->schema.resize(keys);
  for (std::string& n : call_names) node->schema.push_back(PlanColumn{std::move(n), Type(), true});
  Rederive(*node);
  return node;
}

PlanPtr MakeJoin(PlanPtr left, PlanPtr right, JoinOp join) {
  std::vector<PlanPtr> inputs;
  inputs.push_back(std::move(left));
  inputs.push_back(std::move(right));
  auto node = NewNode(std::move(join), std::move(inputs));
  Rederive(*node);
  return node;
}

PlanPtr MakeUnionAll(PlanPtr left, PlanPtr right) {
  std::vector<PlanPtr> inputs;
  inputs.push_back(std::move(left));
  inputs.push_back(std::move(right));
  auto node = NewNode(UnionAllOp{}, std::move(inputs));
  Rederive(*node);
  return node;
}

PlanPtr MakeDistinct(PlanPtr input) { return Unary(DistinctOp{}, std::move(input)); }

PlanPtr MakeTopN(PlanPtr input, TopNOp topn, std::string row_number_name) {
  size_t width = input->schema.size();
  auto node = Unary(std::move(topn), std::move(input));
  OXBOW_CHECK(node->schema.size() == width + 1, "TopN adds one column");
  node->schema.back().name = std::move(row_number_name);
  return node;
}

PlanPtr MakeWindowTvf(PlanPtr input, WindowTvfOp window) {
  return Unary(std::move(window), std::move(input));
}

PlanPtr MakeSort(PlanPtr input, std::vector<SortKey> keys) {
  return Unary(SortOp{std::move(keys)}, std::move(input));
}

PlanPtr MakeLimit(PlanPtr input, int64_t limit, int64_t offset) {
  return Unary(LimitOp{limit, offset}, std::move(input));
}

PlanPtr MakeProjectSet(PlanPtr input, std::vector<SetFunctionCall> calls) {
  return Unary(ProjectSetOp{std::move(calls)}, std::move(input));
}

// --- expression helpers ---

void CollectColumns(const Expr& expr, std::vector<int>& out) {
  if (expr.kind == Expr::Kind::kColumnRef) out.push_back(expr.column);
  for (const ExprPtr& a : expr.args) CollectColumns(*a, out);
}

ExprPtr RemapColumns(const Expr& expr, const std::vector<int>& mapping) {
  ExprPtr copy = expr.Clone();
  std::vector<Expr*> stack{copy.get()};
  while (!stack.empty()) {
    Expr* e = stack.back();
    stack.pop_back();
    if (e->kind == Expr::Kind::kColumnRef) {
      OXBOW_CHECK(mapping[e->column] >= 0, "RemapColumns: unmapped column");
      e->column = mapping[e->column];
    }
    for (ExprPtr& a : e->args) stack.push_back(a.get());
  }
  return copy;
}

ExprPtr SubstituteColumns(const Expr& expr, const std::vector<ExprPtr>& exprs) {
  if (expr.kind == Expr::Kind::kColumnRef) return exprs[expr.column]->Clone();
  ExprPtr copy = std::make_unique<Expr>();
  copy->kind = expr.kind;
  copy->type = expr.type;
  copy->column = expr.column;
  copy->constant = expr.constant;
  copy->function = expr.function;
  copy->cast_context = expr.cast_context;
  copy->has_else = expr.has_else;
  copy->subquery_kind = expr.subquery_kind;
  copy->subplan = expr.subplan;
  for (const ExprPtr& a : expr.args) copy->args.push_back(SubstituteColumns(*a, exprs));
  return copy;
}

std::vector<ExprPtr> SplitConjuncts(ExprPtr expr) {
  std::vector<ExprPtr> out;
  if (expr == nullptr) return out;
  if (expr->kind != Expr::Kind::kAnd) {
    out.push_back(std::move(expr));
    return out;
  }
  for (ExprPtr& a : expr->args) {
    for (ExprPtr& c : SplitConjuncts(std::move(a))) out.push_back(std::move(c));
  }
  return out;
}

ExprPtr JoinConjuncts(std::vector<ExprPtr> conjuncts) {
  if (conjuncts.empty()) return nullptr;
  if (conjuncts.size() == 1) return std::move(conjuncts[0]);
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kAnd;
  e->type = Type::Bool();
  e->args = std::move(conjuncts);
  return e;
}

// --- EXPLAIN ---

namespace {

// Expr::ToString with `#n` replaced by the column's name (outside quoted constants).
std::string Named(const Expr& expr, const std::vector<PlanColumn>& schema) {
  std::string text = expr.ToString();
  std::string out;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\'') quoted = !quoted;
    if (c == '#' && !quoted && i + 1 < text.size() && std::isdigit(text[i + 1])) {
      size_t j = i + 1;
      int n = 0;
      while (j < text.size() && std::isdigit(text[j])) n = n * 10 + (text[j++] - '0');
      out += n < static_cast<int>(schema.size()) ? schema[n].name : fmt::format("#{}", n);
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}

std::string Columns(const std::vector<int>& cols, const std::vector<PlanColumn>& schema) {
  std::vector<std::string> names;
  for (int c : cols) names.push_back(schema[c].name);
  return absl::StrJoin(names, ", ");
}

std::string SortKeys(const std::vector<SortKey>& keys, const std::vector<PlanColumn>& schema) {
  std::vector<std::string> parts;
  for (const SortKey& k : keys) {
    parts.push_back(fmt::format(
        "{}{}{}", schema[k.column].name, k.descending ? " DESC" : "",
        k.nulls_first != k.descending ? (k.nulls_first ? " NULLS FIRST" : " NULLS LAST") : ""));
  }
  return absl::StrJoin(parts, ", ");
}

std::string IntervalText(const Interval& i) { return FormatInterval(i); }

std::string Details(const PlanNode& node) {
  const std::vector<PlanColumn>* in = node.inputs.empty() ? nullptr : &node.inputs[0]->schema;
  std::vector<std::string> parts;
  if (const ScanOp* s = node.As<ScanOp>()) {
    static constexpr std::string_view kSources[] = {"stream", "changelog table",
                                                    "materialized view"};
    std::string source(kSources[static_cast<int>(s->source)]);
    if (s->source != ScanOp::Source::kMaterializedView) {
      source += fmt::format(", topic {}, {}", s->topic, TableFormatName(s->format));
    }
    parts.push_back(fmt::format("{} ({})", s->relation, source));
    std::vector<std::string> cols;
    for (const PlanColumn& c : node.schema) cols.push_back(c.name);
    parts.push_back(fmt::format("columns: {}", absl::StrJoin(cols, ", ")));
    if (s->filter) parts.push_back(fmt::format("filter: {}", Named(*s->filter, node.schema)));
  } else if (const ValuesOp* v = node.As<ValuesOp>()) {
    parts.push_back(v->series.empty() ? fmt::format("{} rows", v->rows.size())
                    : v->unnest       ? std::string("unnest")
                                      : std::string("generate_series"));
  } else if (const FilterOp* f = node.As<FilterOp>()) {
    parts.push_back(Named(*f->predicate, *in));
  } else if (const ProjectOp* p = node.As<ProjectOp>()) {
    std::vector<std::string> items;
    for (size_t i = 0; i < p->exprs.size(); ++i) {
      std::string e = Named(*p->exprs[i], *in);
      items.push_back(e == node.schema[i].name ? e
                                               : fmt::format("{} AS {}", e, node.schema[i].name));
    }
    parts.push_back(absl::StrJoin(items, ", "));
  } else if (const ProjectSetOp* ps = node.As<ProjectSetOp>()) {
    static constexpr std::string_view kNames[] = {"unnest", "generate_series",
                                                  "information_schema._pg_expandarray"};
    std::vector<std::string> calls;
    for (const SetFunctionCall& c : ps->calls) {
      std::vector<std::string> args;
      for (const ExprPtr& a : c.args) args.push_back(Named(*a, *in));
      calls.push_back(
          fmt::format("{}({})", kNames[static_cast<int>(c.kind)], absl::StrJoin(args, ", ")));
    }
    parts.push_back(absl::StrJoin(calls, ", "));
  } else if (const AggregateOp* a = node.As<AggregateOp>()) {
    if (!a->group_keys.empty())
      parts.push_back(fmt::format("group: {}", Columns(a->group_keys, *in)));
    std::vector<std::string> calls;
    for (const AggregateCall& c : a->calls) {
      std::string args = c.args.empty() && c.function.name == "count" ? "*" : Columns(c.args, *in);
      calls.push_back(
          fmt::format("{}({}{}){}", c.function.name, c.function.distinct ? "DISTINCT " : "", args,
                      c.filter >= 0 ? fmt::format(" FILTER ({})", (*in)[c.filter].name) : ""));
    }
    parts.push_back(fmt::format("calls: {}", absl::StrJoin(calls, ", ")));
  } else if (const JoinOp* j = node.As<JoinOp>()) {
    std::vector<PlanColumn> both = node.inputs[0]->schema;
    both.insert(both.end(), node.inputs[1]->schema.begin(), node.inputs[1]->schema.end());
    parts.push_back(j->kind == JoinKind::kInner ? "inner" : "left");
    if (j->temporal) parts.push_back("temporal");
    std::vector<std::string> keys;
    for (size_t i = 0; i < j->left_keys.size(); ++i) {
      keys.push_back(fmt::format("{} = {}", Named(*j->left_keys[i], node.inputs[0]->schema),
                                 Named(*j->right_keys[i], node.inputs[1]->schema)));
    }
    parts.push_back(fmt::format("on: {}", absl::StrJoin(keys, " AND ")));
    if (j->residual) parts.push_back(fmt::format("residual: {}", Named(*j->residual, both)));
  } else if (const TopNOp* t = node.As<TopNOp>()) {
    if (!t->partition_by.empty()) {
      parts.push_back(fmt::format("partition: {}", Columns(t->partition_by, *in)));
    }
    parts.push_back(fmt::format("order: {}", SortKeys(t->order_by, *in)));
    parts.push_back(fmt::format("limit: {}", t->limit));
  } else if (const WindowTvfOp* w = node.As<WindowTvfOp>()) {
    std::string time = (*in)[w->time_column].name;
    switch (w->window) {
      case WindowKind::kTumble:
        parts.push_back(fmt::format("TUMBLE({}, '{}')", time, IntervalText(w->size)));
        break;
      case WindowKind::kHop:
        parts.push_back(fmt::format("HOP({}, slide '{}', size '{}')", time, IntervalText(w->slide),
                                    IntervalText(w->size)));
        break;
      case WindowKind::kSession:
        parts.push_back(fmt::format("SESSION({}, gap '{}')", time, IntervalText(w->size)));
        break;
    }
  } else if (const SortOp* s = node.As<SortOp>()) {
    parts.push_back(SortKeys(s->keys, *in));
  } else if (const LimitOp* l = node.As<LimitOp>()) {
    if (l->limit >= 0) parts.push_back(fmt::format("limit: {}", l->limit));
    if (l->offset > 0) parts.push_back(fmt::format("offset: {}", l->offset));
  }
  if (!node.key.empty()) parts.push_back(fmt::format("key: ({})", Columns(node.key, node.schema)));
  parts.push_back(node.append_only ? "append-only" : "changelog");
  return absl::StrJoin(parts, "  ");
}

void Explain(const PlanNode& node, int depth, std::vector<std::string>& lines) {
  std::string prefix = depth == 0 ? "" : std::string(6 * (depth - 1) + 2, ' ') + "->  ";
  lines.push_back(fmt::format("{}{}  {}", prefix, node.name(), Details(node)));
  for (const PlanPtr& in : node.inputs) Explain(*in, depth + 1, lines);
}

}  // namespace

std::vector<std::string> ExplainPlan(const PlanNode& plan) {
  std::vector<std::string> lines;
  Explain(plan, 0, lines);
  return lines;
}

}  // namespace oxbow::sql
