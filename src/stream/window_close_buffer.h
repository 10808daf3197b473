// WindowCloseBuffer: a view's `emit = 'on_window_close'`. It holds the view's changes back,
// per window, until the watermark closes the window, then emits the window's net changes
// once (an insert per final row: the updates and retractions in between cancel out here).
// So the view and its output topic see each window's final rows only, and never a
// retraction of them: rows later than the watermark were dropped as late at the source.
//
// The window is the value of a time column of the view's rows (its window_end, or another
// column the watermark bounds; state_expiry.h): once the watermark reaches W, rows whose
// value is below W + offset are final. A change whose window is already closed (a column
// the watermark does not bound well enough) passes through at once.
//
// State: the pending changes of the open windows (bounded by the live windows), stored as
// [time][row] → multiplicity and checkpointed with everything else, so a window is emitted
// exactly once across restarts.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "stream/operator.h"
#include "stream/state_expiry.h"

namespace oxbow::stream {

class WindowCloseBuffer final : public Operator {
 public:
  WindowCloseBuffer(StateId id, std::vector<sql::Type> types, StateExpiry window);

  Status Process(int port, const sql::Chunk& chunk) override;
  Status Checkpoint(StateWriteBatch& batch) override;
  Status Restore(StateStore& store) override;

  // Windows holding changes (tests).
  size_t num_open_windows() const { return pending_.size(); }

 private:
  Status WatermarkAdvanced(int64_t watermark) override;
  static std::string StoreKey(int64_t time, std::string_view row);

  StateId id_;
  StateExpiry window_;
  // window time → (encoded row → net multiplicity)
  std::map<int64_t, absl::flat_hash_map<std::string, int64_t>> pending_;
  absl::flat_hash_set<std::string> dirty_;  // store keys changed since the last checkpoint
};

}  // namespace oxbow::stream
