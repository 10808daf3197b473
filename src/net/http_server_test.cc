// HttpServer over real sockets: a Beast client for well-formed requests, raw bytes for the
// malformed and slow ones.
#include "net/http_server.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

// clang-format off
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on

namespace oxbow::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr uint64_t kMaxBody = 1000;

// A connected socket that gives up on a read after 10 s, so a missing answer fails the test
// instead of hanging it.
struct Client {
  asio::io_context io;
  tcp::socket socket{io};
  beast::flat_buffer buffer;

  explicit Client(uint16_t port) {
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval tv{10, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }

  http::response<http::string_body> Send(http::verb verb, std::string target, std::string body = "",
                                         std::string content_type = "application/json") {
    http::request<http::string_body> req(verb, target, 11);
    req.set(http::field::host, "localhost");
    if (!body.empty()) req.set(http::field::content_type, content_type);
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(socket, req);
    return Read();
  }

  http::response<http::string_body> Read() {
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res;
  }

  void WriteRaw(std::string_view bytes) { asio::write(socket, asio::buffer(bytes)); }

  // Everything until the server closes the connection (or the read times out).
  std::string ReadToEnd() {
    std::string out(static_cast<const char*>(buffer.data().data()), buffer.size());
    buffer.consume(buffer.size());
    std::array<char, 4096> chunk;
    boost::system::error_code ec;
    while (!ec) {
      size_t n = socket.read_some(asio::buffer(chunk), ec);
      out.append(chunk.data(), n);
    }
    closed_by_peer = ec == asio::error::eof || ec == asio::error::connection_reset;
    return out;
  }
  bool closed_by_peer = false;
};

// The body of an HTTP answer in raw bytes, parsed as JSON.
Json JsonBodyOf(const std::string& raw) {
  size_t start = raw.find("\r\n\r\n");
  return start == std::string::npos ? Json() : Json::parse(raw.substr(start + 4), nullptr, false);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions o = {}) {
    o.listen_host = "127.0.0.1";
    o.listen_port = 0;
    o.max_body_bytes = kMaxBody;
    Router router;
    router.Add(Method::kGet, "/echo/{name}", [](Request& req) -> asio::awaitable<Result<Response>> {
      Json j = {{"name", req.PathParam("name")},
                {"path", req.path},
                {"x", req.Query("x") ? Json(*req.Query("x")) : Json()}};
      co_return Response{200, "application/json", j.dump(), {{"X-Echo", "yes"}}};
    });
    router.Add(Method::kPost, "/echo/{name}",
               [](Request& req) -> asio::awaitable<Result<Response>> {
                 co_return Response{201, req.MediaType(), req.body, {}};
               });
    router.Add(Method::kGet, "/missing", [](Request&) -> asio::awaitable<Result<Response>> {
      co_return absl::NotFoundError("no such thing");
    });
    router.Add(Method::kGet, "/broken", [](Request&) -> asio::awaitable<Result<Response>> {
      co_return absl::InternalError("disk on fire");
    });
    router.Add(Method::kGet, "/blocking",
               [this](Request& req) -> asio::awaitable<Result<Response>> {
                 std::thread::id io_thread = std::this_thread::get_id();
                 bool off_io = co_await req.blocking->Run([&] {
                   entered_.set_value();
                   // Long enough that Stop() in StopLetsRequestsInFlightAnswer starts meanwhile.
                   std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_));
                   return std::this_thread::get_id() != io_thread;
                 });
                 co_return Response{
                     200, "text/plain", off_io ? "off the I/O thread" : "on the I/O thread", {}};
               });
    server_ = std::make_unique<HttpServer>(std::move(o), std::move(router));
    ASSERT_TRUE(server_->Start().ok());
  }
  void SetUp() override { StartServer(); }
  uint16_t port() const { return server_->bound_port(); }

  std::unique_ptr<HttpServer> server_;
  std::promise<void> entered_;
  int slow_ms_ = 0;
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Client c(port());
  for (int i = 0; i < 3; ++i) {
    auto res = c.Send(http::verb::get, "/echo/a%20b?x=1%2B" + std::to_string(i) + "&y");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_TRUE(res.keep_alive());
    EXPECT_EQ(res["X-Echo"], "yes");
    EXPECT_EQ(res[http::field::content_type], "application/json");
    EXPECT_EQ(Json::parse(res.body()),
              (Json{{"name", "a b"}, {"path", "/echo/a%20b"}, {"x", "1+" + std::to_string(i)}}));
  }
  auto post = c.Send(http::verb::post, "/echo/x", "{\"k\":1}", "Application/JSON; charset=utf-8");
  EXPECT_EQ(post.result_int(), 201);
  EXPECT_EQ(post.body(), "{\"k\":1}");
  EXPECT_EQ(post[http::field::content_type], "application/json");
  EXPECT_EQ(server_->connection_count(), 1u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Client c(port());
  c.WriteRaw(
      "GET /echo/one HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /echo/two HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(Json::parse(c.Read().body())["name"], "one");
  EXPECT_EQ(Json::parse(c.Read().body())["name"], "two");
}

TEST_F(HttpServerTest, UnknownPathsAre404AndWrongMethods405InJson) {
  Client c(port());
  auto res = c.Send(http::verb::get, "/nothing/here");
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_EQ(Json::parse(res.body()),
            (Json{{"error_code", 404}, {"message", "no resource at /nothing/here"}}));
  res = c.Send(http::verb::delete_, "/echo/x");
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[http::field::allow], "GET, POST");
  EXPECT_EQ(Json::parse(res.body())["error_code"], 405);
  // Both keep the connection usable.
  EXPECT_EQ(c.Send(http::verb::get, "/echo/x").result_int(), 200);
}

