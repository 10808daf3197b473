#include "log/producer_id_allocator.h"

#include <charconv>

#include "fmt/format.h"

namespace oxbow::log {

ProducerIdAllocator::ProducerIdAllocator(io::FileSystem& fs, std::string data_dir)
    : fs_(fs), path_(io::JoinPath(data_dir, kFileName)) {}

Result<ProducerId> ProducerIdAllocator::Next() {
  absl::MutexLock lock(&mu_);
  if (!loaded_) {
    if (fs_.Exists(path_)) {
      ASSIGN_OR_RETURN(std::string text, fs_.ReadFile(path_));
      while (!text.empty() && text.back() == '\n') text.pop_back();
      int64_t v = -1;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || ptr != text.data() + text.size() || v < 0) {
        return absl::DataLossError(
            fmt::format("{}: unreadable contents; producer ids could be reused, so none are "
                        "handed out (write the next free id into it to resume)",
                        path_));
      }
      next_ = v;
      reserved_until_ = v;
    }
    loaded_ = true;
  }
  if (next_ >= reserved_until_) RETURN_IF_ERROR(Reserve());
  return ProducerId(next_++);
}

Status ProducerIdAllocator::Reserve() {
  int64_t until = next_ + kBlockSize;
  RETURN_IF_ERROR(fs_.WriteFileAtomically(path_, AsBytes(fmt::format("{}\n", until))));
  reserved_until_ = until;
  return absl::OkStatus();
}

}  // namespace oxbow::log
