#include "stream/state_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "stream/row_codec.h"
#include "stream/sort_keys.h"
#include "stream/stream_test_util.h"
#include "testing/temp_dir.h"

namespace oxbow::stream {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> ScanAll(StateStore& store, StateId id, std::string_view prefix = "") {
  std::vector<std::string> out;
  Status s = store.Scan(id, prefix, [&](std::string_view k, std::string_view v) {
    out.push_back(fmt::format("{}={}", k, v));
    return Status();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

void ExerciseStore(StateStore& store) {
  auto batch = store.NewBatch();
  batch->Put(1, "a", "1");
  batch->Put(1, "ab", "2");
  batch->Put(1, "b", "3");
  batch->Put(2, "a", "other operator");
  EXPECT_EQ(ScanAll(store, 1).size(), 0u);  // nothing before the commit
  ASSERT_TRUE(store.Commit(*batch).ok());
  EXPECT_THAT(ScanAll(store, 1), ElementsAre("a=1", "ab=2", "b=3"));
  EXPECT_THAT(ScanAll(store, 1, "a"), ElementsAre("a=1", "ab=2"));
  EXPECT_EQ(store.Get(2, "a").value(), "other operator");
  EXPECT_FALSE(store.Get(2, "b").value().has_value());

  batch = store.NewBatch();
  batch->Delete(1, "ab");
  batch->Put(1, "a", "9");
  batch->DeleteAll(2);
  ASSERT_TRUE(store.Commit(*batch).ok());
  EXPECT_THAT(ScanAll(store, 1), ElementsAre("a=9", "b=3"));
  EXPECT_THAT(ScanAll(store, 2), ElementsAre());
}

TEST(StateStoreTest, Memory) {
  auto store = NewMemoryStateStore();
  ExerciseStore(*store);
}

TEST(StateStoreTest, RocksDbKeepsCommittedStateAcrossReopen) {
  oxbow::testing::TempDir dir;
  {
    auto store = OpenRocksDbStateStore(dir.path() + "/state").value();
    ExerciseStore(*store);
    auto batch = store->NewBatch();
    batch->Put(1, "uncommitted", "x");  // dropped with the store
  }
  auto store = OpenRocksDbStateStore(dir.path() + "/state").value();
  EXPECT_THAT(ScanAll(*store, 1), ElementsAre("a=9", "b=3"));
}

// Batches from ingest_min_entries on are written as a table file and ingested: the same
// results as the WriteBatch path, whatever order the operators put their keys in.
TEST(StateStoreTest, RocksDbIngestedBatchesMeanWhatWriteBatchesMean) {
  oxbow::testing::TempDir dir;
  RocksDbOptions options;
  options.ingest_min_entries = 1;
  {
    auto store = OpenRocksDbStateStore(dir.path() + "/state", options).value();
    ExerciseStore(*store);  // its DeleteAll batch takes the WriteBatch path
    auto batch = store->NewBatch();
    // Sorted runs per operator, operators out of id order; a key put twice; runs of one id
    // that overlap; a delete of a stored key and of one put earlier in the batch.
    batch->Put(3, "k1", "x");
    batch->Put(3, "k2", "y");
    batch->Put(1, "a", "10");
    batch->Put(1, "c", "11");
    batch->Delete(1, "b");
    batch->Put(1, "c", "12");
    batch->Put(3, "k0", "z");
    batch->Delete(3, "k2");
    ASSERT_TRUE(store->Apply(*batch).ok());
    EXPECT_THAT(ScanAll(*store, 1), ElementsAre("a=10", "c=12"));
    EXPECT_THAT(ScanAll(*store, 3), ElementsAre("k0=z", "k1=x"));
    batch = store->NewBatch();
    batch->Put(3, "k1", "later");
    ASSERT_TRUE(store->Commit(*batch).ok());
    batch = store->NewBatch();
    batch->Put(3, "never", "committed");
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() + "/state/ingest"));
  auto store = OpenRocksDbStateStore(dir.path() + "/state", options).value();
  EXPECT_THAT(ScanAll(*store, 1), ElementsAre("a=10", "c=12"));
  EXPECT_THAT(ScanAll(*store, 3), ElementsAre("k0=z", "k1=later"));
  EXPECT_EQ(store->Get(1, "c").value(), "12");
  EXPECT_FALSE(store->Get(3, "k2").value().has_value());
}

// A batch of few but large values (an append-only view's blocks) is ingested from
// ingest_min_bytes on: its data is in the store after Apply and survives a reopen.
TEST(StateStoreTest, RocksDbIngestsBatchesOfManyBytes) {
  oxbow::testing::TempDir dir;
  RocksDbOptions options;
  options.ingest_min_bytes = 1 << 20;
  const std::string block(400 << 10, 'b');
  auto table_files = [&] {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/state")) {
      n += e.path().extension() == ".sst";
    }
    return n;
  };
  {
    auto store = OpenRocksDbStateStore(dir.path() + "/state", options).value();
    auto batch = store->NewBatch();
    // Another operator's keys: ingesting a range the memtable overlaps flushes it first.
    batch->Put(6, "B1", block);
    batch->Put(6, "B2", block);
    batch->Put(6, "A", "2");
    ASSERT_TRUE(store->Apply(*batch).ok());  // 800 KiB: the WriteBatch path
    EXPECT_EQ(table_files(), 0);             // in the memtable
    batch = store->NewBatch();
    batch->Put(7, "B3", block);
    batch->Put(7, "B4", block);
    batch->Put(7, "B5", block);
    batch->Put(7, "A", "5");
    ASSERT_TRUE(store->Apply(*batch).ok());  // 1.2 MiB: ingested
    EXPECT_EQ(table_files(), 1);
    EXPECT_EQ(store->Get(7, "A").value(), "5");
    // No sync: an ingested batch is durable when Apply returns.
  }
  auto store = OpenRocksDbStateStore(dir.path() + "/state", options).value();
  EXPECT_EQ(store->Get(7, "A").value(), "5");
  EXPECT_EQ(store->Get(7, "B5").value(), block);
  EXPECT_EQ(store->Get(6, "B1").value(), block);
}

// A table file left in the ingest directory by a crash before its ingestion is a
// checkpoint that never committed: removed at open, never read.
TEST(StateStoreTest, RocksDbRemovesUningestedFilesAtOpen) {
  oxbow::testing::TempDir dir;
  { auto store = OpenRocksDbStateStore(dir.path() + "/state").value(); }
  std::ofstream(dir.path() + "/state/ingest/7.sst") << "partial";
  auto store = OpenRocksDbStateStore(dir.path() + "/state").value();
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() + "/state/ingest"));
}

