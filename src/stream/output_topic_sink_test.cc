#include "stream/output_topic_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "stream/hash_aggregate.h"
#include "stream/keyed_operators.h"
#include "stream/log_manager_fixture.h"
#include "stream/materialized_view.h"
#include "stream/pipeline.h"
#include "stream/source.h"
#include "stream/stream_test_util.h"

namespace oxbow::stream {
namespace {

using oxbow::testing::ReadRecord;
using oxbow::testing::Rec;
using oxbow::testing::TestRecord;
using sql::Type;
using testing::Change;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::I;
using testing::MakeChunk;
using testing::T;

// (key, value) of a record; "∅" for null.
using KV = std::pair<std::string, std::string>;

// Forwards to a store; when armed, its next Commit commits and then reports a failure: the
// process "crashes" after the checkpoint is durable, before anything runs after it.
class CrashAfterCommitStore final : public StateStore {
 public:
  explicit CrashAfterCommitStore(StateStore& inner) : inner_(inner) {}
  void Arm() { armed_ = true; }
  Result<std::optional<std::string>> Get(StateId id, std::string_view key) override {
    return inner_.Get(id, key);
  }
  Status Scan(StateId id, std::string_view prefix, const ScanFn& fn) override {
    return inner_.Scan(id, prefix, fn);
  }
  std::unique_ptr<StateWriteBatch> NewBatch() override { return inner_.NewBatch(); }
  Status Commit(StateWriteBatch& batch) override {
    RETURN_IF_ERROR(inner_.Commit(batch));
    if (!std::exchange(armed_, false)) return Status();
    return absl::UnavailableError("crashed after the commit");
  }

 private:
  StateStore& inner_;
  bool armed_ = false;
};

class OutputTopicSinkTest : public testing::LogManagerFixture {
 protected:
  std::vector<KV> Records(const std::string& topic) {
    std::vector<KV> out;
    for (const ReadRecord& r : Read(topic, 0)) {
      out.emplace_back(r.record.key.value_or("∅"), r.record.value.value_or("∅"));
    }
    return out;
  }

  std::unique_ptr<OutputTopicSink> MakeSink(std::string topic, OutputFormat format,
                                            std::vector<int> key_columns, StateId id = 9) {
    OutputTopicSinkOptions o;
    o.id = id;
    o.log = log_.get();
    o.topic = std::move(topic);
    o.format = format;
    o.columns = {{"k", Type::Text()}, {"v", Type::Int64()}};
    o.key_columns = std::move(key_columns);
    auto sink = OutputTopicSink::Create(std::move(o));
    EXPECT_TRUE(sink.ok()) << sink.status();
    return sink.ok() ? std::move(*sink) : nullptr;
  }

  // What Pipeline::Checkpoint does for one operator.
  static Status Checkpoint(Operator& op, StateStore& store) {
    auto batch = store.NewBatch();
    RETURN_IF_ERROR(op.Checkpoint(*batch));
    RETURN_IF_ERROR(store.Commit(*batch));
    return op.AfterCommit();
  }

