// Casts between SQL types with PostgreSQL's rules: which conversions happen implicitly (in
// expressions and overload resolution), on assignment (INSERT into a column), or only when
// written (CAST(x AS t) / x::t), and how each converts values.
//
// Thread safety: pure functions.
#pragma once

#include "base/status.h"
#include "sql/chunk/column_vector.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace oxbow::sql {

enum class CastContext { kImplicit, kAssignment, kExplicit };

// Whether `from` converts to `to` in `context` (pg_cast.castcontext). Implicit: int2 → int4 →
// int8 → numeric/float4/float8, float4 → float8, numeric → float4/float8, date → timestamp →
// timestamptz, varchar ↔ text, unknown → anything. Assignment adds the narrowing numeric casts,
// timestamp(tz) → date, timestamptz → timestamp and anything → text/varchar. Explicit allows
// every conversion CastValue implements (text → any type by its input function, bool ↔ int4,
// jsonb → scalar types, ...).
bool CanCast(const Type& from, const Type& to, CastContext context);

// Converts one value (NULL stays NULL, retyped). Errors as PostgreSQL's: 22003 "integer out of
// range", 22P02 on bad text, 22001 "value too long for type character varying(3)" on an
// implicit/assignment cast to a too-short varchar (an explicit one truncates), 42846 `cannot
// cast type boolean to date` for an impossible pair.
Result<Value> CastValue(const Value& v, const Type& to, CastContext context);

// Converts `rows` of `in` into `out` (a column of type `to` and in's size, rows NULL where in
// is NULL). Fast paths for the numeric widenings; other pairs go through CastValue.
Status CastColumn(const ColumnVector& in, const Rows& rows, const Type& to, CastContext context,
                  ColumnVector& out);

// The type both of two types convert to implicitly, as PostgreSQL's select_common_type for
// CASE, COALESCE, IN and UNION: unknown yields to the other; otherwise the type the others
// convert to, preferring the category's preferred type. 42804 `<context> types integer and
// text cannot be matched` when there is none. `context` names the construct ("CASE").
Result<Type> CommonType(const Type& a, const Type& b, std::string_view context);

}  // namespace oxbow::sql
