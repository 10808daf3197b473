// RocksDB behind StateStore: one DB, keys prefixed by the 4-byte StateId (state_store.h).
#include <algorithm>
#include <atomic>
#include <memory>
#include <numeric>
#include <vector>

#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_writer.h"
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

// A batch's operations in order, buffered rather than put into a rocksdb::WriteBatch: at
// Apply a small batch becomes a WriteBatch (WAL and memtable), a large one a table file
// (Ingest), which needs the operations in key order. The buffer is one byte string (each
// operation's store key, then its value) and an index: a barrier puts millions of keys, and
// a WriteBatch's Put (checksums, assertions) cost more than copying the bytes.
class RocksBatch final : public StateWriteBatch {
 public:
  enum class Kind : uint8_t { kPut, kDelete, kDeleteAll };
  struct Op {
    Kind kind;
    uint32_t key_size;  // with the 4-byte id prefix
    uint32_t value_size;
    size_t at;  // key, then value, in data_
  };

  void Put(StateId id, std::string_view key, std::string_view value) override {
    Add(Kind::kPut, id, key, value);
  }
  void Delete(StateId id, std::string_view key) override { Add(Kind::kDelete, id, key, {}); }
  void DeleteAll(StateId id) override {
    has_delete_all_ = true;
    Add(Kind::kDeleteAll, id, {}, {});
  }
  size_t count() const override { return ops_.size(); }
  size_t bytes() const { return data_.size(); }
  bool has_delete_all() const { return has_delete_all_; }
  const std::vector<Op>& ops() const { return ops_; }
  rocksdb::Slice key(const Op& op) const { return {data_.data() + op.at, op.key_size}; }
  rocksdb::Slice value(const Op& op) const {
    return {data_.data() + op.at + op.key_size, op.value_size};
  }

  // The operations as a WriteBatch, in order.
  rocksdb::WriteBatch ToWriteBatch() const {
    rocksdb::WriteBatch batch;
    for (const Op& op : ops_) {
      switch (op.kind) {
        case Kind::kPut:
          batch.Put(key(op), value(op));
          break;
        case Kind::kDelete:
          batch.Delete(key(op));
          break;
        case Kind::kDeleteAll: {
          rocksdb::Slice prefix = key(op);
          StateId id = (uint32_t{static_cast<uint8_t>(prefix[0])} << 24) |
                       (uint32_t{static_cast<uint8_t>(prefix[1])} << 16) |
                       (uint32_t{static_cast<uint8_t>(prefix[2])} << 8) |
                       uint32_t{static_cast<uint8_t>(prefix[3])};
          batch.DeleteRange(prefix, IdPrefixEnd(id));
          break;
        }
      }
    }
    return batch;
  }

  // The indices of the puts and deletes in key order, only the last of equal keys (the one
  // that wins in a WriteBatch). Operators put their keys sorted (state_store.h), so the
  // batch is a few sorted runs, one per operator: ordering the runs is enough unless their
  // ranges overlap.
  std::vector<uint32_t> KeyOrder() const {
    auto less = [&](uint32_t a, uint32_t b) { return key(ops_[a]).compare(key(ops_[b])) < 0; };
    const auto n = static_cast<uint32_t>(ops_.size());
    std::vector<std::pair<uint32_t, uint32_t>> runs;  // [begin, end), increasing keys
    for (uint32_t i = 0; i < n;) {
      uint32_t end = i + 1;
      while (end < n && less(end - 1, end)) ++end;
      runs.emplace_back(i, end);
      i = end;
    }
    std::sort(runs.begin(), runs.end(), [&](auto& a, auto& b) { return less(a.first, b.first); });
    bool disjoint = true;
    for (size_t r = 1; r < runs.size() && disjoint; ++r) {
      disjoint = less(runs[r - 1].second - 1, runs[r].first);
    }
    std::vector<uint32_t> order;
    order.reserve(n);
    for (const auto& [begin, end] : runs) {
      for (uint32_t i = begin; i < end; ++i) order.push_back(i);
    }
    if (disjoint) return order;
    // In batch order, so that the stable sort leaves equal keys in it.
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), less);
    std::vector<uint32_t> last;
    last.reserve(order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      if (i + 1 < order.size() && !less(order[i], order[i + 1])) continue;  // equal: later wins
      last.push_back(order[i]);
    }
    return last;
  }

 private:
  void Add(Kind kind, StateId id, std::string_view key, std::string_view value) {
    const size_t at = data_.size();
    const char prefix[4] = {static_cast<char>(id >> 24), static_cast<char>(id >> 16),
                            static_cast<char>(id >> 8), static_cast<char>(id)};
    data_.append(prefix, 4);
    data_.append(key);
    data_.append(value);
    ops_.push_back(
        Op{kind, static_cast<uint32_t>(4 + key.size()), static_cast<uint32_t>(value.size()), at});
  }

  std::string data_;
  std::vector<Op> ops_;
  bool has_delete_all_ = false;
};

