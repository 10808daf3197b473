#include "kafka/server/handlers/handlers.h"

#include "kafka/server/handlers/factories.h"

namespace oxbow::kafka {

void AddAllHandlers(HandlerRegistry& registry, HandlerDeps deps) {
  HandlerContext ctx;
  ctx.log = deps.log;
  ctx.options = deps.options;
  // Fetch long polls wake on appends, whoever makes them (Produce, or later the SQL
  // engine's sinks), so the notifier hangs off the log itself.
  ctx.notifier = std::make_shared<AppendNotifier>();
  deps.log->SetAppendObserver(
      [notifier = ctx.notifier](const log::Partition& p) { notifier->Notify(p.topic(), p.id()); });
  const KafkaServerOptions* options = deps.options;
  ctx.advertised = [options] {
    return BrokerAddress{options->node_id, options->advertised_host, options->advertised_port};
  };
  registry.Add(MakeApiVersionsHandler(registry));
  registry.Add(MakeMetadataHandler(ctx));
  registry.Add(MakeProduceHandler(ctx));
  registry.Add(MakeFetchHandler(ctx));
  registry.Add(MakeListOffsetsHandler(ctx));
  registry.Add(MakeCreateTopicsHandler(ctx));
  registry.Add(MakeDeleteTopicsHandler(ctx));
  registry.Add(MakeDeleteRecordsHandler(ctx));
  registry.Add(MakeDescribeConfigsHandler(ctx));
  registry.Add(MakeAlterConfigsHandler(ctx));
  registry.Add(MakeCreatePartitionsHandler(ctx));
}

}  // namespace oxbow::kafka
