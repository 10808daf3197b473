// Kills a node running materialized views (view_crash_child) with SIGKILL at random moments
// while its views consume the workload (view_workload.h), restarts it on the same directory
// each time, and finally lets an in-process node on that directory catch up. Then:
//   1. every view's content equals the content of an uninterrupted run over the same input
//      (a separate directory, run first);
//   2. every output topic, read from its start and applied in order, equals its view: no
//      committed change is missing, and none applies twice (a Debezium create of a key that
//      is there, or an update or delete of a row that is not, fails the test at its offset);
//   3. the uninterrupted run's output topics equal its views too.
// Epoch boundaries (so the records of an output topic) differ between runs; what must agree
// is what they add up to.
//
// Kills spread over the run by progress: the child reports each time its views have consumed
// another 20 batches, and the i-th kill comes within 100 ms of a random point in the i-th
// N-th of the input appended while the views run (mid-epoch, mid-checkpoint with 20 ms
// checkpoints, between a checkpoint's commit and its output-topic append); one kill in five
// comes instead up to 3 s after the spawn (recovery, history, view creation).
//
// OXBOW_CRASH_SEED=<n> replays a run (input and kill delays; the seed is printed);
// OXBOW_CRASH_ITERATIONS=<n> (default 5) and OXBOW_CRASH_EVENTS=<n> (default 100000) size it;
// OXBOW_QUICK=1 (make test-quick, asan) makes the defaults 3 and 30000. The full run of
// issue 5: OXBOW_CRASH_ITERATIONS=20 OXBOW_CRASH_EVENTS=1000000.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "base/logging.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/temp_dir.h"
#include "view_workload.h"

extern char** environ;

namespace oxbow::crash {
namespace {

using Clock = std::chrono::steady_clock;

// How long a child may take to open (recover) before it is killed anyway.
constexpr auto kProgressTimeout = std::chrono::minutes(10);
// A kill at a progress point comes up to this long after it (mid-epoch, mid-checkpoint).
constexpr uint64_t kMaxKillLagMs = 100;
// A kill counted from the spawn (to hit recovery and view creation) comes up to this late.
constexpr uint64_t kMaxSpawnDelayMs = 3000;

// The batch number of a "phase produced <n>" line, or -1.
int64_t ProducedBatches(const std::string& line) {
  constexpr std::string_view kPrefix = "phase produced ";
  if (line.rfind(kPrefix, 0) != 0) return -1;
  return std::strtoll(line.c_str() + kPrefix.size(), nullptr, 10);
}

// A running view_crash_child and the read end of its stdout pipe (stderr is ours).
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) std::abort();
    read_fd_ = fds[0];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    spawn_error_ = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (spawn_error_ != 0) pid_ = -1;
  }
  ~Child() {
    if (pid_ > 0) {
      Kill();
      Wait();
    }
    ::close(read_fd_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  int spawn_error() const { return spawn_error_; }

  // Collects whole lines until `deadline`, or until a line read satisfies `stop` when given;
  // false once the pipe is at EOF (the child is gone).
  bool ReadUntil(Clock::time_point deadline, std::vector<std::string>& lines,
                 const std::function<bool(const std::string&)>& stop = nullptr) {
    for (size_t checked = lines.size();;) {
      for (; stop && checked < lines.size(); ++checked) {
        if (stop(lines[checked])) return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0 && deadline != Clock::time_point::max()) return true;
      pollfd pfd{read_fd_, POLLIN, 0};
      int timeout = deadline == Clock::time_point::max() ? -1 : static_cast<int>(left.count());
      int rc = ::poll(&pfd, 1, timeout);
      if (rc < 0 && errno == EINTR) continue;
      if (rc == 0) return true;
      char buf[4096];
      ssize_t n = ::read(read_fd_, buf, sizeof(buf));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      pending_.append(buf, static_cast<size_t>(n));
      for (size_t nl; (nl = pending_.find('\n')) != std::string::npos;) {
        lines.push_back(pending_.substr(0, nl));
        pending_.erase(0, nl + 1);
      }
    }
  }

  void Kill() { ::kill(pid_, SIGKILL); }
  int Wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  int read_fd_ = -1;
  int spawn_error_ = 0;
  std::string pending_;
};

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("died of signal {}", WTERMSIG(status));
  return fmt::format("wait status {}", status);
}

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* s = std::getenv(name);
  return s != nullptr && *s != '\0' ? std::strtoll(s, nullptr, 10) : fallback;
}

