// TimeBucketedRows: one side of a window or interval join whose input never retracts (a
// stream, or anything the planner proves append-only), kept as blocks of encoded rows grouped
// by event time instead of a multiset keyed by (join key, row).
//
// Why: a stream joined with a time bound keeps every event until the watermark passes it. As
// a multiset that is per row a hash-map entry, a store key in the checkpoint (a RocksDB insert)
// and another store key to delete it later; as blocks it is an append to a string, an index
// entry, and one store key per ~32 KiB block, deleted whole when the watermark passes its
// bucket.
//
// Rows fall into buckets by their time column: bucket n holds the times [n·width, (n+1)·width)
// (a row whose time is NULL goes to a bucket that never expires, as the multiset kept it).
// ExpireBelow(bound) drops every bucket whose times are all below the bound; a row below the
// bound whose bucket still holds later times stays a little longer — it can meet no future row
// of the other side that the join's time condition accepts, so its joined rows are filtered
// out downstream (an interval join's condition) or cannot occur (equal window keys).
// Each bucket keeps a hash index (join key hash → its rows), so a probe looks up the join key
// in every live bucket: width should make the live buckets few (HashJoin: a quarter of the
// time bound).
//
// Stored form, under the join's StateId with a one-byte prefix per side: the prefix alone
// holds the format tag (so a store written in another format is recognised and refused), and
// prefix + bucket number (8 bytes, big-endian, sign bit flipped) + block number (4 bytes,
// big-endian) holds a block: each row as varint key length, key, varint row length, row
// (stream/row_codec.h encodings). A bucket's last block stays open: a checkpoint writes it as
// it is and a later one overwrites it with more rows, until it is full.
//
// Memory: the indexes stay resident (~20 bytes a row); full blocks written by a committed
// checkpoint are evicted, oldest bucket first, while the blocks' bytes exceed the budget, and a
// probe whose key hash points into an evicted block reads it back from the store. Blocks not
// yet committed are never evicted (the store must only hold committed state); over_budget()
// says when the bytes appended since the last checkpoint exceed the budget, so the pipeline
// checkpoints early.
//
// Thread safety: none (the join's thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/status.h"
#include "stream/state_store.h"

namespace oxbow::stream {

class TimeBucketedRows {
 public:
  // `prefix`: the first byte of every store key (unique within `id`); `width` > 0: a bucket's
  // span of times; `what`: the operator's name, for errors.
  TimeBucketedRows(StateId id, char prefix, int64_t width, std::string what);

  // Adds a row (`row` encoded by EncodeRow) with join key `key` (EncodeKey) and time `time`
  // (`has_time` false: NULL, never expires).
  void Add(std::string_view key, std::string_view row, bool has_time, int64_t time);

  // fn(row) for every row whose join key is `key`, each as often as it was added (rows of
  // an evicted block are read back). Errors: fn's, the store's; DataLoss when a block is
  // malformed or missing.
  template <typename Fn>
  Status ForEachMatch(std::string_view key, Fn&& fn) const;
  Result<bool> Contains(std::string_view key) const;

  // Drops the buckets whose times are all below `bound` (their rows leave the store at the
  // next checkpoint).
  void ExpireBelow(int64_t bound);

  // Puts the blocks changed since the last checkpoint, and the deletes of dropped buckets,
  // into `batch`.
  void Checkpoint(StateWriteBatch& batch);
  // The last checkpoint committed: its full blocks may be evicted.
  void AfterCommit();
  // Replaces the rows by those of the last committed checkpoint (blocks beyond the budget
  // stay in the store; their rows are indexed). Errors: the store's;
  // DataLoss when the stored rows are not in this format (a view created by an older Oxbow: it
  // must be created again) or malformed.
  Status Restore(StateStore& store);

  void set_budget(size_t bytes);
  bool over_budget() const { return unwritten_bytes_ > budget_; }

