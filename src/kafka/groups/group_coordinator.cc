#include "kafka/groups/group_coordinator.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "base/logging.h"
#include "kafka/groups/consumer_subscription.h"

namespace oxbow::kafka::groups {

namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
}  // namespace

struct GroupCoordinator::Member {
  std::string id;
  std::optional<std::string> instance_id;
  std::string client_id;
  std::string client_host;
  std::vector<Protocol> protocols;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::vector<uint8_t> assignment;
  int64_t last_heartbeat_ms = 0;
  // Set while the member's JoinGroup (SyncGroup) waits for the rebalance to progress.
  std::shared_ptr<JoinSlot> join;
  std::shared_ptr<SyncSlot> sync;

  const std::vector<uint8_t>* MetadataFor(const std::string& protocol) const {
    for (const Protocol& p : protocols) {
      if (p.name == protocol) return &p.metadata;
    }
    return nullptr;
  }
};

struct GroupCoordinator::Group {
  std::string id;
  GroupState state = GroupState::kEmpty;
  int32_t generation = 0;
  std::string protocol_type;
  std::string protocol;
  std::string leader;
  std::map<std::string, Member> members;              // by member id
  std::map<std::string, std::string> static_members;  // group.instance.id → member id
  std::map<std::string, int64_t> pending_members;     // ids given out by MEMBER_ID_REQUIRED
  int64_t rebalance_deadline_ms = kNever;             // PreparingRebalance: join phase end
  int64_t initial_join_limit_ms = kNever;             // the initial delay's upper bound
  int64_t empty_since_ms = kNever;  // when it last lost its last member; kNever: not known
  bool initial_delay = false;       // in the first rebalance's delay

  int32_t MaxRebalanceTimeout() const {
    int32_t t = 0;
    for (const auto& [_, m] : members) t = std::max(t, m.rebalance_timeout_ms);
    return t;
  }
  bool AllRejoined() const {
    for (const auto& [_, m] : members) {
      if (!m.join) return false;
    }
    return true;
  }
};

std::string_view GroupStateName(GroupState s) {
  switch (s) {
    case GroupState::kEmpty:
      return "Empty";
    case GroupState::kPreparingRebalance:
      return "PreparingRebalance";
    case GroupState::kCompletingRebalance:
      return "CompletingRebalance";
    case GroupState::kStable:
      return "Stable";
    case GroupState::kDead:
      return "Dead";
  }
  return "Dead";
}

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

GroupCoordinator::GroupCoordinator(log::LogManager& log, GroupOptions options)
    : log_(log),
      options_(options),
      offsets_(log, options.offsets_topic_partitions),
      rng_(std::random_device{}()) {}

GroupCoordinator::~GroupCoordinator() = default;

Status GroupCoordinator::Load() { return offsets_.Load(); }

GroupCoordinator::Group& GroupCoordinator::GetOrCreate(const std::string& group_id) {
  auto& g = groups_[group_id];
  if (!g) {
    g = std::make_unique<Group>();
    g->id = group_id;
    offsets_only_since_.erase(group_id);
  }
  return *g;
}

