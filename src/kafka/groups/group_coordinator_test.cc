#include "kafka/groups/group_coordinator.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "io/file.h"
#include "testing/temp_dir.h"

namespace oxbow::kafka::groups {
namespace {

constexpr int32_t kSession = 1000;
constexpr int32_t kRebalance = 5000;
constexpr int64_t kDelay = 100;

class GroupCoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    coordinator_.reset();
    if (log_) {
      ASSERT_TRUE(log_->Close().ok());
      log_.reset();
    }
    log::LogOptions lo;
    lo.data_dir = dir_.path();
    auto m = log::LogManager::Open(io::FileSystem::Default(), lo);
    ASSERT_TRUE(m.ok()) << m.status();
    log_ = std::move(*m);
    GroupOptions o;
    o.initial_rebalance_delay_ms = kDelay;
    o.min_session_timeout_ms = 100;
    o.offsets_topic_partitions = 3;
    coordinator_ = std::make_unique<GroupCoordinator>(*log_, o);
    ASSERT_TRUE(coordinator_->Load().ok());
  }

  JoinParams Params(const std::string& member_id, std::string metadata = "m",
                    std::optional<std::string> instance = std::nullopt) {
    JoinParams p;
    p.group_id = "g";
    p.member_id = member_id;
    p.group_instance_id = std::move(instance);
    p.client_id = "client";
    p.client_host = "/127.0.0.1";
    p.protocol_type = "consumer";
    p.protocols = {{"range", std::vector<uint8_t>(metadata.begin(), metadata.end())},
                   {"roundrobin", {}}};
    p.session_timeout_ms = kSession;
    p.rebalance_timeout_ms = kRebalance;
    return p;
  }

  std::shared_ptr<JoinSlot> Join(const JoinParams& p) {
    auto slot = std::make_shared<JoinSlot>();
    coordinator_->Join(p, now_, slot);
    return slot;
  }

  std::shared_ptr<SyncSlot> Sync(const std::string& member, int32_t generation,
                                 std::map<std::string, std::vector<uint8_t>> assignments = {},
                                 std::optional<std::string> instance = std::nullopt) {
    auto slot = std::make_shared<SyncSlot>();
    coordinator_->Sync("g", generation, {member, instance}, assignments, now_, slot);
    return slot;
  }

  ErrorCode Heartbeat(const std::string& member, int32_t generation,
                      std::optional<std::string> instance = std::nullopt) {
    return coordinator_->Heartbeat("g", generation, {member, instance}, now_);
  }

  // A first join with the KIP-394 round trip; returns the member id.
  std::string NewMemberId() {
    JoinParams p = Params("");
    p.require_known_member_id = true;
    JoinResult r = *Join(p)->Take();
    EXPECT_EQ(r.error, ErrorCode::kMemberIdRequired);
    EXPECT_FALSE(r.member_id.empty());
    return r.member_id;
  }

  // Brings up a stable group of one whose member sends `metadata`; returns its member id.
  std::string StableSingle(std::string metadata = "m") {
    std::string a = NewMemberId();
    auto join = Join(Params(a, std::move(metadata)));
    EXPECT_FALSE(join->ready()) << "the initial delay holds the first join";
    now_ += kDelay;
    coordinator_->Tick(now_);
    JoinResult r = *join->Take();
    EXPECT_EQ(r.error, ErrorCode::kNone);
    auto sync = Sync(a, r.generation, {{a, {1, 2, 3}}});
    SyncResult s = *sync->Take();
    EXPECT_EQ(s.error, ErrorCode::kNone);
    EXPECT_EQ(s.assignment, (std::vector<uint8_t>{1, 2, 3}));
    return a;
  }

  testing::TempDir dir_;
  std::unique_ptr<log::LogManager> log_;
  std::unique_ptr<GroupCoordinator> coordinator_;
  int64_t now_ = 1000000;
};

