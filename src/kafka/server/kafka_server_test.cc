// The network core over real sockets on 127.0.0.1: a client that writes raw bytes, and test
// handlers whose behaviour (echo, sleep in the blocking pool, no response, fail, throw, wait
// forever) shows what the core does around them.
#include "kafka/server/kafka_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "fmt/format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "io/file.h"
#include "kafka/server/request_header.h"
#include "testing/temp_dir.h"

namespace oxbow::kafka {
namespace {

namespace asio = boost::asio;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
using HandleFn = std::function<asio::awaitable<Result<std::optional<ByteBuffer>>>(RequestContext&)>;

constexpr int16_t kEcho = 100;         // versions 0..5, flexible from 3
constexpr int16_t kSleep = 101;        // sleeps <body> ms in the blocking pool, answers <body>
constexpr int16_t kNoResponse = 102;   // like Produce with acks=0
constexpr int16_t kFail = 103;         // Handle returns an error Status
constexpr int16_t kThrow = 104;        // Handle throws
constexpr int16_t kWaitForever = 105;  // waits on a one-hour timer
constexpr int16_t kRendezvous = 106;   // waits in the pool until kRendezvousCount requests met
constexpr int kRendezvousCount = 8;
constexpr int16_t kReleaseThenSleep = 107;  // releases the order, then sleeps like kSleep
constexpr int16_t kProbe = 108;             // answers how many sleeps had finished

class TestHandler : public Handler {
 public:
  TestHandler(int16_t key, std::string name, int16_t max_version, int16_t flexible, HandleFn fn)
      : key_(key), name_(std::move(name)), max_(max_version), flex_(flexible), fn_(std::move(fn)) {}
  int16_t api_key() const override { return key_; }
  std::string_view name() const override { return name_; }
  int16_t min_version() const override { return 0; }
  int16_t max_version() const override { return max_; }
  int16_t first_flexible_version() const override { return flex_; }
  asio::awaitable<Result<std::optional<ByteBuffer>>> Handle(RequestContext& ctx) override {
    return fn_(ctx);
  }

