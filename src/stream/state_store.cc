#include "stream/state_store.h"

#include <algorithm>
#include <map>
#include <variant>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "stream/sort_keys.h"

namespace oxbow::stream {

std::string StateKey(StateId id, std::string_view key) {
  std::string out;
  out.reserve(4 + key.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(id >> shift));
  out.append(key);
  return out;
}

std::vector<std::string> TakeSortedKeys(absl::flat_hash_set<std::string>& dirty) {
  std::vector<std::string> keys(dirty.begin(), dirty.end());
  dirty.clear();
  SortByKey(keys, [](const std::string& k) { return std::string_view(k); });
  return keys;
}

namespace {

// Operations in order; applied in order on commit.
class MemoryBatch final : public StateWriteBatch {
 public:
  struct Op {
    enum Kind { kPut, kDelete, kDeleteAll } kind;
    StateId id;
    std::string key, value;
  };
  void Put(StateId id, std::string_view key, std::string_view value) override {
    ops_.push_back({Op::kPut, id, std::string(key), std::string(value)});
  }
  void Delete(StateId id, std::string_view key) override {
    ops_.push_back({Op::kDelete, id, std::string(key), {}});
  }
  void DeleteAll(StateId id) override { ops_.push_back({Op::kDeleteAll, id, {}, {}}); }
  size_t count() const override { return ops_.size(); }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

class MemoryStateStore final : public StateStore {
 public:
  Result<std::optional<std::string>> Get(StateId id, std::string_view key) override {
    absl::MutexLock lock(&mu_);
    auto it = data_.find(StateKey(id, key));
    if (it == data_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  Status Scan(StateId id, std::string_view prefix, const ScanFn& fn) override {
    std::vector<std::pair<std::string, std::string>> rows;
    {
      absl::MutexLock lock(&mu_);
      std::string start = StateKey(id, prefix);
      for (auto it = data_.lower_bound(start);
           it != data_.end() && it->first.compare(0, start.size(), start) == 0; ++it) {
        rows.emplace_back(it->first.substr(4), it->second);
      }
    }
    for (const auto& [k, v] : rows) RETURN_IF_ERROR(fn(k, v));
    return Status();
  }

  std::unique_ptr<StateWriteBatch> NewBatch() override { return std::make_unique<MemoryBatch>(); }

  Status Commit(StateWriteBatch& batch) override {
    absl::MutexLock lock(&mu_);
    for (const MemoryBatch::Op& op : static_cast<MemoryBatch&>(batch).ops()) {
      std::string key = StateKey(op.id, op.key);
      switch (op.kind) {
        case MemoryBatch::Op::kPut:
          data_[key] = op.value;
          break;
        case MemoryBatch::Op::kDelete:
          data_.erase(key);
          break;
        case MemoryBatch::Op::kDeleteAll: {
          auto it = data_.lower_bound(key);
          while (it != data_.end() && it->first.compare(0, 4, key) == 0) it = data_.erase(it);
          break;
        }
      }
    }
    return Status();
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, std::string> data_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<StateStore> NewMemoryStateStore() { return std::make_unique<MemoryStateStore>(); }

}  // namespace oxbow::stream
