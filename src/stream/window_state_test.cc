// Window state stays flat on an infinite stream (issue 6): 1M events over 10k one-minute
// windows through TUMBLE → GROUP BY user, window_end (expiring) → emit on window close →
// the view, with a barrier every 10k events. The aggregate's stored and in-memory groups
// stay at the open windows' while the view gets every window's final rows.
#include <gtest/gtest.h>

#include "sql/aggregate/aggregate.h"
#include "stream/hash_aggregate.h"
#include "stream/materialized_view.h"
#include "stream/stream_test_util.h"
#include "stream/window_assign.h"
#include "stream/window_close_buffer.h"

namespace oxbow::stream {
namespace {

using sql::Type;
using testing::StoredKeys;

constexpr int64_t kMinute = 60'000'000;

// Stands in for a source: pushes chunks, then watermarks.
class Feeder final : public Operator {
 public:
  explicit Feeder(std::vector<Type> types) : Operator("Feeder", std::move(types)) {}
  Status Process(int, const sql::Chunk& chunk) override { return Emit(chunk); }
  Status Watermark(int64_t w) { return EmitWatermark(w); }
};

TEST(WindowStateTest, StateIsFlatOnceTheWatermarkHasPassedTheWindows) {
  constexpr int64_t kEvents = 1'000'000;
  constexpr int64_t kWindows = 10'000;
  constexpr int64_t kUsers = 10;
  constexpr int64_t kPerChunk = 1000;
  const std::vector<Type> input = {Type::Int64(), Type::Timestamp()};  // user, ts
  auto store = NewMemoryStateStore();

  Feeder feed(input);
  WindowAssign tumble(input, WindowSpec{1, kMinute, 0});
  feed.AddOutput(&tumble, 0);
  // user, ts, window_start, window_end → GROUP BY user, window_end: count(*)
  std::vector<AggregateCall> calls;
  calls.push_back({sql::ResolveAggregate("count", {}, false).value(), {}});
  HashAggregate agg(1, tumble.output_types(), {0, 3}, std::move(calls));
  agg.set_expiry(StateExpiry{1, 1});  // window_end: end > every time in the window
  WindowCloseBuffer close(2, agg.output_types(), StateExpiry{1, 1});
  MaterializedView view(3, close.output_types());
  tumble.AddOutput(&agg, 0);
  agg.AddOutput(&close, 0);
  close.AddOutput(&view, 0);
  std::vector<Operator*> ops = {&tumble, &agg, &close, &view};
  for (Operator* op : ops) ASSERT_TRUE(op->Restore(*store).ok());

  size_t max_stored = 0, max_resident = 0, max_open = 0;
  const int64_t spacing = kWindows * kMinute / kEvents;  // event-time spacing
  for (int64_t first = 0; first < kEvents; first += kPerChunk) {
    sql::ChunkBuilder b(input);
    for (int64_t i = first; i < first + kPerChunk; ++i) {
      std::vector<sql::Value> row = {sql::Value::Int64(i % kUsers),
                                     sql::Value::Timestamp(i * spacing)};
      b.AppendRow(row);
    }
    ASSERT_TRUE(feed.Process(0, b.Finish()).ok());
    // As a source does after each chunk: the highest event time so far (no delay).
    ASSERT_TRUE(feed.Watermark((first + kPerChunk - 1) * spacing).ok());
    if ((first / kPerChunk) % 10 == 9) {
      auto batch = store->NewBatch();
      for (Operator* op : ops) ASSERT_TRUE(op->Checkpoint(*batch).ok());
      ASSERT_TRUE(store->Commit(*batch).ok());
      for (Operator* op : ops) ASSERT_TRUE(op->AfterCommit().ok());
      max_stored = std::max(max_stored, StoredKeys(*store, 1) + StoredKeys(*store, 2));
      max_resident = std::max(max_resident, agg.num_resident_groups());
      max_open = std::max(max_open, close.num_open_windows());
    }
  }
  // 10 events per user and window; at most the window being filled (and the one closing) are
  // open at a barrier: 2 windows × 10 users.
  EXPECT_LE(max_stored, 2u * 2 * kUsers);
  EXPECT_LE(max_resident, 2u * kUsers);
  EXPECT_LE(max_open, 2u);
  // Every window but the last is final and in the view, each user counted 10 times.
  Result<std::vector<std::vector<sql::Value>>> snapshot = view.Snapshot();
  ASSERT_TRUE(snapshot.ok());
  const std::vector<std::vector<sql::Value>>& rows = *snapshot;
  EXPECT_EQ(rows.size(), static_cast<size_t>((kWindows - 1) * kUsers));
  for (const auto& row : rows) ASSERT_EQ(row[2].int_value(), kEvents / kWindows / kUsers);
}

}  // namespace
}  // namespace oxbow::stream
