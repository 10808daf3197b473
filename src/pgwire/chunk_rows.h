// Rows of a columnar chunk on the wire: DataRow messages and COPY text lines encoded straight
// from the columns (integers and strings without a Value in between; other types through
// value_codec.h), for results that come as chunks (a scan of a view).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sql/chunk/chunk.h"

namespace oxbow::pgwire {

// Appends a DataRow with row `row` of `chunk`; column i in formats[i] (Bind's result format
// codes: none for all text, one for all columns, else one per column).
void AppendChunkDataRow(std::string& out, const sql::Chunk& chunk, size_t row,
                        const std::vector<int16_t>& formats);

// Appends a CopyData message with row `row` of `chunk` as a line of COPY's text format
// (tab-separated, \N for NULL, backslash escapes).
void AppendChunkCopyRow(std::string& out, const sql::Chunk& chunk, size_t row);

}  // namespace oxbow::pgwire
