// Test helpers shared by the SQL front end's tests.
#pragma once

#include <ostream>

#include "fmt/format.h"
#include "sql/sql_error.h"

namespace oxbow::sql {

// Lets GoogleTest print SqlErrorInfo in failure messages.
inline void PrintTo(const SqlErrorInfo& e, std::ostream* os) {
  *os << fmt::format("{{{} \"{}\" detail=\"{}\" hint=\"{}\" position={}}}", e.sqlstate, e.message,
                     e.detail, e.hint, e.position);
}

}  // namespace oxbow::sql