TEST_F(HttpServerTest, HandlerErrorsBecomeJsonErrorsWithTheirStatus) {
  Client c(port());
  auto res = c.Send(http::verb::get, "/missing");
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_EQ(Json::parse(res.body()), (Json{{"error_code", 404}, {"message", "no such thing"}}));
  res = c.Send(http::verb::get, "/broken");
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(Json::parse(res.body())["message"], "disk on fire");
}

TEST_F(HttpServerTest, BadEscapesInTargetAre400) {
  Client c(port());
  EXPECT_EQ(c.Send(http::verb::get, "/echo/%zz").result_int(), 400);
  EXPECT_EQ(c.Send(http::verb::get, "/echo/a?x=%4").result_int(), 400);
}

TEST_F(HttpServerTest, MalformedRequestsGet400AndTheConnectionCloses) {
  for (std::string_view bad :
       {"this is not http\r\n\r\n", "GET /echo/x HTTP/1.1\r\nno colon\r\n\r\n",
        "GET /echo/x HTTP/9.9\r\n\r\n", "POST /echo/x HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    Client c(port());
    c.WriteRaw(bad);
    std::string raw = c.ReadToEnd();
    EXPECT_THAT(raw, ::testing::StartsWith("HTTP/1.1 400 ")) << bad;
    EXPECT_EQ(JsonBodyOf(raw)["error_code"], 400) << raw;
    EXPECT_THAT(JsonBodyOf(raw)["message"].get<std::string>(), HasSubstr("malformed HTTP request"));
    EXPECT_TRUE(c.closed_by_peer);
  }
}

TEST_F(HttpServerTest, DeclaredOversizeBodyGets413BeforeItIsSent) {
  Client c(port());
  c.WriteRaw("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n");
  std::string raw = c.ReadToEnd();
  EXPECT_THAT(raw, ::testing::StartsWith("HTTP/1.1 413 "));
  EXPECT_EQ(
      JsonBodyOf(raw),
      (Json{{"error_code", 413}, {"message", "the request body exceeds the limit of 1000 bytes"}}));
  EXPECT_TRUE(c.closed_by_peer);
}

TEST_F(HttpServerTest, ChunkedOversizeBodyGets413) {
  Client c(port());
  std::string chunk(600, 'x');
  c.WriteRaw("POST /echo/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  c.WriteRaw(fmt::format("{:x}\r\n{}\r\n{:x}\r\n{}\r\n0\r\n\r\n", chunk.size(), chunk, chunk.size(),
                         chunk));
  std::string raw = c.ReadToEnd();
  EXPECT_THAT(raw, ::testing::StartsWith("HTTP/1.1 413 "));
}