GroupCoordinator::Group* GroupCoordinator::Find(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

const GroupCoordinator::Group* GroupCoordinator::Find(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

std::string GroupCoordinator::NewMemberId(const JoinParams& p) {
  const std::string& prefix = p.group_instance_id ? *p.group_instance_id : p.client_id;
  return fmt::format("{}-{:016x}{:016x}", prefix.empty() ? "member" : prefix, rng_(), rng_());
}

JoinResult GroupCoordinator::JoinError(ErrorCode e, const std::string& member_id) const {
  JoinResult r;
  r.error = e;
  r.member_id = member_id;
  return r;
}

bool GroupCoordinator::SupportsAll(const Group& g, const std::vector<Protocol>& protocols,
                                   const std::string& except_member) {
  for (const Protocol& p : protocols) {
    bool everyone = true;
    for (const auto& [id, m] : g.members) {
      if (id != except_member && m.MetadataFor(p.name) == nullptr) everyone = false;
    }
    if (everyone) return true;
  }
  return false;
}

std::string GroupCoordinator::SelectProtocol(const Group& g) {
  // The first protocol, in the leader's order of preference, that every member supports.
  auto leader = g.members.find(g.leader);
  const Member& chooser = leader != g.members.end() ? leader->second : g.members.begin()->second;
  for (const Protocol& p : chooser.protocols) {
    bool everyone = std::all_of(g.members.begin(), g.members.end(),
                                [&](const auto& e) { return e.second.MetadataFor(p.name); });
    if (everyone) return p.name;
  }
  return chooser.protocols.empty() ? "" : chooser.protocols.front().name;
}

ErrorCode GroupCoordinator::ValidateJoin(const Group& g, const JoinParams& p) const {
  if (p.session_timeout_ms < options_.min_session_timeout_ms ||
      p.session_timeout_ms > options_.max_session_timeout_ms) {
    return ErrorCode::kInvalidSessionTimeout;
  }
  if (p.protocol_type.empty() || p.protocols.empty()) {
    return ErrorCode::kInconsistentGroupProtocol;
  }
  if (!g.members.empty()) {
    if (p.protocol_type != g.protocol_type || !SupportsAll(g, p.protocols, p.member_id)) {
      return ErrorCode::kInconsistentGroupProtocol;
    }
  }
  return ErrorCode::kNone;
}

void GroupCoordinator::Join(const JoinParams& p, int64_t now, std::shared_ptr<JoinSlot> slot) {
  if (!available()) return slot->Fill(JoinError(ErrorCode::kCoordinatorNotAvailable));
  if (p.group_id.empty()) return slot->Fill(JoinError(ErrorCode::kInvalidGroupId));
  absl::MutexLock lock(&mu_);
  Group& g = GetOrCreate(p.group_id);
  TickGroup(g, now);
  if (g.state == GroupState::kDead) {
    return slot->Fill(JoinError(ErrorCode::kCoordinatorNotAvailable));
  }
  if (ErrorCode e = ValidateJoin(g, p); e != ErrorCode::kNone) {
    return slot->Fill(JoinError(e, p.member_id));
  }
  if (p.member_id.empty()) {
    if (p.group_instance_id) {
      auto known = g.static_members.find(*p.group_instance_id);
      if (known != g.static_members.end()) {
        return ReplaceStatic(g, p, known->second, now, std::move(slot));
      }
      return JoinNew(g, p, NewMemberId(p), now, std::move(slot));
    }
    std::string id = NewMemberId(p);
    if (p.require_known_member_id) {
      // KIP-394: the id is only handed out; the member joins with it on its next request,
      // so a client that crashes between the two leaves no member behind.
      g.pending_members[id] = now + p.session_timeout_ms;
      return slot->Fill(JoinError(ErrorCode::kMemberIdRequired, id));
    }
    return JoinNew(g, p, id, now, std::move(slot));
  }
  if (g.pending_members.erase(p.member_id) > 0) {
    return JoinNew(g, p, p.member_id, now, std::move(slot));
  }
  Member* m = nullptr;
  ErrorCode e = Identify(&g, {p.member_id, p.group_instance_id}, &m);
  if (e != ErrorCode::kNone) return slot->Fill(JoinError(e, p.member_id));
  JoinKnown(g, *m, p, now, std::move(slot));
}

void GroupCoordinator::JoinNew(Group& g, const JoinParams& p, const std::string& id, int64_t now,
                               std::shared_ptr<JoinSlot> slot) {
  Member& m = g.members[id];
  m.id = id;
  m.instance_id = p.group_instance_id;
  m.client_id = p.client_id;
  m.client_host = p.client_host;
  m.protocols = p.protocols;
  m.session_timeout_ms = p.session_timeout_ms;
  m.rebalance_timeout_ms =
      p.rebalance_timeout_ms < 0 ? p.session_timeout_ms : p.rebalance_timeout_ms;
  m.last_heartbeat_ms = now;
  m.join = std::move(slot);
  if (p.group_instance_id) g.static_members[*p.group_instance_id] = id;
  if (g.members.size() == 1) g.protocol_type = p.protocol_type;
  if (g.state == GroupState::kPreparingRebalance && g.initial_delay) {
    // A newcomer during the initial delay restarts it, within the rebalance timeout.
    g.initial_join_limit_ms =
        std::min(g.initial_join_limit_ms, now + std::max(m.rebalance_timeout_ms, 0));
    g.rebalance_deadline_ms =
        std::min(now + options_.initial_rebalance_delay_ms, g.initial_join_limit_ms);
  }
  if (g.state != GroupState::kPreparingRebalance) PrepareRebalance(g, now);
  MaybeCompleteJoin(g, now);
}

void GroupCoordinator::JoinKnown(Group& g, Member& m, const JoinParams& p, int64_t now,
                                 std::shared_ptr<JoinSlot> slot) {
  bool changed = m.protocols.size() != p.protocols.size();
  for (size_t i = 0; !changed && i < p.protocols.size(); ++i) {
    changed = m.protocols[i].name != p.protocols[i].name ||
              m.protocols[i].metadata != p.protocols[i].metadata;
  }
  m.protocols = p.protocols;
  m.session_timeout_ms = p.session_timeout_ms;
  if (p.rebalance_timeout_ms >= 0) m.rebalance_timeout_ms = p.rebalance_timeout_ms;
  m.last_heartbeat_ms = now;
  bool leader = m.id == g.leader;
  switch (g.state) {
    case GroupState::kPreparingRebalance:
      if (m.join) m.join->Fill(JoinError(ErrorCode::kUnknownMemberId, m.id));
      m.join = std::move(slot);
      return MaybeCompleteJoin(g, now);
    case GroupState::kCompletingRebalance:
    case GroupState::kStable:
      // A follower that lost its JoinGroup answer gets it again; a leader rejoining, or
      // anyone with new metadata (new subscription), starts a rebalance.
      if (!changed && !leader) return slot->Fill(CurrentJoinResult(g, m));
      m.join = std::move(slot);
      PrepareRebalance(g, now);
      return MaybeCompleteJoin(g, now);
    case GroupState::kEmpty:
    case GroupState::kDead:
      return slot->Fill(JoinError(ErrorCode::kUnknownMemberId, m.id));
  }
}

void GroupCoordinator::ReplaceStatic(Group& g, const JoinParams& p, const std::string& old_id,
                                     int64_t now, std::shared_ptr<JoinSlot> slot) {
  auto old = g.members.find(old_id);
  if (old == g.members.end()) {
    g.static_members.erase(*p.group_instance_id);
    return JoinNew(g, p, NewMemberId(p), now, std::move(slot));
  }
  // KIP-345: the instance restarted. Its new member id replaces the old one (whose
  // requests in flight are fenced); with unchanged metadata in a stable group, it gets its
  // old assignment back without a rebalance.
  Member m = std::move(old->second);
  g.members.erase(old);
  if (m.join) m.join->Fill(JoinError(ErrorCode::kFencedInstanceId, old_id));
  if (m.sync) m.sync->Fill({ErrorCode::kFencedInstanceId, {}});
  m.join.reset();
  m.sync.reset();
  m.id = NewMemberId(p);
  bool same = m.protocols.size() == p.protocols.size() &&
              std::equal(m.protocols.begin(), m.protocols.end(), p.protocols.begin(),
                         [](const Protocol& a, const Protocol& b) {
                           return a.name == b.name && a.metadata == b.metadata;
                         });
  m.client_id = p.client_id;
  m.client_host = p.client_host;
  m.session_timeout_ms = p.session_timeout_ms;
  if (p.rebalance_timeout_ms >= 0) m.rebalance_timeout_ms = p.rebalance_timeout_ms;
  m.protocols = p.protocols;
  m.last_heartbeat_ms = now;
  if (g.leader == old_id) g.leader = m.id;
  g.static_members[*p.group_instance_id] = m.id;
  Member& placed = g.members[m.id] = std::move(m);
  if (g.state == GroupState::kStable && same) return slot->Fill(CurrentJoinResult(g, placed));
  placed.join = std::move(slot);
  if (g.state != GroupState::kPreparingRebalance) PrepareRebalance(g, now);
  MaybeCompleteJoin(g, now);
}

JoinResult GroupCoordinator::CurrentJoinResult(const Group& g, const Member& m) const {
  JoinResult r;
  r.generation = g.generation;
  r.protocol_name = g.protocol;
  r.leader = g.leader;
  r.member_id = m.id;
  if (m.id == g.leader) {
    for (const auto& [id, other] : g.members) {
      const std::vector<uint8_t>* md = other.MetadataFor(g.protocol);
      r.members.push_back({id, other.instance_id, md ? *md : std::vector<uint8_t>()});
    }
  }
  return r;
}

ErrorCode GroupCoordinator::Identify(Group* g, const MemberIdentity& who, Member** out) {
  if (g == nullptr) return ErrorCode::kUnknownMemberId;
  if (who.group_instance_id) {
    auto s = g->static_members.find(*who.group_instance_id);
    if (s != g->static_members.end() && s->second != who.member_id) {
      return ErrorCode::kFencedInstanceId;
    }
  }
  auto it = g->members.find(who.member_id);
  if (it == g->members.end()) return ErrorCode::kUnknownMemberId;
  *out = &it->second;
  return ErrorCode::kNone;
}

void GroupCoordinator::PrepareRebalance(Group& g, int64_t now) {
  if (g.state == GroupState::kCompletingRebalance) {
    // The assignment being distributed is obsolete: followers waiting for it rejoin.
    for (auto& [_, m] : g.members) {
      if (m.sync) m.sync->Fill({ErrorCode::kRebalanceInProgress, {}});
      m.sync.reset();
    }
  }
  g.initial_delay = g.state == GroupState::kEmpty;
  g.state = GroupState::kPreparingRebalance;
  int64_t timeout = g.MaxRebalanceTimeout();
  if (g.initial_delay) {
    g.initial_join_limit_ms = now + timeout;
    g.rebalance_deadline_ms = std::min(now + options_.initial_rebalance_delay_ms, now + timeout);
  } else {
    g.initial_join_limit_ms = kNever;
    g.rebalance_deadline_ms = now + timeout;
  }
}

void GroupCoordinator::MaybeCompleteJoin(Group& g, int64_t now) {
  if (g.state != GroupState::kPreparingRebalance) return;
  bool waiting_done = !g.initial_delay || now >= g.rebalance_deadline_ms;
  if ((waiting_done && g.AllRejoined()) || now >= g.rebalance_deadline_ms) CompleteJoin(g, now);
}

void GroupCoordinator::CompleteJoin(Group& g, int64_t now) {
  // Members that did not rejoin in time are out (their consumers exceeded
  // max.poll.interval.ms, or died).
  std::vector<std::string> gone;
  for (const auto& [id, m] : g.members) {
    if (!m.join) gone.push_back(id);
  }
  for (const std::string& id : gone) {
    Member& m = g.members[id];
    if (m.instance_id) g.static_members.erase(*m.instance_id);
    g.members.erase(id);
  }
  ++g.generation;
  g.initial_delay = false;
  g.rebalance_deadline_ms = kNever;
  if (g.members.empty()) {
    g.state = GroupState::kEmpty;
    g.empty_since_ms = now;
    g.protocol.clear();
    g.leader.clear();
    return;
  }
  if (!g.members.contains(g.leader)) g.leader = g.members.begin()->first;
  g.protocol = SelectProtocol(g);
  g.state = GroupState::kCompletingRebalance;
  for (auto& [_, m] : g.members) {
    m.assignment.clear();
    m.last_heartbeat_ms = now;
    std::shared_ptr<JoinSlot> slot = std::move(m.join);
    m.join.reset();
    slot->Fill(CurrentJoinResult(g, m));
  }
}

void GroupCoordinator::Sync(const std::string& group_id, int32_t generation,
                            const MemberIdentity& who,
                            const std::map<std::string, std::vector<uint8_t>>& assignments,
                            int64_t now, std::shared_ptr<SyncSlot> slot) {
  if (!available()) return slot->Fill({ErrorCode::kCoordinatorNotAvailable, {}});
  absl::MutexLock lock(&mu_);
  Group* g = Find(group_id);
  if (g != nullptr) TickGroup(*g, now);
  Member* m = nullptr;
  if (ErrorCode e = Identify(g, who, &m); e != ErrorCode::kNone) return slot->Fill({e, {}});
  if (generation != g->generation) return slot->Fill({ErrorCode::kIllegalGeneration, {}});
  m->last_heartbeat_ms = now;
  switch (g->state) {
    case GroupState::kCompletingRebalance:
      if (m->sync) m->sync->Fill({ErrorCode::kUnknownMemberId, {}});
      m->sync = std::move(slot);
      if (m->id == g->leader) {
        g->state = GroupState::kStable;
        for (auto& [id, member] : g->members) {
          auto a = assignments.find(id);
          member.assignment = a == assignments.end() ? std::vector<uint8_t>() : a->second;
          if (member.sync) member.sync->Fill({ErrorCode::kNone, member.assignment});
          member.sync.reset();
        }
      }
      return;
    case GroupState::kStable:
      return slot->Fill({ErrorCode::kNone, m->assignment});
    default:
      return slot->Fill({ErrorCode::kRebalanceInProgress, {}});
  }
}

ErrorCode GroupCoordinator::Heartbeat(const std::string& group_id, int32_t generation,
                                      const MemberIdentity& who, int64_t now) {
  if (!available()) return ErrorCode::kCoordinatorNotAvailable;
  absl::MutexLock lock(&mu_);
  Group* g = Find(group_id);
  if (g != nullptr) TickGroup(*g, now);
  Member* m = nullptr;
  if (ErrorCode e = Identify(g, who, &m); e != ErrorCode::kNone) return e;
  if (generation != g->generation) return ErrorCode::kIllegalGeneration;
  m->last_heartbeat_ms = now;
  return g->state == GroupState::kPreparingRebalance ? ErrorCode::kRebalanceInProgress
                                                     : ErrorCode::kNone;
}

ErrorCode GroupCoordinator::Leave(const std::string& group_id,
                                  const std::vector<MemberIdentity>& members, int64_t now,
                                  std::vector<ErrorCode>* member_errors) {
  if (!available()) return ErrorCode::kCoordinatorNotAvailable;
  absl::MutexLock lock(&mu_);
  Group* g = Find(group_id);
  if (g != nullptr) TickGroup(*g, now);
  for (const MemberIdentity& who : members) {
    Member* m = nullptr;
    ErrorCode e = ErrorCode::kUnknownMemberId;
    if (g != nullptr && who.member_id.empty() && who.group_instance_id) {
      // v3+: a static member may leave by instance id alone.
      auto s = g->static_members.find(*who.group_instance_id);
      if (s != g->static_members.end()) e = Identify(g, {s->second, who.group_instance_id}, &m);
    } else {
      e = Identify(g, who, &m);
    }
    if (e == ErrorCode::kNone) RemoveMember(*g, m->id, ErrorCode::kUnknownMemberId, now);
    if (member_errors != nullptr) member_errors->push_back(e);
  }
  return ErrorCode::kNone;
}

void GroupCoordinator::RemoveMember(Group& g, const std::string& member_id, ErrorCode answer,
                                    int64_t now) {
  auto it = g.members.find(member_id);
  if (it == g.members.end()) return;
  Member& m = it->second;
  if (m.join) m.join->Fill(JoinError(answer, member_id));
  if (m.sync) m.sync->Fill({answer, {}});
  if (m.instance_id) g.static_members.erase(*m.instance_id);
  g.members.erase(it);
  switch (g.state) {
    case GroupState::kStable:
    case GroupState::kCompletingRebalance:
      if (g.members.empty()) {
        g.state = GroupState::kEmpty;
        g.empty_since_ms = now;
        ++g.generation;
        g.leader.clear();
        g.protocol.clear();
      } else {
        PrepareRebalance(g, now);
      }
      return;
    case GroupState::kPreparingRebalance:
      if (g.members.empty()) {
        CompleteJoin(g, now);
      } else {
        MaybeCompleteJoin(g, now);
      }
      return;
    default:
      return;
  }
}

void GroupCoordinator::TickGroup(Group& g, int64_t now) {
  std::erase_if(g.pending_members, [now](const auto& e) { return e.second <= now; });
  std::vector<std::string> expired;
  for (const auto& [id, m] : g.members) {
    if (!m.join && now >= m.last_heartbeat_ms + m.session_timeout_ms) expired.push_back(id);
  }
  for (const std::string& id : expired) {
    OXBOW_LOG_INFO("group {}: member {} session timed out", g.id, id);
    RemoveMember(g, id, ErrorCode::kUnknownMemberId, now);
  }
  MaybeCompleteJoin(g, now);
}

void GroupCoordinator::Tick(int64_t now) {
  absl::MutexLock lock(&mu_);
  for (auto& [_, g] : groups_) TickGroup(*g, now);
}

int64_t GroupCoordinator::NextDeadline(const std::string& group_id) const {
  absl::MutexLock lock(&mu_);
  const Group* g = Find(group_id);
  if (g == nullptr) return kNever;
  int64_t next = g->state == GroupState::kPreparingRebalance ? g->rebalance_deadline_ms : kNever;
  for (const auto& [_, m] : g->members) {
    if (!m.join) next = std::min(next, m.last_heartbeat_ms + m.session_timeout_ms);
  }
  return next;
}

ErrorCode GroupCoordinator::CheckCommit(const std::string& group_id, int32_t generation,
                                        const MemberIdentity& who, int64_t now) {
  if (!available()) return ErrorCode::kCoordinatorNotAvailable;
  if (group_id.empty()) return ErrorCode::kInvalidGroupId;
  absl::MutexLock lock(&mu_);
  Group* g = Find(group_id);
  if (g != nullptr) TickGroup(*g, now);
  if (generation < 0 && who.member_id.empty()) {
    // A commit from outside the group (an admin tool, a consumer using assign()).
    bool empty = g == nullptr || g->members.empty();
    return empty ? ErrorCode::kNone : ErrorCode::kUnknownMemberId;
  }
  Member* m = nullptr;
  if (ErrorCode e = Identify(g, who, &m); e != ErrorCode::kNone) return e;
  // Commits during PreparingRebalance are allowed: consumers commit what they processed
  // before giving up their partitions (in their revoke callback).
  if (g->state == GroupState::kCompletingRebalance) return ErrorCode::kRebalanceInProgress;
  if (generation != g->generation) return ErrorCode::kIllegalGeneration;
  m->last_heartbeat_ms = now;
  return ErrorCode::kNone;
}

Status GroupCoordinator::StoreOffsets(const std::string& group_id,
                                      const std::vector<OffsetCommit>& commits) {
  std::vector<std::pair<TopicPartition, CommittedOffset>> offsets;
  for (const OffsetCommit& c : commits) offsets.emplace_back(c.tp, c.value);
  return offsets_.Commit(group_id, offsets);
}

std::optional<CommittedOffset> GroupCoordinator::FetchOffset(const std::string& group_id,
                                                             const TopicPartition& tp) const {
  return offsets_.Get(group_id, tp);
}

std::map<TopicPartition, CommittedOffset> GroupCoordinator::FetchOffsets(
    const std::string& group_id) const {
  return offsets_.GetAll(group_id);
}

GroupDescription GroupCoordinator::Describe(const std::string& group_id, int64_t now) {
  GroupDescription d;
  d.group_id = group_id;
  if (!available()) {
    d.error = ErrorCode::kCoordinatorNotAvailable;
    return d;
  }
  absl::MutexLock lock(&mu_);
  Group* g = Find(group_id);
  if (g == nullptr) {
    d.state = offsets_.HasGroup(group_id) ? "Empty" : "Dead";
    return d;
  }
  TickGroup(*g, now);
  d.state = GroupStateName(g->state);
  d.protocol_type = g->protocol_type;
  d.protocol = g->state == GroupState::kStable ? g->protocol : "";
  for (const auto& [id, m] : g->members) {
    MemberDescription md{id, m.instance_id, m.client_id, m.client_host, {}, {}};
    if (g->state == GroupState::kStable) {
      if (const auto* meta = m.MetadataFor(g->protocol)) md.metadata = *meta;
      md.assignment = m.assignment;
    }
    d.members.push_back(std::move(md));
  }
  return d;
}

std::vector<GroupListing> GroupCoordinator::List(int64_t now) {
  std::vector<GroupListing> out;
  std::set<std::string> seen;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [id, g] : groups_) {
      TickGroup(*g, now);
      if (g->state == GroupState::kDead) continue;
      if (g->members.empty() && !offsets_.HasGroup(id)) continue;
      out.push_back({id, g->protocol_type});
      seen.insert(id);
    }
  }
  for (const std::string& id : offsets_.Groups()) {
    if (!seen.contains(id)) out.push_back({id, "consumer"});
  }
  return out;
}

