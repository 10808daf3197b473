#include "pgwire/connection.h"

#include <array>
#include <exception>
#include <optional>
#include <utility>

#include "base/bytes.h"
#include "base/logging.h"
#include "fmt/format.h"
#include "net/listener.h"
#include "pgwire/chunk_rows.h"
#include "pgwire/sqlstates.h"
#include "pgwire/value_codec.h"
#include "sql/sql_error.h"

namespace oxbow::pgwire {
namespace {

#define CO_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::absl::Status _oxbow_co_status = (expr); \
    if (!_oxbow_co_status.ok()) {             \
      co_return _oxbow_co_status;             \
    }                                         \
  } while (false)

namespace asio = boost::asio;
using asio::ip::tcp;

// Rows are encoded into the output buffer in batches on the BlockingPool; a batch ends, and
// the buffer is written, once it holds this much.
constexpr size_t kFlushBytes = 256 * 1024;

bool QuietError(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::operation_aborted || ec == asio::error::broken_pipe ||
         ec == asio::error::bad_descriptor || ec == asio::error::not_connected;
}

std::string PeerOf(const tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  return ec ? std::string("unknown peer") : net::FormatEndpoint(remote);
}

bool IsLoopback(const tcp::socket& socket) {
  boost::system::error_code ec;
  tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return false;
  asio::ip::address a = remote.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback();
  }
  return a.is_loopback();
}

Status ProtocolError(std::string message) {
  return sql::SqlError(sqlstate::kProtocolViolation, message);
}

// The format of column `i` from a Bind's result format codes (none: text; one: all).
int16_t FormatOf(const std::vector<int16_t>& formats, size_t i) {
  if (formats.empty()) return 0;
  return formats.size() == 1 ? formats[0] : formats[i];
}

}  // namespace

struct PgConnection::StatementEntry {
  std::unique_ptr<PreparedStatement> statement;  // null for an empty query
  std::optional<StatementDescription> description;
};

struct PgConnection::Portal {
  PreparedStatement* statement = nullptr;  // null for an empty query
  std::shared_ptr<StatementEntry> entry;   // keeps `statement` alive; null in a simple Query
  std::vector<sql::Value> params;
  std::vector<int16_t> result_formats;
  std::unique_ptr<RowStream> stream;  // null until the first Execute
  // A chunked stream's current chunk and its next row to send (a row limit can stop
  // an Execute within a chunk).
  std::optional<sql::Chunk> chunk;
  size_t chunk_row = 0;
  uint64_t rows_sent = 0;
  bool done = false;
};

PgConnection::PgConnection(tcp::socket socket, Deps deps, int32_t process_id, int32_t secret_key)
    : socket_(std::move(socket)),
      executor_(socket_.get_executor()),
      deps_(deps),
      process_id_(process_id),
      secret_key_(secret_key),
      peer_(PeerOf(socket_)) {}

PgConnection::~PgConnection() = default;

void PgConnection::Close() {
  asio::post(executor_, [self = shared_from_this()] { self->CloseSocket(); });
}

void PgConnection::CloseSocket() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void PgConnection::CancelRunning() {
  if (running_.load(std::memory_order_acquire)) cancel_.store(true, std::memory_order_release);
}

