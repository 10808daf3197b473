// StateCache: the in-memory part of an operator's keyed state, bounded by a memory budget,
// over the StateStore that holds the rest (ARCHITECTURE.md decision 5: state larger than
// memory). One entry per cache key: a group, a row key, a join key's rows, a partition.
//
// Entries are clean (equal to the last committed checkpoint), dirty (changed since the last
// barrier) or pending (written by a barrier whose commit has not completed). When
// the entries' estimated bytes exceed the budget, clean entries are evicted, least recently
// used first (CLOCK: a referenced bit cleared by a sweeping hand); a later miss reloads the
// entry from the store through the operator's LoadFn (a Get, or a prefix Scan for entries
// stored as several rows). Dirty and pending entries are never evicted, and never written early:
// the store must hold committed checkpoints only (a write of uncommitted state would survive a
// crash and the replay would apply its input a second time), so an epoch's dirty entries stay
// in memory until the barrier writes them and the commit makes them clean (AfterCommit).
// An operator over budget with only dirty entries asks the pipeline for an early checkpoint
// (over_budget()).
//
// Deletions: a key whose state goes away stays resident as an "empty" value (EmptyFn) until
// its delete is committed, so that a miss never reads the stale value from the store.
//
// Misses cost nothing while the cache is complete — it holds every key of the store: a fresh
// operator, a restore that fit the budget, and no eviction since. That keeps the all-in-memory
// path free of store reads.
//
// Pointers to values stay valid until the next Find/Insert/Trim/AfterCommit on the same cache.
// Thread safety: none (the owning operator's thread; the view guards its cache with a mutex).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/status.h"
#include "stream/sort_keys.h"
#include "stream/state_store.h"

namespace oxbow::stream {

inline constexpr size_t kUnlimitedStateMemory = std::numeric_limits<size_t>::max();

template <typename V>
class StateCache {
 public:
  // Reads `key`'s value from the store: nullopt when the store has none.
  using LoadFn = std::function<Result<std::optional<V>>(StateStore& store, std::string_view key)>;
  // Estimated heap bytes of a value (the key and a fixed overhead are added).
  using SizeFn = std::function<size_t(const V&)>;
  // Whether a value means "no state for this key" (deleted at the next checkpoint).
  using EmptyFn = std::function<bool(const V&)>;

  StateCache(LoadFn load, SizeFn size, EmptyFn empty)
      : load_(std::move(load)), size_(std::move(size)), empty_(std::move(empty)) {}

  void set_budget(size_t bytes) { budget_ = bytes; }
  size_t budget() const { return budget_; }
  // Resident entries (clean and dirty, including empty ones awaiting their delete).
  size_t resident() const { return map_.size(); }
  size_t used_bytes() const { return used_; }
  uint64_t evictions() const { return evictions_; }
  uint64_t loads() const { return loads_; }
  // Whether the resident entries are every key there is (misses need no store read).
  bool complete() const { return complete_; }
  // Whether the dirty entries alone exceed the budget: only a checkpoint can make room.
  bool over_budget() const { return over_; }

  // Restore: forgets everything; misses will read `store`. Then the operator scans the store
  // and adds entries with AddRestored while full() is false, and calls FinishRestore.
  void BeginRestore(StateStore* store) {
    map_.clear();
    ring_.clear();
    ring_active_ = false;
    dirty_.clear();
    pending_.clear();
    hand_ = 0;
    used_ = 0;
    over_ = false;
    complete_ = true;
    store_ = store;
  }
  bool full() const { return used_ >= budget_; }
  // A clean entry read by the restore scan (or, for multi-row entries, created empty and
  // filled with Resident()->value, then Resize()d).
  // `stored_bytes`: the size of its stored form, a floor for the estimate (aggregate states
  // such as min/max or count(DISTINCT) grow with their values).
  V* AddRestored(std::string key, V value, size_t stored_bytes = 0) {
    auto [it, inserted] = map_.try_emplace(std::move(key));
    it->second.value = std::move(value);
    it->second.stored = stored_bytes;
    Charge(it->first, it->second);
    Track(it->first, it->second);
    return &it->second.value;
  }
  // After the scan (`stopped_early`: at full(), so the store holds keys not loaded); the last
  // entry loaded may have gone over the budget.
  void FinishRestore(bool stopped_early) {
    if (stopped_early) complete_ = false;
    Trim();
  }

