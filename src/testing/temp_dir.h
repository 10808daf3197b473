// A fresh directory under $TMPDIR (or /tmp) for one test, removed when it goes out of scope
// unless OXBOW_KEEP_TEST_DIRS is set (to inspect what a failing test left behind).
#pragma once

#include <string>

namespace oxbow::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace oxbow::testing
