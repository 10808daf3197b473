// One factory per API handler; each handler lives in its own file (metadata.cc, …).
#pragma once

#include <memory>

#include "kafka/server/handler.h"
#include "kafka/server/handler_registry.h"
#include "kafka/server/handlers/handler_deps.h"

namespace oxbow::kafka {

std::unique_ptr<Handler> MakeApiVersionsHandler(const HandlerRegistry& registry);
std::unique_ptr<Handler> MakeMetadataHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeProduceHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeFetchHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeListOffsetsHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeCreateTopicsHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeDeleteTopicsHandler(const HandlerContext& ctx);
// Consumer groups (ctx.groups).
std::unique_ptr<Handler> MakeFindCoordinatorHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeJoinGroupHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeSyncGroupHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeHeartbeatHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeLeaveGroupHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeOffsetCommitHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeOffsetFetchHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeDescribeGroupsHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeListGroupsHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeDeleteGroupsHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeDeleteRecordsHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeDescribeConfigsHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeAlterConfigsHandler(const HandlerContext& ctx);
std::unique_ptr<Handler> MakeCreatePartitionsHandler(const HandlerContext& ctx);
// Idempotent producers (ctx.producer_ids).
std::unique_ptr<Handler> MakeInitProducerIdHandler(const HandlerContext& ctx);

}  // namespace oxbow::kafka
