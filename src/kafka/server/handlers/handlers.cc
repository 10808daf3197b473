#include "kafka/server/handlers/handlers.h"

#include "base/logging.h"
#include "kafka/server/handlers/factories.h"

namespace oxbow::kafka {

std::shared_ptr<groups::GroupCoordinator> AddAllHandlers(HandlerRegistry& registry,
                                                         HandlerDeps deps) {
  HandlerContext ctx;
  ctx.log = deps.log;
  ctx.options = deps.options;
  ctx.validator = deps.validator;
  // Fetch long polls wake on appends, whoever makes them (Produce, or later the SQL
  // engine's sinks), so the notifier hangs off the log itself.
  ctx.notifier = std::make_shared<AppendNotifier>();
  deps.log->AddAppendObserver(
      [notifier = ctx.notifier](const log::Partition& p) { notifier->Notify(p.topic(), p.id()); });
  const KafkaServerOptions* options = deps.options;
  ctx.advertised = [options] {
    return BrokerAddress{options->node_id, options->advertised_host, options->advertised_port};
  };
  groups::GroupOptions go;
  go.initial_rebalance_delay_ms = options->group_initial_rebalance_delay_ms;
  go.min_session_timeout_ms = options->group_min_session_timeout_ms;
  go.max_session_timeout_ms = options->group_max_session_timeout_ms;
  go.offsets_topic_partitions = options->offsets_topic_partitions;
  ctx.groups = std::make_shared<groups::GroupCoordinator>(*deps.log, go);
  ctx.producer_ids = std::make_shared<log::ProducerIdAllocator>(deps.log->file_system(),
                                                                deps.log->options().data_dir);
  // Loaded before the server starts (reads __consumer_offsets). On failure the server
  // still serves everything else; group requests get COORDINATOR_NOT_AVAILABLE.
  if (Status s = ctx.groups->Load(); !s.ok()) {
    OXBOW_LOG_ERROR("consumer groups unavailable: loading committed offsets: {}", s.message());
  }
  ctx.offset_expirer = std::make_shared<groups::OffsetExpirer>(
      ctx.groups, options->offsets_retention_ms, options->offsets_retention_check_interval_ms);
  ctx.offset_expirer->Start();
  registry.Add(MakeApiVersionsHandler(registry));
  registry.Add(MakeMetadataHandler(ctx));
  registry.Add(MakeProduceHandler(ctx));
  registry.Add(MakeFetchHandler(ctx));
  registry.Add(MakeListOffsetsHandler(ctx));
  registry.Add(MakeCreateTopicsHandler(ctx));
  registry.Add(MakeDeleteTopicsHandler(ctx));
  registry.Add(MakeFindCoordinatorHandler(ctx));
  registry.Add(MakeJoinGroupHandler(ctx));
  registry.Add(MakeSyncGroupHandler(ctx));
  registry.Add(MakeHeartbeatHandler(ctx));
  registry.Add(MakeLeaveGroupHandler(ctx));
  registry.Add(MakeOffsetCommitHandler(ctx));
  registry.Add(MakeOffsetFetchHandler(ctx));
  registry.Add(MakeDescribeGroupsHandler(ctx));
  registry.Add(MakeListGroupsHandler(ctx));
  registry.Add(MakeDeleteGroupsHandler(ctx));
  registry.Add(MakeDeleteRecordsHandler(ctx));
  registry.Add(MakeDescribeConfigsHandler(ctx));
  registry.Add(MakeAlterConfigsHandler(ctx));
  registry.Add(MakeCreatePartitionsHandler(ctx));
  registry.Add(MakeInitProducerIdHandler(ctx));
  return ctx.groups;
}

}  // namespace oxbow::kafka
