#include "net/router.h"

#include "gtest/gtest.h"

namespace oxbow::net {
namespace {

namespace asio = boost::asio;
using Params = std::map<std::string, std::string, std::less<>>;

// A handler that answers its own name, so a test can see which route matched.
Handler Named(std::string name) {
  return [name](Request&) -> asio::awaitable<Result<Response>> {
    co_return Response{200, "text/plain", name, {}};
  };
}

// Runs the matched handler and returns its body; "404" or "405:<allowed>" otherwise.
std::string Route(const Router& router, Method method, std::string_view path,
                  Params* params_out = nullptr) {
  Params params;
  Result<Router::Match> m = router.Find(method, path, params);
  if (!m.ok()) return "error: " + std::string(ToStd(m.status().message()));
  if (params_out) *params_out = params;
  if (m->handler == nullptr) {
    if (m->allowed.empty()) return "404";
    std::string out = "405:";
    for (Method a : m->allowed) out += MethodName(a);
    return out;
  }
  asio::io_context io;
  std::string body;
  Request req;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { body = (co_await (*m->handler)(req))->body; },
      asio::detached);
  io.run();
  return body;
}

Router Sample() {
  Router r;
  r.Add(Method::kGet, "/topics", Named("list"));
  r.Add(Method::kGet, "/topics/{topic}", Named("get"));
  r.Add(Method::kPost, "/topics/{topic}", Named("post"));
  r.Add(Method::kGet, "/topics/{topic}/partitions/{partition}", Named("partition"));
  r.Add(Method::kGet, "/", Named("root"));
  return r;
}

TEST(RouterTest, MatchesLiteralsAndDecodesParameters) {
  Router r = Sample();
  Params p;
  EXPECT_EQ(Route(r, Method::kGet, "/topics"), "list");
  EXPECT_EQ(Route(r, Method::kGet, "/topics/"), "list");
  EXPECT_EQ(Route(r, Method::kGet, "/"), "root");
  EXPECT_EQ(Route(r, Method::kPost, "/topics/a%2Fb%20c", &p), "post");
  EXPECT_EQ(p, (Params{{"topic", "a/b c"}}));
  EXPECT_EQ(Route(r, Method::kGet, "/topics/t/partitions/3", &p), "partition");
  EXPECT_EQ(p, (Params{{"topic", "t"}, {"partition", "3"}}));
}

TEST(RouterTest, UnknownPathsAre404AndWrongMethods405WithTheAllowedOnes) {
  Router r = Sample();
  EXPECT_EQ(Route(r, Method::kGet, "/nope"), "404");
  EXPECT_EQ(Route(r, Method::kGet, "/topics/t/partitions"), "404");
  EXPECT_EQ(Route(r, Method::kGet, "/topics//x"), "404");
  EXPECT_EQ(Route(r, Method::kDelete, "/topics/t"), "405:GETPOST");
  EXPECT_EQ(Route(r, Method::kPost, "/topics"), "405:GET");
}

TEST(RouterTest, LiteralSegmentsWinOverParametersWhateverTheOrder) {
  Router r;
  r.Add(Method::kGet, "/subjects/{subject}", Named("subject"));
  r.Add(Method::kGet, "/subjects/latest", Named("literal"));
  EXPECT_EQ(Route(r, Method::kGet, "/subjects/latest"), "literal");
  EXPECT_EQ(Route(r, Method::kGet, "/subjects/other"), "subject");
}

TEST(RouterTest, BadEscapesInThePathAreErrors) {
  Router r = Sample();
  EXPECT_EQ(Route(r, Method::kGet, "/topics/%zz"),
            "error: invalid percent-encoding in '%zz': '%' must be followed by two hex digits");
}

}  // namespace
}  // namespace oxbow::net
