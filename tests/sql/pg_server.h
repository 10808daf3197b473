// A throwaway PostgreSQL server for tests: Debian's initdb and pg_ctl (from
// /usr/lib/postgresql/<newest>/bin) on a fresh directory under /tmp and a free port on
// 127.0.0.1, trust authentication, time zone UTC, C locale, fsync off. When the test runs
// as root the server runs as the `postgres` user (PostgreSQL refuses root).
//
// Thread safety: none; one test thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

struct pg_conn;

namespace oxbow::sqltest {

class PgServer {
 public:
  // NotFound (saying what is missing) when no PostgreSQL server binaries are installed;
  // Internal with the server's log when it does not start.
  static Result<std::unique_ptr<PgServer>> Start();
  // Stops the server (immediate shutdown) and removes its directory.
  ~PgServer();

  // Runs statements that return no rows.
  Status Execute(const std::string& sql);
  // Runs a query; values in PostgreSQL's text output, nullopt for NULL.
  Result<std::vector<std::vector<std::optional<std::string>>>> Query(const std::string& sql);

  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

 private:
  PgServer() = default;

  std::string bin_dir_;
  std::string dir_;  // removed on destruction
  int port_ = 0;
  int uid_ = -1, gid_ = -1;  // run the server's programs as this user (root only)
  bool started_ = false;
  pg_conn* conn_ = nullptr;

  Status Run(const std::vector<std::string>& argv);
};

}  // namespace oxbow::sqltest
