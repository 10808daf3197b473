#include "kafka/groups/offset_store.h"

#include <algorithm>

#include "base/logging.h"
#include "log/record_batch.h"
#include "log/record_batch_builder.h"

namespace oxbow::kafka::groups {
namespace {

constexpr int16_t kKeyVersion = 1;
constexpr int16_t kValueVersion = 3;
// What one read of the offsets topic asks for at load time.
constexpr uint64_t kLoadReadBytes = 1 << 20;

void AppendString(ByteBuffer& out, const std::string& s) {
  out.AppendBE16(static_cast<uint16_t>(s.size()));
  out.Append(std::string_view(s));
}

bool ReadString(ByteReader& in, std::string* s) {
  int16_t n = in.ReadBE16();
  if (!in.ok() || n < 0) return false;
  ByteView b = in.ReadBytes(static_cast<size_t>(n));
  if (!in.ok()) return false;
  s->assign(reinterpret_cast<const char*>(b.data()), b.size());
  return true;
}

// FNV-1a: stable across runs and builds (std::hash is not), as the partition of a group
// must be.
uint32_t StableHash(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

}  // namespace

std::vector<uint8_t> EncodeOffsetKey(const std::string& group, const TopicPartition& tp) {
  ByteBuffer out;
  out.AppendBE16(static_cast<uint16_t>(kKeyVersion));
  AppendString(out, group);
  AppendString(out, tp.first);
  out.AppendBE32(static_cast<uint32_t>(tp.second));
  return out.Release();
}

std::vector<uint8_t> EncodeOffsetValue(const CommittedOffset& v) {
  ByteBuffer out;
  out.AppendBE16(static_cast<uint16_t>(kValueVersion));
  out.AppendBE64(static_cast<uint64_t>(v.offset));
  out.AppendBE32(static_cast<uint32_t>(v.leader_epoch));
  AppendString(out, v.metadata);
  out.AppendBE64(static_cast<uint64_t>(v.commit_timestamp_ms));
  return out.Release();
}

Result<std::pair<std::string, TopicPartition>> DecodeOffsetKey(ByteView key) {
  ByteReader in(key);
  int16_t version = in.ReadBE16();
  if (!in.ok()) return absl::DataLossError("offset key: truncated version");
  if (version != kKeyVersion) return absl::NotFoundError("not an offset commit key");
  std::pair<std::string, TopicPartition> out;
  if (!ReadString(in, &out.first) || !ReadString(in, &out.second.first)) {
    return absl::DataLossError("offset key: truncated string");
  }
  out.second.second = in.ReadBE32();
  if (!in.ok() || !in.AtEnd()) return absl::DataLossError("offset key: bad length");
  return out;
}

Result<CommittedOffset> DecodeOffsetValue(ByteView value) {
  ByteReader in(value);
  int16_t version = in.ReadBE16();
  if (!in.ok() || version != kValueVersion) {
    return absl::InvalidArgumentError("offset value: unknown version");
  }
  CommittedOffset v;
  v.offset = in.ReadBE64();
  v.leader_epoch = in.ReadBE32();
  if (!in.ok() || !ReadString(in, &v.metadata)) {
    return absl::DataLossError("offset value: truncated");
  }
  v.commit_timestamp_ms = in.ReadBE64();
  if (!in.ok() || !in.AtEnd()) return absl::DataLossError("offset value: bad length");
  return v;
}

OffsetStore::OffsetStore(log::LogManager& log, int32_t partitions)
    : log_(log), partitions_(std::max(partitions, 1)) {}

bool OffsetStore::loaded() const {
  absl::MutexLock lock(&mu_);
  return loaded_;
}

int32_t OffsetStore::PartitionFor(const std::string& group) const {
  return static_cast<int32_t>(StableHash(group) % static_cast<uint32_t>(partitions_));
}

Status OffsetStore::Load() {
  absl::MutexLock write(&write_mu_);
  if (!log_.HasTopic(kOffsetsTopic)) {
    Status s = log_.CreateTopic(kOffsetsTopic, partitions_, {{"cleanup.policy", "compact"}});
    if (!s.ok() && !absl::IsAlreadyExists(s)) return s;
  }
  ASSIGN_OR_RETURN(int32_t count, log_.PartitionCount(kOffsetsTopic));
  if (count != partitions_) {
    // A topic made with another count keeps its layout: groups hash over what exists.
    OXBOW_LOG_WARN("{} has {} partitions, configured {}: using {}", kOffsetsTopic, count,
                   partitions_, count);
    partitions_ = count;
  }
  for (int32_t p = 0; p < count; ++p) {
    ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> partition,
                     log_.GetPartition(kOffsetsTopic, PartitionId(p)));
    RETURN_IF_ERROR(LoadPartition(*partition));
  }
  absl::MutexLock lock(&mu_);
  loaded_ = true;
  return absl::OkStatus();
}

Status OffsetStore::LoadPartition(log::Partition& partition) {
  Offset next = partition.log_start_offset();
  while (next < partition.high_watermark()) {
    ASSIGN_OR_RETURN(log::ReadResult r, partition.Read(next, kLoadReadBytes));
    if (r.slice.size == 0) break;
    std::vector<uint8_t> buf(r.slice.size);
    ASSIGN_OR_RETURN(
        size_t n, r.slice.file->ReadAt(r.slice.position, MutableByteView(buf.data(), buf.size())));
    ByteView rest(buf.data(), n);
    Offset before = next;
    while (rest.size() >= log::kBatchHeaderSize) {
      ASSIGN_OR_RETURN(log::BatchHeader h, log::ParseBatchHeader(rest));
      if (h.size_bytes() > rest.size()) break;  // cut by the read limit: read it again
      ASSIGN_OR_RETURN(log::DecodedBatch batch, log::DecodeBatch(rest.subspan(0, h.size_bytes())));
      absl::MutexLock lock(&mu_);
      for (const log::Record& rec : batch.records()) {
        if (!rec.key) continue;
        Result<std::pair<std::string, TopicPartition>> key = DecodeOffsetKey(*rec.key);
        if (!key.ok()) continue;  // another kind of record: not ours to interpret
        auto& group = offsets_[key->first];
        if (!rec.value) {
          group.erase(key->second);
          if (group.empty()) offsets_.erase(key->first);
          continue;
        }
        ASSIGN_OR_RETURN(CommittedOffset value, DecodeOffsetValue(*rec.value));
        group[key->second] = std::move(value);
      }
      next = h.last_offset() + 1;
      rest = rest.subspan(h.size_bytes());
    }
    if (next == before) {
      return absl::DataLossError(
          fmt::format("{}-{}: no whole batch at offset {}", kOffsetsTopic, partition.id(), next));
    }
  }
  return absl::OkStatus();
}

Status OffsetStore::Append(
    const std::string& group,
    const std::vector<std::pair<TopicPartition, std::optional<CommittedOffset>>>& records) {
  if (records.empty()) return absl::OkStatus();
  if (!loaded()) return absl::UnavailableError("committed offsets are not loaded");
  log::RecordBatchBuilder builder({});
  TimestampMs now = log::NowMs();
  for (const auto& [tp, value] : records) {
    std::vector<uint8_t> key = EncodeOffsetKey(group, tp);
    std::optional<std::vector<uint8_t>> v;
    if (value) v = EncodeOffsetValue(*value);
    builder.Add(now, ByteView(key.data(), key.size()),
                v ? std::optional<ByteView>(ByteView(v->data(), v->size())) : std::nullopt);
  }
  ASSIGN_OR_RETURN(ByteBuffer batch, builder.Build());
  ASSIGN_OR_RETURN(std::shared_ptr<log::Partition> partition,
                   log_.GetPartition(kOffsetsTopic, PartitionId(PartitionFor(group))));
  return partition->Append(MutableByteView(batch.mutable_data(), batch.size()), now).status();
}

Status OffsetStore::Commit(const std::string& group,
                           const std::vector<std::pair<TopicPartition, CommittedOffset>>& offsets) {
  absl::MutexLock write(&write_mu_);
  std::vector<std::pair<TopicPartition, std::optional<CommittedOffset>>> records(offsets.begin(),
                                                                                 offsets.end());
  RETURN_IF_ERROR(Append(group, records));
  absl::MutexLock lock(&mu_);
  auto& g = offsets_[group];
  for (const auto& [tp, value] : offsets) g[tp] = value;
  return absl::OkStatus();
}

Status OffsetStore::DeleteGroup(const std::string& group) {
  absl::MutexLock write(&write_mu_);
  return DeleteGroupLocked(group, GetAll(group));
}

Status OffsetStore::DeleteGroupLocked(const std::string& group,
                                      const std::map<TopicPartition, CommittedOffset>& offsets) {
  std::vector<std::pair<TopicPartition, std::optional<CommittedOffset>>> records;
  for (const auto& [tp, value] : offsets) records.emplace_back(tp, std::nullopt);
  RETURN_IF_ERROR(Append(group, records));
  absl::MutexLock lock(&mu_);
  offsets_.erase(group);
  return absl::OkStatus();
}

Result<bool> OffsetStore::ExpireGroup(const std::string& group, int64_t committed_before_ms) {
  absl::MutexLock write(&write_mu_);
  std::map<TopicPartition, CommittedOffset> all = GetAll(group);
  if (all.empty()) return false;
  for (const auto& [tp, value] : all) {
    if (value.commit_timestamp_ms >= committed_before_ms) return false;
  }
  RETURN_IF_ERROR(DeleteGroupLocked(group, all));
  return true;
}

Result<std::vector<TopicPartition>> OffsetStore::ExpirePartitions(
    const std::string& group, const std::vector<TopicPartition>& partitions,
    int64_t committed_before_ms) {
  absl::MutexLock write(&write_mu_);
  std::map<TopicPartition, CommittedOffset> all = GetAll(group);
  std::vector<TopicPartition> expired;
  std::vector<std::pair<TopicPartition, std::optional<CommittedOffset>>> records;
  for (const TopicPartition& tp : partitions) {
    auto it = all.find(tp);
    if (it == all.end() || it->second.commit_timestamp_ms >= committed_before_ms) continue;
    expired.push_back(tp);
    records.emplace_back(tp, std::nullopt);
  }
  if (expired.empty()) return expired;
  RETURN_IF_ERROR(Append(group, records));
  absl::MutexLock lock(&mu_);
  auto g = offsets_.find(group);
  if (g != offsets_.end()) {
    for (const TopicPartition& tp : expired) g->second.erase(tp);
    if (g->second.empty()) offsets_.erase(g);
  }
  return expired;
}

std::optional<CommittedOffset> OffsetStore::Get(const std::string& group,
                                                const TopicPartition& tp) const {
  absl::MutexLock lock(&mu_);
  auto g = offsets_.find(group);
  if (g == offsets_.end()) return std::nullopt;
  auto it = g->second.find(tp);
  if (it == g->second.end()) return std::nullopt;
  return it->second;
}

std::map<TopicPartition, CommittedOffset> OffsetStore::GetAll(const std::string& group) const {
  absl::MutexLock lock(&mu_);
  auto g = offsets_.find(group);
  return g == offsets_.end() ? std::map<TopicPartition, CommittedOffset>() : g->second;
}

bool OffsetStore::HasGroup(const std::string& group) const {
  absl::MutexLock lock(&mu_);
  return offsets_.contains(group);
}

std::vector<std::string> OffsetStore::Groups() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [g, _] : offsets_) out.push_back(g);
  return out;
}

}  // namespace oxbow::kafka::groups
