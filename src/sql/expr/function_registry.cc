#include "sql/expr/function_registry.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "sql/expr/cast.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

bool IsOperatorName(std::string_view name) {
  return !name.empty() && !std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_';
}

std::optional<TypeId> ParamAt(const ScalarFunction& f, size_t i) {
  if (i < f.params.size()) return f.params[i];
  return f.params.back();  // variadic tail
}

bool ArityMatches(const ScalarFunction& f, size_t n) {
  // A variadic function takes its fixed parameters and at least one of the repeated last.
  if (f.variadic) return n >= f.params.size();
  return n == f.params.size();
}

std::string TypeList(std::span<const Type> args) {
  std::vector<std::string> names;
  for (const Type& t : args) names.push_back(t.WithoutTypmod().ToString());
  return absl::StrJoin(names, ", ");
}

}  // namespace

std::string ScalarFunction::Signature() const {
  std::vector<std::string> names;
  for (const auto& p : params) names.push_back(p ? Type(*p).ToString() : "\"any\"");
  if (variadic && !names.empty()) names.back() = "VARIADIC " + names.back();
  if (IsOperatorName(name) && params.size() == 2) {
    return fmt::format("{} {} {}", names[0], name, names[1]);
  }
  if (IsOperatorName(name) && params.size() == 1) return fmt::format("{} {}", name, names[0]);
  return fmt::format("{}({})", name, absl::StrJoin(names, ", "));
}

const FunctionRegistry& FunctionRegistry::Default() {
  static const FunctionRegistry* registry = [] {
    auto* r = new FunctionRegistry();
    RegisterArithmetic(*r);
    RegisterComparison(*r);
    RegisterStringFunctions(*r);
    RegisterMathFunctions(*r);
    RegisterDateTimeFunctions(*r);
    RegisterJsonbFunctions(*r);
    RegisterCatalogFunctions(*r);
    RegisterArrayFunctions(*r);
    RegisterRecordFunctions(*r);
    return r;
  }();
  return *registry;
}

void FunctionRegistry::Add(ScalarFunction f) {
  std::string name = f.name;
  functions_[name].push_back(std::make_unique<ScalarFunction>(std::move(f)));
}

bool FunctionRegistry::IsOperator(std::string_view name) const { return IsOperatorName(name); }

std::vector<const ScalarFunction*> FunctionRegistry::Candidates(std::string_view name) const {
  std::vector<const ScalarFunction*> out;
  auto it = functions_.find(std::string(name));
  if (it == functions_.end()) return out;
  for (const auto& f : it->second) out.push_back(f.get());
  return out;
}

