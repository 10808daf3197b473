// SortByKey: sorts items by a byte-string key (bytewise, as RocksDB orders keys), for the
// barrier's write batches, which are built in key order (state_store.h: TakeSortedKeys).
//
// Why not std::sort with string comparisons: a checkpoint after catching up sorts a million
// keys or more, most of them longer than std::string's inline buffer, so every comparison
// chased two pointers into the heap (cache misses) — the sort was most of the time spent
// building a barrier's batch. This sorts 16-byte records holding the next 8 key bytes
// (big-endian, so integer order is byte order) and refines runs of equal bytes 8 bytes
// deeper (a most-significant-digit sort): each key is read once per 8 bytes of common prefix
// instead of once per comparison.
//
// Thread safety: a plain function.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace oxbow::stream {

namespace sort_keys_internal {

struct Entry {
  uint64_t bytes;  // the key's 8 bytes from the current depth, zero-padded, big-endian
  uint32_t tail;   // min(bytes left from the depth, 9): a shorter key sorts first
  uint32_t index;  // into the items
};

inline Entry MakeEntry(std::string_view key, size_t depth, uint32_t index) {
  uint64_t bytes = 0;
  const size_t left = key.size() > depth ? key.size() - depth : 0;
  const size_t n = std::min<size_t>(left, 8);
  for (size_t i = 0; i < n; ++i) {
    bytes |= static_cast<uint64_t>(static_cast<uint8_t>(key[depth + i])) << (56 - 8 * i);
  }
  return {bytes, static_cast<uint32_t>(std::min<size_t>(left, 9)), index};
}

// Sorts [first, last), whose keys agree on their first `depth` bytes.
template <typename KeyOf>
void SortRange(Entry* first, Entry* last, size_t depth, const KeyOf& key_of) {
  auto less = [](const Entry& a, const Entry& b) {
    return a.bytes != b.bytes ? a.bytes < b.bytes : a.tail < b.tail;
  };
  std::sort(first, last, less);
  // Equal 8 bytes with more after them (tail 9): the order is decided further on.
  for (Entry* run = first; run != last;) {
    Entry* end = run + 1;
    while (end != last && end->bytes == run->bytes && end->tail == run->tail) ++end;
    if (end - run > 1 && run->tail == 9) {
      for (Entry* e = run; e != end; ++e) *e = MakeEntry(key_of(e->index), depth + 8, e->index);
      SortRange(run, end, depth + 8, key_of);
    }
    run = end;
  }
}

}  // namespace sort_keys_internal

// Sorts `items` by key(item) (a std::string_view valid during the call) bytewise, ties in no
// particular order.
template <typename T, typename Key>
void SortByKey(std::vector<T>& items, const Key& key) {
  using sort_keys_internal::Entry;
  if (items.size() < 2) return;
  std::vector<Entry> entries;
  entries.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    entries.push_back(sort_keys_internal::MakeEntry(key(items[i]), 0, static_cast<uint32_t>(i)));
  }
  auto key_of = [&](uint32_t i) -> std::string_view { return key(items[i]); };
  sort_keys_internal::SortRange(entries.data(), entries.data() + entries.size(), 0, key_of);
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (const Entry& e : entries) sorted.push_back(std::move(items[e.index]));
  items = std::move(sorted);
}

}  // namespace oxbow::stream
