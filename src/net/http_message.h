// An HTTP request as a handler sees it and the response it returns: plain values, no Beast
// types, so that the modules serving HTTP (registry, REST proxy, admin API) do not depend
// on how the server parses the wire.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace oxbow::net {

class BlockingPool;

enum class Method { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions, kOther };
std::string_view MethodName(Method method);

// Header names compare case-insensitively (RFC 9110).
struct HeaderNameLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};
using HeaderMap = std::multimap<std::string, std::string, HeaderNameLess>;

// A request, owned by the connection; valid while its handler runs.
struct Request {
  Method method = Method::kOther;
  std::string target;  // as sent: "/topics/a%2Fb?x=1"
  std::string path;    // the target before '?', still percent-encoded
  // Decoded query parameters in order; a name without '=' has an empty value.
  std::vector<std::pair<std::string, std::string>> query;
  // The {name} segments of the route pattern that matched, percent-decoded.
  std::map<std::string, std::string, std::less<>> path_params;
  HeaderMap headers;
  std::string body;
  std::string peer;  // "ip:port" of the client, for logs
  // Where handlers run blocking work (disk, fsync): `co_await blocking->Run(fn)` keeps the
  // I/O thread free. Never null while a handler runs.
  BlockingPool* blocking = nullptr;

  // The first value of a header, or empty.
  std::string_view Header(std::string_view name) const;
  // The first value of a query parameter, or nullptr.
  const std::string* Query(std::string_view name) const;
  // A path parameter the route declares; empty if absent.
  std::string_view PathParam(std::string_view name) const;
  // The media type of Content-Type, lower-cased, without parameters ("; charset=utf-8"):
  // "application/json". Empty without a Content-Type.
  std::string MediaType() const;
};

// What a handler answers. The server adds Content-Length, Connection and Server.
struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra ones, e.g. Allow
};

// A JSON error in the shape Confluent's REST services use (and Oxbow's HTTP APIs share):
// {"error_code": <error_code>, "message": "<message>"} with HTTP status `status`.
Response JsonError(int status, int error_code, std::string_view message);
inline Response JsonError(int status, std::string_view message) {
  return JsonError(status, status, message);
}
// The HTTP status for an error Status that a handler returned: InvalidArgument 400,
// NotFound 404, AlreadyExists 409, ResourceExhausted 413, FailedPrecondition 409,
// Unavailable 503, anything else 500.
int HttpStatusFor(const Status& status);
// JsonError(HttpStatusFor(status), status.message()).
Response ErrorResponse(const Status& status);

// The reason phrase of a status code ("Not Found"); "Unknown" for codes it does not know.
std::string_view StatusReason(int status);

}  // namespace oxbow::net