class RocksDbStateStore final : public StateStore {
 public:
  RocksDbStateStore(std::unique_ptr<rocksdb::DB> db, rocksdb::Options options,
                    std::string ingest_dir, size_t ingest_min_entries, size_t ingest_min_bytes)
      : db_(std::move(db)),
        options_(std::move(options)),
        ingest_dir_(std::move(ingest_dir)),
        ingest_min_entries_(ingest_min_entries),
        ingest_min_bytes_(ingest_min_bytes) {}

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
    auto& b = static_cast<RocksBatch&>(batch);
    if (Ingests(b)) return Ingest(b);
    rocksdb::WriteOptions options;
    options.sync = true;  // a checkpoint is committed only once its WAL record is on disk
    rocksdb::WriteBatch wb = b.ToWriteBatch();
    return FromRocks(db_->Write(options, &wb), "commit");
  }

  Status Apply(StateWriteBatch& batch) override {
    auto& b = static_cast<RocksBatch&>(batch);
    if (Ingests(b)) return Ingest(b);
    // Written to the WAL file (the OS's cache) and the memtable; SyncWAL makes it durable.
    rocksdb::WriteBatch wb = b.ToWriteBatch();
    return FromRocks(db_->Write(rocksdb::WriteOptions(), &wb), "apply");
  }

  Status Sync() override { return FromRocks(db_->SyncWAL(), "sync"); }

 private:
  // A DeleteAll stays on the WriteBatch path: in an ingested file a range deletion and the
  // puts share one sequence number, so "delete all, then put" would not mean what it says.
  bool Ingests(const RocksBatch& b) const {
    return (b.count() >= ingest_min_entries_ || b.bytes() >= ingest_min_bytes_) &&
           !b.has_delete_all();
  }

  // Writes the batch as one table file (synced) and ingests it: atomic like a WriteBatch
  // (RocksDB adds the file in one version edit, with a sequence number above every earlier
  // write, flushing the memtable first if it overlaps) and durable on return (the file is
  // synced, the MANIFEST written), so Sync has nothing left to do for it.
  Status Ingest(const RocksBatch& b) {
    const std::string path = fmt::format("{}/{}.sst", ingest_dir_, ingest_seq_.fetch_add(1) + 1);
    Status s = WriteTable(b, path);
    if (s.ok()) {
      rocksdb::IngestExternalFileOptions options;
      options.move_files = true;  // a hard link, which RocksDB syncs
      s = FromRocks(db_->IngestExternalFile({path}, options), "ingest");
    }
    (void)options_.env->DeleteFile(path);  // gone already after a successful move
    return s;
  }

  Status WriteTable(const RocksBatch& b, const std::string& path) {
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(options_), options_);
    RETURN_IF_ERROR(FromRocks(writer.Open(path), "ingest: open " + path));
    for (uint32_t i : b.KeyOrder()) {
      const RocksBatch::Op& op = b.ops()[i];
      rocksdb::Status s = op.kind == RocksBatch::Kind::kPut ? writer.Put(b.key(op), b.value(op))
                                                            : writer.Delete(b.key(op));
      RETURN_IF_ERROR(FromRocks(s, "ingest: write"));
    }
    return FromRocks(writer.Finish(), "ingest: finish");
  }

  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::Options options_;
  std::string ingest_dir_;
  size_t ingest_min_entries_;
  size_t ingest_min_bytes_;
  std::atomic<uint64_t> ingest_seq_{0};
};

// The options the ingested table files are written with: the DB's, without compression.
// Snappy was a fifth of writing a checkpoint's file; the file is rewritten (compressed) by
// the first compaction that takes it, which runs in the background.
rocksdb::Options IngestWriterOptions(const rocksdb::Options& db_options) {
  rocksdb::Options options = db_options;
  options.compression = rocksdb::kNoCompression;
  return options;
}

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
  // Debian's RocksDB is built portable: its CRC32C (the default block checksum) is the
  // table-driven one, ~2 instructions a byte; XXH3 is a fraction of that (files written
  // with CRC32C before stay readable: the type is recorded per file).
  table.checksum = rocksdb::kXXH3;
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // The memtable too: without a filter, a Get of an absent key walks its skiplist, which
  // dominated reads of new keys (measured: docs/benchmarks.md).
  options.memtable_whole_key_filtering = true;
  options.memtable_prefix_bloom_size_ratio = 0.02;
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(options, dir, &raw), "open " + dir));
  auto db = std::unique_ptr<rocksdb::DB>(raw);
  // Table files for ingestion are written here first; one left by a crash before its
  // ingestion holds a checkpoint that never committed.
  const std::string ingest_dir = dir + "/ingest";
  RETURN_IF_ERROR(FromRocks(options.env->CreateDirIfMissing(ingest_dir), "open " + ingest_dir));
  std::vector<std::string> leftovers;
  RETURN_IF_ERROR(
      FromRocks(options.env->GetChildren(ingest_dir, &leftovers), "open " + ingest_dir));
  for (const std::string& name : leftovers) {
    if (name == "." || name == "..") continue;
    RETURN_IF_ERROR(
        FromRocks(options.env->DeleteFile(ingest_dir + "/" + name), "open " + ingest_dir));
  }
  return std::unique_ptr<StateStore>(
      std::make_unique<RocksDbStateStore>(std::move(db), IngestWriterOptions(options), ingest_dir,
                                          rocks.ingest_min_entries, rocks.ingest_min_bytes));
}

}  // namespace oxbow::stream
