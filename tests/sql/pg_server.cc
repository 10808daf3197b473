#include "pg_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace oxbow::sqltest {
namespace {

// The bin directory of the newest installed PostgreSQL server, or "".
std::string FindBinDir() {
  std::error_code ec;
  std::string best;
  int best_version = -1;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string bin = entry.path().string() + "/bin";
    if (access((bin + "/initdb").c_str(), X_OK) != 0 || access((bin + "/pg_ctl").c_str(), X_OK)) {
      continue;
    }
    int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version) {
      best_version = version;
      best = bin;
    }
  }
  return best;
}

// A port that was free a moment ago (the kernel's pick for port 0).
Result<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  if (port < 0) return absl::InternalError("no free port");
  return port;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<std::unique_ptr<PgServer>> PgServer::Start() {
  std::unique_ptr<PgServer> pg(new PgServer());
  pg->bin_dir_ = FindBinDir();
  if (pg->bin_dir_.empty()) {
    return absl::NotFoundError(
        "no PostgreSQL server in /usr/lib/postgresql/*/bin (Debian package postgresql; "
        "scripts/install-deps.sh installs it)");
  }
  char tmpl[] = "/tmp/oxbow-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  pg->dir_ = tmpl;
  if (geteuid() == 0) {
    const passwd* user = getpwnam("postgres");
    if (user == nullptr) {
      return absl::NotFoundError(
          "running as root and there is no `postgres` user to run the server");
    }
    pg->uid_ = static_cast<int>(user->pw_uid);
    pg->gid_ = static_cast<int>(user->pw_gid);
    if (chown(pg->dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
      return absl::InternalError(fmt::format("chown {} failed", pg->dir_));
    }
  }
  ASSIGN_OR_RETURN(pg->port_, FreePort());
  std::string data = pg->dir_ + "/data";
  RETURN_IF_ERROR(pg->Run({pg->bin_dir_ + "/initdb", "-D", data, "-A", "trust", "-U", "oxbow", "-E",
                           "UTF8", "--locale=C", "--no-sync"}));
  std::string options = fmt::format(
      "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off "
      "-c synchronous_commit=off -c full_page_writes=off -c TimeZone=UTC",
      pg->port_);
  RETURN_IF_ERROR(pg->Run({pg->bin_dir_ + "/pg_ctl", "-D", data, "-o", options, "-w", "-t", "60",
                           "-l", pg->dir_ + "/server.log", "start"}));
  pg->started_ = true;
  std::string conninfo = fmt::format(
      "host=127.0.0.1 port={} user=oxbow dbname=postgres connect_timeout=30", pg->port_);
  pg->conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(pg->conn_) != CONNECTION_OK) {
    return absl::InternalError(
        fmt::format("connecting to PostgreSQL: {}", PQerrorMessage(pg->conn_)));
  }
  RETURN_IF_ERROR(pg->Execute("SET TimeZone = 'UTC'"));
  return pg;
}

PgServer::~PgServer() {
  if (conn_ != nullptr) PQfinish(conn_);
  if (started_) {
    Status s = Run({bin_dir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
    if (!s.ok()) fmt::print(stderr, "stopping PostgreSQL: {}\n", s);
  }
  if (!dir_.empty() && std::getenv("OXBOW_KEEP_TEST_DIRS") == nullptr) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

// Runs a program (as the server's user when root) with its output in <dir>/run.log.
Status PgServer::Run(const std::vector<std::string>& argv) {
  std::string log = dir_ + "/run.log";
  // Everything the child needs is prepared here: after fork it may only make system calls.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    if (gid_ >= 0 && (setgid(gid_) != 0 || setuid(uid_) != 0)) _exit(126);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(fmt::format("{} failed (status {}):\n{}\n{}", argv[0], status,
                                         ReadFile(log), ReadFile(dir_ + "/server.log")));
}

Status PgServer::Execute(const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  ExecStatusType st = PQresultStatus(r);
  std::string error = PQresultErrorMessage(r);
  PQclear(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return absl::OkStatus();
  return absl::InternalError(fmt::format("PostgreSQL: {}\n{}", error, sql));
}

Result<std::vector<std::vector<std::optional<std::string>>>> PgServer::Query(
    const std::string& sql) {
  PGresult* r = PQexec(conn_, sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    std::string error = PQresultErrorMessage(r);
    PQclear(r);
    return absl::InternalError(fmt::format("PostgreSQL: {}\n{}", error, sql));
  }
  std::vector<std::vector<std::optional<std::string>>> rows(PQntuples(r));
  for (int i = 0; i < PQntuples(r); ++i) {
    for (int j = 0; j < PQnfields(r); ++j) {
      rows[i].push_back(PQgetisnull(r, i, j) ? std::nullopt
                                             : std::optional<std::string>(PQgetvalue(r, i, j)));
    }
  }
  PQclear(r);
  return rows;
}

}  // namespace oxbow::sqltest