 private:
  int16_t key_;
  std::string name_;
  int16_t max_, flex_;
  HandleFn fn_;
};

ByteBuffer Text(std::string_view s) {
  ByteBuffer b;
  b.Append(s);
  return b;
}

// What the test handlers saw and did, shared with the test body.
struct Observed {
  std::atomic<int> sleeps_started{0};
  std::atomic<int> sleeps_done{0};
  std::atomic<int> waiting{0};
  std::atomic<int> waits_destroyed{0};  // frames of WaitForever requests, abandoned by Stop
  std::mutex mu;
  std::condition_variable cv;
  int rendezvous = 0;
};

HandlerRegistry TestRegistry(Observed& seen) {
  HandlerRegistry r;
  r.Add(std::make_unique<TestHandler>(
      kEcho, "Echo", 5, 3,
      [](RequestContext& ctx) -> asio::awaitable<Result<std::optional<ByteBuffer>>> {
        co_return Text(fmt::format("v{} id={} body={}", ctx.api_version,
                                   ctx.client_id.value_or("<null>"), AsString(ctx.body)));
      }));
  r.Add(std::make_unique<TestHandler>(
      kApiVersionsKey, "ApiVersions", 3, 3,
      [](RequestContext& ctx) -> asio::awaitable<Result<std::optional<ByteBuffer>>> {
        co_return Text(fmt::format("api versions v{}", ctx.api_version));
      }));
  r.Add(std::make_unique<TestHandler>(
      kSleep, "Sleep", 0, -1,
      [&seen](RequestContext& ctx) -> asio::awaitable<Result<std::optional<ByteBuffer>>> {
        int ms = 0;
        std::string_view text = AsString(ctx.body);
        std::from_chars(text.data(), text.data() + text.size(), ms);
        co_await ctx.blocking->Run([&] {
          ++seen.sleeps_started;
          std::this_thread::sleep_for(std::chrono::milliseconds(ms));
          ++seen.sleeps_done;
        });
        co_return Text(text);
      }));
  r.Add(std::make_unique<TestHandler>(
      kReleaseThenSleep, "ReleaseThenSleep", 0, -1,
      [&seen](RequestContext& ctx) -> asio::awaitable<Result<std::optional<ByteBuffer>>> {
        int ms = 0;
        std::string_view text = AsString(ctx.body);
        std::from_chars(text.data(), text.data() + text.size(), ms);
        ctx.release_order();
        co_await ctx.blocking->Run([&] {
          ++seen.sleeps_started;
          std::this_thread::sleep_for(std::chrono::milliseconds(ms));
          ++seen.sleeps_done;
        });
        co_return Text(text);
      }));
  r.Add(std::make_unique<TestHandler>(
      kProbe, "Probe", 0, -1,
      [&seen](RequestContext&) -> asio::awaitable<Result<std::optional<ByteBuffer>>> {
        co_return Text(fmt::format("{}", seen.sleeps_done.load()));
      }));
  r.Add(std::make_unique<TestHandler>(
      kNoResponse, "NoResponse", 0, -1,
      [](RequestContext&) -> asio::awaitable<Result<std::optional<ByteBuffer>>> {
        co_return std::nullopt;
      }));
  r.Add(std::make_unique<TestHandler>(
      kFail, "Fail", 0, -1,
      [](RequestContext&) -> asio::awaitable<Result<std::optional<ByteBuffer>>> {
        co_return absl::DataLossError("cannot decode the body");
      }));
  r.Add(std::make_unique<TestHandler>(
      kThrow, "Throw", 0, -1,
      [](RequestContext&) -> asio::awaitable<Result<std::optional<ByteBuffer>>> {
        throw std::runtime_error("handler bug");
        co_return std::nullopt;
      }));
  r.Add(std::make_unique<TestHandler>(
      kWaitForever, "WaitForever", 0, -1,
      [&seen, state = std::string("handler state")](
          RequestContext&) -> asio::awaitable<Result<std::optional<ByteBuffer>>> {
        // Reads the handler's own state when the frame is destroyed: the server must destroy
        // abandoned frames before its handlers (ASan would see the use after free).
        struct Guard {
          const std::string& state;
          std::atomic<int>& destroyed;
          ~Guard() { destroyed += state.empty() ? 0 : 1; }
        } guard{state, seen.waits_destroyed};
        asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::hours(1));
        ++seen.waiting;
        co_await timer.async_wait(asio::use_awaitable);
        co_return Text("woke up");
      }));
  r.Add(std::make_unique<TestHandler>(
      kRendezvous, "Rendezvous", 0, -1,
      [&seen](RequestContext& ctx) -> asio::awaitable<Result<std::optional<ByteBuffer>>> {
        bool met = co_await ctx.blocking->Run([&] {
          std::unique_lock lock(seen.mu);
          ++seen.rendezvous;
          seen.cv.notify_all();
          return seen.cv.wait_for(lock, std::chrono::seconds(20),
                                  [&] { return seen.rendezvous >= kRendezvousCount; });
        });
        co_return Text(met ? "met" : "alone");
      }));
  return r;
}

// A request as a client sends it: size, header (v1 or v2), body.
std::string Request(int16_t key, int16_t version, int32_t correlation_id, std::string_view body,
                    int header_version = 1,
                    std::optional<std::string> client_id = std::string("test-client")) {
  ByteBuffer b;
  b.AppendBE32(0);
  EncodeRequestHeader(b, {key, version, correlation_id, std::move(client_id)}, header_version);
  b.Append(body);
  StoreBE32(b.mutable_data(), static_cast<uint32_t>(b.size() - 4));
  return std::string(AsString(b.view()));
}

// A blocking TCP client with a receive timeout, so a test that expects a response it never
// gets fails instead of hanging.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One response frame (the bytes after its size), or nullopt on EOF, reset or timeout.
  std::optional<std::string> ReadFrame() {
    std::string size_bytes(4, '\0');
    if (!ReadExactly(size_bytes)) return std::nullopt;
    int32_t size = static_cast<int32_t>(LoadBE32(AsBytes(size_bytes).data()));
    if (size < 0) return std::nullopt;
    std::string frame(static_cast<size_t>(size), '\0');
    if (!ReadExactly(frame)) return std::nullopt;
    return frame;
  }