// The rows only in `actual` and only in `expected` (both sorted), at most 10 of each.
std::string Diff(const RowSet& expected, const RowSet& actual) {
  RowSet missing, extra;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::back_inserter(missing));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                      std::back_inserter(extra));
  std::string out = fmt::format("{} rows expected, {} actual; {} missing, {} extra\n",
                                expected.size(), actual.size(), missing.size(), extra.size());
  for (size_t i = 0; i < missing.size() && i < 10; ++i) out += fmt::format("  - {}\n", missing[i]);
  for (size_t i = 0; i < extra.size() && i < 10; ++i) out += fmt::format("  + {}\n", extra[i]);
  return out;
}

struct Outcome {
  std::map<std::string, RowSet> views;
  std::map<std::string, RowSet> topics;
  int64_t dead_letters = 0;
  double run_seconds = 0;
};

// Runs the workload in-process to the end on `dir` (resuming whatever is there) and reads
// the views, then the output topics after the engine's last checkpoint appended them.
void RunToEnd(const std::string& dir, const ViewWorkloadOptions& options, Outcome& out) {
  ViewNode node(dir, options);
  Status s = node.Open();
  ASSERT_TRUE(s.ok()) << "opening " << dir << ": " << s;
  auto started = Clock::now();
  s = node.Run([](const std::string&) {});
  ASSERT_TRUE(s.ok()) << "running the workload in " << dir << ": " << s;
  out.run_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  Result<std::map<std::string, RowSet>> views = node.ReadViews();
  ASSERT_TRUE(views.ok()) << views.status();
  out.views = std::move(*views);
  Result<int64_t> dead_letters = node.DeadLetters();
  ASSERT_TRUE(dead_letters.ok()) << dead_letters.status();
  out.dead_letters = *dead_letters;
  node.CloseEngine();
  for (const OutputTopic& t : OutputTopics()) {
    Result<RowSet> rows = node.ReadOutputTopic(t);
    ASSERT_TRUE(rows.ok()) << rows.status();
    out.topics[t.view] = std::move(*rows);
  }
}

// Each output topic adds up to its view, and every input record was read (none went to a
// dead-letter topic, where runs would agree by ignoring it).
void ExpectTopicsMatchViews(const Outcome& o, std::string_view run) {
  EXPECT_EQ(o.dead_letters, 0) << run << ": input records in dead-letter topics";
  for (const OutputTopic& t : OutputTopics()) {
    EXPECT_EQ(o.topics.at(t.view), o.views.at(t.view))
        << run << ": output topic " << t.topic << " vs view " << t.view << ": "
        << Diff(o.views.at(t.view), o.topics.at(t.view));
  }
}