  const std::vector<Type> types_ = {Type::Text(), Type::Int64()};
};

TEST_F(OutputTopicSinkTest, UpsertFoldsAnEpochPerKeyWithTombstones) {
  auto store = NewMemoryStateStore();
  auto sink = MakeSink("out", OutputFormat::kUpsert, {0});
  ASSERT_TRUE(sink->Restore(*store).ok());
  // An update emitted insert-first must not be hidden by the delete of the old row.
  ASSERT_TRUE(sink->Process(0, MakeChunk(types_, {{'+', {T("a"), I(1)}},
                                                  {'+', {T("b"), I(2)}},
                                                  {'+', {T("a"), I(3)}},
                                                  {'-', {T("a"), I(1)}},
                                                  {'-', {T("c"), I(9)}}}))
                  .ok());
  ASSERT_TRUE(sink->Process(0, MakeChunk(types_, {{'-', {T("b"), I(2)}}})).ok());
  EXPECT_TRUE(Records("out").empty());  // nothing before the commit
  ASSERT_TRUE(Checkpoint(*sink, *store).ok());
  EXPECT_THAT(Records("out"), ElementsAre(KV{R"({"k":"a"})", R"({"k":"a","v":3})"},
                                          KV{R"({"k":"b"})", "∅"}, KV{R"({"k":"c"})", "∅"}));
  // The next epoch starts afresh; an empty epoch writes nothing.
  ASSERT_TRUE(Checkpoint(*sink, *store).ok());
  ASSERT_TRUE(
      sink->Process(0, MakeChunk(types_, {{'-', {T("a"), I(3)}}, {'+', {T("a"), I(4)}}})).ok());
  ASSERT_TRUE(Checkpoint(*sink, *store).ok());
  EXPECT_EQ(Records("out").size(), 4u);
  EXPECT_EQ(Records("out").back(), (KV{R"({"k":"a"})", R"({"k":"a","v":4})"}));
  EXPECT_EQ(sink->records_written(), 4u);
  // Created compacted, with one partition.
  auto info = log_->DescribeTopic("out");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->config.compact_policy);
  EXPECT_EQ(info->partitions.size(), 1u);
}

// With RocksDB: an epoch's records replace the previous epoch's in the state (a smaller
// epoch leaves no stale records behind), and a crash between commit and append is repaired
// from the reopened store.
TEST_F(OutputTopicSinkTest, RestoresFromRocksDbAfterACrashBetweenCommitAndAppend) {
  const std::string state_dir = dir_.path() + "/state";
  {
    auto store = OpenRocksDbStateStore(state_dir);
    ASSERT_TRUE(store.ok()) << store.status();
    auto sink = MakeSink("out", OutputFormat::kUpsert, {0});
    ASSERT_TRUE(sink->Restore(**store).ok());
    ASSERT_TRUE(sink->Process(0, MakeChunk(types_, {{'+', {T("a"), I(1)}},
                                                    {'+', {T("b"), I(2)}},
                                                    {'+', {T("c"), I(3)}}}))
                    .ok());
    ASSERT_TRUE(Checkpoint(*sink, **store).ok());
    ASSERT_TRUE(sink->Process(0, MakeChunk(types_, {{'-', {T("b"), I(2)}}})).ok());
    auto batch = (*store)->NewBatch();
    ASSERT_TRUE(sink->Checkpoint(*batch).ok());
    ASSERT_TRUE((*store)->Commit(*batch).ok());
    // The process dies here, before AfterCommit.
  }
  EXPECT_EQ(Records("out").size(), 3u);
  auto store = OpenRocksDbStateStore(state_dir);
  ASSERT_TRUE(store.ok()) << store.status();
  auto sink = MakeSink("out", OutputFormat::kUpsert, {0});
  ASSERT_TRUE(sink->Restore(**store).ok());
  EXPECT_THAT(Records("out"),
              ElementsAre(KV{R"({"k":"a"})", R"({"k":"a","v":1})"},
                          KV{R"({"k":"b"})", R"({"k":"b","v":2})"},
                          KV{R"({"k":"c"})", R"({"k":"c","v":3})"}, KV{R"({"k":"b"})", "∅"}));
  // Restoring again finds them written.
  auto again = MakeSink("out", OutputFormat::kUpsert, {0});
  ASSERT_TRUE(again->Restore(**store).ok());
  EXPECT_EQ(Records("out").size(), 4u);
}

TEST_F(OutputTopicSinkTest, DebeziumEnvelopesPairDeleteAndInsertOfAKeyIntoAnUpdate) {
  auto store = NewMemoryStateStore();
  auto sink = MakeSink("cdc", OutputFormat::kDebezium, {0});
  ASSERT_TRUE(sink->Restore(*store).ok());
  ASSERT_TRUE(sink->Process(0, MakeChunk(types_, {{'+', {T("a"), I(1)}},
                                                  {'-', {T("b"), I(2)}},
                                                  {'+', {T("b"), I(5)}},
                                                  {'-', {T("c"), I(3)}},
                                                  {'-', {T("d"), I(4)}},
                                                  {'+', {T("d"), I(4)}}}))
                  .ok());
  ASSERT_TRUE(Checkpoint(*sink, *store).ok());
  EXPECT_THAT(Records("cdc"),
              ElementsAre(KV{R"({"k":"a"})", R"({"before":null,"after":{"k":"a","v":1},"op":"c"})"},
                          KV{R"({"k":"b"})",
                             R"({"before":{"k":"b","v":2},"after":{"k":"b","v":5},"op":"u"})"},
                          KV{R"({"k":"c"})", R"({"before":{"k":"c","v":3},"after":null,"op":"d"})"},
                          KV{R"({"k":"c"})", "∅"}));

  // Without a key: no pairing, null keys, no tombstones.
  auto keyless = MakeSink("cdc2", OutputFormat::kDebezium, {}, 10);
  ASSERT_TRUE(keyless->Restore(*store).ok());
  ASSERT_TRUE(
      keyless->Process(0, MakeChunk(types_, {{'-', {T("b"), I(2)}}, {'+', {T("b"), I(5)}}})).ok());
  ASSERT_TRUE(Checkpoint(*keyless, *store).ok());
  EXPECT_THAT(Records("cdc2"),
              ElementsAre(KV{"∅", R"({"before":{"k":"b","v":2},"after":null,"op":"d"})"},
                          KV{"∅", R"({"before":null,"after":{"k":"b","v":5},"op":"c"})"}));
}

TEST_F(OutputTopicSinkTest, CreateRefusesUpsertWithoutKeyAndMultiPartitionTopics) {
  OutputTopicSinkOptions o;
  o.log = log_.get();
  o.topic = "out";
  o.columns = {{"k", Type::Text()}};
  auto no_key = OutputTopicSink::Create(o);
  ASSERT_FALSE(no_key.ok());
  EXPECT_EQ(no_key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_key.status().message()), HasSubstr("upsert format needs"));
  EXPECT_FALSE(log_->HasTopic("out"));