  // True when the server closed the connection: EOF or a reset, before the receive timeout.
  bool Closed() {
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool ReadExactly(std::string& out) {
    size_t have = 0;
    while (have < out.size()) {
      ssize_t n = ::recv(fd_, out.data() + have, out.size() - have, 0);
      if (n <= 0) return false;
      have += static_cast<size_t>(n);
    }
    return true;
  }

  int fd_;
  bool connected_ = false;
};

struct Response {
  int32_t correlation_id;
  std::string rest;  // after the correlation id: tagged fields (header v1) and body
};

Response Parse(const std::string& frame) {
  EXPECT_GE(frame.size(), 4u);
  if (frame.size() < 4) return {-1, ""};
  return {static_cast<int32_t>(LoadBE32(AsBytes(frame).data())), frame.substr(4)};
}

class KafkaServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::LogOptions options;
    options.data_dir = dir_.path() + "/data";
    Result<std::unique_ptr<log::LogManager>> log =
        log::LogManager::Open(io::FileSystem::Default(), options);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
  }

  void TearDown() override {
    server_.reset();
    if (log_) {
      EXPECT_TRUE(log_->Close().ok());
    }
  }

  KafkaServerOptions TestOptions() {
    KafkaServerOptions o;
    o.listen_host = "127.0.0.1";
    o.listen_port = 0;
    o.blocking_threads = kRendezvousCount;
    return o;
  }

  void Start(KafkaServerOptions options) {
    server_ = std::make_unique<KafkaServer>(options, *log_, TestRegistry(seen_));
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s;
  }
  void Start() { Start(TestOptions()); }

  // Sends one request on a new connection and returns the response frame.
  std::optional<std::string> RoundTrip(const std::string& request) {
    Client c(server_->bound_port());
    EXPECT_TRUE(c.connected());
    EXPECT_TRUE(c.Send(request));
    return c.ReadFrame();
  }

  // Polls until the server has `n` open connections (they close asynchronously).
  bool WaitForConnections(size_t n) {
    for (auto deadline = Clock::now() + std::chrono::seconds(10); Clock::now() < deadline;) {
      if (server_->connection_count() == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  testing::TempDir dir_;
  std::unique_ptr<log::LogManager> log_;
  Observed seen_;
  std::unique_ptr<KafkaServer> server_;
};

TEST_F(KafkaServerTest, HeaderV1RequestGetsHeaderV0Response) {
  Start();
  std::optional<std::string> frame = RoundTrip(Request(kEcho, 2, 4242, "hello"));
  ASSERT_TRUE(frame.has_value());
  Response r = Parse(*frame);
  EXPECT_EQ(r.correlation_id, 4242);
  EXPECT_EQ(r.rest, "v2 id=test-client body=hello");
}

TEST_F(KafkaServerTest, NullClientIdReachesTheHandler) {
  Start();
  std::optional<std::string> frame = RoundTrip(Request(kEcho, 0, 1, "x", 1, std::nullopt));
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(Parse(*frame).rest, "v0 id=<null> body=x");
}

TEST_F(KafkaServerTest, FlexibleRequestSkipsTaggedFieldsAndGetsHeaderV1Response) {
  Start();
  // Echo v3 is flexible: header v2 with two tagged fields the handler must not see.
  ByteBuffer b;
  b.AppendBE32(0);
  EncodeRequestHeader(b, {kEcho, 3, 77, "flex"}, 1);
  b.AppendUvarint(2);
  b.AppendUvarint(0);
  b.AppendUvarint(4);
  b.Append(std::string_view("TAG0"));
  b.AppendUvarint(1000);
  b.AppendUvarint(1);
  b.Append(std::string_view("Z"));
  b.Append(std::string_view("payload"));
  StoreBE32(b.mutable_data(), static_cast<uint32_t>(b.size() - 4));

  std::optional<std::string> frame = RoundTrip(std::string(AsString(b.view())));
  ASSERT_TRUE(frame.has_value());
  Response r = Parse(*frame);
  EXPECT_EQ(r.correlation_id, 77);
  // Response header v1: empty tagged fields (one zero byte) before the body.
  EXPECT_EQ(r.rest, std::string("\0", 1) + "v3 id=flex body=payload");
}

TEST_F(KafkaServerTest, ApiVersionsAlwaysAnswersWithHeaderV0AndGetsEveryVersion) {
  Start();
  // v3 is flexible (request header v2), but the response header stays v0.
  std::optional<std::string> frame = RoundTrip(Request(kApiVersionsKey, 3, 5, "", 2));
  ASSERT_TRUE(frame.has_value());
  Response r = Parse(*frame);
  EXPECT_EQ(r.correlation_id, 5);
  EXPECT_EQ(r.rest, "api versions v3");

  // A version above the handler's range still reaches it: it answers UNSUPPORTED_VERSION.
  frame = RoundTrip(Request(kApiVersionsKey, 99, 6, "", 2));
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(Parse(*frame).rest, "api versions v99");
}

TEST_F(KafkaServerTest, UnsupportedVersionOfOtherApisClosesTheConnection) {
  Start();
  Client c(server_->bound_port());
  ASSERT_TRUE(c.Send(Request(kEcho, 6, 1, "too new")));
  EXPECT_TRUE(c.Closed());
  Client d(server_->bound_port());
  ASSERT_TRUE(d.Send(Request(kEcho, -1, 1, "negative")));
  EXPECT_TRUE(d.Closed());
}

TEST_F(KafkaServerTest, UnknownApiKeyClosesTheConnectionAndTheServerGoesOn) {
  Start();
  Client c(server_->bound_port());
  ASSERT_TRUE(c.Send(Request(999, 0, 1, "")));
  EXPECT_TRUE(c.Closed());
  EXPECT_TRUE(RoundTrip(Request(kEcho, 0, 2, "still here")).has_value());
}

TEST_F(KafkaServerTest, OversizedAndNegativeSizesCloseTheConnection) {
  KafkaServerOptions o = TestOptions();
  o.socket_request_max_bytes = 1024;
  Start(o);
  // Exactly the limit is accepted.
  std::string max_request = Request(kEcho, 0, 1, std::string(1024 - 13, 'a'), 1, "cli");
  ASSERT_EQ(max_request.size(), 4u + 1024u);
  std::optional<std::string> frame = RoundTrip(max_request);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(Parse(*frame).correlation_id, 1);

  // One byte more: closed after the size alone, without waiting for the body.
  Client big(server_->bound_port());
  ASSERT_TRUE(big.Send(std::string("\x00\x00\x04\x01", 4)));
  EXPECT_TRUE(big.Closed());

  Client negative(server_->bound_port());
  ASSERT_TRUE(negative.Send(std::string("\xff\xff\xff\xf0", 4)));
  EXPECT_TRUE(negative.Closed());

  // A TLS ClientHello read as a size is far above any limit.
  Client tls(server_->bound_port());
  ASSERT_TRUE(tls.Send(std::string("\x16\x03\x01\x02\x00\x01", 6)));
  EXPECT_TRUE(tls.Closed());
}

TEST_F(KafkaServerTest, MalformedHeadersCloseTheConnection) {
  Start();
  // Two bytes: no api key and version.
  Client tiny(server_->bound_port());
  ASSERT_TRUE(tiny.Send(std::string("\x00\x00\x00\x02\x00\x64", 6)));
  EXPECT_TRUE(tiny.Closed());
  // A client_id longer than the request.
  Client truncated(server_->bound_port());
  ASSERT_TRUE(
      truncated.Send(std::string("\x00\x00\x00\x0c\x00\x64\x00\x00\x00\x00\x00\x01\x00\x09"
                                 "ab",
                                 16)));
  EXPECT_TRUE(truncated.Closed());
  // Zero bytes.
  Client empty(server_->bound_port());
  ASSERT_TRUE(empty.Send(std::string(4, '\0')));
  EXPECT_TRUE(empty.Closed());
}

TEST_F(KafkaServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  Client c(server_->bound_port());
  // The first request is the slowest: answering in completion order would reorder them.
  ASSERT_TRUE(c.Send(Request(kSleep, 0, 1, "300") + Request(kSleep, 0, 2, "0") +
                     Request(kEcho, 0, 3, "third")));
  for (int32_t expected = 1; expected <= 3; ++expected) {
    std::optional<std::string> frame = c.ReadFrame();
    ASSERT_TRUE(frame.has_value()) << "response " << expected;
    EXPECT_EQ(Parse(*frame).correlation_id, expected);
  }
  EXPECT_EQ(seen_.sleeps_done.load(), 2);
}

// A handler runs alone until it returns, unless it releases the connection's order.
TEST_F(KafkaServerTest, NextRequestStartsOnlyAfterTheOrderIsReleased) {
  Start();
  Client c(server_->bound_port());
  ASSERT_TRUE(c.Send(Request(kSleep, 0, 1, "200") + Request(kProbe, 0, 2, "")));
  ASSERT_TRUE(c.ReadFrame().has_value());
  std::optional<std::string> probe = c.ReadFrame();
  ASSERT_TRUE(probe.has_value());
  EXPECT_EQ(Parse(*probe).rest, "1");  // started after the sleep

  // Released: the probe runs while the sleep goes on, and is still answered second.
  ASSERT_TRUE(c.Send(Request(kReleaseThenSleep, 0, 3, "300") + Request(kProbe, 0, 4, "")));
  std::optional<std::string> first = c.ReadFrame();
  std::optional<std::string> second = c.ReadFrame();
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(Parse(*first).correlation_id, 3);
  EXPECT_EQ(Parse(*second).correlation_id, 4);
  EXPECT_EQ(Parse(*second).rest, "1");  // the first sleep only: it did not wait for request 3
}

TEST_F(KafkaServerTest, NoResponseSendsNothing) {
  Start();
  Client c(server_->bound_port());
  ASSERT_TRUE(c.Send(Request(kNoResponse, 0, 1, "acks=0") + Request(kEcho, 0, 2, "after")));
  std::optional<std::string> frame = c.ReadFrame();
  ASSERT_TRUE(frame.has_value());
  Response r = Parse(*frame);
  EXPECT_EQ(r.correlation_id, 2);  // nothing was written for request 1
  EXPECT_EQ(r.rest, "v0 id=test-client body=after");
}

TEST_F(KafkaServerTest, FailingOrThrowingHandlerClosesOnlyItsConnection) {
  Start();
  Client bystander(server_->bound_port());
  ASSERT_TRUE(bystander.Send(Request(kEcho, 0, 1, "before")));
  ASSERT_TRUE(bystander.ReadFrame().has_value());

  Client fails(server_->bound_port());
  ASSERT_TRUE(fails.Send(Request(kFail, 0, 1, "") + Request(kEcho, 0, 2, "never answered")));
  EXPECT_TRUE(fails.Closed());

  Client throws(server_->bound_port());
  ASSERT_TRUE(throws.Send(Request(kThrow, 0, 1, "")));
  EXPECT_TRUE(throws.Closed());

  ASSERT_TRUE(bystander.Send(Request(kEcho, 0, 2, "after")));
  std::optional<std::string> frame = bystander.ReadFrame();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(Parse(*frame).correlation_id, 2);
}

TEST_F(KafkaServerTest, EofInsideARequestClosesQuietly) {
  Start();
  {
    Client c(server_->bound_port());
    ASSERT_TRUE(c.Send(std::string("\x00\x00\x00\x64\x00\x64\x00", 7)));  // 100 announced
    ASSERT_TRUE(WaitForConnections(1));
  }
  EXPECT_TRUE(WaitForConnections(0));
}

TEST_F(KafkaServerTest, ManyConnectionsAreServedConcurrently) {
  Start();
  // kRendezvousCount requests on as many connections each wait in the blocking pool until
  // all of them arrived: served one connection at a time, none would meet the others.
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < kRendezvousCount; ++i) {
    clients.push_back(std::make_unique<Client>(server_->bound_port()));
    ASSERT_TRUE(clients.back()->Send(Request(kRendezvous, 0, i, "")));
  }
  for (auto& c : clients) {
    std::optional<std::string> frame = c->ReadFrame();
    ASSERT_TRUE(frame.has_value());
    EXPECT_EQ(Parse(*frame).rest, "met");
  }

  // And 64 clients on their own threads, 20 pipelined requests each, all answered in order.
  constexpr int kClients = 64, kRequests = 20;
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      Client c(server_->bound_port());
      std::string batch;
      for (int j = 0; j < kRequests; ++j) {
        batch += Request(kEcho, 0, j, fmt::format("{}-{}", i, j));
      }
      if (!c.Send(batch)) return;
      for (int j = 0; j < kRequests; ++j) {
        std::optional<std::string> frame = c.ReadFrame();
        if (!frame) return;
        Response r = Parse(*frame);
        if (r.correlation_id == j && r.rest == fmt::format("v0 id=test-client body={}-{}", i, j)) {
          ++answered;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(answered.load(), kClients * kRequests);
  EXPECT_TRUE(WaitForConnections(kRendezvousCount));
}

TEST_F(KafkaServerTest, StopClosesConnectionsFinishesBlockingWorkAndAbandonsWaits) {
  KafkaServerOptions o = TestOptions();
  o.stop_grace_ms = 300;
  Start(o);
  Client idle(server_->bound_port());
  Client waiting(server_->bound_port());
  Client sleeping(server_->bound_port());
  ASSERT_TRUE(idle.Send(Request(kEcho, 0, 1, "")));
  ASSERT_TRUE(idle.ReadFrame().has_value());
  ASSERT_TRUE(waiting.Send(Request(kWaitForever, 0, 1, "")));
  ASSERT_TRUE(sleeping.Send(Request(kSleep, 0, 1, "500")));
  for (auto deadline = Clock::now() + std::chrono::seconds(10);
       (seen_.waiting.load() == 0 || seen_.sleeps_started.load() == 0) &&
       Clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(seen_.waiting.load(), 1);
  ASSERT_EQ(seen_.sleeps_started.load(), 1);
  ASSERT_TRUE(WaitForConnections(3));

  auto start = Clock::now();
  server_->Stop();
  auto took = Clock::now() - start;
  // The sleep handed to the blocking pool ran to its end; the one-hour wait was abandoned.
  EXPECT_EQ(seen_.sleeps_done.load(), 1);
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_TRUE(idle.Closed());
  EXPECT_TRUE(waiting.Closed());
  EXPECT_TRUE(sleeping.Closed());
  EXPECT_FALSE(Client(server_->bound_port()).connected());
  server_->Stop();  // idempotent
  EXPECT_EQ(seen_.waits_destroyed.load(), 0);
  server_.reset();
  EXPECT_EQ(seen_.waits_destroyed.load(), 1);
}

TEST_F(KafkaServerTest, IdleConnectionsAreClosedBusyOnesAreNot) {
  KafkaServerOptions o = TestOptions();
  o.connections_max_idle_ms = 200;
  Start(o);
  Client idle(server_->bound_port());
  Client busy(server_->bound_port());
  ASSERT_TRUE(idle.Send(Request(kEcho, 0, 1, "")));
  ASSERT_TRUE(idle.ReadFrame().has_value());
  // A request that takes longer than the idle limit keeps its connection open.
  ASSERT_TRUE(busy.Send(Request(kSleep, 0, 2, "600")));
  auto start = Clock::now();
  EXPECT_TRUE(idle.Closed());  // blocks until the server closes it (10 s receive timeout)
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(100));
  std::optional<std::string> answer = busy.ReadFrame();
  ASSERT_TRUE(answer.has_value()) << "the busy connection was closed";
  EXPECT_EQ(Parse(*answer).rest, "600");
  // Idle from now on: closed in its turn.
  EXPECT_TRUE(busy.Closed());
  EXPECT_TRUE(WaitForConnections(0));
}

TEST_F(KafkaServerTest, ConnectionsBeyondMaxConnectionsAreClosedOthersServed) {
  KafkaServerOptions o = TestOptions();
  o.max_connections = 2;
  Start(o);
  auto first = std::make_unique<Client>(server_->bound_port());
  Client second(server_->bound_port());
  ASSERT_TRUE(WaitForConnections(2));
  Client third(server_->bound_port());
  EXPECT_TRUE(third.Closed());  // EOF before any request: refused
  // The two admitted connections are served as usual.
  ASSERT_TRUE(first->Send(Request(kEcho, 0, 1, "a")));
  ASSERT_TRUE(second.Send(Request(kEcho, 0, 2, "b")));
  ASSERT_TRUE(first->ReadFrame().has_value());
  ASSERT_TRUE(second.ReadFrame().has_value());
  // Once one of them has gone, a new connection is admitted.
  first.reset();
  ASSERT_TRUE(WaitForConnections(1));
  Client fourth(server_->bound_port());
  ASSERT_TRUE(fourth.Send(Request(kEcho, 0, 3, "c")));
  std::optional<std::string> answer = fourth.ReadFrame();
  ASSERT_TRUE(answer.has_value()) << "the connection after one closed was refused";
  EXPECT_EQ(Parse(*answer).rest, "v0 id=test-client body=c");
}

TEST_F(KafkaServerTest, StopWithoutConnectionsIsQuick) {
  Start();
  auto start = Clock::now();
  server_->Stop();
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));
}

TEST_F(KafkaServerTest, PortInUseNamesTheAddress) {
  Start();
  KafkaServerOptions o = TestOptions();
  o.listen_port = server_->bound_port();
  KafkaServer second(o, *log_, HandlerRegistry());
  Status s = second.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(ToStd(s.message())),
              HasSubstr(fmt::format("cannot listen on 127.0.0.1:{}", o.listen_port)));
  EXPECT_THAT(std::string(ToStd(s.message())), HasSubstr("in use"));
}