  // The value of `key`, loaded from the store on a miss; nullptr when there is none.
  // Errors: the store's, the LoadFn's.
  Result<V*> Find(std::string_view key) {
    auto it = map_.find(Key(key));
    if (it != map_.end()) {
      it->second.referenced = true;
      return &it->second.value;
    }
    if (complete_ || store_ == nullptr) return nullptr;
    ASSIGN_OR_RETURN(std::optional<V> loaded, load_(*store_, key));
    ++loads_;
    if (!loaded) return nullptr;
    auto [ins, ok] = map_.try_emplace(std::string(key));
    ins->second.value = std::move(*loaded);
    ins->second.referenced = true;
    Charge(ins->first, ins->second);
    Track(ins->first, ins->second);
    return &ins->second.value;
  }
  // A resident value (a dirty one is always resident), or nullptr.
  V* Resident(std::string_view key) {
    auto it = map_.find(Key(key));
    return it == map_.end() ? nullptr : &it->second.value;
  }
  bool contains(std::string_view key) const { return map_.contains(Key(key)); }
  // Creates `key` (absent: Find returned nullptr) as a dirty entry.
  V* Insert(std::string_view key, V value) {
    auto [it, inserted] = map_.try_emplace(std::string(key));
    it->second.value = std::move(value);
    it->second.referenced = true;
    Charge(it->first, it->second);
    MarkDirty(it->first, it->second);
    return &it->second.value;
  }
  // Drops `key`'s state (resident or not, loaded or not): it becomes `empty` (a value EmptyFn
  // accepts), dirty, and the next checkpoint deletes it from the store. For state a
  // watermark expired, which is never read again.
  void Erase(std::string_view key, V empty) {
    auto it = map_.find(Key(key));
    if (it == map_.end()) {
      if (complete_ || store_ == nullptr) return;  // nothing stored either
      it = map_.try_emplace(std::string(key)).first;
    }
    it->second.value = std::move(empty);
    Charge(it->first, it->second);
    MarkDirty(it->first, it->second);
  }
  // Records that `key`'s (resident) value changed in this epoch.
  void MarkDirty(std::string_view key) {
    auto it = map_.find(Key(key));
    if (it != map_.end()) MarkDirty(it->first, it->second);
  }

  // Barrier, for entries stored as one row: puts each dirty entry (sorted by key) — a delete
  // for an empty one — into `batch` under `id`, its value from `encode`.
  void Checkpoint(StateWriteBatch& batch, StateId id,
                  const std::function<void(const V&, std::string*)>& encode) {
    if (!Mostly(dirty_.size()) || !CheckpointInTableOrder(batch, id, encode)) {
      CheckpointByLookup(batch, id, encode);
    }
    MoveDirtyToPending();
  }
  // Barrier, for operators that write their own (row-level) dirty state: the dirty entries
  // become clean once the batch commits (AfterCommit). Until then they are pending — not
  // evictable — and may become dirty again in the next epoch (a background sync,
  // pipeline.h, lets the pipeline go on processing before AfterCommit).
  void TookDirty() {
    for (const std::string& key : dirty_) {
      auto it = map_.find(Key(key));
      if (it == map_.end()) continue;
      it->second.dirty = false;
      it->second.pending = true;
    }
    MoveDirtyToPending();
  }
  // The checkpoint is committed: its entries are clean (empty ones are dropped), then
  // evicts down to the budget.
  void AfterCommit() {
    // Returns whether the entry was erased.
    auto committed = [&](decltype(map_.begin()) it) {
      Slot& s = it->second;
      s.pending = false;
      if (s.dirty) return false;  // changed again since: the next checkpoint writes it
      if (empty_(s.value)) {
        used_ -= std::min(used_, s.bytes);
        map_.erase(it);
        return true;
      }
      Charge(it->first, s);
      Track(it->first, s);
      return false;
    };
    if (Mostly(pending_.size())) {
      for (auto it = map_.begin(); it != map_.end();) {
        auto next = std::next(it);
        if (it->second.pending) committed(it);
        it = next;
      }
    } else {
      for (const std::string& key : pending_) {
        auto it = map_.find(Key(key));
        if (it != map_.end() && it->second.pending) committed(it);
      }
    }
    pending_.clear();
    over_ = false;
    Trim();
  }
  // Evicts clean entries while over budget (call between chunks: invalidates pointers).
  void Trim() {
    // Nothing is evicted before a restore has named the store that would read it back.
    if (used_ <= budget_ || store_ == nullptr) return;
    if (!ring_active_ || ring_.size() > 2 * map_.size() + 64) RebuildRing();
    size_t steps = 0;
    const size_t limit = 2 * ring_.size() + 1;
    while (used_ > budget_ && !ring_.empty() && steps++ < limit) {
      if (hand_ >= ring_.size()) hand_ = 0;
      auto it = map_.find(ring_[hand_]);
      if (it == map_.end() || it->second.dirty || it->second.pending) {
        if (it != map_.end()) it->second.in_ring = false;
        RemoveFromRing(hand_);
        continue;
      }
      if (it->second.referenced) {
        it->second.referenced = false;
        ++hand_;
        continue;
      }
      used_ -= std::min(used_, it->second.bytes);
      map_.erase(it);
      RemoveFromRing(hand_);
      complete_ = false;
      ++evictions_;
    }
    over_ = used_ > budget_;
  }