ErrorCode GroupCoordinator::DeleteGroup(const std::string& group_id, int64_t now) {
  if (!available()) return ErrorCode::kCoordinatorNotAvailable;
  if (group_id.empty()) return ErrorCode::kInvalidGroupId;
  {
    absl::MutexLock lock(&mu_);
    Group* g = Find(group_id);
    if (g != nullptr) {
      TickGroup(*g, now);
      if (!g->members.empty()) return ErrorCode::kNonEmptyGroup;
      groups_.erase(group_id);
    } else if (!offsets_.HasGroup(group_id)) {
      return ErrorCode::kGroupIdNotFound;
    }
  }
  Status s = offsets_.DeleteGroup(group_id);
  if (!s.ok()) {
    OXBOW_LOG_ERROR("deleting group {}: {}", group_id, s.message());
    return ErrorCode::kCoordinatorNotAvailable;
  }
  return ErrorCode::kNone;
}

ExpiredOffsets GroupCoordinator::ExpireOffsets(int64_t now_ms, int64_t wall_now_ms,
                                               int64_t retention_ms) {
  ExpiredOffsets expired;
  if (!available() || retention_ms <= 0) return expired;
  // Committed before this (wall clock): committed at least retention_ms ago.
  const int64_t committed_before = wall_now_ms - retention_ms + 1;
  for (const std::string& group_id : offsets_.Groups()) {
    std::vector<TopicPartition> unsubscribed;
    {
      absl::MutexLock lock(&mu_);
      Group* g = Find(group_id);
      if (g != nullptr) TickGroup(*g, now_ms);
      int64_t* empty_since = nullptr;
      if (g == nullptr) {
        // Known from the offsets topic only (no member since the start, or standalone
        // commits): empty since at least the first check that saw it, as Kafka's
        // persisted "empty since" is not kept here. Never earlier than Kafka would.
        empty_since = &offsets_only_since_.try_emplace(group_id, now_ms).first->second;
      } else if (g->members.empty()) {
        empty_since = &g->empty_since_ms;
        if (*empty_since == kNever) *empty_since = now_ms;
      } else {
        unsubscribed = UnsubscribedOffsets(*g, committed_before);
      }
      if (empty_since != nullptr && now_ms - *empty_since >= retention_ms) {
        // Its last commit must be as old: a standalone consumer commits without joining.
        int64_t last_commit = -1;
        for (const auto& [tp, v] : offsets_.GetAll(group_id)) {
          last_commit = std::max(last_commit, v.commit_timestamp_ms);
        }
        if (wall_now_ms - last_commit < retention_ms) continue;
        if (g != nullptr) groups_.erase(group_id);
        offsets_only_since_.erase(group_id);
      } else if (unsubscribed.empty()) {
        continue;
      }
    }
    // Checked again with the store's writes held: a commit racing this keeps its offsets.
    if (!unsubscribed.empty()) {
      Result<std::vector<TopicPartition>> deleted =
          offsets_.ExpirePartitions(group_id, unsubscribed, committed_before);
      if (!deleted.ok()) {
        OXBOW_LOG_ERROR(
            "expiring the committed offsets of group {} for topics it no longer "
            "subscribes to: {}",
            group_id, deleted.status().message());
      } else if (!deleted->empty()) {
        expired.unsubscribed[group_id] = std::move(*deleted);
      }
      continue;
    }
    Result<bool> deleted = offsets_.ExpireGroup(group_id, wall_now_ms - retention_ms);
    if (!deleted.ok()) {
      OXBOW_LOG_ERROR("expiring the committed offsets of group {}: {}", group_id,
                      deleted.status().message());
    } else if (*deleted) {
      expired.groups.push_back(group_id);
    }
  }
  return expired;
}