Result<ResolvedFunction> FunctionRegistry::Resolve(std::string_view name,
                                                   std::span<const Type> args) const {
  std::vector<const ScalarFunction*> all = Candidates(name);
  std::vector<const ScalarFunction*> cands;
  for (const ScalarFunction* f : all) {
    if (ArityMatches(*f, args.size())) cands.push_back(f);
  }
  // A binary operator with one unknown operand: assume it has the other operand's type.
  std::vector<Type> effective(args.begin(), args.end());
  if (IsOperatorName(name) && args.size() == 2) {
    if (args[0].id() == TypeId::kUnknown && args[1].id() != TypeId::kUnknown) {
      effective[0] = args[1];
    } else if (args[1].id() == TypeId::kUnknown && args[0].id() != TypeId::kUnknown) {
      effective[1] = args[0];
    }
  }
  auto exact_count = [&](const ScalarFunction& f, const std::vector<Type>& types) {
    int n = 0;
    for (size_t i = 0; i < types.size(); ++i) {
      std::optional<TypeId> p = ParamAt(f, i);
      if (p && *p == types[i].id()) ++n;
    }
    return n;
  };
  auto finish = [&](const ScalarFunction* f) {
    ResolvedFunction r{f, {}};
    for (size_t i = 0; i < args.size(); ++i) {
      std::optional<TypeId> p = ParamAt(*f, i);
      // "any" parameters keep the argument's type (unknown literals become text).
      Type t = p ? Type(*p) : (args[i].id() == TypeId::kUnknown ? Type::Text() : args[i]);
      if (p && *p == args[i].id()) t = args[i];  // keep typmods of exact matches
      // anyarray: an untyped literal takes the other operand's array type.
      if (p == TypeId::kArray && effective[i].is_array()) t = effective[i];
      r.arg_types.push_back(t);
    }
    return r;
  };
  // 1. An exact match.
  for (const ScalarFunction* f : cands) {
    if (exact_count(*f, effective) == static_cast<int>(args.size())) return finish(f);
  }
  // 2. Candidates every argument converts to implicitly.
  std::vector<const ScalarFunction*> viable;
  for (const ScalarFunction* f : cands) {
    bool ok = true;
    for (size_t i = 0; i < args.size() && ok; ++i) {
      std::optional<TypeId> p = ParamAt(*f, i);
      ok = !p || CanCast(args[i], Type(*p), CastContext::kImplicit);
    }
    if (ok) viable.push_back(f);
  }
  auto keep_best = [&](auto score) {
    if (viable.size() <= 1) return;
    int best = -1;
    for (const ScalarFunction* f : viable) best = std::max(best, score(*f));
    std::erase_if(viable, [&](const ScalarFunction* f) { return score(*f) != best; });
  };
  // 3. Most exact matches (unknown literals never count).
  keep_best([&](const ScalarFunction& f) { return exact_count(f, {args.begin(), args.end()}); });
  // 4. Most preferred types where a conversion is needed.
  keep_best([&](const ScalarFunction& f) {
    int n = 0;
    for (size_t i = 0; i < args.size(); ++i) {
      std::optional<TypeId> p = ParamAt(f, i);
      if (p && *p != args[i].id() && Type(*p).is_preferred()) ++n;
    }
    return n;
  });
  // 5. Unknown literals: prefer the string category, then preferred types.
  keep_best([&](const ScalarFunction& f) {
    int n = 0;
    for (size_t i = 0; i < args.size(); ++i) {
      std::optional<TypeId> p = ParamAt(f, i);
      if (args[i].id() == TypeId::kUnknown && p && Type(*p).category() == TypeCategory::kString) {
        n += Type(*p).is_preferred() ? 2 : 1;
      }
    }
    return n;
  });
  if (viable.size() == 1) return finish(viable[0]);
  bool is_op = IsOperatorName(name);
  std::string call = is_op ? (args.size() == 2 ? fmt::format("{} {} {}", args[0].ToString(), name,
                                                             args[1].ToString())
                                               : fmt::format("{} {}", name, args[0].ToString()))
                           : fmt::format("{}({})", name, TypeList(args));
  if (viable.size() > 1) {
    return WithHint(SqlError(sqlstate::kAmbiguousFunction,
                             is_op ? fmt::format("operator is not unique: {}", call)
                                   : fmt::format("function {} is not unique", call)),
                    is_op ? "Could not choose a best candidate operator. You might need to add "
                            "explicit type casts."
                          : "Could not choose a best candidate function. You might need to add "
                            "explicit type casts.");
  }
  std::string hint = is_op ? "No operator matches the given name and argument types. You might "
                             "need to add explicit type casts."
                           : "No function matches the given name and argument types. You might "
                             "need to add explicit type casts.";
  if (!all.empty()) {
    std::vector<std::string> sigs;
    for (const ScalarFunction* f : all) sigs.push_back(f->Signature());
    if (sigs.size() > 12) {
      sigs.resize(12);
      sigs.push_back("...");
    }
    hint += fmt::format(" Candidates: {}.", absl::StrJoin(sigs, "; "));
  }
  return WithHint(SqlError(sqlstate::kUndefinedFunction,
                           is_op ? fmt::format("operator does not exist: {}", call)
                                 : fmt::format("function {} does not exist", call)),
                  hint);
}

}  // namespace oxbow::sql
