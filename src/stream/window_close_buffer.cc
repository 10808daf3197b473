#include "stream/window_close_buffer.h"

#include "stream/row_codec.h"

namespace oxbow::stream {

WindowCloseBuffer::WindowCloseBuffer(StateId id, std::vector<sql::Type> types, StateExpiry window)
    : Operator("WindowCloseBuffer", std::move(types)), id_(id), window_(window) {}

// 8 bytes big-endian with the sign bit flipped (keys sort by time), then the row.
std::string WindowCloseBuffer::StoreKey(int64_t time, std::string_view row) {
  std::string key(8, '\0');
  uint64_t u = static_cast<uint64_t>(time) ^ (uint64_t{1} << 63);
  for (int i = 7; i >= 0; --i, u >>= 8) key[i] = static_cast<char>(u & 0xff);
  key.append(row);
  return key;
}

Status WindowCloseBuffer::Process(int, const sql::Chunk& chunk) {
  const sql::ColumnVector& time = chunk.column(window_.column);
  const int64_t closed = window_.Bound(watermark());
  sql::SelectionVector now;
  std::string row;
  const ChunkRowEncoder encoder(chunk);
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    if (time.IsNull(r) || time.Get<int64_t>(r) < closed) {
      now.push_back(static_cast<uint32_t>(r));
      continue;
    }
    int64_t t = time.Get<int64_t>(r);
    row.clear();
    encoder.Append(r, &row);
    auto& rows = pending_[t];
    int64_t& n = rows[row];
    n += sql::RowWeight(chunk.op(r));
    dirty_.insert(StoreKey(t, row));
    if (n == 0) rows.erase(row);
    if (rows.empty()) pending_.erase(t);
  }
  if (now.empty()) return Status();
  return Emit(chunk.Select(now));
}

Status WindowCloseBuffer::WatermarkAdvanced(int64_t watermark) {
  const int64_t closed = window_.Bound(watermark);
  sql::ChunkBuilder builder(output_types());
  auto end = pending_.lower_bound(closed);
  for (auto it = pending_.begin(); it != end; ++it) {
    for (const auto& [row, n] : it->second) {
      dirty_.insert(StoreKey(it->first, row));
      ASSIGN_OR_RETURN(std::vector<sql::Value> values, DecodeRowValues(row, output_types()));
      sql::RowOp op = n > 0 ? sql::RowOp::kInsert : sql::RowOp::kDelete;
      for (int64_t i = 0; i < (n > 0 ? n : -n); ++i) builder.AppendRow(values, op);
    }
  }
  pending_.erase(pending_.begin(), end);
  RETURN_IF_ERROR(Emit(builder.Finish()));
  return EmitWatermark(watermark);
}

Status WindowCloseBuffer::Checkpoint(StateWriteBatch& batch) {
  std::string value;
  for (const std::string& key : dirty_) {
    std::string_view k = key;
    int64_t time = 0;
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(k[i]);
    time = static_cast<int64_t>(u ^ (uint64_t{1} << 63));
    k.remove_prefix(8);
    auto window = pending_.find(time);
    const int64_t* n = nullptr;
    if (window != pending_.end()) {
      auto it = window->second.find(std::string(k));
      if (it != window->second.end()) n = &it->second;
    }
    if (n == nullptr) {
      batch.Delete(id_, key);
      continue;
    }
    value.clear();
    PutSigned(*n, &value);
    batch.Put(id_, key, value);
  }
  dirty_.clear();
  return Status();
}

Status WindowCloseBuffer::Restore(StateStore& store) {
  pending_.clear();
  dirty_.clear();
  return store.Scan(id_, "", [&](std::string_view key, std::string_view value) -> Status {
    int64_t n = 0;
    if (key.size() < 8 || !GetSigned(&value, &n)) {
      return absl::DataLossError("WindowCloseBuffer: malformed state");
    }
    uint64_t u = 0;
    for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(key[i]);
    pending_[static_cast<int64_t>(u ^ (uint64_t{1} << 63))][std::string(key.substr(8))] = n;
    return Status();
  });
}

}  // namespace oxbow::stream
