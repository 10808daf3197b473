#include "kafka/server/handlers/produce_validation.h"

#include "fmt/format.h"

namespace oxbow::kafka {

Status ValidateRecords(const HandlerContext& ctx, const std::string& topic,
                       const log::Partition& partition, ByteView records) {
  log::TopicConfig config = partition.config();
  if (!config.key_schema_validation && !config.value_schema_validation) return absl::OkStatus();
  if (ctx.validator == nullptr) {
    return absl::InvalidArgumentError(
        fmt::format("topic {} has schema validation on, but the schema registry is not "
                    "running (--schema-registry-listener is empty)",
                    topic));
  }
  return ctx.validator->Validate(topic, config, records);
}

}  // namespace oxbow::kafka
