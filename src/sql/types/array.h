// Arrays: one-dimensional, lower bound 1, elements of one type (types/type.h TypeId::kArray).
// A Value or column cell of an array type holds the array's canonical PostgreSQL text form
// (`{1,2,NULL}`, `{"a b","x\"y"}`), as jsonb holds its canonical text: output is a copy, and
// the functions that look inside (subscripts, = ANY, array_to_string) decode it with
// DecodeArray.
//
// Multidimensional arrays and explicit bounds (`[0:1]={…}`) are not supported (0A000).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/types/type.h"
#include "sql/types/value.h"

namespace oxbow::sql {

// PostgreSQL's array input (array_in) for elements of `element`: `{}`; elements separated
// by commas, whitespace around them ignored; double-quoted elements with backslash escapes;
// an unquoted NULL (any case) is NULL. Each element is read with ParseValue (so its errors
// are the element type's). 22P02 `malformed array literal: "…"` with PostgreSQL's details.
Result<std::vector<Value>> ParseArrayElements(const Type& element, std::string_view text);

// PostgreSQL's array output (array_out): elements in their text form, double-quoted when
// empty, NULL (any case), or containing `"`, `\`, `{`, `}`, `,` or whitespace (with `"`
// and `\` escaped); NULL elements unquoted NULL.
std::string FormatArray(const std::vector<Value>& elements);

// An array Value of element type `element` from its elements (which must have that type or
// be NULL).
Value MakeArrayValue(const Type& element, const std::vector<Value>& elements);

// The elements of a non-NULL array value or cell of type `array_type` (its canonical text).
Result<std::vector<Value>> DecodeArray(const Type& array_type, std::string_view canonical);

// Array ordering as PostgreSQL's btree: element by element (NULL elements above all
// others), then the shorter first.
int CompareArrays(const Type& array_type, std::string_view a, std::string_view b);

}  // namespace oxbow::sql
