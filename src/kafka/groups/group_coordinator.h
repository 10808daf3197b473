// The group coordinator of this broker: consumer groups of the classic protocol (JoinGroup,
// SyncGroup, Heartbeat, LeaveGroup) and their committed offsets (through OffsetStore).
//
// A group moves Empty → PreparingRebalance → CompletingRebalance → Stable, back to
// PreparingRebalance when a member joins, leaves or times out, and to Dead when deleted.
// A rebalance ends its join phase when every known member has rejoined, or at the
// rebalance deadline (the largest rebalance timeout of the members, Kafka's
// max.poll.interval.ms), when those that did not rejoin are removed. The first rebalance
// of an empty group waits initial_rebalance_delay_ms (extended by each newcomer, up to the
// rebalance timeout) so that consumers started together land in one generation.
// Members that do not heartbeat within their session timeout are removed (except while
// their JoinGroup waits, as in Kafka).
//
// Delayed answers: JoinGroup and SyncGroup often cannot be answered at once. The caller
// passes a Slot; the coordinator fills it (now or later) and calls the slot's wake
// callback. Time is never read from a clock here: every call takes `now_ms` (a monotonic
// millisecond clock, SteadyNowMs() in the server), and timeouts are acted on by Tick(now),
// which waiting handlers call at NextDeadline() and which every request runs first. So
// tests drive the state machine with a clock of their own.
//
// Threads: every method is thread-safe (one mutex for all groups; nothing under it blocks).
// Wake callbacks run under that mutex: they must only post work elsewhere.
// The offset methods that write (CommitOffsets' store step, DeleteGroups) block on an fsync:
// call them from the BlockingPool.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "kafka/groups/offset_store.h"
#include "kafka/protocol/error_code.h"
#include "log/log_manager.h"

namespace oxbow::kafka::groups {

struct GroupOptions {
  int64_t initial_rebalance_delay_ms = 3000;  // group.initial.rebalance.delay.ms
  int32_t min_session_timeout_ms = 6000;      // group.min.session.timeout.ms
  int32_t max_session_timeout_ms = 1800000;   // group.max.session.timeout.ms
  int32_t offsets_topic_partitions = 1;
  size_t max_metadata_bytes = 4096;  // offset.metadata.max.bytes
};

// Where a delayed answer is delivered. The coordinator sets `value` once, then calls `wake`.
template <typename T>
class Slot {
 public:
  explicit Slot(std::function<void()> wake = {}) : wake_(std::move(wake)) {}
  void Fill(T value) {
    {
      absl::MutexLock lock(&mu_);
      if (value_) return;  // first answer wins
      value_ = std::move(value);
    }
    if (wake_) wake_();
  }
  std::optional<T> Take() {
    absl::MutexLock lock(&mu_);
    std::optional<T> v = std::move(value_);
    value_.reset();
    return v;
  }
  bool ready() const {
    absl::MutexLock lock(&mu_);
    return value_.has_value();
  }

 private:
  mutable absl::Mutex mu_;
  std::optional<T> value_ ABSL_GUARDED_BY(mu_);
  std::function<void()> wake_;
};

struct Protocol {
  std::string name;
  std::vector<uint8_t> metadata;
};

struct JoinParams {
  std::string group_id;
  std::string member_id;  // empty on a first join
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::string protocol_type;
  std::vector<Protocol> protocols;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1;  // -1 (v0): the session timeout
  // v4+: a new dynamic member first gets MEMBER_ID_REQUIRED with its id (KIP-394).
  bool require_known_member_id = false;
};

struct JoinedMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::vector<uint8_t> metadata;  // for the chosen protocol
};

struct JoinResult {
  ErrorCode error = ErrorCode::kNone;
  int32_t generation = -1;
  std::string protocol_name;
  std::string leader;
  std::string member_id;
  std::vector<JoinedMember> members;  // the leader's only
};

