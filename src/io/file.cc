#include "io/file.h"

#include <string>

namespace oxbow::io {

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  std::string out(a);
  if (out.back() != '/') out.push_back('/');
  out.append(b);
  return out;
}

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

Status FileSystem::WriteFileAtomically(const std::string& path, ByteView data) {
  std::string tmp = path + ".tmp";
  if (Exists(tmp)) RETURN_IF_ERROR(Remove(tmp));
  {
    ASSIGN_OR_RETURN(std::shared_ptr<File> f, Open(tmp, OpenMode::kCreateExclusive));
    RETURN_IF_ERROR(f->Append(data));
    RETURN_IF_ERROR(f->Sync());
  }
  RETURN_IF_ERROR(Rename(tmp, path));
  return SyncDir(DirName(path));
}

Result<std::string> FileSystem::ReadFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::shared_ptr<File> f, Open(path, OpenMode::kReadOnly));
  std::string out(f->size(), '\0');
  ASSIGN_OR_RETURN(
      size_t n, f->ReadAt(0, MutableByteView(reinterpret_cast<uint8_t*>(out.data()), out.size())));
  out.resize(n);
  return out;
}

}  // namespace oxbow::io