  ASSERT_TRUE(log_->CreateTopic("wide", 3, {}).ok());
  o.topic = "wide";
  o.key_columns = {0};
  auto wide = OutputTopicSink::Create(o);
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(wide.status().message()), HasSubstr("\"wide\" has 3 partitions"));
}

// SELECT grp, count(*), sum(v) FROM t GROUP BY grp, t a changelog table keyed by id, written
// to an output topic (upsert keyed by grp) beside a materialized view.
class OutputPipelineTest : public OutputTopicSinkTest {
 protected:
  struct Dataflow {
    std::unique_ptr<Pipeline> pipeline;
    MaterializedView* view = nullptr;
    OutputTopicSink* sink = nullptr;
  };

  Dataflow Build(StateStore& store, const std::string& out, OutputFormat format, Status* restored) {
    Dataflow d;
    d.pipeline = std::make_unique<Pipeline>(PipelineOptions{1, std::chrono::hours(1)}, store);
    SourceOptions so;
    so.id = 2;
    so.topic = "t";
    so.partitions = Partitions("t");
    so.columns = {{"id", Type::Int64()}, {"grp", Type::Text()}, {"v", Type::Int64()}};
    so.key_columns = {0};
    so.errors = &errors_;
    so.max_read_bytes = 512;  // several chunks per epoch
    Source* source = d.pipeline->Add(std::make_unique<Source>(std::move(so)));
    std::vector<Type> types = source->output_types();
    Operator* table = d.pipeline->Add(std::make_unique<UpsertTable>(3, types, std::vector<int>{0}));
    d.pipeline->Connect(source, table);
    std::vector<AggregateCall> calls;
    calls.push_back({sql::ResolveAggregate("count", {}, false).value(), {}});
    const std::vector<Type> arg = {Type::Int64()};
    calls.push_back({sql::ResolveAggregate("sum", arg, false).value(), {2}});
    Operator* agg = d.pipeline->Add(
        std::make_unique<HashAggregate>(4, types, std::vector<int>{1}, std::move(calls)));
    d.pipeline->Connect(table, agg);
    d.view = d.pipeline->Add(std::make_unique<MaterializedView>(5, agg->output_types()));
    d.pipeline->Connect(agg, d.view);
    OutputTopicSinkOptions o;
    o.id = 6;
    o.log = log_.get();
    o.topic = out;
    o.format = format;
    o.columns = Columns(agg->output_types());
    o.key_columns = {0};
    auto sink = OutputTopicSink::Create(std::move(o));
    EXPECT_TRUE(sink.ok()) << sink.status();
    d.sink = d.pipeline->Add(std::move(*sink));
    d.pipeline->Connect(agg, d.sink);
    *restored = d.pipeline->Restore();
    return d;
  }
  Dataflow Build(StateStore& store, const std::string& out, OutputFormat format) {
    Status restored;
    Dataflow d = Build(store, out, format, &restored);
    EXPECT_TRUE(restored.ok()) << restored;
    return d;
  }

  static std::vector<SourceColumn> Columns(const std::vector<Type>& types) {
    return {{"grp", types[0]}, {"n", types[1]}, {"total", types[2]}};
  }

  // `n` upserts and tombstones of 30 ids over 5 groups.
  void Produce(int n) {
    for (int i = 0; i < n; ++i) {
      int id = static_cast<int>(rng_() % 30);
      std::optional<std::string> value;
      if (rng_() % 4 != 0) {
        value = fmt::format(R"({{"id": {}, "grp": "g{}", "v": {}}})", id, rng_() % 5, rng_() % 100);
      }
      Append("t", 0, {Rec(std::to_string(id), value, 1000)});
    }
  }

  // The table an upsert topic describes: the latest value per key, tombstones removing it.
  std::map<std::string, std::string> Fold(const std::string& topic) {
    std::map<std::string, std::string> table;
    for (const auto& [k, v] : Records(topic)) {
      if (v == "∅") {
        table.erase(k);
      } else {
        table[k] = v;
      }
    }
    return table;
  }

  // The view's rows as the upsert values they should be.
  static std::map<std::string, std::string> ViewAsTable(const MaterializedView& view) {
    std::map<std::string, std::string> table;
    RowJsonEncoder enc(Columns(view.output_types()));
    auto rows = view.Snapshot();
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok()) return table;
    for (const auto& row : *rows) {
      std::string key, value;
      const std::vector<int> key_columns = {0};
      enc.EncodeKey(row, key_columns, &key);
      enc.EncodeRow(row, &value);
      table[key] = value;
    }
    return table;
  }

  CollectingErrorSink errors_;
  std::mt19937 rng_{11};
};

