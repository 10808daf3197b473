#include "log/producer_state.h"

#include <algorithm>
#include <limits>

#include "base/crc32c.h"
#include "fmt/format.h"

namespace oxbow::log {
namespace {

constexpr std::string_view kSnapshotMagic = "OXPS";
constexpr int16_t kSnapshotVersion = 1;
// Per entry: producer id, epoch, batch count; per batch: two sequences, two offsets, time.
constexpr size_t kEntryHeaderBytes = 8 + 2 + 1;
constexpr size_t kBatchBytes = 4 + 4 + 8 + 8 + 8;

// Appends the low `bytes` bytes of `v`, big-endian.
void PutBE(std::string& out, int64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Whether `next` is the sequence right after `last` (Kafka wraps INT32_MAX to 0).
bool InSequence(int32_t last, int32_t next) {
  return (last == std::numeric_limits<int32_t>::max() && next == 0) ||
         (last != std::numeric_limits<int32_t>::max() && next == last + 1);
}

}  // namespace

int32_t LastSequence(const BatchHeader& h) {
  int64_t last = static_cast<int64_t>(h.base_sequence) + h.last_offset_delta;
  if (last > std::numeric_limits<int32_t>::max()) {
    last -= static_cast<int64_t>(std::numeric_limits<int32_t>::max()) + 1;
  }
  return static_cast<int32_t>(last);
}

void ProducerEntry::Add(const ProducerBatch& b) {
  if (count == kMaxBatches) {
    std::move(batches.begin() + 1, batches.end(), batches.begin());
    --count;
  }
  batches[count++] = b;
}

const ProducerBatch* ProducerEntry::Find(int32_t first_seq, int32_t last_seq) const {
  for (uint8_t i = 0; i < count; ++i) {
    if (batches[i].first_seq == first_seq && batches[i].last_seq == last_seq) return &batches[i];
  }
  return nullptr;
}

Result<SequenceCheck> ProducerStateTable::Check(const ProducerEntry* entry, const BatchHeader& h) {
  const int32_t first = h.base_sequence;
  const int32_t last = LastSequence(h);
  if (first < 0) {
    return ProducerErrorStatus(
        ProducerError::kOutOfOrderSequence,
        fmt::format("producer {}: invalid base sequence {}", h.producer_id.value(), first));
  }
  if (entry == nullptr || entry->epoch.value() < 0) {
    if (first != 0) {
      return ProducerErrorStatus(
          ProducerError::kUnknownProducerId,
          fmt::format("no record of producer {} in this partition (its batches may have been "
                      "deleted); a new producer must start at sequence 0, not {}",
                      h.producer_id.value(), first));
    }
    return SequenceCheck{};
  }
  if (h.producer_epoch < entry->epoch) {
    return ProducerErrorStatus(
        ProducerError::kInvalidProducerEpoch,
        fmt::format("producer {}: epoch {} is older than the current epoch {}",
                    h.producer_id.value(), h.producer_epoch.value(), entry->epoch.value()));
  }
  if (h.producer_epoch > entry->epoch) {
    if (first != 0) {
      return ProducerErrorStatus(
          ProducerError::kOutOfOrderSequence,
          fmt::format("producer {}: a new epoch {} must start at sequence 0, "
                      "not {}",
                      h.producer_id.value(), h.producer_epoch.value(), first));
    }
    return SequenceCheck{};
  }
  if (const ProducerBatch* dup = entry->Find(first, last)) return SequenceCheck{*dup};
  const ProducerBatch* prev = entry->last();
  if (prev == nullptr) {
    // The producer's batches are known by epoch only (e.g. all were compacted away).
    return SequenceCheck{};
  }
  if (!InSequence(prev->last_seq, first)) {
    return ProducerErrorStatus(
        ProducerError::kOutOfOrderSequence,
        fmt::format("producer {} epoch {}: sequence {} does not follow the last written {}",
                    h.producer_id.value(), h.producer_epoch.value(), first, prev->last_seq));
  }
  return SequenceCheck{};
}

void ProducerStateTable::Apply(ProducerEntry& entry, const BatchHeader& h) {
  if (h.producer_epoch != entry.epoch) {
    entry.epoch = h.producer_epoch;
    entry.count = 0;
  }
  entry.Add(ProducerBatch{h.base_sequence, LastSequence(h), h.base_offset, h.last_offset(),
                          h.max_timestamp});
}

const ProducerEntry* ProducerStateTable::Find(ProducerId id) const {
  auto it = producers_.find(id);
  return it == producers_.end() ? nullptr : &it->second;
}

void ProducerStateTable::Replay(const BatchHeader& h) {
  if (h.producer_id.value() < 0) return;
  ProducerEntry& e = producers_[h.producer_id];
  // An older epoch in the log can only precede a newer one; never move backwards.
  if (e.epoch.value() >= 0 && h.producer_epoch < e.epoch) return;
  Apply(e, h);
}

void ProducerStateTable::DropBefore(Offset offset) {
  absl::erase_if(producers_, [offset](const auto& kv) {
    const ProducerBatch* last = kv.second.last();
    return last != nullptr && last->last_offset < offset;
  });
}

std::string ProducerStateTable::EncodeSnapshot(Offset at) const {
  std::string out;
  out.reserve(32 + producers_.size() * (kEntryHeaderBytes + 5 * kBatchBytes));
  out.append(kSnapshotMagic);
  PutBE(out, kSnapshotVersion, 2);
  PutBE(out, at.value(), 8);
  PutBE(out, producers_.size(), 4);
  for (const auto& [id, e] : producers_) {
    PutBE(out, id.value(), 8);
    PutBE(out, e.epoch.value(), 2);
    PutBE(out, e.count, 1);
    for (uint8_t i = 0; i < e.count; ++i) {
      const ProducerBatch& b = e.batches[i];
      PutBE(out, b.first_seq, 4);
      PutBE(out, b.last_seq, 4);
      PutBE(out, b.first_offset.value(), 8);
      PutBE(out, b.last_offset.value(), 8);
      PutBE(out, b.max_timestamp.value(), 8);
    }
  }
  PutBE(out, crc32c::Value(AsBytes(out)), 4);
  return out;
}

Result<Offset> ProducerStateTable::DecodeSnapshot(ByteView bytes) {
  auto damaged = [](std::string_view why) {
    return absl::DataLossError(fmt::format("producer state snapshot: {}", why));
  };
  if (bytes.size() < kSnapshotMagic.size() + 2 + 8 + 4 + 4) return damaged("too short");
  ByteView body = bytes.subspan(0, bytes.size() - 4);
  ByteReader crc_in(bytes.subspan(bytes.size() - 4));
  if (static_cast<uint32_t>(crc_in.ReadBE32()) != crc32c::Value(body)) {
    return damaged("CRC mismatch");
  }
  ByteReader in(body);
  if (AsString(in.ReadBytes(kSnapshotMagic.size())) != kSnapshotMagic) return damaged("magic");
  if (in.ReadBE16() != kSnapshotVersion) return damaged("unknown version");
  Offset at(in.ReadBE64());
  uint32_t n = static_cast<uint32_t>(in.ReadBE32());
  if (n > in.remaining() / kEntryHeaderBytes) return damaged("entry count");
  absl::flat_hash_map<ProducerId, ProducerEntry> producers;
  producers.reserve(n);
  for (uint32_t i = 0; i < n && in.ok(); ++i) {
    ProducerId id(in.ReadBE64());
    ProducerEntry e;
    e.epoch = ProducerEpoch(in.ReadBE16());
    int count = in.ReadInt8();
    if (count < 0 || count > static_cast<int>(ProducerEntry::kMaxBatches) ||
        in.remaining() < count * kBatchBytes) {
      return damaged("batch count");
    }
    for (int j = 0; j < count; ++j) {
      ProducerBatch b;
      b.first_seq = in.ReadBE32();
      b.last_seq = in.ReadBE32();
      b.first_offset = Offset(in.ReadBE64());
      b.last_offset = Offset(in.ReadBE64());
      b.max_timestamp = TimestampMs(in.ReadBE64());
      e.Add(b);
    }
    producers[id] = e;
  }
  if (!in.ok() || !in.AtEnd() || at.value() < 0) return damaged("truncated or trailing bytes");
  producers_ = std::move(producers);
  return at;
}

}  // namespace oxbow::log
