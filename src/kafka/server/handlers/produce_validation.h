// Produce's check of a partition's records before they are written (record_validator.h):
// kept out of produce.cc so that the write path stays about writing.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/status.h"
#include "kafka/server/handlers/handler_deps.h"
#include "log/partition.h"

namespace oxbow::kafka {

// OK when the topic turns no validation on or the server has no validator; otherwise the
// validator's verdict. A topic with validation on but no validator (the schema registry is
// off) refuses every record: InvalidArgument saying so.
Status ValidateRecords(const HandlerContext& ctx, const std::string& topic,
                       const log::Partition& partition, ByteView records);

}  // namespace oxbow::kafka