// Crashes at every point of a checkpoint's life give the topic of an uninterrupted run: the
// same records in the same order, none twice. (One input partition, so that a restarted
// source reads the same chunks as the uninterrupted one.)
TEST_F(OutputPipelineTest, CrashesAroundTheCommitGiveTheTopicOfAnUninterruptedRun) {
  ASSERT_TRUE(log_->CreateTopic("t", 1, {}).ok());
  auto plain_store = NewMemoryStateStore();
  auto crash_inner = NewMemoryStateStore();
  CrashAfterCommitStore crash_store(*crash_inner);
  Dataflow plain = Build(*plain_store, "plain", OutputFormat::kUpsert);
  Dataflow crashy = Build(crash_store, "crashy", OutputFormat::kUpsert);
  auto both_run = [&] { ASSERT_TRUE(plain.pipeline->RunUntilCaughtUp().ok()); };

  // Epoch 1: no crash.
  Produce(200);
  both_run();
  ASSERT_TRUE(crashy.pipeline->RunUntilCaughtUp().ok());
  ASSERT_FALSE(Records("plain").empty());
  EXPECT_EQ(Records("crashy"), Records("plain"));

  // Epoch 2: the crash comes after the commit, before the append.
  Produce(200);
  both_run();
  crash_store.Arm();
  Status s = crashy.pipeline->RunUntilCaughtUp();
  ASSERT_FALSE(s.ok());
  const size_t before_restore = Records("crashy").size();
  ASSERT_LT(before_restore + 1, Records("plain").size());  // epoch 2 not appended
  // ... or only its first record made it (a torn append of several batches): the restore
  // appends the rest.
  const KV first = Records("plain")[before_restore];
  Append(
      "crashy", 0,
      {Rec(first.first, first.second == "∅" ? std::nullopt : std::optional(first.second), 1000)});
  crashy = {};
  crashy = Build(crash_store, "crashy", OutputFormat::kUpsert);  // appends epoch 2
  EXPECT_EQ(Records("crashy"), Records("plain"));

  // Epoch 3: the crash comes after the append (restore finds the records there already).
  Produce(200);
  both_run();
  ASSERT_TRUE(crashy.pipeline->RunUntilCaughtUp().ok());
  crashy = {};
  crashy = Build(crash_store, "crashy", OutputFormat::kUpsert);
  EXPECT_EQ(Records("crashy"), Records("plain"));

  // Epoch 4: the crash comes before the commit (the input is read again, the records made
  // again, once).
  Produce(200);
  both_run();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(crashy.pipeline->Step().ok());
  crashy = {};
  crashy = Build(crash_store, "crashy", OutputFormat::kUpsert);
  ASSERT_TRUE(crashy.pipeline->RunUntilCaughtUp().ok());
  EXPECT_EQ(Records("crashy"), Records("plain"));

  // And the topics describe the view.
  EXPECT_EQ(Fold("plain"), ViewAsTable(*plain.view));
  EXPECT_EQ(Fold("crashy"), ViewAsTable(*crashy.view));
  EXPECT_GT(ViewAsTable(*plain.view).size(), 1u);
}

TEST_F(OutputPipelineTest, ARecordWrittenByAnyoneElseIsDetectedOnRestore) {
  ASSERT_TRUE(log_->CreateTopic("t", 1, {}).ok());
  auto inner = NewMemoryStateStore();
  CrashAfterCommitStore store(*inner);
  Dataflow d = Build(store, "out", OutputFormat::kDebezium);
  Produce(50);
  store.Arm();
  ASSERT_FALSE(d.pipeline->RunUntilCaughtUp().ok());
  d = {};
  Append("out", 0, {Rec("x", "intruder", 1000)});
  Status restored;
  d = Build(store, "out", OutputFormat::kDebezium, &restored);
  EXPECT_EQ(restored.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(restored.message()), HasSubstr("output topic \"out\""));
  EXPECT_THAT(Records("out"), ElementsAre(KV{"x", "intruder"}));  // nothing added

  // While running, the append checks the end first.
  auto other_store = NewMemoryStateStore();
  Dataflow e = Build(*other_store, "out2", OutputFormat::kDebezium);
  ASSERT_TRUE(e.pipeline->RunUntilCaughtUp().ok());
  size_t written = Records("out2").size();
  ASSERT_GT(written, 0u);
  Produce(50);
  Append("out2", 0, {Rec("x", "intruder", 1000)});
  Status s = e.pipeline->RunUntilCaughtUp();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Records("out2").size(), written + 1);
}

}  // namespace
}  // namespace oxbow::stream