TEST(StateStoreTest, RocksDbOpenFailsClearlyWhenLocked) {
  oxbow::testing::TempDir dir;
  auto first = OpenRocksDbStateStore(dir.path() + "/state").value();
  auto second = OpenRocksDbStateStore(dir.path() + "/state");
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()), ::testing::HasSubstr("state store: open"));
}

// SortByKey orders as std::string's bytewise comparison (RocksDB's key order): keys that
// share long prefixes, embedded and trailing zero bytes, bytes above 0x7f, prefixes of
// each other, duplicates.
TEST(SortByKeyTest, OrdersBytewiseLikeStringComparison) {
  std::mt19937 rng(5);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> keys;
    const std::string shared(rng() % 20, 'p');
    const int n = static_cast<int>(rng() % 300);
    for (int i = 0; i < n; ++i) {
      std::string k = rng() % 2 ? shared : "";
      const int len = static_cast<int>(rng() % 20);
      for (int j = 0; j < len; ++j) {
        // Few distinct bytes, so that equal runs and prefixes are common.
        static constexpr char kBytes[] = {'\0', '\x01', 'a', '\x7f', '\x80', '\xff'};
        k.push_back(kBytes[rng() % sizeof(kBytes)]);
      }
      keys.push_back(std::move(k));
      if (rng() % 10 == 0) keys.push_back(keys.back());
    }
    std::vector<std::string> expected = keys;
    std::sort(expected.begin(), expected.end());
    SortByKey(keys, [](const std::string& k) { return std::string_view(k); });
    ASSERT_EQ(keys, expected) << "round " << round;
  }
}

