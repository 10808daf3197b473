#include "engine/constant_source.h"

#include <utility>

namespace oxbow::engine {
namespace {
constexpr std::string_view kEmittedKey = "emitted";
}

ConstantSource::ConstantSource(stream::StateId id, std::string name, std::vector<sql::Type> types,
                               std::vector<std::vector<sql::Value>> rows)
    : SourceOperator(std::move(name), std::move(types)), id_(id), rows_(std::move(rows)) {}

Result<size_t> ConstantSource::Poll() {
  if (emitted_) return size_t{0};
  emitted_ = true;
  dirty_ = true;
  sql::ChunkBuilder builder(output_types());
  for (const std::vector<sql::Value>& row : rows_) builder.AppendRow(row);
  RETURN_IF_ERROR(Emit(builder.Finish()));
  // Nothing will follow: constant rows hold no window open.
  RETURN_IF_ERROR(EmitWatermark(stream::kFinalWatermark));
  // Counts as consumed even with no rows, so the pipeline checkpoints the flag.
  return std::max<size_t>(rows_.size(), 1);
}

Status ConstantSource::Checkpoint(stream::StateWriteBatch& batch) {
  if (dirty_) batch.Put(id_, kEmittedKey, "1");
  dirty_ = false;
  return Status();
}

Status ConstantSource::Restore(stream::StateStore& store) {
  ASSIGN_OR_RETURN(std::optional<std::string> emitted, store.Get(id_, kEmittedKey));
  emitted_ = emitted.has_value();
  dirty_ = false;
  return Status();
}

Status ConstantSource::Start() {
  return emitted_ ? EmitWatermark(stream::kFinalWatermark) : Status();
}

}  // namespace oxbow::engine