std::vector<TopicPartition> GroupCoordinator::UnsubscribedOffsets(const Group& g,
                                                                  int64_t committed_before) const {
  std::vector<TopicPartition> out;
  // Kafka's ConsumerProtocol: only then is the members' metadata a subscription, and only
  // a Stable group's members all sent theirs for the protocol chosen.
  if (g.state != GroupState::kStable || g.protocol_type != "consumer") return out;
  std::set<std::string> subscribed;
  for (const auto& [id, m] : g.members) {
    const std::vector<uint8_t>* metadata = m.MetadataFor(g.protocol);
    if (metadata == nullptr) return out;
    Result<std::set<std::string>> topics =
        SubscribedTopics(ByteView(metadata->data(), metadata->size()));
    if (!topics.ok()) {
      // Not knowing one member's topics, any offset may be one it consumes.
      OXBOW_LOG_DEBUG("group {} member {}: {}", g.id, id, topics.status().message());
      return out;
    }
    subscribed.merge(*topics);
  }
  for (const auto& [tp, v] : offsets_.GetAll(g.id)) {
    if (!subscribed.contains(tp.first) && v.commit_timestamp_ms < committed_before) {
      out.push_back(tp);
    }
  }
  return out;
}

std::vector<PartitionLag> GroupCoordinator::Lag(const std::string& group_id) const {
  std::vector<PartitionLag> out;
  for (const auto& [tp, committed] : offsets_.GetAll(group_id)) {
    PartitionLag l{tp.first, tp.second, committed.offset, -1, 0};
    Result<std::shared_ptr<log::Partition>> p = log_.GetPartition(tp.first, PartitionId(tp.second));
    if (p.ok()) {
      l.high_watermark = (*p)->high_watermark().value();
      if (committed.offset >= 0) l.lag = std::max<int64_t>(l.high_watermark - committed.offset, 0);
    }
    out.push_back(std::move(l));
  }
  return out;
}

GroupState GroupCoordinator::state(const std::string& group_id) const {
  absl::MutexLock lock(&mu_);
  const Group* g = Find(group_id);
  return g == nullptr ? GroupState::kDead : g->state;
}

int32_t GroupCoordinator::generation(const std::string& group_id) const {
  absl::MutexLock lock(&mu_);
  const Group* g = Find(group_id);
  return g == nullptr ? -1 : g->generation;
}

}  // namespace oxbow::kafka::groups