TEST(RowCodecTest, RoundTripsEveryPhysicalType) {
  using sql::Type;
  using sql::Value;
  std::vector<Type> types = {Type::Bool(),    Type::Int16(),   Type::Int32(),   Type::Int64(),
                             Type::Float32(), Type::Float64(), Type::Numeric(), Type::Interval(),
                             Type::Text(),    Type::Date()};
  std::vector<Value> row = {Value::Bool(true),
                            Value::Int16(-3),
                            Value::Int32(1 << 20),
                            Value::Int64(-(int64_t{1} << 40)),
                            Value::Float32(1.5f),
                            Value::Float64(-0.25),
                            Value::Numeric(sql::Decimal::Parse("12.340").value()),
                            Value::IntervalOf(sql::Interval{1, 2, 3}),
                            Value::Text(std::string("h\0i", 3)),
                            Value::Null(Type::Date())};
  sql::Chunk chunk = testing::MakeChunk(types, {{'+', row}});
  std::string bytes;
  EncodeRow(chunk, 0, &bytes);
  auto back = DecodeRowValues(bytes, types).value();
  ASSERT_EQ(back.size(), row.size());
  for (size_t i = 0; i < row.size(); ++i) EXPECT_TRUE(back[i] == row[i]) << i;
  EXPECT_EQ(back[6].ToString(), "12.340");  // exact: the scale is kept
  EXPECT_EQ(DecodeRowValues(bytes.substr(0, bytes.size() - 1), types).status().code(),
            absl::StatusCode::kDataLoss);
}

// ChunkRowEncoder writes EncodeRow's bytes: every physical type, NULL or not, strings whose
// length takes one, two and three varint bytes, rows appended after other bytes.
TEST(RowCodecTest, ChunkRowEncoderWritesEncodeRowsBytes) {
  using sql::Type;
  using sql::Value;
  std::vector<Type> types = {Type::Bool(),    Type::Int16(),   Type::Int32(),   Type::Int64(),
                             Type::Float32(), Type::Float64(), Type::Numeric(), Type::Interval(),
                             Type::Text(),    Type::Date()};
  std::vector<testing::Change> changes;
  for (int i = 0; i < 4; ++i) {
    std::vector<Value> row = {Value::Bool(i % 2 == 0),
                              Value::Int16(static_cast<int16_t>(-3 * i)),
                              Value::Int32(i << 20),
                              Value::Int64(-(int64_t{1} << 40) + i),
                              Value::Float32(1.5f * i),
                              Value::Float64(-0.25 * i),
                              Value::Numeric(sql::Decimal::Parse("12.340").value()),
                              Value::IntervalOf(sql::Interval{i, 2, 3}),
                              Value::Text(std::string(i == 0 ? 3 : 100 << (5 * i), 'x')),
                              Value::Date(i)};
    // Row i has column i (and i + 4) NULL.
    row[i] = Value::Null(types[i]);
    row[i + 4] = Value::Null(types[i + 4]);
    changes.push_back({'+', row});
  }
  sql::Chunk chunk = testing::MakeChunk(types, changes);
  const ChunkRowEncoder encoder(chunk);
  std::string want = "prefix", got = "prefix";
  for (size_t r = 0; r < chunk.num_rows(); ++r) {
    EncodeRow(chunk, r, &want);
    encoder.Append(r, &got);
  }
  EXPECT_EQ(got, want);
  EXPECT_GT(got.size(), size_t{100} << 15);
}

}  // namespace
}  // namespace oxbow::stream
