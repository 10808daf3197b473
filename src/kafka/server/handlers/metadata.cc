// Metadata (key 3): brokers (just this one), the controller (this broker: admin requests
// and kafkajs's InitProducerId go there), and topics with their partitions, each led by
// this broker. Unknown topics are created when both the server (auto.create.topics) and
// the request (v4+ allow_auto_topic_creation) allow it, as Kafka does.
#include "base/logging.h"
#include "kafka/groups/offset_store.h"
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "log/topic_config.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::MetadataRequest;
using protocol::MetadataResponse;

class MetadataHandler final : public MessageHandler<MetadataRequest, MetadataResponse> {
 public:
  explicit MetadataHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "Metadata"; }

 protected:
  boost::asio::awaitable<std::optional<MetadataResponse>> Process(RequestContext& rc,
                                                                  MetadataRequest& req,
                                                                  ResponseStorage&) override {
    co_return co_await rc.blocking->Run([&] { return Build(rc, req); });
  }

 private:
  MetadataResponse Build(const RequestContext& rc, const MetadataRequest& req) {
    MetadataResponse resp;
    BrokerAddress self = ctx_.advertised();
    resp.brokers.push_back({self.node_id, self.host, self.port, std::nullopt});
    resp.cluster_id = "oxbow";
    resp.controller_id = self.node_id;
    // v0: an empty list means all topics; v1+: null means all, empty means none.
    bool all = !req.topics.has_value() || (rc.api_version == 0 && req.topics->empty());
    std::vector<std::string> names;
    if (all) {
      names = ctx_.log->ListTopics();
    } else {
      for (const auto& t : *req.topics) names.push_back(t.name);
    }
    bool may_create = !all && ctx_.options->auto_create_topics && req.allow_auto_topic_creation;
    for (const std::string& name : names) resp.topics.push_back(Describe(name, may_create, self));
    return resp;
  }

  MetadataResponse::MetadataResponseTopic Describe(const std::string& name, bool may_create,
                                                   const BrokerAddress& self) {
    MetadataResponse::MetadataResponseTopic t;
    t.name = name;
    // As Kafka marks its group offsets topic: clients that exclude internal topics
    // (exclude.internal.topics, regex subscriptions) leave it alone.
    t.is_internal = name == groups::kOffsetsTopic;
    if (!log::ValidateTopicName(name).ok()) {
      t.error_code = Code(ErrorCode::kInvalidTopicException);
      return t;
    }
    Result<int32_t> count = ctx_.log->PartitionCount(name);
    if (!count.ok() && may_create) {
      Status s = ctx_.log->CreateTopic(name, ctx_.options->auto_create_partitions, {});
      if (s.ok()) {
        OXBOW_LOG_INFO("auto-created topic {} ({} partitions)", name,
                       ctx_.options->auto_create_partitions);
      }
      count = ctx_.log->PartitionCount(name);  // AlreadyExists: someone else created it
    }
    if (!count.ok()) {
      t.error_code = Code(ErrorCode::kUnknownTopicOrPartition);
      return t;
    }
    for (int32_t i = 0; i < *count; ++i) {
      t.partitions.push_back(
          {Code(ErrorCode::kNone), i, self.node_id, {self.node_id}, {self.node_id}, {}});
    }
    return t;
  }

  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeMetadataHandler(const HandlerContext& ctx) {
  return std::make_unique<MetadataHandler>(ctx);
}

}  // namespace oxbow::kafka
