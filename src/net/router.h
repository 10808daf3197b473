// Maps (method, path) to a handler. Patterns are paths whose segments are literals or
// {name} parameters: "/topics/{topic}/partitions/{partition}". A parameter matches one
// whole segment (never a '/'), percent-decoded, so "/topics/a%2Fb" gives topic "a/b".
// A trailing '/' is ignored ("/topics/" is "/topics"). Literal segments win over
// parameters ("/subjects/latest" before "/subjects/{s}") whatever the order of Add.
//
// Threads: build the router before the server starts; Match is then read-only and may run
// on any thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/asio.h"
#include "base/status.h"
#include "net/http_message.h"

namespace oxbow::net {

// A handler is a coroutine on the connection's strand. It answers with a Response, or an
// error Status that the server turns into ErrorResponse(status) (say a 500 for a bug's
// Internal error); handlers that want a particular error shape or code return a Response.
// It must not block: disk work goes through `co_await req.blocking->Run(fn)`.
using Handler = std::function<boost::asio::awaitable<Result<Response>>(Request&)>;

class Router {
 public:
  // Adds a route. A pattern must start with '/' and a parameter name be non-empty; a route
  // (method, pattern) added twice is a bug. Both abort with a message (OXBOW_CHECK).
  void Add(Method method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null when nothing matched
    // When the path matched some route but not with this method: their methods, for 405's
    // Allow header. Empty with handler == nullptr means 404.
    std::vector<Method> allowed;
  };
  // Finds the route for `path` (percent-encoded, without the query) and fills `params`
  // with its decoded parameters. InvalidArgument for a bad percent-escape in the path.
  Result<Match> Find(Method method, std::string_view path,
                     std::map<std::string, std::string, std::less<>>& params) const;

  size_t size() const { return routes_.size(); }

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter name
    bool param = false;
  };
  struct Route {
    Method method;
    std::vector<Segment> segments;
    Handler handler;
  };
  static std::vector<Segment> Split(std::string_view pattern);
  // Ranks routes for the same path: more literal segments earlier wins.
  static bool MoreSpecific(const Route& a, const Route& b);

  std::vector<Route> routes_;
};

}  // namespace oxbow::net
