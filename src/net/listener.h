// Opening a listening socket, the one way every Oxbow server does it, with errors that say
// what to do about them.
#pragma once

#include <cstdint>
#include <string>

#include "base/asio.h"
#include "base/status.h"

namespace oxbow::net {

// Binds `acceptor` (closed) to host:port and listens; returns the port actually bound
// (port 0 picks a free one). The host is resolved and the first IPv4 address is preferred
// ("localhost" usually resolves to ::1 first, but clients try 127.0.0.1 at least as often).
// SO_REUSEADDR is set, so a restarted server binds while old connections are in TIME_WAIT.
// Errors name host:port: Unavailable when the address is in use, FailedPrecondition for a
// privileged port, InvalidArgument when the host does not resolve, Internal otherwise.
// Call before the acceptor's executor runs anything else.
Result<uint16_t> Listen(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host,
                        uint16_t port);

// "1.2.3.4:5" or "[::1]:5": a peer or local address for logs.
std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace oxbow::net
