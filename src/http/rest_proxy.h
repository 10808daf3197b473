// The REST proxy (Confluent REST Proxy v2's produce and topic endpoints) over the log:
//
//   POST /topics/{topic}   produce records (formats: produce_request.h); answers
//        {"key_schema_id":null,"value_schema_id":null,
//         "offsets":[{"partition":p,"offset":o} | {"error_code":c,"error":"..."}, ...]}
//        one entry per record, in request order.
//   GET  /topics           ["name", ...] without the broker's internal topics
//                          (__consumer_offsets), as Confluent's proxy lists them
//   GET  /topics/{topic}   {"name":..., "configs":{overrides}, "partitions":[...]}
//
// Produce: records with a key go to the partition the Java client's default partitioner
// picks for the key's bytes (murmur2, kafka/partitioner.h); a record may name its
// partition; records without either go, per request, all to one partition, the next one
// in turn for each request (like the Java client's sticky partitioner, which fills a batch
// for one partition before moving on). Each partition's records are appended as one
// record set (batches split at the topic's max.message.bytes), timestamped now, and are
// durable per the topic's flush policy before the answer. A topic that does not exist is
// created when auto-creation is on (as Kafka's Metadata/Produce do), else 404 40401.
// Internal topics (IsInternalTopic) are not written: 403. A topic with
// confluent.{key,value}.schema.validation on takes only records whose keys / values pass
// the SchemaEncoder's Validate; the others are answered 42203 with the reason.
//
// Threads: Produce, ListTopics and DescribeTopic block (disk, fsync): the routes run them
// on the HTTP server's BlockingPool. They are thread-safe. Errors: rest_errors.h.
#pragma once

#include <atomic>
#include <memory>
#include <string_view>

#include "http/produce_request.h"
#include "http/rest_proxy_options.h"
#include "log/log_manager.h"
#include "net/http_message.h"
#include "net/router.h"

namespace oxbow::http {

// The broker's own topics, whose names start with "__" (Kafka's convention:
// __consumer_offsets holds consumer groups' state).
bool IsInternalTopic(std::string_view name);

class RestProxy {
 public:
  // `log` (and `avro`, when given) must outlive the proxy and its routes.
  RestProxy(RestProxyOptions options, log::LogManager& log, SchemaEncoder* avro = nullptr);

  // Registers the routes above; they call the methods below on req.blocking.
  void AddRoutes(net::Router& router);

  net::Response Produce(std::string_view topic, std::string_view media_type, std::string_view body);
  net::Response ListTopics() const;
  net::Response DescribeTopic(std::string_view topic) const;

  const RestProxyOptions& options() const { return options_; }

 private:
  // The topic's partition count, creating the topic if allowed.
  std::variant<int32_t, RestError> PartitionsOf(std::string_view topic);
  // For a topic with confluent.{key,value}.schema.validation on: marks the records whose
  // key or value the registry's validation refuses (42203). An error for the whole request
  // when validation is on but there is no schema registry.
  std::optional<RestError> ValidateSchemas(std::string_view topic, ProduceRequest& req);

  const RestProxyOptions options_;
  log::LogManager& log_;
  SchemaEncoder* const avro_;
  std::atomic<uint32_t> next_sticky_{0};  // where the next request's keyless records go
};

}  // namespace oxbow::http
