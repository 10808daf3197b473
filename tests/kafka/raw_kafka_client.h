// A blocking Kafka client for raw requests in tests: v1 request headers (non-flexible APIs),
// one request at a time, with a receive timeout so that a missing response fails the test
// instead of hanging it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "kafka/server/request_header.h"

namespace oxbow::testing {

class RawKafkaClient {
 public:
  explicit RawKafkaClient(uint16_t port, std::string client_id = "raw")
      : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)), client_id_(std::move(client_id)) {
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawKafkaClient() { ::close(fd_); }
  RawKafkaClient(const RawKafkaClient&) = delete;
  RawKafkaClient& operator=(const RawKafkaClient&) = delete;
  bool connected() const { return connected_; }

  // Sends a request and returns the response body (after the correlation id); nullopt when
  // the connection fails or closes, or no response comes within 10 s.
  std::optional<std::string> Call(int16_t key, int16_t version, const ByteBuffer& body) {
    ByteBuffer b;
    b.AppendBE32(0);
    kafka::EncodeRequestHeader(b, {key, version, ++correlation_id_, client_id_}, 1);
    b.Append(body.view());
    StoreBE32(b.mutable_data(), static_cast<uint32_t>(b.size() - 4));
    for (std::string_view out = AsString(b.view()); !out.empty();) {
      ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
      if (n <= 0) return std::nullopt;
      out.remove_prefix(static_cast<size_t>(n));
    }
    std::string size(4, '\0');
    if (!ReadExactly(size)) return std::nullopt;
    std::string frame(LoadBE32(AsBytes(size).data()), '\0');
    if (!ReadExactly(frame) || frame.size() < 4) return std::nullopt;
    return frame.substr(4);
  }

 private:
  bool ReadExactly(std::string& out) {
    for (size_t have = 0; have < out.size();) {
      ssize_t n = ::recv(fd_, out.data() + have, out.size() - have, 0);
      if (n <= 0) return false;
      have += static_cast<size_t>(n);
    }
    return true;
  }

  int fd_;
  std::string client_id_;
  bool connected_ = false;
  int32_t correlation_id_ = 0;
};

}  // namespace oxbow::testing
