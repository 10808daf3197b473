#include "stream/append_only_rows.h"

#include "stream/row_codec.h"

namespace oxbow::stream {

namespace {

constexpr std::string_view kTagKey = "A";
constexpr std::string_view kTag = "oxbow append-only rows 1";
constexpr char kBlockPrefix = 'B';

Status OlderFormat() {
  return absl::DataLossError(
      "MaterializedView: the stored rows of this append-only view are not in the block format "
      "(a view created by an older version of Oxbow stores them differently: DROP and CREATE "
      "the view again)");
}

// Calls fn for each row of a block; counts them.
Status ForEachInBlock(std::string_view block, const std::function<Status(std::string_view)>& fn,
                      uint32_t* count) {
  uint32_t n = 0;
  while (!block.empty()) {
    uint64_t len;
    if (!GetVarint(&block, &len) || len > block.size()) {
      return absl::DataLossError("MaterializedView: malformed block of append-only rows");
    }
    if (fn) RETURN_IF_ERROR(fn(block.substr(0, len)));
    block.remove_prefix(len);
    ++n;
  }
  if (count != nullptr) *count = n;
  return Status();
}

}  // namespace

std::string AppendOnlyRows::BlockKey(uint64_t number) const {
  std::string key(1, kBlockPrefix);
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(number >> shift));
  return key;
}

void AppendOnlyRows::Append(std::string_view row) {
  if (blocks_.empty() || blocks_.back().data.size() >= kBlockBytes) {
    blocks_.emplace_back();
    blocks_.back().data.reserve(kBlockBytes + 256);
  }
  // The open block changes: the checkpoint that wrote it must write it again.
  written_ = std::min(written_, blocks_.size() - 1);
  Block& block = blocks_.back();
  size_t before = block.data.size();
  PutVarint(row.size(), &block.data);
  block.data.append(row);
  ++block.rows;
  ++rows_;
  size_t added = block.data.size() - before;
  resident_bytes_ += added;
  unwritten_bytes_ += added;
}

void AppendOnlyRows::Checkpoint(StateWriteBatch& batch) {
  if (!tagged_) {
    batch.Put(id_, kTagKey, kTag);
    tagged_ = true;
  }
  for (size_t i = written_; i < blocks_.size(); ++i) {
    batch.Put(id_, BlockKey(i), blocks_[i].data);  // unwritten blocks are resident
  }
  written_ = blocks_.size();
  // Every block but the last is full; the last is once it reached the block size.
  pending_full_ = blocks_.empty() || blocks_.back().data.size() >= kBlockBytes ? blocks_.size()
                                                                               : blocks_.size() - 1;
  unwritten_bytes_ = 0;
}

void AppendOnlyRows::AfterCommit() {
  committed_full_ = pending_full_;
  Evict();
}

void AppendOnlyRows::set_budget(size_t bytes) {
  budget_ = bytes;
  Evict();
}

void AppendOnlyRows::Evict() {
  while (resident_bytes_ > budget_ && evicted_ < committed_full_ && store_ != nullptr) {
    Block& block = blocks_[evicted_++];
    if (!block.resident) continue;
    resident_bytes_ -= block.data.size();
    std::string().swap(block.data);
    block.resident = false;
  }
}

Status AppendOnlyRows::Restore(StateStore& store) {
  store_ = &store;
  blocks_.clear();
  rows_ = 0;
  resident_bytes_ = unwritten_bytes_ = 0;
  written_ = pending_full_ = committed_full_ = evicted_ = 0;
  tagged_ = false;
  RETURN_IF_ERROR(store.Scan(id_, "", [&](std::string_view key, std::string_view value) -> Status {
    if (key == kTagKey) {
      if (value != kTag) return OlderFormat();
      tagged_ = true;
      return Status();
    }
    // "A" sorts first: a block before the tag, or any other key, is an older format.
    if (!tagged_ || key.size() != 9 || key[0] != kBlockPrefix || key != BlockKey(blocks_.size())) {
      return OlderFormat();
    }
    Block& block = blocks_.emplace_back();
    RETURN_IF_ERROR(ForEachInBlock(value, nullptr, &block.rows));
    rows_ += block.rows;
    // Blocks beyond the budget stay in the store (the newest ones: eviction during the
    // run takes the oldest first, so either way a scan reads some back).
    if (resident_bytes_ + value.size() <= budget_) {
      block.data.assign(value);
      resident_bytes_ += value.size();
    } else {
      block.resident = false;
    }
    return Status();
  }));
  // Appends go to the last block: it must be in memory.
  if (!blocks_.empty() && !blocks_.back().resident) {
    ASSIGN_OR_RETURN(std::optional<std::string> data, store.Get(id_, BlockKey(blocks_.size() - 1)));
    if (!data) return absl::DataLossError("MaterializedView: an append-only block vanished");
    blocks_.back().data = std::move(*data);
    blocks_.back().resident = true;
    resident_bytes_ += blocks_.back().data.size();
  }
  written_ = blocks_.size();
  committed_full_ = pending_full_ = blocks_.empty() || blocks_.back().data.size() >= kBlockBytes
                                        ? blocks_.size()
                                        : blocks_.size() - 1;
  return Status();
}

Status AppendOnlyRows::ForEach(const std::function<Status(std::string_view row)>& fn) const {
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (blocks_[i].resident) {
      RETURN_IF_ERROR(ForEachInBlock(blocks_[i].data, fn, nullptr));
      continue;
    }
    if (store_ == nullptr) return absl::InternalError("AppendOnlyRows: evicted without a store");
    ASSIGN_OR_RETURN(std::optional<std::string> data, store_->Get(id_, BlockKey(i)));
    if (!data) return absl::DataLossError("MaterializedView: an append-only block vanished");
    RETURN_IF_ERROR(ForEachInBlock(*data, fn, nullptr));
  }
  return Status();
}

uint64_t AppendOnlyRows::resident_rows() const {
  uint64_t n = 0;
  for (const Block& block : blocks_) {
    if (block.resident) n += block.rows;
  }
  return n;
}

}  // namespace oxbow::stream