  uint64_t num_rows() const { return rows_; }
  size_t num_buckets() const { return buckets_.size(); }
  // Bytes of the blocks in memory.
  size_t block_bytes() const { return block_bytes_; }
  // Estimated heap bytes (blocks and indexes).
  size_t resident_bytes() const;

  static constexpr size_t kBlockBytes = 32 * 1024;
  // The bucket of rows without a time.
  static constexpr int64_t kNoTimeBucket = INT64_MAX;

 private:
  struct Entry {
    uint32_t block;
    uint32_t offset;  // of the entry (varint key length, key, varint row length, row)
    uint32_t next;    // the previous entry with the same key hash, or kNone
  };
  struct Block {
    std::string data;  // empty while evicted
    bool resident = true;
  };
  struct Bucket {
    std::vector<Block> blocks;
    std::vector<Entry> entries;
    absl::flat_hash_map<uint64_t, uint32_t> index;  // key hash → its newest entry
    size_t written = 0;  // blocks [0, written) are as the last checkpoint wrote them
    size_t stored = 0;   // blocks in the store (or in a pending batch)
    // Blocks [0, pending_full) are full (immutable) and in the checkpoint awaiting its
    // commit; [0, committed_full) full and committed: evictable; [0, evicted) evicted.
    size_t pending_full = 0, committed_full = 0, evicted = 0;
  };
  static constexpr uint32_t kNone = UINT32_MAX;

  int64_t BucketOf(int64_t time) const;
  std::string BlockKey(int64_t bucket, uint32_t block) const;
  static uint64_t Hash(std::string_view key);
  // Indexes the entry at `offset` of the bucket's block `block` (its key is `key`).
  static void Index(Bucket& b, uint32_t block, uint32_t offset, std::string_view key);
  // The key and row of an entry. False when malformed.
  static bool Parse(std::string_view block, uint32_t offset, std::string_view* key,
                    std::string_view* row, size_t* end);
  Status Malformed() const;
  // Block `block` of bucket `number`: its data when resident, else read from the store into
  // `*loaded` (kept across calls with `*loaded_at` naming it).
  Result<std::string_view> BlockData(int64_t number, const Bucket& b, uint32_t block,
                                     std::string* loaded,
                                     std::pair<int64_t, uint32_t>* loaded_at) const;
  void Evict();

  StateId id_;
  char prefix_;
  int64_t width_;
  std::string what_;
  std::map<int64_t, Bucket> buckets_;
  int64_t last_number_ = 0;  // the bucket of the last Add (rows arrive mostly in time order)
  Bucket* last_ = nullptr;
  // Dropped buckets whose blocks are stored: number → blocks to delete at the checkpoint.
  std::vector<std::pair<int64_t, size_t>> dropped_;
  uint64_t rows_ = 0;
  size_t block_bytes_ = 0;  // resident blocks' data
  size_t unwritten_bytes_ = 0;
  StateStore* store_ = nullptr;  // where evicted blocks are read back (Restore)
  size_t budget_ = SIZE_MAX;
  bool tagged_ = false;  // the format tag is in the store (or in a pending batch)
};

template <typename Fn>
Status TimeBucketedRows::ForEachMatch(std::string_view key, Fn&& fn) const {
  const uint64_t h = Hash(key);
  std::string loaded;
  std::pair<int64_t, uint32_t> loaded_at{0, kNone};
  for (const auto& [number, b] : buckets_) {
    auto it = b.index.find(h);
    if (it == b.index.end()) continue;
    for (uint32_t e = it->second; e != kNone; e = b.entries[e].next) {
      const Entry& entry = b.entries[e];
      std::string_view data, k, row;
      if (b.blocks[entry.block].resident) {
        data = b.blocks[entry.block].data;
      } else {
        ASSIGN_OR_RETURN(data, BlockData(number, b, entry.block, &loaded, &loaded_at));
      }
      size_t end;
      if (!Parse(data, entry.offset, &k, &row, &end)) return Malformed();
      if (k == key) RETURN_IF_ERROR(fn(row));
    }
  }
  return Status();
}

}  // namespace oxbow::stream
