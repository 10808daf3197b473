// RocksDB behind StateStore: one DB, keys prefixed by the 4-byte StateId (state_store.h).
#include <memory>

#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"
#include "stream/state_store.h"

namespace oxbow::stream {
namespace {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status();
  std::string msg = fmt::format("state store: {}: {}", what, s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsBusy() || s.IsIOError()) return absl::UnavailableError(msg);
  return absl::InternalError(msg);
}

std::string IdPrefixEnd(StateId id) {
  // The first key after every key of `id`: the next id's prefix (or past the last id).
  if (id == UINT32_MAX) return std::string(5, '\xff');
  return StateKey(id + 1, "");
}

class RocksBatch final : public StateWriteBatch {
 public:
  // The id prefix and the key go in as two parts: a barrier puts millions of keys, and
  // concatenating them first cost a heap allocation each (keys over 11 bytes).
  void Put(StateId id, std::string_view key, std::string_view value) override {
    const char prefix[4] = {static_cast<char>(id >> 24), static_cast<char>(id >> 16),
                            static_cast<char>(id >> 8), static_cast<char>(id)};
    const rocksdb::Slice key_parts[2] = {rocksdb::Slice(prefix, 4),
                                         rocksdb::Slice(key.data(), key.size())};
    const rocksdb::Slice value_part(value.data(), value.size());
    batch_.Put(rocksdb::SliceParts(key_parts, 2), rocksdb::SliceParts(&value_part, 1));
  }
  void Delete(StateId id, std::string_view key) override { batch_.Delete(StateKey(id, key)); }
  void DeleteAll(StateId id) override { batch_.DeleteRange(StateKey(id, ""), IdPrefixEnd(id)); }
  size_t count() const override { return batch_.Count(); }
  rocksdb::WriteBatch& batch() { return batch_; }

 private:
  rocksdb::WriteBatch batch_;
};

class RocksDbStateStore final : public StateStore {
 public:
  explicit RocksDbStateStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

  Result<std::optional<std::string>> Get(StateId id, std::string_view key) override {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), StateKey(id, key), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    RETURN_IF_ERROR(FromRocks(s, "get"));
    return std::optional<std::string>(std::move(value));
  }

  Status Scan(StateId id, std::string_view prefix, const ScanFn& fn) override {
    std::string start = StateKey(id, prefix);
    rocksdb::ReadOptions options;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
    for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next()) {
      rocksdb::Slice k = it->key(), v = it->value();
      RETURN_IF_ERROR(
          fn(std::string_view(k.data() + 4, k.size() - 4), std::string_view(v.data(), v.size())));
    }
    return FromRocks(it->status(), "scan");
  }

  std::unique_ptr<StateWriteBatch> NewBatch() override { return std::make_unique<RocksBatch>(); }

  Status Commit(StateWriteBatch& batch) override {
    rocksdb::WriteOptions options;
    options.sync = true;  // a checkpoint is committed only once its WAL record is on disk
    return FromRocks(db_->Write(options, &static_cast<RocksBatch&>(batch).batch()), "commit");
  }

  Status Apply(StateWriteBatch& batch) override {
    // Written to the WAL file (the OS's cache) and the memtable; SyncWAL makes it durable.
    return FromRocks(db_->Write(rocksdb::WriteOptions(), &static_cast<RocksBatch&>(batch).batch()),
                     "apply");
  }

  Status Sync() override { return FromRocks(db_->SyncWAL(), "sync"); }

 private:
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace

Result<std::unique_ptr<StateStore>> OpenRocksDbStateStore(const std::string& dir,
                                                          const RocksDbOptions& rocks) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  // State larger than memory (state_cache.h) reads evicted entries back with point Gets —
  // often of keys that are not there (a new group) — and prefix scans. Bloom filters (10
  // bits per key, ~1% false positives) answer most absent keys without reading a block; the
  // block cache keeps hot blocks, with index and filter blocks charged to it so that memory
  // stays bounded by it however large the state grows.
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(rocks.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // The memtable too: without a filter, a Get of an absent key walks its skiplist, which
  // dominated reads of new keys (measured: docs/benchmarks.md).
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.02;
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, dir, &raw), "open " + dir));
  return std::unique_ptr<StateStore>(
      std::make_unique<RocksDbStateStore>(std::unique_ptr<rocksdb::DB>(raw)));
}

}  // namespace oxbow::stream
