// InitProducerId (key 22): gives an idempotent producer its id (epoch 0), allocated
// durably so that no id is ever handed out twice for a data directory (see
// log/producer_id_allocator.h). librdkafka enables idempotence only when the broker offers
// version 0 of this API; kafkajs sends it to the controller named by Metadata.
//
// Transactions are not supported: a request with a transactional id is answered with
// UNSUPPORTED_VERSION, what a broker without transaction support answers (as a Kafka
// broker whose inter-broker protocol predates transactions does, and Redpanda with
// transactions disabled), so transactional clients fail at once instead of retrying.
#include "base/logging.h"
#include "kafka/server/handlers/factories.h"
#include "kafka/server/handlers/message_handler.h"
#include "net/blocking_pool.h"

namespace oxbow::kafka {
namespace {

using protocol::InitProducerIdRequest;
using protocol::InitProducerIdResponse;

class InitProducerIdHandler final
    : public MessageHandler<InitProducerIdRequest, InitProducerIdResponse> {
 public:
  explicit InitProducerIdHandler(const HandlerContext& ctx) : ctx_(ctx) {}
  std::string_view name() const override { return "InitProducerId"; }

 protected:
  boost::asio::awaitable<std::optional<InitProducerIdResponse>> Process(RequestContext& rc,
                                                                        InitProducerIdRequest& req,
                                                                        ResponseStorage&) override {
    InitProducerIdResponse resp;
    resp.producer_id = -1;
    resp.producer_epoch = -1;
    if (req.transactional_id) {
      OXBOW_LOG_INFO(
          "InitProducerId from {} with transactional id '{}': transactions are not "
          "supported",
          rc.peer, *req.transactional_id);
      resp.error_code = Code(ErrorCode::kUnsupportedVersion);
      co_return resp;
    }
    // The first id of a block fsyncs the reservation: not on an I/O thread.
    Result<ProducerId> id = co_await rc.blocking->Run([this] { return ctx_.producer_ids->Next(); });
    if (!id.ok()) {
      OXBOW_LOG_ERROR("InitProducerId from {}: {}", rc.peer, id.status().message());
      resp.error_code = Code(ErrorCode::kCoordinatorNotAvailable);
      co_return resp;
    }
    resp.producer_id = id->value();
    resp.producer_epoch = 0;
    co_return resp;
  }

 private:
  HandlerContext ctx_;
};

}  // namespace

std::unique_ptr<Handler> MakeInitProducerIdHandler(const HandlerContext& ctx) {
  return std::make_unique<InitProducerIdHandler>(ctx);
}

}  // namespace oxbow::kafka
