#include "kafka/server/handler_registry.h"

#include <algorithm>

#include "base/logging.h"

namespace oxbow::kafka {

void HandlerRegistry::Add(std::unique_ptr<Handler> h) {
  OXBOW_CHECK(h != nullptr, "null handler");
  OXBOW_CHECK(Find(h->api_key()) == nullptr, "two handlers for api key {} ({} and {})",
              h->api_key(), Find(h->api_key())->name(), h->name());
  OXBOW_CHECK(h->min_version() <= h->max_version(), "handler {}: min version {} > max version {}",
              h->name(), h->min_version(), h->max_version());
  auto at = std::lower_bound(
      handlers_.begin(), handlers_.end(), h->api_key(),
      [](const std::unique_ptr<Handler>& a, int16_t key) { return a->api_key() < key; });
  handlers_.insert(at, std::move(h));
}

const Handler* HandlerRegistry::Find(int16_t api_key) const { return FindForCall(api_key); }

Handler* HandlerRegistry::FindForCall(int16_t api_key) const {
  auto at = std::lower_bound(
      handlers_.begin(), handlers_.end(), api_key,
      [](const std::unique_ptr<Handler>& a, int16_t key) { return a->api_key() < key; });
  return at != handlers_.end() && (*at)->api_key() == api_key ? at->get() : nullptr;
}

std::vector<const Handler*> HandlerRegistry::All() const {
  std::vector<const Handler*> out;
  out.reserve(handlers_.size());
  for (const auto& h : handlers_) out.push_back(h.get());
  return out;
}

}  // namespace oxbow::kafka
