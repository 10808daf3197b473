// TypeName (as parsed) → Type (types/type.h): the types a column or CAST may have.
#pragma once

#include "base/status.h"
#include "sql/ast.h"
#include "sql/types/type.h"

namespace oxbow::sql {

// Resolves a parsed type name with its modifiers. Errors (without a position; attach
// `type.location` with Statement::ErrorAt):
//   42704  type "foo" does not exist (also for PostgreSQL types Oxbow lacks, e.g. "character")
//   22023  numeric/varchar modifiers out of range (PostgreSQL's messages, from Type)
//   42601  modifiers on a type that takes none ("type modifier is not allowed for type ...")
//   0A000  arrays, timestamp/interval precision and interval fields
Result<Type> ResolveTypeName(const TypeName& type);

}  // namespace oxbow::sql
