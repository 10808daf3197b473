#include "stream/time_bucketed_rows.h"

#include "absl/hash/hash.h"
#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {

constexpr std::string_view kTag = "oxbow time-bucketed rows 1";
constexpr size_t kBlockKeySize = 1 + 8 + 4;

void PutBigEndian(uint64_t v, int bytes, std::string* out) {
  for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>(v >> shift));
  }
}

uint64_t GetBigEndian(std::string_view in) {
  uint64_t v = 0;
  for (char c : in) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

}  // namespace

TimeBucketedRows::TimeBucketedRows(StateId id, char prefix, int64_t width, std::string what)
    : id_(id), prefix_(prefix), width_(width > 0 ? width : 1), what_(std::move(what)) {}

int64_t TimeBucketedRows::BucketOf(int64_t time) const {
  int64_t n = time / width_;
  if (time % width_ < 0) --n;  // floor, for times before 2000
  return n;
}

std::string TimeBucketedRows::BlockKey(int64_t bucket, uint32_t block) const {
  std::string key(1, prefix_);
  key.reserve(kBlockKeySize);
  // Sign bit flipped: negative numbers sort before positive ones, bytewise.
  PutBigEndian(static_cast<uint64_t>(bucket) ^ (uint64_t{1} << 63), 8, &key);
  PutBigEndian(block, 4, &key);
  return key;
}

uint64_t TimeBucketedRows::Hash(std::string_view key) {
  return absl::Hash<absl::string_view>{}(absl::string_view(key.data(), key.size()));
}

Status TimeBucketedRows::Malformed() const {
  return absl::DataLossError(fmt::format("{}: malformed block of join rows", what_));
}

bool TimeBucketedRows::Parse(std::string_view block, uint32_t offset, std::string_view* key,
                             std::string_view* row, size_t* end) {
  if (offset > block.size()) return false;
  std::string_view in = block.substr(offset);
  uint64_t n;
  if (!GetVarint(&in, &n) || n > in.size()) return false;
  *key = in.substr(0, n);
  in.remove_prefix(n);
  if (!GetVarint(&in, &n) || n > in.size()) return false;
  *row = in.substr(0, n);
  in.remove_prefix(n);
  *end = block.size() - in.size();
  return true;
}

void TimeBucketedRows::Index(Bucket& b, uint32_t block, uint32_t offset, std::string_view key) {
  const uint32_t e = static_cast<uint32_t>(b.entries.size());
  auto [it, inserted] = b.index.try_emplace(Hash(key), e);
  b.entries.push_back(Entry{block, offset, inserted ? kNone : it->second});
  if (!inserted) it->second = e;
}

void TimeBucketedRows::Add(std::string_view key, std::string_view row, bool has_time,
                           int64_t time) {
  const int64_t number = has_time ? BucketOf(time) : kNoTimeBucket;
  if (last_ == nullptr || last_number_ != number) {
    last_ = &buckets_[number];
    last_number_ = number;
  }
  Bucket& b = *last_;
  // The last block is resident: blocks are evicted once full.
  if (b.blocks.empty() || b.blocks.back().data.size() >= kBlockBytes) b.blocks.emplace_back();
  const uint32_t block = static_cast<uint32_t>(b.blocks.size() - 1);
  // The open block changes: the checkpoint that wrote it must write it again.
  b.written = std::min<size_t>(b.written, block);
  std::string& data = b.blocks.back().data;
  const size_t offset = data.size();
  PutVarint(key.size(), &data);
  data.append(key);
  PutVarint(row.size(), &data);
  data.append(row);
  Index(b, block, static_cast<uint32_t>(offset), key);
  ++rows_;
  block_bytes_ += data.size() - offset;
  unwritten_bytes_ += data.size() - offset;
}

Result<bool> TimeBucketedRows::Contains(std::string_view key) const {
  bool found = false;
  Status s = ForEachMatch(key, [&](std::string_view) {
    found = true;
    return absl::CancelledError("found");  // stops the search
  });
  if (!found) RETURN_IF_ERROR(s);
  return found;
}

Result<std::string_view> TimeBucketedRows::BlockData(
    int64_t number, const Bucket& b, uint32_t block, std::string* loaded,
    std::pair<int64_t, uint32_t>* loaded_at) const {
  if (b.blocks[block].resident) return std::string_view(b.blocks[block].data);
  if (*loaded_at != std::make_pair(number, block)) {
    if (store_ == nullptr)
      return absl::InternalError(fmt::format("{}: evicted without a store", what_));
    ASSIGN_OR_RETURN(std::optional<std::string> data, store_->Get(id_, BlockKey(number, block)));
    if (!data) return absl::DataLossError(fmt::format("{}: a block of join rows vanished", what_));
    *loaded = std::move(*data);
    *loaded_at = {number, block};
  }
  return std::string_view(*loaded);
}

void TimeBucketedRows::AfterCommit() {
  for (auto& [number, b] : buckets_) b.committed_full = b.pending_full;
  Evict();
}

void TimeBucketedRows::set_budget(size_t bytes) {
  budget_ = bytes;
  Evict();
}

