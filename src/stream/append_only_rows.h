// AppendOnlyRows: the rows of a view whose input never retracts (a stream filtered and
// projected, or anything the planner proves append-only), kept as a log of encoded rows in
// blocks instead of a multiset keyed by row.
//
// Why: a pass-through view over a stream stores every event it reads. As a multiset that is a
// hash-map entry per row and a store key per row at the checkpoint (a RocksDB memtable insert
// each, most of a Nexmark q0 event's cost); as blocks it is an append to a string and one
// store key per block of ~32 KiB.
//
// Stored form, under the view's StateId: the key "A" holds the format tag (so state written
// by an older Oxbow, which keyed rows by their encoding, is recognised and refused), and "B"
// + the block's number (8 bytes, big-endian) holds the block: each row as a varint length
// and the row's encoding (stream/row_codec.h). The last block stays open: a checkpoint writes
// it as it is and a later one overwrites it with more rows, until it is full.
//
// Memory: blocks written by a committed checkpoint may be evicted (oldest first) while the
// resident bytes exceed the budget; ForEach reads them back from the store. Blocks not yet
// committed are never evicted (the store must only hold committed state); over_budget() says
// so and the pipeline checkpoints early.
//
// Thread safety: none; the view holds its lock around every call.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "stream/state_store.h"

namespace oxbow::stream {

class AppendOnlyRows {
 public:
  explicit AppendOnlyRows(StateId id) : id_(id) {}

  // Appends one row's encoding.
  void Append(std::string_view row);

  // Puts the blocks changed since the last checkpoint into `batch`.
  void Checkpoint(StateWriteBatch& batch);
  // The last checkpoint committed: its blocks may be evicted.
  void AfterCommit();
  // Loads the rows of the last committed checkpoint (blocks beyond the budget stay in the
  // store). Errors: the store's; DataLoss when the stored rows are not in this format (a view
  // created by an older Oxbow: it must be created again).
  Status Restore(StateStore& store);

  void set_budget(size_t bytes);
  bool over_budget() const { return unwritten_bytes_ > budget_; }

  // fn(row encoding) for every row, in the order appended; reads evicted blocks back.
  // Errors: fn's, the store's.
  Status ForEach(const std::function<Status(std::string_view row)>& fn) const;

  uint64_t num_rows() const { return rows_; }
  uint64_t resident_rows() const;

 private:
  struct Block {
    std::string data;   // empty while evicted
    uint32_t rows = 0;  // rows in the block (resident or not)
    bool resident = true;
  };
  static constexpr size_t kBlockBytes = 32 * 1024;

  std::string BlockKey(uint64_t number) const;
  void Evict();

  StateId id_;
  StateStore* store_ = nullptr;
  std::vector<Block> blocks_;
  uint64_t rows_ = 0;
  size_t resident_bytes_ = 0;
  size_t unwritten_bytes_ = 0;  // bytes appended since the last checkpoint
  size_t budget_ = SIZE_MAX;
  // Blocks [0, written_) are as the last checkpoint wrote them (the last of them may be the
  // open block, rewritten when it grows); blocks [0, committed_full_) are full and committed:
  // evictable. pending_full_: the full blocks of the checkpoint awaiting its commit.
  size_t written_ = 0;
  size_t pending_full_ = 0;
  size_t committed_full_ = 0;
  size_t evicted_ = 0;   // blocks [0, evicted_) are evicted (eviction is oldest first)
  bool tagged_ = false;  // the format tag is in the store (or in a pending batch)
};

}  // namespace oxbow::stream