TEST(ViewCrashTest, KilledViewsEndLikeAnUninterruptedRun) {
  InitLogging();
  (void)SetLogLevel("error");
  const uint64_t seed = static_cast<uint64_t>(EnvInt("OXBOW_CRASH_SEED", std::random_device()()));
  const char* quick_env = std::getenv("OXBOW_QUICK");
  const bool quick = quick_env != nullptr && std::string_view(quick_env) == "1";
  const int iterations = static_cast<int>(EnvInt("OXBOW_CRASH_ITERATIONS", quick ? 3 : 5));
  ViewWorkloadOptions options;
  options.seed = seed;
  options.events = EnvInt("OXBOW_CRASH_EVENTS", quick ? 30000 : 100000);
  std::cout << fmt::format(
      "view_crash_test: seed {} (OXBOW_CRASH_SEED={} replays input and kill delays), {} kills, "
      "{} events\n",
      seed, seed, iterations, options.events);
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  std::string kill_points = fmt::format("seed {}; kills:", seed);

  testing::TempDir reference_dir;
  Outcome reference;
  RunToEnd(reference_dir.path(), options, reference);
  if (::testing::Test::HasFatalFailure()) return;
  ExpectTopicsMatchViews(reference, "uninterrupted run");
  // Both Avro value schemas reached the views: groups with rows of each.
  bool both_schemas = false;
  for (const std::string& row : reference.views.at("cat_stats")) {
    const nlohmann::json j = nlohmann::json::parse(row);
    both_schemas |= j["evolved"].get<int64_t>() > 0 && j["n"].get<int64_t>() > j["evolved"];
  }
  EXPECT_TRUE(both_schemas) << "no group of cat_stats has rows of both Avro schemas";
  std::cout << fmt::format("view_crash_test: uninterrupted run {:.1f} s\n", reference.run_seconds);

  testing::TempDir dir;
  std::mt19937_64 rng(seed);
  const int64_t initial = InitialBatches(options);
  const int64_t total = BatchCount(options);
  auto started = Clock::now();
  for (int i = 0; i < iterations; ++i) {
    // One kill in five comes at a random moment after the spawn (recovery, history, view
    // creation); the others once the views have consumed a target batch, the i-th target in
    // the i-th N-th of the input appended while they run, so the kills spread over the run.
    const bool from_spawn = rng() % 5 == 0;
    const int64_t target =
        initial +
        static_cast<int64_t>(static_cast<double>(total - initial) *
                             (i + std::uniform_real_distribution<>(0, 1)(rng)) / iterations);
    const auto delay =
        std::chrono::milliseconds(rng() % (from_spawn ? kMaxSpawnDelayMs : kMaxKillLagMs));
    Child child(
        {VIEW_CRASH_CHILD, dir.path(), std::to_string(seed), std::to_string(options.events)});
    ASSERT_EQ(child.spawn_error(), 0) << "posix_spawn " << VIEW_CRASH_CHILD;
    std::vector<std::string> lines;
    bool alive =
        from_spawn ||
        child.ReadUntil(Clock::now() + kProgressTimeout, lines, [target](const std::string& line) {
          return ProducedBatches(line) >= target || line == "phase caught-up";
        });
    alive = alive && child.ReadUntil(Clock::now() + delay, lines);
    child.Kill();
    child.ReadUntil(Clock::time_point::max(), lines);
    const int status = child.Wait();
    const std::string phase = lines.empty() ? "start" : lines.back();
    const std::string when =
        from_spawn ? fmt::format("{} ms after spawn", delay.count())
                   : fmt::format("{} ms after batch {}/{}", delay.count(), target, total);
    kill_points += fmt::format(" [{}] {}, after '{}';", i, when, phase);
    std::cout << fmt::format("view_crash_test: kill {} {}, after '{}'\n", i, when, phase);
    ASSERT_TRUE(alive && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the child " << DescribeExit(status) << " before it was killed; " << kill_points;
  }
  const double kill_seconds = std::chrono::duration<double>(Clock::now() - started).count();

  Outcome crashed;
  RunToEnd(dir.path(), options, crashed);
  if (::testing::Test::HasFatalFailure()) {
    ADD_FAILURE() << kill_points;
    return;
  }
  for (const std::string& view : ViewNames()) {
    EXPECT_EQ(crashed.views.at(view), reference.views.at(view))
        << "view " << view << " after the kills vs the uninterrupted run: "
        << Diff(reference.views.at(view), crashed.views.at(view));
  }
  ExpectTopicsMatchViews(crashed, "after the kills");
  if (::testing::Test::HasFailure()) {
    std::cout << kill_points << "\n";
    return;
  }
  size_t rows = 0;
  for (const auto& [name, v] : reference.views) rows += v.size();
  std::cout << fmt::format(
      "view_crash_test: {} kills in {:.1f} s, catching up {:.1f} s; {} views ({} rows) and {} "
      "output topics equal the uninterrupted run\n",
      iterations, kill_seconds, crashed.run_seconds, ViewNames().size(), rows,
      OutputTopics().size());
}

}  // namespace
}  // namespace oxbow::crash