TEST_F(GroupCoordinatorTest, FirstMemberJoinsSyncsAndHeartbeats) {
  std::string a = NewMemberId();
  EXPECT_EQ(coordinator_->state("g"), GroupState::kEmpty) << "MEMBER_ID_REQUIRED adds nobody";
  auto join = Join(Params(a));
  EXPECT_EQ(coordinator_->state("g"), GroupState::kPreparingRebalance);
  EXPECT_EQ(coordinator_->NextDeadline("g"), now_ + kDelay);
  now_ += kDelay - 1;
  coordinator_->Tick(now_);
  EXPECT_FALSE(join->ready());
  now_ += 1;
  coordinator_->Tick(now_);
  JoinResult r = *join->Take();
  EXPECT_EQ(r.error, ErrorCode::kNone);
  EXPECT_EQ(r.generation, 1);
  EXPECT_EQ(r.leader, a);
  EXPECT_EQ(r.member_id, a);
  EXPECT_EQ(r.protocol_name, "range");
  ASSERT_EQ(r.members.size(), 1u);
  EXPECT_EQ(r.members[0].metadata, std::vector<uint8_t>{'m'});
  EXPECT_EQ(coordinator_->state("g"), GroupState::kCompletingRebalance);
  EXPECT_EQ(Sync(a, 1, {{a, {7}}})->Take()->assignment, std::vector<uint8_t>{7});
  EXPECT_EQ(coordinator_->state("g"), GroupState::kStable);
  EXPECT_EQ(Heartbeat(a, 1), ErrorCode::kNone);
  EXPECT_EQ(Heartbeat(a, 2), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(Heartbeat("nobody", 1), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(Sync(a, 0)->Take()->error, ErrorCode::kIllegalGeneration);
  EXPECT_EQ(Sync(a, 1)->Take()->assignment, std::vector<uint8_t>{7}) << "stable: resent";
}

TEST_F(GroupCoordinatorTest, NewMemberRebalancesAndFollowerWaitsForLeadersAssignment) {
  std::string a = StableSingle();
  std::string b = NewMemberId();
  auto join_b = Join(Params(b));
  EXPECT_EQ(coordinator_->state("g"), GroupState::kPreparingRebalance);
  EXPECT_FALSE(join_b->ready()) << "waits for the known member to rejoin";
  EXPECT_EQ(Heartbeat(a, 1), ErrorCode::kRebalanceInProgress);
  auto join_a = Join(Params(a));
  JoinResult ra = *join_a->Take();
  JoinResult rb = *join_b->Take();
  EXPECT_EQ(ra.generation, 2);
  EXPECT_EQ(rb.generation, 2);
  EXPECT_EQ(ra.leader, a) << "the leader stays";
  EXPECT_EQ(ra.members.size(), 2u);
  EXPECT_TRUE(rb.members.empty()) << "only the leader gets the members";
  auto sync_b = Sync(b, 2);
  EXPECT_FALSE(sync_b->ready());
  auto sync_a = Sync(a, 2, {{a, {1}}, {b, {2}}});
  EXPECT_EQ(sync_a->Take()->assignment, std::vector<uint8_t>{1});
  EXPECT_EQ(sync_b->Take()->assignment, std::vector<uint8_t>{2});
  EXPECT_EQ(Heartbeat(b, 2), ErrorCode::kNone);
}

TEST_F(GroupCoordinatorTest, LeaveRebalancesTheOthersAndLastLeaveEmpties) {
  std::string a = StableSingle();
  std::string b = NewMemberId();
  auto join_b = Join(Params(b));
  Join(Params(a));
  Sync(a, 2, {{a, {1}}, {b, {2}}});
  std::vector<ErrorCode> errors;
  EXPECT_EQ(coordinator_->Leave("g", {{a, std::nullopt}, {"ghost", std::nullopt}}, now_, &errors),
            ErrorCode::kNone);
  EXPECT_EQ(errors, (std::vector<ErrorCode>{ErrorCode::kNone, ErrorCode::kUnknownMemberId}));
  EXPECT_EQ(coordinator_->state("g"), GroupState::kPreparingRebalance);
  JoinResult r = *Join(Params(b))->Take();
  EXPECT_EQ(r.generation, 3);
  EXPECT_EQ(r.leader, b) << "a new leader when the old one left";
  EXPECT_EQ(r.members.size(), 1u);
  Sync(b, 3, {{b, {9}}});
  coordinator_->Leave("g", {{b, std::nullopt}}, now_, nullptr);
  EXPECT_EQ(coordinator_->state("g"), GroupState::kEmpty);
}

TEST_F(GroupCoordinatorTest, SilentMemberIsRemovedAfterItsSessionTimeout) {
  std::string a = StableSingle();
  std::string b = NewMemberId();
  auto join_b = Join(Params(b));
  Join(Params(a));
  Sync(a, 2, {{a, {1}}, {b, {2}}});
  Sync(b, 2);
  for (int i = 0; i < 5; ++i) {
    now_ += kSession / 2;
    EXPECT_EQ(Heartbeat(a, 2), i < 2 ? ErrorCode::kNone : ErrorCode::kRebalanceInProgress) << i;
    if (i == 0) {
      EXPECT_EQ(Heartbeat(b, 2), ErrorCode::kNone);
    }
  }
  EXPECT_EQ(Heartbeat(b, 2), ErrorCode::kUnknownMemberId) << "b stopped heartbeating";
  JoinResult r = *Join(Params(a))->Take();
  EXPECT_EQ(r.generation, 3);
  EXPECT_EQ(r.members.size(), 1u);
}

TEST_F(GroupCoordinatorTest, MemberNotRejoiningWithinTheRebalanceTimeoutIsRemoved) {
  std::string a = StableSingle();
  std::string b = NewMemberId();
  Join(Params(b));
  Join(Params(a));
  Sync(a, 2, {{a, {1}}, {b, {2}}});
  std::string c = NewMemberId();
  auto join_c = Join(Params(c));
  auto join_a = Join(Params(a));
  // b keeps heartbeating (its session lives) but never rejoins: a stuck poll loop.
  for (int64_t t = 500; t < kRebalance; t += 500) {
    now_ += 500;
    EXPECT_EQ(Heartbeat(b, 2), ErrorCode::kRebalanceInProgress);
    coordinator_->Tick(now_);
  }
  EXPECT_FALSE(join_a->ready());
  now_ += 500;
  coordinator_->Tick(now_);
  JoinResult r = *join_a->Take();
  EXPECT_EQ(r.generation, 3);
  EXPECT_EQ(r.members.size(), 2u);
  EXPECT_TRUE(join_c->ready());
  EXPECT_EQ(Heartbeat(b, 2), ErrorCode::kUnknownMemberId);
}

TEST_F(GroupCoordinatorTest, StaticMemberRejoiningUnchangedKeepsItsAssignmentWithoutRebalance) {
  auto ja = Join(Params("", "m", "instance-a"));
  auto jb = Join(Params("", "m", "instance-b"));
  now_ += kDelay;
  coordinator_->Tick(now_);
  JoinResult ra = *ja->Take();
  JoinResult rb = *jb->Take();
  ASSERT_EQ(ra.error, ErrorCode::kNone);
  EXPECT_EQ(ra.generation, 1) << "both land in the first generation";
  std::string leader = ra.leader;
  std::string follower = leader == ra.member_id ? rb.member_id : ra.member_id;
  Sync(follower, 1, {}, leader == ra.member_id ? "instance-b" : "instance-a");
  Sync(leader, 1, {{ra.member_id, {1}}, {rb.member_id, {2}}},
       leader == ra.member_id ? "instance-a" : "instance-b");
  ASSERT_EQ(coordinator_->state("g"), GroupState::kStable);

  // instance-b restarts: a new member id, the same generation and assignment.
  JoinResult again = *Join(Params("", "m", "instance-b"))->Take();
  EXPECT_EQ(again.error, ErrorCode::kNone);
  EXPECT_NE(again.member_id, rb.member_id);
  EXPECT_EQ(again.generation, 1);
  EXPECT_EQ(coordinator_->state("g"), GroupState::kStable);
  EXPECT_EQ(Sync(again.member_id, 1, {}, "instance-b")->Take()->assignment,
            std::vector<uint8_t>{2});
  EXPECT_EQ(Heartbeat(rb.member_id, 1, "instance-b"), ErrorCode::kFencedInstanceId);
  EXPECT_EQ(Heartbeat(again.member_id, 1, "instance-b"), ErrorCode::kNone);

  // With new metadata (a new subscription) it triggers a rebalance.
  auto changed = Join(Params("", "other", "instance-b"));
  EXPECT_FALSE(changed->ready());
  EXPECT_EQ(coordinator_->state("g"), GroupState::kPreparingRebalance);
}

TEST_F(GroupCoordinatorTest, JoinErrors) {
  JoinParams p = Params("");
  p.session_timeout_ms = 10;
  EXPECT_EQ(Join(p)->Take()->error, ErrorCode::kInvalidSessionTimeout);
  p = Params("");
  p.group_id = "";
  EXPECT_EQ(Join(p)->Take()->error, ErrorCode::kInvalidGroupId);
  p = Params("");
  p.protocols.clear();
  EXPECT_EQ(Join(p)->Take()->error, ErrorCode::kInconsistentGroupProtocol);
  EXPECT_EQ(Join(Params("unknown-id"))->Take()->error, ErrorCode::kUnknownMemberId);
  std::string a = StableSingle();
  p = Params("");
  p.protocol_type = "connect";
  EXPECT_EQ(Join(p)->Take()->error, ErrorCode::kInconsistentGroupProtocol);
  p = Params("");
  p.protocols = {{"sticky", {}}};
  EXPECT_EQ(Join(p)->Take()->error, ErrorCode::kInconsistentGroupProtocol)
      << "no protocol in common with " << a;
}

TEST_F(GroupCoordinatorTest, SyncDuringRebalanceAndCommitRules) {
  std::string a = StableSingle();
  std::string b = NewMemberId();
  Join(Params(b));
  EXPECT_EQ(Sync(a, 1)->Take()->error, ErrorCode::kRebalanceInProgress);
  // Commits of the last generation are allowed while preparing (revoke callbacks).
  EXPECT_EQ(coordinator_->CheckCommit("g", 1, {a, std::nullopt}, now_), ErrorCode::kNone);
  Join(Params(a));
  EXPECT_EQ(coordinator_->CheckCommit("g", 2, {a, std::nullopt}, now_),
            ErrorCode::kRebalanceInProgress);
  Sync(a, 2, {});
  EXPECT_EQ(coordinator_->CheckCommit("g", 1, {a, std::nullopt}, now_),
            ErrorCode::kIllegalGeneration);
  EXPECT_EQ(coordinator_->CheckCommit("g", 2, {"x", std::nullopt}, now_),
            ErrorCode::kUnknownMemberId);
  EXPECT_EQ(coordinator_->CheckCommit("g", -1, {"", std::nullopt}, now_),
            ErrorCode::kUnknownMemberId)
      << "outsiders may not commit for an active group";
  EXPECT_EQ(coordinator_->CheckCommit("other", -1, {"", std::nullopt}, now_), ErrorCode::kNone);
}

TEST_F(GroupCoordinatorTest, CommittedOffsetsSurviveReopenAndDeleteGroupTombstonesThem) {
  ASSERT_TRUE(log_->CreateTopic("t", 2, {}).ok());
  ASSERT_TRUE(
      coordinator_->StoreOffsets("g1", {{{"t", 0}, {5, -1, "meta", 1}}, {{"t", 1}, {7, -1, "", 2}}})
          .ok());
  ASSERT_TRUE(coordinator_->StoreOffsets("g1", {{{"t", 0}, {6, -1, "later", 3}}}).ok());
  ASSERT_TRUE(coordinator_->StoreOffsets("g2", {{{"t", 0}, {1, -1, "", 4}}}).ok());
  Open();
  auto c = coordinator_->FetchOffset("g1", {"t", 0});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->offset, 6);
  EXPECT_EQ(c->metadata, "later");
  EXPECT_EQ(coordinator_->FetchOffset("g1", {"t", 1})->offset, 7);
  EXPECT_FALSE(coordinator_->FetchOffset("g1", {"t", 2}).has_value());
  EXPECT_EQ(coordinator_->List(now_).size(), 2u);
  EXPECT_EQ(coordinator_->Describe("g1", now_).state, "Empty");
  EXPECT_EQ(coordinator_->Describe("nope", now_).state, "Dead");

  EXPECT_EQ(coordinator_->DeleteGroup("nope", now_), ErrorCode::kGroupIdNotFound);
  EXPECT_EQ(coordinator_->DeleteGroup("g1", now_), ErrorCode::kNone);
  Open();
  EXPECT_FALSE(coordinator_->FetchOffset("g1", {"t", 0}).has_value());
  EXPECT_EQ(coordinator_->FetchOffset("g2", {"t", 0})->offset, 1);
}

TEST_F(GroupCoordinatorTest, DeleteGroupRefusesAGroupWithMembers) {
  StableSingle();
  EXPECT_EQ(coordinator_->DeleteGroup("g", now_), ErrorCode::kNonEmptyGroup);
}

TEST_F(GroupCoordinatorTest, OffsetsOfGroupsEmptyAndUncommittedForTheRetentionExpire) {
  constexpr int64_t kRetention = 60000;
  int64_t wall = 1700000000000;  // the wall clock of commit timestamps
  ASSERT_TRUE(log_->CreateTopic("t", 1, {}).ok());
  std::string a = StableSingle();
  ASSERT_TRUE(coordinator_->StoreOffsets("g", {{{"t", 0}, {5, -1, "", wall}}}).ok());
  // Standalone consumers commit without joining: "solo" stops, "busy" keeps committing.
  ASSERT_TRUE(coordinator_->StoreOffsets("solo", {{{"t", 0}, {1, -1, "", wall}}}).ok());
  ASSERT_TRUE(coordinator_->StoreOffsets("busy", {{{"t", 0}, {2, -1, "", wall}}}).ok());
  wall += 2 * kRetention;
  // "g" has a member; the others are seen empty from now on (their past is not known).
  EXPECT_TRUE(coordinator_->ExpireOffsets(now_, wall, kRetention).groups.empty());

  coordinator_->Leave("g", {{a, std::nullopt}}, now_, nullptr);
  ASSERT_EQ(coordinator_->state("g"), GroupState::kEmpty);
  now_ += kRetention - 1;
  wall += kRetention - 1;
  ASSERT_TRUE(coordinator_->StoreOffsets("busy", {{{"t", 0}, {3, -1, "", wall - 10}}}).ok());
  EXPECT_TRUE(coordinator_->ExpireOffsets(now_, wall, kRetention).groups.empty())
      << "1 ms too early";

  now_ += 1;
  wall += 1;
  std::vector<std::string> expired = coordinator_->ExpireOffsets(now_, wall, kRetention).groups;
  std::sort(expired.begin(), expired.end());
  EXPECT_EQ(expired, (std::vector<std::string>{"g", "solo"}));
  EXPECT_FALSE(coordinator_->FetchOffset("g", {"t", 0}).has_value());
  EXPECT_EQ(coordinator_->Describe("g", now_).state, "Dead");
  EXPECT_EQ(coordinator_->FetchOffset("busy", {"t", 0})->offset, 3) << "committed recently";

  // The expiry is durable (tombstones), and a retention <= 0 keeps everything.
  Open();
  EXPECT_FALSE(coordinator_->FetchOffset("solo", {"t", 0}).has_value());
  EXPECT_EQ(coordinator_->FetchOffset("busy", {"t", 0})->offset, 3);
  EXPECT_TRUE(coordinator_->ExpireOffsets(now_ + kRetention * 100, wall * 2, 0).groups.empty());
}

// A consumer's JoinGroup metadata (ConsumerProtocolSubscription v1): `topics`, no user
// data, no owned partitions.
std::string Subscription(const std::vector<std::string>& topics) {
  ByteBuffer b;
  b.AppendBE16(1);
  b.AppendBE32(static_cast<uint32_t>(topics.size()));
  for (const std::string& t : topics) {
    b.AppendBE16(static_cast<uint16_t>(t.size()));
    b.Append(t);
  }
  b.AppendBE32(0xffffffff);  // user data: null
  b.AppendBE32(0);           // owned partitions: none
  return std::string(AsString(b.view()));
}

TEST_F(GroupCoordinatorTest, StableConsumerGroupLosesOffsetsOfTopicsItNoLongerSubscribesTo) {
  constexpr int64_t kRetention = 60000;
  const int64_t wall0 = 1700000000000;  // the wall clock of commit timestamps
  for (const char* t : {"a", "b"}) ASSERT_TRUE(log_->CreateTopic(t, 2, {}).ok());
  // The group consumed "a" and "b", and now subscribes to "a" only (KIP-211's case).
  StableSingle(Subscription({"a"}));
  ASSERT_EQ(coordinator_->state("g"), GroupState::kStable);
  ASSERT_TRUE(coordinator_
                  ->StoreOffsets("g", {{{"a", 0}, {1, -1, "", wall0}},
                                       {{"b", 0}, {2, -1, "", wall0}},
                                       {{"b", 1}, {3, -1, "", wall0 + kRetention / 2}}})
                  .ok());

  ExpiredOffsets expired = coordinator_->ExpireOffsets(now_, wall0 + kRetention - 1, kRetention);
  EXPECT_TRUE(expired.unsubscribed.empty()) << "1 ms too early";
  EXPECT_TRUE(expired.groups.empty());

  // b/0 was committed a retention ago; b/1 later; a/0 is subscribed, however old.
  expired = coordinator_->ExpireOffsets(now_, wall0 + kRetention, kRetention);
  EXPECT_TRUE(expired.groups.empty()) << "the group has a member";
  EXPECT_EQ(expired.unsubscribed,
            (std::map<std::string, std::vector<TopicPartition>>{{"g", {{"b", 0}}}}));
  EXPECT_FALSE(coordinator_->FetchOffset("g", {"b", 0}).has_value());
  EXPECT_EQ(coordinator_->FetchOffset("g", {"b", 1})->offset, 3);
  EXPECT_EQ(coordinator_->FetchOffset("g", {"a", 0})->offset, 1);
  EXPECT_EQ(coordinator_->state("g"), GroupState::kStable) << "the members are not touched";

  expired = coordinator_->ExpireOffsets(now_, wall0 + 2 * kRetention, kRetention);
  EXPECT_EQ(expired.unsubscribed,
            (std::map<std::string, std::vector<TopicPartition>>{{"g", {{"b", 1}}}}));
  EXPECT_EQ(coordinator_->FetchOffset("g", {"a", 0})->offset, 1);

  // Durable: tombstones in the offsets topic.
  Open();
  EXPECT_FALSE(coordinator_->FetchOffset("g", {"b", 0}).has_value());
  EXPECT_FALSE(coordinator_->FetchOffset("g", {"b", 1}).has_value());
  EXPECT_EQ(coordinator_->FetchOffset("g", {"a", 0})->offset, 1);
}

TEST_F(GroupCoordinatorTest, OffsetsStayWhenTheSubscriptionsAreNotKnown) {
  constexpr int64_t kRetention = 60000;
  const int64_t wall0 = 1700000000000;
  ASSERT_TRUE(log_->CreateTopic("b", 1, {}).ok());
  // Metadata that is not a consumer subscription: every topic may be one it reads.
  StableSingle("m");
  ASSERT_TRUE(coordinator_->StoreOffsets("g", {{{"b", 0}, {2, -1, "", wall0}}}).ok());
  EXPECT_TRUE(
      coordinator_->ExpireOffsets(now_, wall0 + 10 * kRetention, kRetention).unsubscribed.empty());
  EXPECT_EQ(coordinator_->FetchOffset("g", {"b", 0})->offset, 2);
}

TEST_F(GroupCoordinatorTest, OffsetsStayWhileTheGroupRebalances) {
  constexpr int64_t kRetention = 60000;
  const int64_t wall0 = 1700000000000;
  ASSERT_TRUE(log_->CreateTopic("b", 1, {}).ok());
  std::string a = StableSingle(Subscription({"a"}));
  ASSERT_TRUE(coordinator_->StoreOffsets("g", {{{"b", 0}, {2, -1, "", wall0}}}).ok());
  // The member rejoins, now subscribing to "b" again: until the rebalance completes, the
  // group's subscriptions are in flux.
  auto rejoin = Join(Params(a, Subscription({"a", "b"})));
  ASSERT_NE(coordinator_->state("g"), GroupState::kStable);
  EXPECT_TRUE(
      coordinator_->ExpireOffsets(now_, wall0 + 10 * kRetention, kRetention).unsubscribed.empty());
  EXPECT_EQ(coordinator_->FetchOffset("g", {"b", 0})->offset, 2);
}

TEST_F(GroupCoordinatorTest, LagIsHighWatermarkMinusCommitted) {
  ASSERT_TRUE(log_->CreateTopic("t", 1, {}).ok());
  ASSERT_TRUE(coordinator_->StoreOffsets("g", {{{"t", 0}, {0, -1, "", 1}}}).ok());
  std::vector<PartitionLag> lag = coordinator_->Lag("g");
  ASSERT_EQ(lag.size(), 1u);
  EXPECT_EQ(lag[0].topic, "t");
  EXPECT_EQ(lag[0].committed, 0);
  EXPECT_EQ(lag[0].high_watermark, 0);
  EXPECT_EQ(lag[0].lag, 0);
}

}  // namespace
}  // namespace oxbow::kafka::groups