struct SyncResult {
  ErrorCode error = ErrorCode::kNone;
  std::vector<uint8_t> assignment;
};

using JoinSlot = Slot<JoinResult>;
using SyncSlot = Slot<SyncResult>;

struct MemberIdentity {
  std::string member_id;
  std::optional<std::string> group_instance_id;
};

struct MemberDescription {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  std::vector<uint8_t> metadata;
  std::vector<uint8_t> assignment;
};

struct GroupDescription {
  ErrorCode error = ErrorCode::kNone;
  std::string group_id;
  std::string state;  // "Empty", "PreparingRebalance", …, "Dead" for an unknown group
  std::string protocol_type;
  std::string protocol;
  std::vector<MemberDescription> members;
};

struct GroupListing {
  std::string group_id;
  std::string protocol_type;
};

struct OffsetCommit {
  TopicPartition tp;
  CommittedOffset value;
};

struct PartitionLag {
  std::string topic;
  int32_t partition = 0;
  int64_t committed = -1;
  int64_t high_watermark = -1;
  int64_t lag = 0;  // high_watermark - committed, 0 when nothing is committed or unknown
};

// What one offset-retention check deleted.
struct ExpiredOffsets {
  // Groups whose every offset expired (empty, no commit, for the retention).
  std::vector<std::string> groups;
  // Offsets Stable consumer groups had for topics they no longer subscribe to, by group.
  std::map<std::string, std::vector<TopicPartition>> unsubscribed;
};

enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };
std::string_view GroupStateName(GroupState s);

// The coordinator's monotonic clock for the server: milliseconds of steady_clock.
int64_t SteadyNowMs();

class GroupCoordinator {
 public:
  // `log` must outlive the coordinator.
  GroupCoordinator(log::LogManager& log, GroupOptions options);
  ~GroupCoordinator();

  // Loads committed offsets (blocking; see OffsetStore::Load). Until it succeeds, every
  // group request is answered COORDINATOR_NOT_AVAILABLE.
  Status Load();
  bool available() const { return offsets_.loaded(); }

  // JoinGroup. The answer goes to `slot`, at once or when the rebalance completes.
  void Join(const JoinParams& params, int64_t now_ms, std::shared_ptr<JoinSlot> slot);
  // SyncGroup. The leader's `assignments` (member id → bytes) are distributed; followers
  // wait for them.
  void Sync(const std::string& group_id, int32_t generation, const MemberIdentity& member,
            const std::map<std::string, std::vector<uint8_t>>& assignments, int64_t now_ms,
            std::shared_ptr<SyncSlot> slot);
  ErrorCode Heartbeat(const std::string& group_id, int32_t generation, const MemberIdentity& member,
                      int64_t now_ms);
  // One error per member, in order, in `member_errors`; the returned error is for the
  // group as a whole (COORDINATOR_NOT_AVAILABLE), else NONE.
  ErrorCode Leave(const std::string& group_id, const std::vector<MemberIdentity>& members,
                  int64_t now_ms, std::vector<ErrorCode>* member_errors);

  // OffsetCommit, step 1 (fast): may this member commit for this generation? generation -1
  // with an empty member id is a commit from outside the group, allowed while it is empty.
  ErrorCode CheckCommit(const std::string& group_id, int32_t generation,
                        const MemberIdentity& member, int64_t now_ms);
  // Step 2 (blocking: appends to the offsets topic). Status from the log on failure.
  Status StoreOffsets(const std::string& group_id, const std::vector<OffsetCommit>& commits);
  std::optional<CommittedOffset> FetchOffset(const std::string& group_id,
                                             const TopicPartition& tp) const;
  std::map<TopicPartition, CommittedOffset> FetchOffsets(const std::string& group_id) const;

  GroupDescription Describe(const std::string& group_id, int64_t now_ms);
  std::vector<GroupListing> List(int64_t now_ms);
  // DeleteGroups for one group (blocking: writes tombstones): GROUP_ID_NOT_FOUND,
  // NON_EMPTY_GROUP, or NONE once its offsets are gone.
  ErrorCode DeleteGroup(const std::string& group_id, int64_t now_ms);

