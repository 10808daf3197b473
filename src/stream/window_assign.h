// WindowAssign: the TUMBLE and HOP table functions. Each input row comes out with two more
// columns, window_start and window_end (of the time column's type), once per window that
// contains its time: once for TUMBLE, size/slide times for HOP. Windows are aligned to the
// Unix epoch (1970-01-01 00:00:00, as Flink's), half-open [start, end). A row whose time is
// NULL is in no window and comes out once with NULL bounds (a source with a declared event
// time sends such rows to its dead-letter topic before they get here).
//
// Stateless: a retraction is assigned the same windows as the insert it retracts.
#pragma once

#include <cstdint>
#include <vector>

#include "stream/operator.h"

namespace oxbow::stream {

struct WindowSpec {
  int time_column = 0;
  int64_t size_us = 0;   // > 0
  int64_t slide_us = 0;  // HOP: > 0; 0 for TUMBLE (slide = size)
};

class WindowAssign final : public Operator {
 public:
  WindowAssign(std::vector<sql::Type> input_types, WindowSpec spec);

  Status Process(int port, const sql::Chunk& chunk) override;

  // The start of the last window (of `size` every `slide`) that starts at or before `t`.
  static int64_t LastStart(int64_t t, int64_t slide);

 private:
  WindowSpec spec_;
};

}  // namespace oxbow::stream