  // Calls fn(key, value) for every resident entry.
  template <typename Fn>
  void ForEachResident(Fn&& fn) const {
    for (const auto& [k, s] : map_) fn(k, s.value);
  }
  // Resident entries that are not empty (O(entries): for tests).
  size_t live_resident() const {
    size_t n = 0;
    for (const auto& [k, s] : map_) n += empty_(s.value) ? 0 : 1;
    return n;
  }
  // Recomputes a resident entry's size after the operator filled it (multi-row restores).
  void Resize(std::string_view key) {
    auto it = map_.find(Key(key));
    if (it != map_.end()) Charge(it->first, it->second);
  }

 private:
  struct Slot {
    V value{};
    size_t bytes = 0;
    size_t stored = 0;     // bytes of its stored form when last written or read, if known
    bool dirty = false;    // changed since the last barrier
    bool pending = false;  // written by a barrier whose commit has not completed
    bool referenced = false;
    bool in_ring = false;
  };
  // Checkpoint when most entries are dirty: one pass over the table (memory in order)
  // encodes each dirty entry, key and value, into one buffer; the buffer's records are then
  // sorted and put. Visiting the entries in key order instead cost a cache miss or more per
  // entry (the slot, its value's heap data). False, having changed nothing, when some dirty
  // key is not resident.
  bool CheckpointInTableOrder(StateWriteBatch& batch, StateId id,
                              const std::function<void(const V&, std::string*)>& encode) {
    struct Record {
      Slot* slot;
      size_t at;  // key, then value, in `buffer`
      uint32_t key_size;
      uint32_t value_size;  // with `empty`: nothing (a delete)
      bool empty;
    };
    std::vector<Record> records;
    records.reserve(dirty_.size());
    std::string buffer, value;
    for (auto& [key, slot] : map_) {
      if (!slot.dirty) continue;
      Record r{&slot, buffer.size(), static_cast<uint32_t>(key.size()), 0, empty_(slot.value)};
      buffer.append(key);
      if (!r.empty) {
        value.clear();  // encoders may assign rather than append
        encode(slot.value, &value);
        buffer.append(value);
        r.value_size = static_cast<uint32_t>(value.size());
      }
      records.push_back(r);
    }
    if (records.size() != dirty_.size()) return false;
    for (const Record& r : records) {  // table order: the slots in memory order
      if (!r.empty) r.slot->stored = r.value_size;
      r.slot->dirty = false;
      r.slot->pending = true;
    }
    SortByKey(records,
              [&](const Record& r) { return std::string_view(buffer.data() + r.at, r.key_size); });
    for (const Record& r : records) {
      std::string_view key(buffer.data() + r.at, r.key_size);
      if (r.empty) {
        batch.Delete(id, key);
      } else {
        batch.Put(id, key, std::string_view(buffer.data() + r.at + r.key_size, r.value_size));
      }
    }
    return true;
  }
  // Checkpoint of a few dirty entries: a lookup each, then put in key order.
  void CheckpointByLookup(StateWriteBatch& batch, StateId id,
                          const std::function<void(const V&, std::string*)>& encode) {
    struct Dirty {
      std::string_view key;
      Slot* slot;  // nullptr: not resident (nothing to write but its delete)
    };
    std::vector<Dirty> items;
    items.reserve(dirty_.size());
    for (const std::string& key : dirty_) {
      auto it = map_.find(Key(key));
      items.push_back({key, it == map_.end() ? nullptr : &it->second});
    }
    SortByKey(items, [](const Dirty& d) { return d.key; });
    std::string value;
    for (const Dirty& d : items) {
      if (d.slot == nullptr || empty_(d.slot->value)) {
        batch.Delete(id, d.key);
      } else {
        value.clear();
        encode(d.slot->value, &value);
        d.slot->stored = value.size();
        batch.Put(id, d.key, value);
      }
      if (d.slot != nullptr) {
        d.slot->dirty = false;
        d.slot->pending = true;
      }
    }
  }

  // A hash map entry, the key's own heap bytes and the ring's copy.
  static constexpr size_t kOverhead = sizeof(Slot) + sizeof(std::string) * 2 + 16;