TEST_F(HttpServerTest, BodyAtTheLimitIsServed) {
  Client c(port());
  std::string body(kMaxBody, 'y');
  auto res = c.Send(http::verb::post, "/echo/x", body, "text/plain");
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_EQ(res.body(), body);
}

TEST_F(HttpServerTest, ExpectContinueIsAnsweredBeforeTheBody) {
  Client c(port());
  c.WriteRaw(
      "POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  http::response<http::empty_body> go;
  http::response_parser<http::empty_body> p;
  http::read_header(c.socket, c.buffer, p);
  EXPECT_EQ(p.get().result_int(), 100);
  c.WriteRaw("hello");
  auto res = c.Read();
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_EQ(res.body(), "hello");
}

TEST_F(HttpServerTest, Http10ClosesAfterTheResponse) {
  Client c(port());
  c.WriteRaw("GET /echo/old HTTP/1.0\r\n\r\n");
  std::string raw = c.ReadToEnd();
  EXPECT_THAT(raw, ::testing::StartsWith("HTTP/1.1 200 "));
  EXPECT_EQ(JsonBodyOf(raw)["name"], "old");
  EXPECT_TRUE(c.closed_by_peer);
}

TEST_F(HttpServerTest, BlockingWorkRunsOffTheIoThread) {
  Client c(port());
  auto res = c.Send(http::verb::get, "/blocking");
  EXPECT_EQ(res.body(), "off the I/O thread");
}

class HttpServerTimeoutTest : public HttpServerTest {
 protected:
  void SetUp() override {
    HttpServerOptions o;
    o.header_timeout_ms = 200;
    o.body_timeout_ms = 200;
    StartServer(o);
  }
};

TEST_F(HttpServerTimeoutTest, IdleConnectionsAreClosedAfterTheHeaderTimeout) {
  Client c(port());
  EXPECT_EQ(c.Send(http::verb::get, "/echo/x").result_int(), 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(c.ReadToEnd(), "");  // closed without an answer
  EXPECT_TRUE(c.closed_by_peer);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // A half-sent header is no different.
  Client slow(port());
  slow.WriteRaw("GET /echo/x HTTP/1.1\r\nHost:");
  EXPECT_EQ(slow.ReadToEnd(), "");
  EXPECT_TRUE(slow.closed_by_peer);
}

TEST_F(HttpServerTimeoutTest, ABodyThatStopsArrivingGets408) {
  Client c(port());
  c.WriteRaw("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  std::string raw = c.ReadToEnd();
  EXPECT_THAT(raw, ::testing::StartsWith("HTTP/1.1 408 "));
  EXPECT_EQ(JsonBodyOf(raw)["error_code"], 408);
}

TEST_F(HttpServerTest, StopLetsRequestsInFlightAnswer) {
  slow_ms_ = 300;
  Client c(port());
  auto answered =
      std::async(std::launch::async, [&] { return c.Send(http::verb::get, "/blocking").body(); });
  entered_.get_future().wait();
  server_->Stop();
  EXPECT_EQ(answered.get(), "off the I/O thread");
  // Nothing listens any more.
  EXPECT_THROW(Client{port()}, boost::system::system_error);
}

TEST(HttpServerStartTest, AnAddressInUseIsUnavailableAndNamesTheServer) {
  HttpServerOptions o;
  o.name = "REST proxy";
  o.listen_host = "127.0.0.1";
  HttpServer first(o, Router());
  ASSERT_TRUE(first.Start().ok());
  o.listen_port = first.bound_port();
  HttpServer second(o, Router());
  Status s = second.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(ToStd(s.message())),
              HasSubstr(fmt::format("REST proxy: cannot listen on 127.0.0.1:{}", o.listen_port)));
}

}  // namespace
}  // namespace oxbow::net
