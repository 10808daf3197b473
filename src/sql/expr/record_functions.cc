// Composite values (records) in their PostgreSQL text form, `(1,"a b",)`: what a select
// list's set-returning function with several columns yields as one value
// (information_schema._pg_expandarray), and `(value).field` over it.
//
//   __record(any, ...) → text      record_out of the arguments (not strict: NULL fields are
//                                   empty, as record_out writes them)
//   __record_field(text, int) → text  field i (0-based) of a record's text; NULL for an empty
//                                   unquoted field; the binder casts it to the field's type
//
// The double-underscore names are the binder's (binder_expr.cc), not meant for users.

#include "sql/expr/function_registry.h"
#include "sql/expr/kernel_util.h"
#include "sql/sql_error.h"

namespace oxbow::sql {
namespace {

// record_out's quoting: empty values, and values with quotes, backslashes, parentheses,
// commas or whitespace, are double-quoted, with `"` and `\` doubled.
void AppendRecordField(std::string& out, std::string_view v) {
  bool quote = v.empty();
  for (char c : v) {
    quote |= c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || c == ' ' || c == '\t' ||
             c == '\n' || c == '\r' || c == '\v' || c == '\f';
  }
  if (!quote) return out.append(v), void();
  out.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back(c);
    out.push_back(c);
  }
  out.push_back('"');
}

Status RecordOut(std::span<const ColumnVector* const> args, const Rows& rows, ColumnVector& out) {
  std::string text;
  for (size_t i = 0; i < rows.count; ++i) {
    const uint32_t r = rows[i];
    text.clear();
    text.push_back('(');
    for (size_t a = 0; a < args.size(); ++a) {
      if (a > 0) text.push_back(',');
      if (args[a]->IsNull(r)) continue;
      std::string value;
      AppendValueText(value, args[a]->GetValue(r));
      AppendRecordField(text, value);
    }
    text.push_back(')');
    out.SetString(r, text);
  }
  return Status();
}

// Field `index` of record text `record`: its text, or nullopt for NULL. 22P02 for text that is
// not a record or has fewer fields.
Result<std::optional<std::string>> RecordField(std::string_view record, int32_t index) {
  auto malformed = [&] {
    return SqlError(sqlstate::kInvalidTextRepresentation,
                    fmt::format("malformed record literal: \"{}\"", record));
  };
  if (record.size() < 2 || record.front() != '(' || record.back() != ')') return malformed();
  std::string_view body = record.substr(1, record.size() - 2);
  size_t pos = 0;
  for (int32_t field = 0;; ++field) {
    std::string value;
    bool quoted = false;
    while (pos < body.size() && body[pos] != ',') {
      const char c = body[pos];
      if (c == '\\' && pos + 1 < body.size()) {
        value.push_back(body[pos + 1]);
        pos += 2;
      } else if (c == '"') {
        // Within quotes: `\x` and `""` stand for x and `"`.
        quoted = true;
        for (++pos; pos < body.size(); ++pos) {
          if (body[pos] == '\\' && pos + 1 < body.size()) {
            value.push_back(body[++pos]);
          } else if (body[pos] == '"' && pos + 1 < body.size() && body[pos + 1] == '"') {
            value.push_back(body[++pos]);
          } else if (body[pos] == '"') {
            break;
          } else {
            value.push_back(body[pos]);
          }
        }
        ++pos;  // the closing quote
      } else {
        value.push_back(c);
        ++pos;
      }
    }
    if (field == index) {
      if (value.empty() && !quoted) return std::optional<std::string>();
      return std::optional<std::string>(std::move(value));
    }
    if (pos >= body.size()) return malformed();
    ++pos;  // the comma
  }
}

Status RecordFieldKernel(std::span<const ColumnVector* const> args, const Rows& rows,
                         ColumnVector& out) {
  for (size_t i = 0; i < rows.count; ++i) {
    const uint32_t r = rows[i];
    ASSIGN_OR_RETURN(std::optional<std::string> v,
                     RecordField(args[0]->Get<std::string_view>(r), args[1]->Get<int32_t>(r)));
    if (v) out.SetString(r, *v);
  }
  return Status();
}

}  // namespace

void RegisterRecordFunctions(FunctionRegistry& r) {
  ScalarFunction record;
  record.name = "__record";
  record.params = {std::nullopt};
  record.variadic = true;
  record.return_type = Type::Text();
  record.strict = false;
  record.kernel = RecordOut;
  r.Add(std::move(record));
  internal::Def(r, "__record_field", {TypeId::kText, TypeId::kInt32}, Type::Text(),
                RecordFieldKernel);
}

}  // namespace oxbow::sql
