// jsonb operators: -> and ->> by key or array index, #> and #>> by path ('{a,0,b}'), and
// jsonb_typeof. A missing key or index gives NULL, as in PostgreSQL.
#include "sql/expr/kernel_util.h"
#include "sql/sql_error.h"
#include "sql/types/jsonb.h"

namespace oxbow::sql {
namespace {

using internal::Def;
using SV = std::string_view;

constexpr TypeId kJsonb = TypeId::kJsonb;
constexpr TypeId kText = TypeId::kText;

// PostgreSQL's text[] literal '{a,b}' (the path of #> / #>>), without quoting support beyond
// double-quoted elements.
Result<std::vector<std::string>> ParsePath(SV s) {
  if (s.size() < 2 || s.front() != '{' || s.back() != '}') {
    return WithDetail(SqlError(sqlstate::kInvalidTextRepresentation,
                               fmt::format("malformed array literal: \"{}\"", s)),
                      "Array value must start with \"{\" or dimension information.");
  }
  std::vector<std::string> out;
  SV body = s.substr(1, s.size() - 2);
  if (body.empty()) return out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (quoted) {
      if (c == '\\' && i + 1 < body.size()) {
        cur.push_back(body[++i]);
      } else if (c == '"') {
        quoted = false;
      } else {
        cur.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else if (c != ' ') {
      cur.push_back(c);
    }
  }
  out.push_back(std::move(cur));
  return out;
}

template <typename Key, typename Get>
ScalarKernel Access(Get get) {
  return [get](std::span<const ColumnVector* const> args, const Rows& rows,
               ColumnVector& out) -> Status {
    for (size_t i = 0; i < rows.count; ++i) {
      uint32_t r = rows[i];
      ASSIGN_OR_RETURN(std::optional<std::string> v,
                       get(args[0]->template Get<SV>(r), args[1]->template Get<Key>(r)));
      if (v) out.SetString(r, *v);
    }
    return Status();
  };
}

}  // namespace

void RegisterJsonbFunctions(FunctionRegistry& reg) {
  for (bool as_text : {false, true}) {
    Type ret = as_text ? Type::Text() : Type::Jsonb();
    std::string arrow = as_text ? "->>" : "->";
    Def(reg, arrow, {kJsonb, kText}, ret,
        Access<SV>([as_text](SV j, SV key) { return JsonbGetField(j, key, as_text); }));
    Def(reg, arrow, {kJsonb, TypeId::kInt32}, ret,
        Access<int32_t>([as_text](SV j, int32_t i) { return JsonbGetIndex(j, i, as_text); }));
    Def(reg, as_text ? "#>>" : "#>", {kJsonb, kText}, ret,
        Access<SV>([as_text](SV j, SV path) -> Result<std::optional<std::string>> {
          ASSIGN_OR_RETURN(std::vector<std::string> steps, ParsePath(path));
          return JsonbGetPath(j, steps, as_text);
        }));
  }
  Def(reg, "jsonb_typeof", {kJsonb}, Type::Text(),
      [](std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
        return internal::Unary<SV>(args, rows, out, [](SV j) { return JsonbTypeof(j); });
      });
}

}  // namespace oxbow::sql
