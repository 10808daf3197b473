#include "net/listener.h"

#include "fmt/format.h"
#include "net/host_port.h"

namespace oxbow::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

Result<tcp::endpoint> ResolveListenEndpoint(const asio::any_io_executor& ex,
                                            const std::string& host, uint16_t port) {
  tcp::resolver resolver(ex);
  boost::system::error_code ec;
  tcp::resolver::results_type results = resolver.resolve(
      host, std::to_string(port), tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("cannot listen on {}: cannot resolve host '{}': {}", FormatHostPort(host, port),
                    host, ec ? ec.message() : "no address"));
  }
  for (const auto& entry : results) {
    if (entry.endpoint().address().is_v4()) return entry.endpoint();
  }
  return results.begin()->endpoint();
}

Status ListenError(std::string_view what, const std::string& where,
                   const boost::system::error_code& ec) {
  std::string msg = fmt::format("cannot listen on {}: {}: {}", where, what, ec.message());
  if (ec == asio::error::address_in_use) {
    return absl::UnavailableError(
        msg + " (another process listens there: another oxbow, or another server?)");
  }
  if (ec == asio::error::access_denied) {
    return absl::FailedPreconditionError(msg + " (ports below 1024 need privileges)");
  }
  return absl::InternalError(msg);
}

}  // namespace

Result<uint16_t> Listen(tcp::acceptor& acceptor, const std::string& host, uint16_t port) {
  std::string where = FormatHostPort(host, port);
  ASSIGN_OR_RETURN(tcp::endpoint endpoint,
                   ResolveListenEndpoint(acceptor.get_executor(), host, port));
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return ListenError("socket", where, ec);
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) return ListenError("SO_REUSEADDR", where, ec);
  acceptor.bind(endpoint, ec);
  if (ec) return ListenError("bind", where, ec);
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return ListenError("listen", where, ec);
  uint16_t bound = acceptor.local_endpoint(ec).port();
  if (ec) return ListenError("getsockname", where, ec);
  return bound;
}

std::string FormatEndpoint(const tcp::endpoint& endpoint) {
  return FormatHostPort(endpoint.address().to_string(), endpoint.port());
}

}  // namespace oxbow::net
