#include "kafka/server/handlers/handlers.h"

namespace oxbow::kafka {

void AddAllHandlers(HandlerRegistry& registry, HandlerDeps deps) {
  // The handlers arrive with the protocol codecs (src/kafka/protocol/), one file each.
  (void)registry;
  (void)deps;
}

}  // namespace oxbow::kafka
