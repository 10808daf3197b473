// Rows as bytes: how operators key their hash maps and store rows in the state store.
//
// A row of a chunk (some or all of its columns) encodes as the concatenation of its cells; a
// cell is a tag byte (0 NULL, 1 value) then the value: fixed-width little-endian for
// booleans, integers, dates, timestamps, floats and intervals; numeric as the 16-byte
// unscaled value then the 4-byte scale; strings as a varint length then the bytes. Decoding
// needs the column types, which the operator knows.
//
// Key encoding (EncodeKey) makes SQL-equal values encode equally, so grouping, DISTINCT and
// join keys compare bytes: numeric is normalized (1.5 and 1.50 are one group, shown as 1.5),
// -0.0 is 0.0 and every NaN is one NaN. Interval keys are not normalized: '1 month' and
// '30 days' are two groups (PostgreSQL makes them one). Row encoding (EncodeRow) is exact,
// for state that must give back the very row it was given.
//
// Thread safety: plain functions.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/chunk/chunk.h"

namespace oxbow::stream {

// Appends the cells of `row` in `columns` (indices into chunk) to `out`.
void EncodeKey(const sql::Chunk& chunk, std::span<const int> columns, size_t row, std::string* out);
void EncodeRow(const sql::Chunk& chunk, size_t row, std::string* out);
void EncodeCell(const sql::ColumnVector& column, size_t row, bool normalize, std::string* out);

// EncodeRow for many rows of one chunk: each column's physical type and values are looked up
// once, and a row is sized first, then written in place — not dispatched and appended cell
// by cell, byte by byte (most of what storing a view's rows cost). The chunk must outlive it.
class ChunkRowEncoder {
 public:
  explicit ChunkRowEncoder(const sql::Chunk& chunk);
  // Appends row `row`'s encoding to `out`: the bytes EncodeRow appends.
  void Append(size_t row, std::string* out) const;

 private:
  struct Column {
    sql::PhysicalType type;
    uint32_t width;  // of a non-NULL fixed-width value, after the tag
    const sql::ColumnVector* vector;
    const void* values;
  };
  std::vector<Column> columns_;
};

// Decodes cells from the front of `*in` (advancing it), appending one value to each of
// `out[first]`, `out[first + 1]`, ... for `count` columns. DataLoss on malformed bytes (a
// store corrupted or written by an incompatible version).
Status DecodeCells(std::string_view* in, std::vector<sql::ColumnVector>& out, size_t first,
                   size_t count);
// Decodes a whole row of `types` into Values (snapshots, tests).
Result<std::vector<sql::Value>> DecodeRowValues(std::string_view in,
                                                std::span<const sql::Type> types);

// Varint helpers for state values.
void PutVarint(uint64_t v, std::string* out);
bool GetVarint(std::string_view* in, uint64_t* v);

// The state key of a row kept under a grouping key (a join key, a Top-N partition): varint
// key length, key, row — one grouping key's rows are one prefix range. SplitGroupedRowKey is
// its inverse (false for a malformed key).
std::string GroupedRowKey(std::string_view key, std::string_view row);
bool SplitGroupedRowKey(std::string_view store_key, std::string_view* key, std::string_view* row);
void PutSigned(int64_t v, std::string* out);
bool GetSigned(std::string_view* in, int64_t* v);

}  // namespace oxbow::stream
