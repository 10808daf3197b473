#include "http/rest_proxy.h"

#include "net/blocking_pool.h"

namespace oxbow::http {

namespace asio = boost::asio;

RestProxy::RestProxy(RestProxyOptions options, log::LogManager& log, SchemaEncoder* avro)
    : options_(std::move(options)), log_(log), avro_(avro) {}

void RestProxy::AddRoutes(net::Router& router) {
  // Each handler hands the whole request to a blocking thread: parsing a large body is
  // CPU work and appending waits for an fsync, neither belongs on an I/O thread.
  router.Add(net::Method::kPost, "/topics/{topic}",
             [this](net::Request& req) -> asio::awaitable<Result<net::Response>> {
               co_return co_await req.blocking->Run(
                   [&] { return Produce(req.PathParam("topic"), req.MediaType(), req.body); });
             });
  router.Add(net::Method::kGet, "/topics",
             [this](net::Request& req) -> asio::awaitable<Result<net::Response>> {
               co_return co_await req.blocking->Run([&] { return ListTopics(); });
             });
  router.Add(
      net::Method::kGet, "/topics/{topic}",
      [this](net::Request& req) -> asio::awaitable<Result<net::Response>> {
        co_return co_await req.blocking->Run([&] { return DescribeTopic(req.PathParam("topic")); });
      });
}

}  // namespace oxbow::http
