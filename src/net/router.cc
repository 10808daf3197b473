#include "net/router.h"

#include <algorithm>

#include "base/logging.h"
#include "net/url.h"

namespace oxbow::net {
namespace {

// Splits a path into its segments: "/a/b/" -> {"a", "b"}; "/" -> {}.
std::vector<std::string_view> PathSegments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  for (;;) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

std::vector<Router::Segment> Router::Split(std::string_view pattern) {
  OXBOW_CHECK(!pattern.empty() && pattern.front() == '/', "route '{}' must start with '/'",
              pattern);
  std::vector<Segment> out;
  for (std::string_view s : PathSegments(pattern)) {
    bool param = s.size() >= 2 && s.front() == '{' && s.back() == '}';
    if (param) s = s.substr(1, s.size() - 2);
    OXBOW_CHECK(!s.empty(), "route '{}' has an empty segment or parameter name", pattern);
    out.push_back({std::string(s), param});
  }
  return out;
}

bool Router::MoreSpecific(const Route& a, const Route& b) {
  for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].param != b.segments[i].param) return !a.segments[i].param;
  }
  return false;
}

void Router::Add(Method method, std::string_view pattern, Handler handler) {
  Route route{method, Split(pattern), std::move(handler)};
  for (const Route& r : routes_) {
    bool same = r.method == method && r.segments.size() == route.segments.size() &&
                std::equal(r.segments.begin(), r.segments.end(), route.segments.begin(),
                           [](const Segment& x, const Segment& y) {
                             return x.param == y.param && (x.param || x.text == y.text);
                           });
    OXBOW_CHECK(!same, "route {} {} added twice", MethodName(method), pattern);
  }
  // Kept sorted so that the first match is the most specific one.
  auto at = std::upper_bound(routes_.begin(), routes_.end(), route, MoreSpecific);
  routes_.insert(at, std::move(route));
}

Result<Router::Match> Router::Find(Method method, std::string_view path,
                                   std::map<std::string, std::string, std::less<>>& params) const {
  std::vector<std::string> segments;
  for (std::string_view s : PathSegments(path)) {
    ASSIGN_OR_RETURN(std::string decoded, PercentDecode(s));
    segments.push_back(std::move(decoded));
  }
  Match match;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    bool ok = true;
    for (size_t i = 0; ok && i < segments.size(); ++i) {
      ok = route.segments[i].param ? !segments[i].empty() : route.segments[i].text == segments[i];
    }
    if (!ok) continue;
    if (route.method != method) {
      if (std::find(match.allowed.begin(), match.allowed.end(), route.method) ==
          match.allowed.end()) {
        match.allowed.push_back(route.method);
      }
      continue;
    }
    params.clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      if (route.segments[i].param) params[route.segments[i].text] = segments[i];
    }
    match.handler = &route.handler;
    match.allowed.clear();
    return match;
  }
  return match;
}

}  // namespace oxbow::net
