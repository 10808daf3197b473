// StateStore: where operators keep their state between epochs (ARCHITECTURE.md decision 5).
//
// Keys are namespaced by a StateId: every stateful operator (and every pipeline, for its
// checkpoint metadata) owns one id, and its keys are stored as [id, 4 bytes big-endian][key],
// so one store serves every pipeline of a server and an operator's keys form one prefix.
// Ids are allocated by whoever builds the dataflow (the planner); two operators must never
// share one.
//
// Writes are not applied one by one: an operator puts its dirty state into a StateWriteBatch
// at a barrier, and Commit applies the whole batch atomically — with the pipeline's source
// offsets in the same batch — and durably (the WAL is fsynced before Commit returns). A
// crash therefore leaves the store at the last committed checkpoint, never between two.
//
// Thread safety: Get/Scan/Commit may be called from several threads (one pipeline thread
// each); a StateWriteBatch belongs to the thread that fills it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "base/status.h"

namespace oxbow::stream {

using StateId = uint32_t;

// The store key of `key` in `id`'s namespace.
std::string StateKey(StateId id, std::string_view key);

class StateWriteBatch {
 public:
  virtual ~StateWriteBatch() = default;
  virtual void Put(StateId id, std::string_view key, std::string_view value) = 0;
  virtual void Delete(StateId id, std::string_view key) = 0;
  // Deletes every key of `id` (an operator that rewrites its whole state).
  virtual void DeleteAll(StateId id) = 0;
  virtual size_t count() const = 0;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // The value of `key`, or nullopt. Errors: Internal/DataLoss from the storage engine.
  virtual Result<std::optional<std::string>> Get(StateId id, std::string_view key) = 0;
  // Calls `fn(key, value)` for every key of `id` starting with `prefix`, in key order
  // (bytewise); `key` excludes the id. Stops at and returns the first error `fn` returns.
  using ScanFn = std::function<Status(std::string_view key, std::string_view value)>;
  virtual Status Scan(StateId id, std::string_view prefix, const ScanFn& fn) = 0;

  virtual std::unique_ptr<StateWriteBatch> NewBatch() = 0;
  // Applies `batch` atomically and durably (synced before returning).
  virtual Status Commit(StateWriteBatch& batch) = 0;
  // Applies `batch` atomically and readable at once, without waiting for it to be durable:
  // until Sync returns, a crash of the machine may lose it (whole, never half; a crash of
  // the process alone does not). Default: Commit.
  virtual Status Apply(StateWriteBatch& batch) { return Commit(batch); }
  // Makes every batch applied so far durable. May be called from another thread than Apply,
  // concurrently with reads and writes. Default: nothing to do.
  virtual Status Sync() { return Status(); }
};

// The keys an operator changed in an epoch, in key order, emptying `dirty`: operators write
// their batch in key order because RocksDB's memtable inserts sorted keys several times
// faster than keys in hash order.
std::vector<std::string> TakeSortedKeys(absl::flat_hash_set<std::string>& dirty);

// In memory, for tests and for pipelines that need no durability (ad-hoc queries).
std::unique_ptr<StateStore> NewMemoryStateStore();

struct RocksDbOptions {
  // RocksDB's block cache (data, index and bloom filter blocks): what reads of state that
  // is not in the operators' memory (state_cache.h) hit before the disk.
  size_t block_cache_bytes = size_t{128} << 20;
  // A batch of at least this many puts and deletes (and no DeleteAll) is written as a
  // table file and ingested, not inserted into the memtable: a catch-up checkpoint writes
  // millions of keys, and the memtable's skip list (with the assertions Debian's build keeps)
  // cost ≈ 600 ns per key against ≈ 200 for the file. Durable when Apply returns.
  size_t ingest_min_entries = 100'000;
  // So is a batch of at least this many bytes: an append-only view's checkpoint is a few
  // large blocks (append_only_rows.h), and through the WAL each byte is checksummed by
  // Debian's portable (table-driven) CRC32C, copied into the log and into the memtable, then
  // written again by the flush — the file is written once, with XXH3 block checksums.
  size_t ingest_min_bytes = size_t{8} << 20;
};

// RocksDB in directory `dir` (created if missing). One per server; pipelines share it.
// Bloom filters on every table (point lookups of evicted or new keys) and a shared block
// cache. Large batches are ingested as table files written under `dir`/ingest (leftovers of
// a crash are removed at open). Errors: Internal/Unavailable when the DB cannot be opened (e.g.
// locked by another process).
Result<std::unique_ptr<StateStore>> OpenRocksDbStateStore(const std::string& dir,
                                                          const RocksDbOptions& options = {});

}  // namespace oxbow::stream
