#include "io/fault_injection_file_system.h"

#include <algorithm>

namespace oxbow::io {

class FaultyFile final : public File {
 public:
  FaultyFile(std::shared_ptr<File> base, FaultInjectionFileSystem& fs)
      : File(base->path(), base->size()), base_(std::move(base)), fs_(fs) {}

  Result<size_t> ReadAt(uint64_t position, MutableByteView dst) const override {
    return base_->ReadAt(position, dst);
  }

  Status Append(ByteView data) override {
    int64_t budget = fs_.append_budget_.load();
    if (budget >= 0 && static_cast<int64_t>(data.size()) > budget) {
      fs_.append_budget_.store(0);
      Status s = base_->Append(data.first(static_cast<size_t>(budget)));
      set_size(base_->size());
      if (!s.ok()) return s;
      return absl::UnavailableError("injected fault: write " + path() + ": no space left");
    }
    if (budget >= 0) fs_.append_budget_.fetch_sub(static_cast<int64_t>(data.size()));
    Status s = base_->Append(data);
    set_size(base_->size());
    return s;
  }

  Status Sync() override {
    fs_.file_syncs_.fetch_add(1);
    if (fs_.fail_syncs_.load()) return absl::InternalError("injected fault: fdatasync " + path());
    return base_->Sync();
  }

  Status Truncate(uint64_t size) override {
    Status s = base_->Truncate(size);
    set_size(base_->size());
    return s;
  }

  int fd() const override { return base_->fd(); }

 private:
  std::shared_ptr<File> base_;
  FaultInjectionFileSystem& fs_;
};

Result<std::shared_ptr<File>> FaultInjectionFileSystem::Open(const std::string& path,
                                                             OpenMode mode) {
  ASSIGN_OR_RETURN(std::shared_ptr<File> f, base_.Open(path, mode));
  return std::shared_ptr<File>(std::make_shared<FaultyFile>(std::move(f), *this));
}

}  // namespace oxbow::io