TEST_F(KafkaServerTest, UnresolvableHostIsInvalidArgument) {
  KafkaServerOptions o = TestOptions();
  o.listen_host = "no such host.invalid";
  KafkaServer server(o, *log_, HandlerRegistry());
  Status s = server.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ToStd(s.message())), HasSubstr("no such host.invalid"));
}

TEST_F(KafkaServerTest, AdvertisedAddressDefaults) {
  // A specific listen host is advertised as is, with the bound port.
  Start();
  EXPECT_NE(server_->bound_port(), 0);
  EXPECT_EQ(server_->options().advertised_host, "127.0.0.1");
  EXPECT_EQ(server_->options().advertised_port, server_->bound_port());

  // The wildcard address advertises loopback, which every local client reaches.
  KafkaServerOptions o = TestOptions();
  o.listen_host = "0.0.0.0";
  KafkaServer any(o, *log_, HandlerRegistry());
  ASSERT_TRUE(any.Start().ok());
  EXPECT_EQ(any.options().advertised_host, "127.0.0.1");
  EXPECT_EQ(any.options().advertised_port, any.bound_port());

  // Explicit values win.
  o.advertised_host = "broker.example.com";
  o.advertised_port = 19092;
  KafkaServer explicit_address(o, *log_, HandlerRegistry());
  ASSERT_TRUE(explicit_address.Start().ok());
  EXPECT_EQ(explicit_address.options().advertised_host, "broker.example.com");
  EXPECT_EQ(explicit_address.options().advertised_port, 19092);
}

TEST_F(KafkaServerTest, RunsWithNoHandlers) {
  server_ = std::make_unique<KafkaServer>(TestOptions(), *log_, HandlerRegistry());
  ASSERT_TRUE(server_->Start().ok());
  Client c(server_->bound_port());
  ASSERT_TRUE(c.Send(Request(kApiVersionsKey, 0, 1, "")));
  EXPECT_TRUE(c.Closed());
}

}  // namespace
}  // namespace oxbow::kafka