  // Offset retention (Kafka's offsets.retention.minutes, KIP-211): deletes the committed
  // offsets (tombstones) of every group that has had no member for `retention_ms` (by the
  // monotonic `now_ms`) and no commit for as long (by the wall clock: commit timestamps
  // outlive restarts). A group with no member since this coordinator started counts as empty
  // from the first call that saw it, so offsets never expire earlier than in Kafka, and up to
  // one check interval later. A Stable group of protocol type "consumer" loses, as in Kafka,
  // the offsets of topics none of its members subscribes to (their JoinGroup metadata), each
  // once it was committed `retention_ms` ago; a group whose subscriptions cannot be read, or
  // that is rebalancing, keeps them until a later check. Returns what expired. Blocking (an
  // fsync per group with offsets expired): call it from the BlockingPool or a thread of its own.
  ExpiredOffsets ExpireOffsets(int64_t now_ms, int64_t wall_now_ms, int64_t retention_ms);

  // Committed offset and high watermark of every partition the group committed for.
  std::vector<PartitionLag> Lag(const std::string& group_id) const;

  // Acts on expired sessions and rebalance deadlines.
  void Tick(int64_t now_ms);
  // When Tick has something to do next for this group (INT64_MAX: nothing scheduled).
  int64_t NextDeadline(const std::string& group_id) const;

  GroupState state(const std::string& group_id) const;
  int32_t generation(const std::string& group_id) const;

 private:
  struct Member;
  struct Group;

  Group& GetOrCreate(const std::string& group_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Group* Find(const std::string& group_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const Group* Find(const std::string& group_id) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string NewMemberId(const JoinParams& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  JoinResult JoinError(ErrorCode e, const std::string& member_id = "") const;
  ErrorCode ValidateJoin(const Group& g, const JoinParams& p) const;
  void JoinNew(Group& g, const JoinParams& p, const std::string& id, int64_t now,
               std::shared_ptr<JoinSlot> slot) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void JoinKnown(Group& g, Member& m, const JoinParams& p, int64_t now,
                 std::shared_ptr<JoinSlot> slot) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReplaceStatic(Group& g, const JoinParams& p, const std::string& old_id, int64_t now,
                     std::shared_ptr<JoinSlot> slot) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Resolves `who` to a member, or the error to answer (UNKNOWN_MEMBER_ID,
  // FENCED_INSTANCE_ID).
  ErrorCode Identify(Group* g, const MemberIdentity& who, Member** out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void PrepareRebalance(Group& g, int64_t now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MaybeCompleteJoin(Group& g, int64_t now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CompleteJoin(Group& g, int64_t now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  JoinResult CurrentJoinResult(const Group& g, const Member& m) const;
  void RemoveMember(Group& g, const std::string& member_id, ErrorCode answer, int64_t now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void TickGroup(Group& g, int64_t now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The offsets of `g` for topics none of its members subscribes to, committed before
  // `committed_before` (wall clock); none unless `g` is a Stable "consumer" group whose
  // members' subscriptions could all be read.
  std::vector<TopicPartition> UnsubscribedOffsets(const Group& g, int64_t committed_before) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  static bool SupportsAll(const Group& g, const std::vector<Protocol>& protocols,
                          const std::string& except_member);
  static std::string SelectProtocol(const Group& g);

  log::LogManager& log_;
  const GroupOptions options_;
  OffsetStore offsets_;

  mutable absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Group>> groups_ ABSL_GUARDED_BY(mu_);
  // Groups known only from their committed offsets: when ExpireOffsets first saw each.
  std::map<std::string, int64_t> offsets_only_since_ ABSL_GUARDED_BY(mu_);
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
};

}  // namespace oxbow::kafka::groups
