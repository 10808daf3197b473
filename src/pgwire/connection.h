// One client connection of the PostgreSQL wire protocol (3.0): the startup handshake
// (SSLRequest/GSSENCRequest answered 'N', CancelRequest forwarded to the server),
// authentication, then the simple and extended query protocols against a Session of the
// QueryEngine. Internal to pgwire; PgServer creates one per accepted socket.
//
// Protocol errors (a malformed or oversize message, an unknown message type, a failed
// authentication) are answered with a FATAL ErrorResponse and the connection is closed;
// SQL errors are ERRORs and the session goes on (in the extended protocol, after skipping
// to the next Sync). EOF or a reset closes it quietly.
//
// Threads: the socket's executor is a strand of its own; Run runs there. Statements run on
// the BlockingPool (the coroutine waits, so the session is never used by two threads at
// once). Cancel and Close may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "base/asio.h"
#include "base/status.h"
#include "net/blocking_pool.h"
#include "pgwire/auth.h"
#include "pgwire/backend_message.h"
#include "pgwire/frontend_message.h"
#include "pgwire/query_engine.h"

namespace oxbow::pgwire {

class PgConnection;

// Finds a connection by its BackendKeyData, for CancelRequests arriving on other sockets.
class CancelTarget {
 public:
  virtual ~CancelTarget() = default;
  virtual void Cancel(int32_t process_id, int32_t secret_key) = 0;
};

class PgConnection : public std::enable_shared_from_this<PgConnection> {
 public:
  struct Deps {
    QueryEngine* engine;
    net::BlockingPool* blocking;
    const AuthOptions* auth;
    CancelTarget* cancels;
  };

  // `socket` is connected and its executor is a strand used by nothing else.
  PgConnection(boost::asio::ip::tcp::socket socket, Deps deps, int32_t process_id,
               int32_t secret_key);
  ~PgConnection();

  // Serves the client until it leaves or Close() is called. Never throws.
  boost::asio::awaitable<void> Run();
  // Closes the socket (on its strand). Any thread.
  void Close();
  // Cancels the statement running now, if any (CancelRequest). Any thread.
  void CancelRunning();

  int32_t process_id() const { return process_id_; }
  int32_t secret_key() const { return secret_key_; }
  const std::string& peer() const { return peer_; }
  const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  struct StatementEntry;
  struct Portal;
  enum class Step { kContinue, kClose };

  boost::asio::awaitable<bool> Startup();
  boost::asio::awaitable<bool> Authenticate(const std::string& user);
  boost::asio::awaitable<Result<AuthResponseMessage>> ReadAuthResponse();
  // Reads a typed message; nullopt on EOF/errors (a FATAL was sent for bad framing).
  boost::asio::awaitable<std::optional<std::pair<char, std::string>>> ReadMessage();
  boost::asio::awaitable<Step> Handle(char type, const std::string& body);

  boost::asio::awaitable<void> SimpleQuery(const std::string& sql);
  // Runs one statement of a simple Query; false after an error (reported).
  boost::asio::awaitable<bool> SimpleStatement(PreparedStatement& statement);
  Status HandleParse(const ParseMessage& m);
  Status HandleBind(BindMessage m);
  Status HandleDescribe(const DescribeMessage& m);
  boost::asio::awaitable<Status> HandleExecute(const ExecuteMessage& m);
  Status HandleClose(const CloseMessage& m);

  // Starts the portal's statement if needed, then sends up to max_rows rows (0 = all)
  // followed by CommandComplete or PortalSuspended.
  boost::asio::awaitable<Status> RunPortal(Portal& portal, int32_t max_rows);
  // Transaction status bookkeeping around a statement (see docs/pgwire.md).
  Status CheckTransactionState(const PreparedStatement& statement) const;
  std::string AfterSuccess(const PreparedStatement& statement, std::string tag);
  void ReportError(const Status& status);
  void ReportChangedParameters();

  boost::asio::awaitable<bool> FlushOut();
  boost::asio::awaitable<void> Fatal(const Status& status);
  void CloseSocket();

  boost::asio::ip::tcp::socket socket_;
  const boost::asio::any_io_executor executor_;
  const Deps deps_;
  const int32_t process_id_;
  const int32_t secret_key_;
  const std::string peer_;

  std::unique_ptr<Session> session_;
  std::string out_;  // messages not yet written
  char tx_status_ = 'I';
  bool skip_until_sync_ = false;
  absl::flat_hash_map<std::string, std::shared_ptr<StatementEntry>> statements_;
  absl::flat_hash_map<std::string, std::unique_ptr<Portal>> portals_;

  std::atomic<bool> running_{false};
  CancelFlag cancel_{false};
};

}  // namespace oxbow::pgwire
