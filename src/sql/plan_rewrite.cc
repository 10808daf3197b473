#include "sql/plan_rewrite.h"

#include <algorithm>

#include "base/logging.h"
#include "sql/expr/evaluator.h"

namespace oxbow::sql {
namespace {

std::vector<int> ColumnsOf(const Expr& e) {
  std::vector<int> cols;
  CollectColumns(e, cols);
  return cols;
}

bool AllBelow(const std::vector<int>& cols, int limit) {
  return std::all_of(cols.begin(), cols.end(), [&](int c) { return c < limit; });
}
bool AllAtOrAbove(const std::vector<int>& cols, int limit) {
  return std::all_of(cols.begin(), cols.end(), [&](int c) { return c >= limit; });
}

PlanPtr FilterAbove(PlanPtr node, std::vector<ExprPtr> conjuncts) {
  if (conjuncts.empty()) return node;
  return MakeFilter(std::move(node), JoinConjuncts(std::move(conjuncts)));
}

// Shifts columns of `e` by -offset.
ExprPtr Shift(const Expr& e, int offset, int width) {
  std::vector<int> mapping(width, -1);
  for (int i = offset; i < width; ++i) mapping[i] = i - offset;
  return RemapColumns(e, mapping);
}

// Whether `e` is `a = b` with `a` on one side of a join (columns < left_width) and `b` on the
// other; sets the key expressions (over each side's schema) when it is.
bool EquiKey(const Expr& e, int left_width, int width, ExprPtr& left_key, ExprPtr& right_key) {
  if (e.kind != Expr::Kind::kCall || e.function == nullptr || e.function->name != "=" ||
      e.args.size() != 2) {
    return false;
  }
  std::vector<int> a = ColumnsOf(*e.args[0]);
  std::vector<int> b = ColumnsOf(*e.args[1]);
  if (a.empty() || b.empty()) return false;
  if (AllBelow(a, left_width) && AllAtOrAbove(b, left_width)) {
    left_key = e.args[0]->Clone();
    right_key = Shift(*e.args[1], left_width, width);
    return true;
  }
  if (AllBelow(b, left_width) && AllAtOrAbove(a, left_width)) {
    left_key = e.args[1]->Clone();
    right_key = Shift(*e.args[0], left_width, width);
    return true;
  }
  return false;
}

}  // namespace

PlanPtr AddJoinConditions(PlanPtr join, std::vector<ExprPtr> conjuncts, bool on_clause) {
  JoinOp& j = *join->As<JoinOp>();
  const int lw = static_cast<int>(join->inputs[0]->schema.size());
  const int width = static_cast<int>(join->schema.size());
  const bool inner = j.kind == JoinKind::kInner;
  std::vector<ExprPtr> to_left, to_right, residual, above;
  for (ExprPtr& c : conjuncts) {
    std::vector<int> cols = ColumnsOf(*c);
    ExprPtr lk, rk;
    if (!cols.empty() && AllBelow(cols, lw)) {
      // ON conditions on the left side of a LEFT join decide matching: they stay in it.
      if (inner || !on_clause) {
        to_left.push_back(std::move(c));
      } else {
        residual.push_back(std::move(c));
      }
    } else if (!cols.empty() && AllAtOrAbove(cols, lw)) {
      // WHERE conditions on the nullable side of a LEFT join also see the NULL rows.
      if (inner || on_clause) {
        to_right.push_back(Shift(*c, lw, width));
      } else {
        above.push_back(std::move(c));
      }
    } else if ((inner || on_clause) && EquiKey(*c, lw, width, lk, rk)) {
      j.left_keys.push_back(std::move(lk));
      j.right_keys.push_back(std::move(rk));
    } else if (inner || on_clause) {
      residual.push_back(std::move(c));
    } else {
      above.push_back(std::move(c));
    }
  }
  if (!residual.empty()) {
    std::vector<ExprPtr> all = SplitConjuncts(std::move(j.residual));
    for (ExprPtr& r : residual) all.push_back(std::move(r));
    j.residual = JoinConjuncts(std::move(all));
  }
  if (!to_left.empty())
    join->inputs[0] = PushFilter(std::move(join->inputs[0]), std::move(to_left));
  if (!to_right.empty()) {
    join->inputs[1] = PushFilter(std::move(join->inputs[1]), std::move(to_right));
  }
  Rederive(*join);
  return FilterAbove(std::move(join), std::move(above));
}

PlanPtr PushFilter(PlanPtr node, std::vector<ExprPtr> conjuncts) {
  if (conjuncts.empty()) return node;
  PlanNode& n = *node;
  if (FilterOp* f = n.As<FilterOp>()) {
    for (ExprPtr& c : SplitConjuncts(std::move(f->predicate))) conjuncts.push_back(std::move(c));
    return PushFilter(std::move(n.inputs[0]), std::move(conjuncts));
  }
  if (ScanOp* s = n.As<ScanOp>()) {
    std::vector<ExprPtr> all = SplitConjuncts(std::move(s->filter));
    for (ExprPtr& c : conjuncts) all.push_back(std::move(c));
    s->filter = JoinConjuncts(std::move(all));
    return node;
  }
  if (ProjectOp* p = n.As<ProjectOp>()) {
    std::vector<ExprPtr> below;
    for (ExprPtr& c : conjuncts) below.push_back(SubstituteColumns(*c, p->exprs));
    n.inputs[0] = PushFilter(std::move(n.inputs[0]), std::move(below));
    return node;
  }
  if (n.As<JoinOp>()) return AddJoinConditions(std::move(node), std::move(conjuncts), false);
  if (n.As<UnionAllOp>()) {
    std::vector<ExprPtr> copy;
    for (const ExprPtr& c : conjuncts) copy.push_back(c->Clone());
    n.inputs[0] = PushFilter(std::move(n.inputs[0]), std::move(conjuncts));
    n.inputs[1] = PushFilter(std::move(n.inputs[1]), std::move(copy));
    return node;
  }
  if (n.As<DistinctOp>() || n.As<SortOp>()) {
    n.inputs[0] = PushFilter(std::move(n.inputs[0]), std::move(conjuncts));
    return node;
  }
  // Nodes where only some conditions may move: those over `movable` output columns, mapped
  // to input columns by `mapping`.
  std::vector<int> mapping;
  if (const AggregateOp* a = n.As<AggregateOp>()) {
    mapping.assign(n.schema.size(), -1);
    for (size_t i = 0; i < a->group_keys.size(); ++i) mapping[i] = a->group_keys[i];
  } else if (n.As<WindowTvfOp>()) {
    mapping.assign(n.schema.size(), -1);
    for (size_t i = 0; i < n.inputs[0]->schema.size(); ++i) mapping[i] = static_cast<int>(i);
  } else if (const TopNOp* t = n.As<TopNOp>()) {
    mapping.assign(n.schema.size(), -1);
    for (int c : t->partition_by) mapping[c] = c;
  } else {
    return FilterAbove(std::move(node), std::move(conjuncts));
  }
  std::vector<ExprPtr> below, above;
  for (ExprPtr& c : conjuncts) {
    std::vector<int> cols = ColumnsOf(*c);
    bool movable =
        std::all_of(cols.begin(), cols.end(), [&](int col) { return mapping[col] >= 0; });
    if (movable) {
      below.push_back(RemapColumns(*c, mapping));
    } else {
      above.push_back(std::move(c));
    }
  }
  n.inputs[0] = PushFilter(std::move(n.inputs[0]), std::move(below));
  return FilterAbove(std::move(node), std::move(above));
}

namespace {

// `rn <= n`, `rn < n`, `n >= rn`, `n > rn`, `rn = 1` with rn = column `rn`: the limit.
std::optional<int64_t> RowNumberBound(const Expr& e, int rn) {
  if (e.kind != Expr::Kind::kCall || e.function == nullptr || e.args.size() != 2) {
    return std::nullopt;
  }
  auto is_rn = [&](const Expr& x) { return x.kind == Expr::Kind::kColumnRef && x.column == rn; };
  auto constant = [](const Expr& x) -> std::optional<int64_t> {
    const Expr* c = &x;
    while (c->kind == Expr::Kind::kCast && c->args.size() == 1) c = c->args[0].get();
    if (c->kind != Expr::Kind::kConstant || c->constant.is_null() || !c->type.is_integer()) {
      return std::nullopt;
    }
    return c->constant.int_value();
  };
  std::string op = e.function->name;
  std::optional<int64_t> n;
  if (is_rn(*e.args[0])) {
    n = constant(*e.args[1]);
  } else if (is_rn(*e.args[1])) {
    n = constant(*e.args[0]);
    if (op == "<")
      op = ">";
    else if (op == ">")
      op = "<";
    else if (op == "<=")
      op = ">=";
    else if (op == ">=")
      op = "<=";
  }
  if (!n) return std::nullopt;
  if (op == "<=") return *n;
  if (op == "<") return *n - 1;
  if (op == "=" && *n == 1) return 1;
  return std::nullopt;
}

PlanPtr BoundTopN(PlanPtr node) {
  for (PlanPtr& in : node->inputs) in = BoundTopN(std::move(in));
  FilterOp* f = node->As<FilterOp>();
  if (f == nullptr) return node;
  TopNOp* t = node->inputs[0]->As<TopNOp>();
  if (t == nullptr || !t->unbounded) return node;
  int rn = static_cast<int>(node->inputs[0]->schema.size()) - 1;
  std::vector<ExprPtr> rest;
  std::optional<int64_t> limit;
  for (ExprPtr& c : SplitConjuncts(std::move(f->predicate))) {
    std::optional<int64_t> bound = RowNumberBound(*c, rn);
    if (bound && (!limit || *bound < *limit)) {
      limit = bound;
    } else if (!bound) {
      rest.push_back(std::move(c));
    }
  }
  if (!limit) {
    f->predicate = JoinConjuncts(std::move(rest));
    return node;
  }
  t->limit = std::max<int64_t>(*limit, 0);
  t->unbounded = false;
  return FilterAbove(std::move(node->inputs[0]), std::move(rest));
}

PlanPtr PushAll(PlanPtr node) {
  for (PlanPtr& in : node->inputs) in = PushAll(std::move(in));
  if (FilterOp* f = node->As<FilterOp>()) {
    return PushFilter(std::move(node->inputs[0]), SplitConjuncts(std::move(f->predicate)));
  }
  return node;
}

// Projection pruning: narrows `node` to the output columns `required` (sorted, unique) and
// what its own expressions need; returns old output column → new (-1: dropped).
std::vector<int> Prune(PlanNode& node, const std::vector<int>& required);

std::vector<int> Sorted(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

std::vector<int> AllColumns(const PlanNode& node) {
  std::vector<int> all;
  for (size_t i = 0; i < node.schema.size(); ++i) all.push_back(static_cast<int>(i));
  return all;
}

std::vector<int> Identity(size_t n) {
  std::vector<int> m;
  for (size_t i = 0; i < n; ++i) m.push_back(static_cast<int>(i));
  return m;
}

// Prunes every input to all its columns (nodes whose semantics need every column).
std::vector<int> KeepAll(PlanNode& node) {
  for (PlanPtr& in : node.inputs) Prune(*in, AllColumns(*in));
  return Identity(node.schema.size());
}

std::vector<int> Prune(PlanNode& node, const std::vector<int>& required) {
  const size_t width = node.schema.size();
  if (ScanOp* s = node.As<ScanOp>()) {
    std::vector<int> used = required;
    if (s->filter) CollectColumns(*s->filter, used);
    // A changelog keeps its key: joins and aggregates above match updates by it.
    if (!node.append_only) used.insert(used.end(), node.key.begin(), node.key.end());
    used = Sorted(std::move(used));
    if (used.empty()) used.push_back(0);  // a scan yields rows, so one column
    std::vector<int> mapping(width, -1);
    std::vector<int> columns;
    for (int u : used) {
      mapping[u] = static_cast<int>(columns.size());
      columns.push_back(s->columns[u]);
    }
    s->columns = std::move(columns);
    if (s->filter) s->filter = RemapColumns(*s->filter, mapping);
    Rederive(node);
    return mapping;
  }
  if (FilterOp* f = node.As<FilterOp>()) {
    std::vector<int> need = required;
    CollectColumns(*f->predicate, need);
    std::vector<int> mapping = Prune(*node.inputs[0], Sorted(std::move(need)));
    f->predicate = RemapColumns(*f->predicate, mapping);
    Rederive(node);
    return mapping;
  }
  if (ProjectOp* p = node.As<ProjectOp>()) {
    // Rows must stay countable (count(*) above): keep at least one column.
    if (required.empty() && width > 0) return Prune(node, {0});
    std::vector<int> need;
    std::vector<ExprPtr> exprs;
    std::vector<PlanColumn> schema;
    std::vector<int> mapping(width, -1);
    for (int r : required) {
      mapping[r] = static_cast<int>(exprs.size());
      CollectColumns(*p->exprs[r], need);
      exprs.push_back(std::move(p->exprs[r]));
      schema.push_back(node.schema[r]);
    }
    std::vector<int> below = Prune(*node.inputs[0], Sorted(std::move(need)));
    for (ExprPtr& e : exprs) e = RemapColumns(*e, below);
    p->exprs = std::move(exprs);
    node.schema = std::move(schema);
    Rederive(node);
    return mapping;
  }
  if (JoinOp* j = node.As<JoinOp>()) {
    const int lw = static_cast<int>(node.inputs[0]->schema.size());
    std::vector<int> left, right;
    for (int r : required) (r < lw ? left : right).push_back(r < lw ? r : r - lw);
    for (const ExprPtr& k : j->left_keys) CollectColumns(*k, left);
    for (const ExprPtr& k : j->right_keys) CollectColumns(*k, right);
    if (j->residual) {
      std::vector<int> both;
      CollectColumns(*j->residual, both);
      for (int c : both) (c < lw ? left : right).push_back(c < lw ? c : c - lw);
    }
    std::vector<int> lm = Prune(*node.inputs[0], Sorted(std::move(left)));
    std::vector<int> rm = Prune(*node.inputs[1], Sorted(std::move(right)));
    for (ExprPtr& k : j->left_keys) k = RemapColumns(*k, lm);
    for (ExprPtr& k : j->right_keys) k = RemapColumns(*k, rm);
    const int new_lw = static_cast<int>(node.inputs[0]->schema.size());
    std::vector<int> mapping = lm;
    for (int m : rm) mapping.push_back(m < 0 ? -1 : m + new_lw);
    if (j->residual) j->residual = RemapColumns(*j->residual, mapping);
    Rederive(node);
    return mapping;
  }
  if (AggregateOp* a = node.As<AggregateOp>()) {
    std::vector<int> need = a->group_keys;
    for (const AggregateCall& c : a->calls) {
      need.insert(need.end(), c.args.begin(), c.args.end());
      if (c.filter >= 0) need.push_back(c.filter);
    }
    std::vector<int> m = Prune(*node.inputs[0], Sorted(std::move(need)));
    for (int& k : a->group_keys) k = m[k];
    for (AggregateCall& c : a->calls) {
      for (int& arg : c.args) arg = m[arg];
      if (c.filter >= 0) c.filter = m[c.filter];
    }
    Rederive(node);
    return Identity(width);
  }
  if (WindowTvfOp* w = node.As<WindowTvfOp>()) {
    const int in_width = static_cast<int>(node.inputs[0]->schema.size());
    std::vector<int> need{w->time_column};
    for (int r : required) {
      if (r < in_width) need.push_back(r);
    }
    std::vector<int> m = Prune(*node.inputs[0], Sorted(std::move(need)));
    w->time_column = m[w->time_column];
    const int new_width = static_cast<int>(node.inputs[0]->schema.size());
    m.push_back(new_width);
    m.push_back(new_width + 1);
    Rederive(node);
    return m;
  }
  return KeepAll(node);
}

// Replaces subtrees without column references by their value (`CAST('1'::integer AS
// bigint)` → `'1'::bigint`), so chunks do not evaluate them per row. A subtree whose
// evaluation fails (1/0) is kept: the error belongs to run time, when a row reaches it.
void Fold(ExprPtr& e) {
  if (e->kind == Expr::Kind::kConstant || e->kind == Expr::Kind::kColumnRef) return;
  std::vector<int> cols;
  CollectColumns(*e, cols);
  if (!cols.empty() || HasSubquery(*e)) {
    for (ExprPtr& a : e->args) Fold(a);
    return;
  }
  Result<Value> v = EvaluateConstant(*e);
  if (v.ok() && v->type() == e->type) e = MakeConstant(std::move(*v));
}

void FoldConstants(PlanNode& node) {
  for (PlanPtr& in : node.inputs) FoldConstants(*in);
  auto fold = [](ExprPtr& e) {
    if (e) Fold(e);
  };
  if (ScanOp* s = node.As<ScanOp>()) fold(s->filter);
  if (FilterOp* f = node.As<FilterOp>()) fold(f->predicate);
  if (ProjectOp* p = node.As<ProjectOp>()) {
    for (ExprPtr& e : p->exprs) fold(e);
  }
  if (JoinOp* j = node.As<JoinOp>()) {
    for (ExprPtr& e : j->left_keys) fold(e);
    for (ExprPtr& e : j->right_keys) fold(e);
    fold(j->residual);
  }
  if (ValuesOp* v = node.As<ValuesOp>()) {
    for (auto& row : v->rows) {
      for (ExprPtr& e : row) fold(e);
    }
  }
}

// Project(Project(x)) → Project(x), substituting the inner expressions.
PlanPtr MergeProjects(PlanPtr node) {
  for (PlanPtr& in : node->inputs) in = MergeProjects(std::move(in));
  ProjectOp* outer = node->As<ProjectOp>();
  if (outer == nullptr) return node;
  ProjectOp* inner = node->inputs[0]->As<ProjectOp>();
  if (inner == nullptr) return node;
  for (ExprPtr& e : outer->exprs) e = SubstituteColumns(*e, inner->exprs);
  node->inputs[0] = std::move(node->inputs[0]->inputs[0]);
  Rederive(*node);
  return node;
}

}  // namespace

PlanPtr OptimizePlan(PlanPtr plan) {
  plan = PushAll(std::move(plan));
  plan = MergeProjects(std::move(plan));
  plan = BoundTopN(std::move(plan));
  Prune(*plan, AllColumns(*plan));
  FoldConstants(*plan);
  return plan;
}

int FindUnsupported(const PlanNode& plan, std::string* what) {
  if (const TopNOp* t = plan.As<TopNOp>(); t != nullptr && t->unbounded) {
    *what = "row_number";
    return t->location < 0 ? 0 : t->location;
  }
  if (const JoinOp* j = plan.As<JoinOp>(); j != nullptr && j->left_keys.empty()) {
    *what = "join";
    return j->location < 0 ? 0 : j->location;
  }
  for (const PlanPtr& in : plan.inputs) {
    int at = FindUnsupported(*in, what);
    if (at >= 0) return at;
  }
  return -1;
}

}  // namespace oxbow::sql
