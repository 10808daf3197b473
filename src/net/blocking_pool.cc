#include "net/blocking_pool.h"

#include "base/logging.h"

namespace oxbow::net {

BlockingPool::BlockingPool(size_t threads) : threads_(threads), pool_(threads == 0 ? 1 : threads) {
  OXBOW_CHECK(threads > 0, "a BlockingPool needs at least one thread");
}

BlockingPool::~BlockingPool() { Stop(); }

void BlockingPool::Stop() {
  if (stopped_.exchange(true, std::memory_order_acq_rel)) return;
  // join() without stop(): the threads exit once every queued task has run.
  pool_.join();
}

}  // namespace oxbow::net