void TimeBucketedRows::Evict() {
  if (store_ == nullptr) return;  // nothing could read them back
  for (auto it = buckets_.begin(); it != buckets_.end() && block_bytes_ > budget_; ++it) {
    Bucket& b = it->second;
    for (; b.evicted < b.committed_full && block_bytes_ > budget_; ++b.evicted) {
      Block& block = b.blocks[b.evicted];
      if (!block.resident) continue;
      block_bytes_ -= block.data.size();
      std::string().swap(block.data);
      block.resident = false;
    }
  }
}

void TimeBucketedRows::ExpireBelow(int64_t bound) {
  if (bound == INT64_MIN) return;
  const int64_t limit = BucketOf(bound);  // buckets below it end at or below the bound
  for (auto it = buckets_.begin(); it != buckets_.end() && it->first < limit;) {
    if (it->second.stored > 0) dropped_.emplace_back(it->first, it->second.stored);
    rows_ -= it->second.entries.size();
    for (const Block& block : it->second.blocks) block_bytes_ -= block.data.size();
    if (last_ == &it->second) last_ = nullptr;
    it = buckets_.erase(it);
  }
}

void TimeBucketedRows::Checkpoint(StateWriteBatch& batch) {
  if (!tagged_) {
    batch.Put(id_, std::string(1, prefix_), kTag);
    tagged_ = true;
  }
  // Deletes first, in bucket order (the oldest keys). A bucket that a late row created again
  // under a dropped number rewrites its blocks below: only the ones beyond them are deleted.
  for (const auto& [number, stored] : dropped_) {
    auto live = buckets_.find(number);
    size_t from = live == buckets_.end() ? 0 : live->second.blocks.size();
    for (size_t i = from; i < stored; ++i) {
      batch.Delete(id_, BlockKey(number, static_cast<uint32_t>(i)));
    }
  }
  dropped_.clear();
  for (auto& [number, b] : buckets_) {
    for (size_t i = b.written; i < b.blocks.size(); ++i) {  // unwritten blocks are resident
      batch.Put(id_, BlockKey(number, static_cast<uint32_t>(i)), b.blocks[i].data);
    }
    b.written = b.blocks.size();
    b.stored = std::max(b.stored, b.blocks.size());
    // Every block but the last is full; the last is once it reached the block size.
    b.pending_full = b.blocks.empty() || b.blocks.back().data.size() >= kBlockBytes
                         ? b.blocks.size()
                         : b.blocks.size() - 1;
  }
  unwritten_bytes_ = 0;
}

Status TimeBucketedRows::Restore(StateStore& store) {
  buckets_.clear();
  last_ = nullptr;
  dropped_.clear();
  rows_ = 0;
  block_bytes_ = unwritten_bytes_ = 0;
  tagged_ = false;
  store_ = &store;
  auto older = [&] {
    return absl::DataLossError(fmt::format(
        "{}: the stored rows of this join are not in the time-bucketed block format (a view "
        "created by an older version of Oxbow stores them differently: DROP and CREATE the view "
        "again)",
        what_));
  };
  Status s = store.Scan(
      id_, std::string(1, prefix_), [&](std::string_view key, std::string_view value) -> Status {
        if (key.size() == 1) {  // the prefix alone sorts first
          if (value != kTag) return older();
          tagged_ = true;
          return Status();
        }
        if (!tagged_) return older();
        if (key.size() != kBlockKeySize) return Malformed();
        const int64_t number =
            static_cast<int64_t>(GetBigEndian(key.substr(1, 8)) ^ (uint64_t{1} << 63));
        const uint64_t block = GetBigEndian(key.substr(9, 4));
        Bucket& b = buckets_[number];
        if (block != b.blocks.size()) return Malformed();  // blocks are numbered densely
        for (size_t at = 0; at < value.size();) {
          std::string_view k, row;
          size_t end;
          if (!Parse(value, static_cast<uint32_t>(at), &k, &row, &end)) return Malformed();
          Index(b, static_cast<uint32_t>(block), static_cast<uint32_t>(at), k);
          ++rows_;
          at = end;
        }
        // A full block over the budget stays in the store (only its rows are indexed); an
        // open one is appended to, so it is in memory.
        Block& data = b.blocks.emplace_back();
        const bool full = value.size() >= kBlockBytes;
        if (full && block_bytes_ + value.size() > budget_) {
          data.resident = false;
        } else {
          data.data.assign(value);
          block_bytes_ += value.size();
        }
        b.written = b.stored = b.blocks.size();
        if (full) b.pending_full = b.committed_full = b.blocks.size();
        return Status();
      });
  RETURN_IF_ERROR(s);
  // A bucket's evicted blocks are its first ones (eviction goes in block order).
  for (auto& [number, b] : buckets_) {
    while (b.evicted < b.blocks.size() && !b.blocks[b.evicted].resident) ++b.evicted;
  }
  return Status();
}

size_t TimeBucketedRows::resident_bytes() const {
  size_t bytes = 0;
  for (const auto& [number, b] : buckets_) {
    for (const Block& block : b.blocks) bytes += block.data.capacity() + sizeof(Block);
    bytes += b.entries.capacity() * sizeof(Entry);
    bytes += b.index.capacity() * (sizeof(uint64_t) + sizeof(uint32_t) + 1);
    bytes += sizeof(Bucket) + 32;
  }
  return bytes;
}

}  // namespace oxbow::stream