  void Charge(const std::string& key, Slot& s) {
    size_t bytes = kOverhead + 2 * key.size() + std::max(size_ ? size_(s.value) : 0, s.stored);
    used_ = used_ - std::min(used_, s.bytes) + bytes;
    s.bytes = bytes;
  }
  // Whether `n` keys are a large share of the entries: then one pass over the table finds
  // them faster than a hash lookup each (a backlog's epoch touches most of the state; a
  // lookup is a cache miss, the pass reads memory in order).
  bool Mostly(size_t n) const { return n >= 64 && n >= map_.size() / 4; }
  // The keys of the barrier's entries (already flagged pending) await its commit.
  void MoveDirtyToPending() {
    if (pending_.empty()) {
      pending_.swap(dirty_);
    } else {
      pending_.insert(pending_.end(), std::make_move_iterator(dirty_.begin()),
                      std::make_move_iterator(dirty_.end()));
    }
    dirty_.clear();
    over_ = false;  // the checkpoint is making room; the next Trim looks again
  }
  void MarkDirty(const std::string& key, Slot& s) {
    if (s.dirty) return;
    s.dirty = true;
    dirty_.push_back(key);
  }
  // Makes a clean entry evictable (only a bounded cache keeps the ring).
  void Track(const std::string& key, Slot& s) {
    if (!ring_active_ || s.in_ring) return;
    s.in_ring = true;
    ring_.push_back(key);
  }
  void RemoveFromRing(size_t i) {
    if (i + 1 != ring_.size()) ring_[i] = std::move(ring_.back());
    ring_.pop_back();
  }
  void RebuildRing() {
    ring_active_ = true;
    ring_.clear();
    hand_ = 0;
    for (auto& [k, s] : map_) {
      s.in_ring = !s.dirty && !s.pending;
      if (s.in_ring) ring_.push_back(k);
    }
  }

  // Debian's Abseil has its own string_view: heterogeneous lookups take that one.
  static absl::string_view Key(std::string_view key) { return {key.data(), key.size()}; }

  LoadFn load_;
  SizeFn size_;
  EmptyFn empty_;
  StateStore* store_ = nullptr;
  size_t budget_ = kUnlimitedStateMemory;
  absl::flat_hash_map<std::string, Slot> map_;
  // Clean keys for the CLOCK hand (may hold stale keys). Built by the first Trim that has to
  // evict, kept from then on: until the state outgrows its budget there is nothing to evict,
  // and copying every committed key into the ring was a tenth of a large barrier's cost.
  std::vector<std::string> ring_;
  bool ring_active_ = false;
  size_t hand_ = 0;
  std::vector<std::string> dirty_;    // keys that became dirty in this epoch
  std::vector<std::string> pending_;  // keys written by the checkpoint awaiting its commit
  size_t used_ = 0;
  bool complete_ = true, over_ = false;
  uint64_t evictions_ = 0, loads_ = 0;
};

// Restore of a cache whose entries are one stored row each (key → value): loads `id`'s rows
// in key order until the budget is full. `decode(value)` → Result<V>.
template <typename V, typename Decode>
Status RestoreSingleRows(StateStore& store, StateId id, StateCache<V>& cache,
                         const Decode& decode) {
  cache.BeginRestore(&store);
  bool stopped = false;
  Status s = store.Scan(id, "", [&](std::string_view key, std::string_view value) -> Status {
    if (cache.full()) {
      stopped = true;
      return absl::CancelledError("state cache full");  // stops the scan
    }
    ASSIGN_OR_RETURN(V v, decode(value));
    cache.AddRestored(std::string(key), std::move(v), value.size());
    return Status();
  });
  if (!stopped) RETURN_IF_ERROR(s);
  cache.FinishRestore(stopped);
  return Status();
}

// Restore of a cache whose entries are several stored rows under a common prefix (a join
// key's rows), from `id`'s keys starting with `prefix`: `split(store_key, &entry_key)` names the
// entry a row belongs to (false: malformed), `make()` is a new entry's empty value, `add(entry
// value, store_key, value)` adds the row to the entry's value. Rows of one entry are adjacent in
// key order, so the scan stops between entries once the budget is full and never leaves one half
// loaded.
template <typename V, typename Split, typename Make, typename Add>
Status RestoreGroupedRows(StateStore& store, StateId id, std::string_view prefix,
                          StateCache<V>& cache, const Split& split, const Make& make,
                          const Add& add, const std::string& what) {
  cache.BeginRestore(&store);
  bool stopped = false;
  std::string current;
  bool have_current = false;
  Status s = store.Scan(id, prefix, [&](std::string_view key, std::string_view value) -> Status {
    std::string_view entry;
    if (!split(key, &entry)) return absl::DataLossError(fmt::format("{}: malformed state", what));
    if (!have_current || entry != current) {
      if (have_current) cache.Resize(current);
      if (cache.full()) {
        stopped = true;
        return absl::CancelledError("state cache full");  // stops the scan
      }
      current.assign(entry);
      have_current = true;
      cache.AddRestored(current, make());
    }
    return add(*cache.Resident(current), key, value);
  });
  if (have_current) cache.Resize(current);
  if (!stopped) RETURN_IF_ERROR(s);
  cache.FinishRestore(stopped);
  return Status();
}

}  // namespace oxbow::stream