asio::awaitable<bool> PgConnection::FlushOut() {
  if (out_.empty()) co_return true;
  boost::system::error_code ec;
  co_await asio::async_write(socket_, asio::buffer(out_),
                             asio::redirect_error(asio::use_awaitable, ec));
  out_.clear();
  if (ec) {
    if (!QuietError(ec)) OXBOW_LOG_INFO("pgwire: write to {} failed: {}", peer_, ec.message());
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> PgConnection::Fatal(const Status& status) {
  OXBOW_LOG_INFO("pgwire: closing connection from {}: {}", peer_, status.message());
  AppendErrorResponse(out_, NoticeOf(status, "FATAL"));
  co_await FlushOut();
}

asio::awaitable<void> PgConnection::Run() {
  OXBOW_LOG_DEBUG("pgwire: connection from {}", peer_);
  try {
    if (co_await Startup()) {
      for (;;) {
        std::optional<std::pair<char, std::string>> message = co_await ReadMessage();
        if (!message) break;
        if (co_await Handle(message->first, message->second) == Step::kClose) break;
      }
    }
  } catch (const std::exception& e) {
    // Errors are values; an exception here is a bug or std::bad_alloc. Closing this
    // connection keeps the server running for every other client.
    OXBOW_LOG_ERROR("pgwire: closing connection from {}: unexpected exception: {}", peer_,
                    e.what());
  }
  CloseSocket();
  OXBOW_LOG_DEBUG("pgwire: connection from {} closed", peer_);
}

asio::awaitable<bool> PgConnection::Startup() {
  // SSLRequest and GSSENCRequest may each come once before the real startup packet.
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::array<uint8_t, 4> len_bytes;
    boost::system::error_code ec;
    co_await asio::async_read(socket_, asio::buffer(len_bytes),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    uint32_t len = LoadBE32(len_bytes.data());
    if (len < 8 || len > kMaxStartupBytes) {
      co_await Fatal(ProtocolError(fmt::format("invalid length of startup packet: {}", len)));
      co_return false;
    }
    std::string body(len - 4, '\0');
    co_await asio::async_read(socket_, asio::buffer(body),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    Result<StartupPacket> packet = DecodeStartupPacket(AsBytes(body));
    if (!packet.ok()) {
      co_await Fatal(packet.status());
      co_return false;
    }
    switch (packet->kind) {
      case StartupPacket::Kind::kSslRequest:
      case StartupPacket::Kind::kGssEncRequest:
        out_.push_back('N');  // no TLS or GSS encryption (yet): the client goes on in clear
        if (!co_await FlushOut()) co_return false;
        continue;
      case StartupPacket::Kind::kCancel:
        deps_.cancels->Cancel(packet->process_id, packet->secret_key);
        co_return false;  // PostgreSQL closes without answering
      case StartupPacket::Kind::kStartup:
        break;
    }
    SessionStartup startup;
    std::vector<std::string> unrecognized;
    for (auto& [name, value] : packet->parameters) {
      if (name == "user") {
        startup.user = value;
      } else if (name == "database") {
        startup.database = value;
      } else if (name.starts_with("_pq_.")) {
        unrecognized.push_back(name);  // protocol extensions we do not speak
      } else {
        startup.parameters.emplace_back(name, value);
      }
    }
    if (startup.user.empty()) {
      co_await Fatal(sql::SqlError(sqlstate::kInvalidAuthorization,
                                   "no PostgreSQL user name specified in startup packet"));
      co_return false;
    }
    if (startup.database.empty()) startup.database = startup.user;
    startup.process_id = process_id_;
    if (!co_await Authenticate(startup.user)) co_return false;

    Result<std::unique_ptr<Session>> session = deps_.engine->NewSession(startup);
    if (!session.ok()) {
      co_await Fatal(session.status());
      co_return false;
    }
    session_ = std::move(*session);
    if ((packet->protocol & 0xffff) != 0 || !unrecognized.empty()) {
      AppendNegotiateProtocolVersion(out_, 0, unrecognized);
    }
    for (const auto& [name, value] : session_->ReportedParameters()) {
      AppendParameterStatus(out_, name, value);
    }
    session_->TakeChanged();
    AppendBackendKeyData(out_, process_id_, secret_key_);
    AppendReadyForQuery(out_, tx_status_);
    co_return co_await FlushOut();
  }
  co_await Fatal(ProtocolError("too many encryption requests before the startup packet"));
  co_return false;
}

asio::awaitable<Result<AuthResponseMessage>> PgConnection::ReadAuthResponse() {
  if (!co_await FlushOut()) co_return absl::CancelledError("client left");
  std::optional<std::pair<char, std::string>> message = co_await ReadMessage();
  if (!message) co_return absl::CancelledError("client left");
  if (message->first != 'p') {
    co_return ProtocolError(
        fmt::format("expected password response, got message type '{}'", message->first));
  }
  co_return AuthResponseMessage{std::move(message->second)};
}

asio::awaitable<bool> PgConnection::Authenticate(const std::string& user) {
  const AuthOptions& auth = *deps_.auth;
  AuthMethod method = IsLoopback(socket_) ? auth.local : auth.remote;
  const ScramVerifier* verifier = auth.users.Find(user);
  Status failed =
      sql::SqlError(sqlstate::kInvalidPassword,
                    fmt::format("password authentication failed for user \"{}\"", user));
  Status result = absl::OkStatus();
  if (method == AuthMethod::kPassword) {
    AppendAuthenticationCleartextPassword(out_);
    Result<AuthResponseMessage> response = co_await ReadAuthResponse();
    if (absl::IsCancelled(response.status())) co_return false;
    Result<std::string> password =
        response.ok() ? DecodePassword(*response) : Result<std::string>(response.status());
    if (!password.ok()) {
      result = password.status();
    } else if (verifier == nullptr || !verifier->Matches(*password)) {
      result = failed;
    }
  } else if (method == AuthMethod::kScramSha256) {
    AppendAuthenticationSasl(out_, "SCRAM-SHA-256");
    ScramExchange exchange(verifier != nullptr ? std::optional<ScramVerifier>(*verifier)
                                               : std::nullopt);
    Result<AuthResponseMessage> first = co_await ReadAuthResponse();
    if (absl::IsCancelled(first.status())) co_return false;
    Result<SaslInitialResponse> initial =
        first.ok() ? DecodeSaslInitial(*first) : Result<SaslInitialResponse>(first.status());
    Result<std::string> server_first =
        !initial.ok() ? Result<std::string>(initial.status())
        : initial->mechanism == "SCRAM-SHA-256"
            ? exchange.ClientFirst(initial->data)
            : Result<std::string>(ProtocolError(
                  fmt::format("unsupported SASL mechanism \"{}\"", initial->mechanism)));
    if (!server_first.ok()) {
      result = server_first.status();
    } else {
      AppendAuthenticationSaslContinue(out_, *server_first);
      Result<AuthResponseMessage> final_message = co_await ReadAuthResponse();
      if (absl::IsCancelled(final_message.status())) co_return false;
      Result<std::string> server_final = final_message.ok()
                                             ? exchange.ClientFinal(final_message->body)
                                             : Result<std::string>(final_message.status());
      if (!server_final.ok()) {
        result = sql::SqlStateOf(server_final.status()) == sqlstate::kInvalidPassword
                     ? failed
                     : server_final.status();
      } else {
        AppendAuthenticationSaslFinal(out_, *server_final);
      }
    }
  }
  if (!result.ok()) {
    co_await Fatal(result);
    co_return false;
  }
  AppendAuthenticationOk(out_);
  co_return true;
}

asio::awaitable<std::optional<std::pair<char, std::string>>> PgConnection::ReadMessage() {
  std::array<uint8_t, 5> header;
  boost::system::error_code ec;
  co_await asio::async_read(socket_, asio::buffer(header),
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    if (!QuietError(ec)) OXBOW_LOG_INFO("pgwire: read from {} failed: {}", peer_, ec.message());
    co_return std::nullopt;
  }
  char type = static_cast<char>(header[0]);
  uint32_t len = LoadBE32(header.data() + 1);
  if (len < 4 || len - 4 > kMaxMessageBytes) {
    co_await Fatal(ProtocolError(
        fmt::format("invalid message length {} for message type '{}' (at most {} bytes)", len, type,
                    kMaxMessageBytes)));
    co_return std::nullopt;
  }
  std::string body(len - 4, '\0');
  co_await asio::async_read(socket_, asio::buffer(body),
                            asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;
  co_return std::make_pair(type, std::move(body));
}

asio::awaitable<PgConnection::Step> PgConnection::Handle(char type, const std::string& body) {
  Result<FrontendMessage> decoded = DecodeFrontendMessage(type, AsBytes(body));
  if (!decoded.ok()) {
    co_await Fatal(decoded.status());
    co_return Step::kClose;
  }
  FrontendMessage& message = *decoded;
  if (std::holds_alternative<TerminateMessage>(message)) co_return Step::kClose;
  if (auto* q = std::get_if<QueryMessage>(&message)) {
    skip_until_sync_ = false;
    co_await SimpleQuery(q->sql);
    co_return co_await FlushOut() ? Step::kContinue : Step::kClose;
  }
  if (std::holds_alternative<SyncMessage>(message)) {
    skip_until_sync_ = false;
    AppendReadyForQuery(out_, tx_status_);
    co_return co_await FlushOut() ? Step::kContinue : Step::kClose;
  }
  if (std::holds_alternative<FlushMessage>(message)) {
    co_return co_await FlushOut() ? Step::kContinue : Step::kClose;
  }
  if (std::holds_alternative<AuthResponseMessage>(message)) {
    co_await Fatal(ProtocolError("unexpected password message after authentication"));
    co_return Step::kClose;
  }
  // Extended protocol: after an error everything up to the next Sync is skipped.
  if (skip_until_sync_) co_return Step::kContinue;
  Status status;
  if (auto* p = std::get_if<ParseMessage>(&message)) {
    status = HandleParse(*p);
  } else if (auto* b = std::get_if<BindMessage>(&message)) {
    status = HandleBind(std::move(*b));
  } else if (auto* d = std::get_if<DescribeMessage>(&message)) {
    status = HandleDescribe(*d);
  } else if (auto* e = std::get_if<ExecuteMessage>(&message)) {
    status = co_await HandleExecute(*e);
  } else if (auto* c = std::get_if<CloseMessage>(&message)) {
    status = HandleClose(*c);
  }
  if (!status.ok()) {
    ReportError(status);
    skip_until_sync_ = true;
  }
  if (out_.size() >= kFlushBytes && !co_await FlushOut()) co_return Step::kClose;
  co_return Step::kContinue;
}

void PgConnection::ReportError(const Status& status) {
  AppendErrorResponse(out_, NoticeOf(status));
  if (tx_status_ == 'T') tx_status_ = 'E';
}

void PgConnection::ReportChangedParameters() {
  for (const auto& [name, value] : session_->TakeChanged()) {
    AppendParameterStatus(out_, name, value);
  }
}

Status PgConnection::CheckTransactionState(const PreparedStatement& statement) const {
  std::string_view command = statement.command();
  if (tx_status_ == 'E' && command != "COMMIT" && command != "ROLLBACK") {
    return sql::SqlError(
        sqlstate::kInFailedTransaction,
        "current transaction is aborted, commands ignored until end of transaction block");
  }
  return absl::OkStatus();
}

std::string PgConnection::AfterSuccess(const PreparedStatement& statement, std::string tag) {
  std::string_view command = statement.command();
  if (command == "BEGIN") {
    if (tx_status_ != 'I') {
      AppendNoticeResponse(out_, Notice{"WARNING", std::string(sqlstate::kActiveTransaction),
                                        "there is already a transaction in progress", "", "", 0});
    } else {
      tx_status_ = 'T';
    }
  } else if (command == "COMMIT" || command == "ROLLBACK") {
    if (tx_status_ == 'I') {
      AppendNoticeResponse(out_, Notice{"WARNING", std::string(sqlstate::kNoActiveTransaction),
                                        "there is no transaction in progress", "", "", 0});
    }
    if (tx_status_ == 'E') tag = "ROLLBACK";
    tx_status_ = 'I';
  }
  return tag;
}

asio::awaitable<void> PgConnection::SimpleQuery(const std::string& sql) {
  // A simple Query replaces the unnamed statement and portal, as in PostgreSQL.
  statements_.erase("");
  portals_.erase("");
  Result<std::vector<std::unique_ptr<PreparedStatement>>> parsed =
      session_->Parse(sql, {}, /*single=*/false);
  if (!parsed.ok()) {
    ReportError(parsed.status());
  } else if (parsed->empty()) {
    AppendEmptyQueryResponse(out_);
  } else {
    for (auto& statement : *parsed) {
      if (!co_await SimpleStatement(*statement)) break;
      if (out_.size() >= kFlushBytes && !co_await FlushOut()) co_return;
    }
  }
  AppendReadyForQuery(out_, tx_status_);
}

asio::awaitable<bool> PgConnection::SimpleStatement(PreparedStatement& statement) {
  Status status = CheckTransactionState(statement);
  if (!status.ok()) {
    ReportError(status);
    co_return false;
  }
  Result<StatementDescription> description = statement.Describe();
  if (!description.ok()) {
    ReportError(description.status());
    co_return false;
  }
  Portal portal;
  portal.statement = &statement;
  for (const sql::Type& type : description->param_types) {
    portal.params.push_back(sql::Value::Null(type));
  }
  if (!description->columns.empty()) {
    std::vector<FieldDescription> fields;
    for (const ColumnDescription& c : description->columns) fields.push_back({c.name, c.type});
    AppendRowDescription(out_, fields);
  }
  status = co_await RunPortal(portal, 0);
  if (!status.ok()) {
    ReportError(status);
    co_return false;
  }
  co_return true;
}

asio::awaitable<Status> PgConnection::RunPortal(Portal& portal, int32_t max_rows) {
  if (portal.statement == nullptr) {
    AppendEmptyQueryResponse(out_);
    co_return absl::OkStatus();
  }
  if (portal.done && portal.stream) {
    // PostgreSQL answers an Execute of a finished portal with an empty result.
    AppendCommandComplete(out_, portal.stream->CommandTag(0));
    co_return absl::OkStatus();
  }
  if (!portal.stream) CO_RETURN_IF_ERROR(CheckTransactionState(*portal.statement));
  cancel_.store(false, std::memory_order_release);
  running_.store(true, std::memory_order_release);
  struct NotRunning {
    std::atomic<bool>& running;
    ~NotRunning() { running.store(false, std::memory_order_release); }
  } not_running{running_};

  if (!portal.stream) {
    auto execute = [&]() -> Result<std::unique_ptr<RowStream>> {
      return session_->Execute(*portal.statement, portal.params, cancel_);
    };
    Result<std::unique_ptr<RowStream>> stream = co_await deps_.blocking->Run(execute);
    if (!stream.ok()) co_return stream.status();
    portal.stream = std::move(*stream);
    for (const auto& [message, detail] : portal.stream->notices()) {
      AppendNoticeResponse(out_, Notice{"NOTICE", "00000", message, detail, "", 0});
    }
    if (std::optional<int16_t> columns = portal.stream->CopyOutColumns()) {
      AppendCopyOutResponse(out_, *columns);
    }
  }
  const bool copy = portal.stream->CopyOutColumns().has_value();
  uint64_t sent_here = 0;
  bool ended = false;
  // Encodes rows into out_ until the limit, the end, or a full buffer.
  auto fill = [&]() -> Status {
    uint64_t batch = 0;  // rows encoded by this call
    while (max_rows <= 0 || sent_here < static_cast<uint64_t>(max_rows)) {
      if (cancel_.load(std::memory_order_acquire)) {
        return sql::SqlError(sqlstate::kQueryCanceled, "canceling statement due to user request");
      }
      if (out_.size() >= kFlushBytes) return absl::OkStatus();
      // Send what is at hand before waiting for more.
      if (batch > 0 && !portal.stream->Ready()) return absl::OkStatus();
      if (portal.stream->chunked()) {
        if (!portal.chunk || portal.chunk_row >= portal.chunk->num_rows()) {
          ASSIGN_OR_RETURN(portal.chunk, portal.stream->NextChunk());
          portal.chunk_row = 0;
          if (!portal.chunk) {
            ended = true;
            return absl::OkStatus();
          }
          continue;
        }
        if (copy) {
          AppendChunkCopyRow(out_, *portal.chunk, portal.chunk_row);
        } else {
          AppendChunkDataRow(out_, *portal.chunk, portal.chunk_row, portal.result_formats);
        }
        ++portal.chunk_row;
        ++batch;
        ++sent_here;
        ++portal.rows_sent;
        continue;
      }
      ASSIGN_OR_RETURN(std::optional<std::vector<sql::Value>> row, portal.stream->Next());
      if (!row) {
        ended = true;
        return absl::OkStatus();
      }
      if (copy) {
        std::vector<std::optional<std::string>> texts;
        for (const sql::Value& v : *row) {
          if (v.is_null()) {
            texts.emplace_back();
            continue;
          }
          std::string text;
          AppendValue(text, v, 0);
          texts.push_back(std::move(text));
        }
        AppendCopyRowText(out_, texts);
        ++batch;
        ++sent_here;
        ++portal.rows_sent;
        continue;
      }
      DataRowBuilder data(out_, static_cast<int16_t>(row->size()));
      for (size_t i = 0; i < row->size(); ++i) {
        const sql::Value& v = (*row)[i];
        if (v.is_null()) {
          data.Null();
          continue;
        }
        data.BeginValue();
        AppendValue(out_, v, FormatOf(portal.result_formats, i));
        data.EndValue();
      }
      data.End();
      ++batch;
      ++sent_here;
      ++portal.rows_sent;
    }
    return absl::OkStatus();
  };
  for (;;) {
    Status filled = co_await deps_.blocking->Run(fill);
    if (!filled.ok()) {
      portal.done = true;
      co_return filled;
    }
    if (ended || (max_rows > 0 && sent_here >= static_cast<uint64_t>(max_rows))) break;
    if (!co_await FlushOut()) co_return absl::CancelledError("client left");
  }
  if (!ended) {
    AppendPortalSuspended(out_);
    co_return absl::OkStatus();
  }
  portal.done = true;
  if (copy) AppendCopyDone(out_);
  std::string tag = AfterSuccess(*portal.statement, portal.stream->CommandTag(portal.rows_sent));
  ReportChangedParameters();
  AppendCommandComplete(out_, tag);
  co_return absl::OkStatus();
}

Status PgConnection::HandleParse(const ParseMessage& m) {
  if (!m.name.empty() && statements_.contains(m.name)) {
    return sql::SqlError(sqlstate::kDuplicatePreparedStatement,
                         fmt::format("prepared statement \"{}\" already exists", m.name));
  }
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<PreparedStatement>> parsed,
                   session_->Parse(m.sql, m.param_types, /*single=*/true));
  auto entry = std::make_shared<StatementEntry>();
  if (!parsed.empty()) {
    entry->statement = std::move(parsed[0]);
    // PostgreSQL analyzes at Parse: unknown tables and type errors are reported here. In a
    // failed transaction block only COMMIT/ROLLBACK are analyzed.
    if (tx_status_ != 'E') {
      ASSIGN_OR_RETURN(StatementDescription d, entry->statement->Describe());
      entry->description = std::move(d);
    }
  } else {
    entry->description = StatementDescription{};
  }
  statements_[m.name] = std::move(entry);
  AppendParseComplete(out_);
  return absl::OkStatus();
}

Status PgConnection::HandleBind(BindMessage m) {
  auto it = statements_.find(m.statement);
  if (it == statements_.end()) {
    return sql::SqlError(sqlstate::kUndefinedPreparedStatement,
                         fmt::format("prepared statement \"{}\" does not exist", m.statement));
  }
  std::shared_ptr<StatementEntry> entry = it->second;
  if (!m.portal.empty() && portals_.contains(m.portal)) {
    return sql::SqlError("42P03", fmt::format("cursor \"{}\" already exists", m.portal));
  }
  if (entry->statement != nullptr) RETURN_IF_ERROR(CheckTransactionState(*entry->statement));
  if (!entry->description) {
    ASSIGN_OR_RETURN(StatementDescription d, entry->statement->Describe());
    entry->description = std::move(d);
  }
  const StatementDescription& d = *entry->description;
  if (m.params.size() != d.param_types.size()) {
    return ProtocolError(fmt::format(
        "bind message supplies {} parameters, but prepared statement \"{}\" requires {}",
        m.params.size(), m.statement, d.param_types.size()));
  }
  if (m.param_formats.size() > 1 && m.param_formats.size() != m.params.size()) {
    return ProtocolError(fmt::format("bind message has {} parameter formats but {} parameters",
                                     m.param_formats.size(), m.params.size()));
  }
  if (m.result_formats.size() > 1 && m.result_formats.size() != d.columns.size()) {
    return ProtocolError(fmt::format("bind message has {} result formats but query has {} columns",
                                     m.result_formats.size(), d.columns.size()));
  }
  auto portal = std::make_unique<Portal>();
  portal->statement = entry->statement.get();
  portal->entry = entry;
  portal->result_formats = std::move(m.result_formats);
  for (size_t i = 0; i < m.params.size(); ++i) {
    const sql::Type& type = d.param_types[i];
    if (!m.params[i]) {
      portal->params.push_back(sql::Value::Null(type));
      continue;
    }
    Result<sql::Value> v = DecodeValue(type, *m.params[i], FormatOf(m.param_formats, i));
    if (!v.ok()) {
      return sql::WithDetail(v.status(), fmt::format("in parameter ${}", i + 1));
    }
    portal->params.push_back(std::move(*v));
  }
  portals_[m.portal] = std::move(portal);
  AppendBindComplete(out_);
  return absl::OkStatus();
}

Status PgConnection::HandleDescribe(const DescribeMessage& m) {
  std::vector<int16_t> formats;
  const StatementDescription* d = nullptr;
  if (m.target == 'S') {
    auto it = statements_.find(m.name);
    if (it == statements_.end()) {
      return sql::SqlError(sqlstate::kUndefinedPreparedStatement,
                           fmt::format("prepared statement \"{}\" does not exist", m.name));
    }
    StatementEntry& entry = *it->second;
    if (!entry.description) {
      ASSIGN_OR_RETURN(StatementDescription described, entry.statement->Describe());
      entry.description = std::move(described);
    }
    d = &*entry.description;
    std::vector<uint32_t> oids;
    for (const sql::Type& t : d->param_types) oids.push_back(t.oid());
    AppendParameterDescription(out_, oids);
  } else {
    auto it = portals_.find(m.name);
    if (it == portals_.end()) {
      return sql::SqlError(sqlstate::kUndefinedCursor,
                           fmt::format("portal \"{}\" does not exist", m.name));
    }
    d = &*it->second->entry->description;
    formats = it->second->result_formats;
  }
  if (d->columns.empty()) {
    AppendNoData(out_);
    return absl::OkStatus();
  }
  std::vector<FieldDescription> fields;
  for (size_t i = 0; i < d->columns.size(); ++i) {
    fields.push_back({d->columns[i].name, d->columns[i].type, FormatOf(formats, i)});
  }
  AppendRowDescription(out_, fields);
  return absl::OkStatus();
}

asio::awaitable<Status> PgConnection::HandleExecute(const ExecuteMessage& m) {
  auto it = portals_.find(m.portal);
  if (it == portals_.end()) {
    co_return sql::SqlError(sqlstate::kUndefinedCursor,
                            fmt::format("portal \"{}\" does not exist", m.portal));
  }
  Portal& portal = *it->second;
  co_return co_await RunPortal(portal, m.max_rows);
}

Status PgConnection::HandleClose(const CloseMessage& m) {
  // Closing something that does not exist is not an error.
  if (m.target == 'S') {
    statements_.erase(m.name);
  } else {
    portals_.erase(m.name);
  }
  AppendCloseComplete(out_);
  return absl::OkStatus();
}

}  // namespace oxbow::pgwire
