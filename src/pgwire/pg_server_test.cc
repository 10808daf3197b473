// The server over real sockets, with a hand-written client that shows every message: the
// startup, both query protocols, transaction status, errors, cancel, and bad framing.
#include "pgwire/pg_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "base/bytes.h"
#include "pgwire/sql_engine.h"

namespace oxbow::pgwire {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

struct Message {
  char type;
  std::string body;
};

// ErrorResponse/NoticeResponse field `code`.
std::string Field(const Message& m, char code) {
  size_t i = 0;
  while (i < m.body.size() && m.body[i] != '\0') {
    char c = m.body[i++];
    size_t end = m.body.find('\0', i);
    if (c == code) return m.body.substr(i, end - i);
    i = end + 1;
  }
  return "";
}

// DataRow values as text ("NULL" for NULL).
std::vector<std::string> Row(const Message& m) {
  std::vector<std::string> out;
  const auto* p = reinterpret_cast<const uint8_t*>(m.body.data());
  int n = static_cast<int16_t>(LoadBE16(p));
  size_t at = 2;
  for (int i = 0; i < n; ++i) {
    int32_t len = static_cast<int32_t>(LoadBE32(p + at));
    at += 4;
    if (len < 0) {
      out.push_back("NULL");
      continue;
    }
    out.push_back(m.body.substr(at, static_cast<size_t>(len)));
    at += static_cast<size_t>(len);
  }
  return out;
}

std::string Types(const std::vector<Message>& ms) {
  std::string s;
  for (const Message& m : ms) s.push_back(m.type);
  return s;
}

class Client {
 public:
  explicit Client(uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    socket_.set_option(tcp::no_delay(true));
  }

  void SendRaw(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  void Send(char type, const std::string& body) {
    std::string m(1, type);
    AppendLength(m, body.size() + 4);
    m += body;
    SendRaw(m);
  }

  void SendStartup(const std::vector<std::pair<std::string, std::string>>& params) {
    std::string body;
    AppendLength(body, 196608);
    for (const auto& [k, v] : params) {
      body += k;
      body.push_back('\0');
      body += v;
      body.push_back('\0');
    }
    body.push_back('\0');
    std::string m;
    AppendLength(m, body.size() + 4);
    SendRaw(m + body);
  }

  char ReadByte() {
    char b = 0;
    asio::read(socket_, asio::buffer(&b, 1));
    return b;
  }

  // Reads one message; type '\0' on EOF.
  Message Read() {
    uint8_t header[5];
    boost::system::error_code ec;
    asio::read(socket_, asio::buffer(header), ec);
    if (ec) return {'\0', ""};
    std::string body(LoadBE32(header + 1) - 4, '\0');
    asio::read(socket_, asio::buffer(body), ec);
    return {static_cast<char>(header[0]), body};
  }

  // Messages up to and including ReadyForQuery.
  std::vector<Message> ReadUntilReady() {
    std::vector<Message> out;
    for (;;) {
      Message m = Read();
      out.push_back(m);
      if (m.type == 'Z' || m.type == '\0') return out;
    }
  }

  std::vector<Message> Connect(const std::string& user = "tester") {
    SendStartup({{"user", user}, {"application_name", "unit"}});
    return ReadUntilReady();
  }

  std::vector<Message> Query(const std::string& sql) {
    Send('Q', sql + std::string(1, '\0'));
    return ReadUntilReady();
  }

  static void AppendLength(std::string& s, size_t v) {
    uint8_t b[4];
    StoreBE32(b, static_cast<uint32_t>(v));
    s.append(reinterpret_cast<const char*>(b), 4);
  }
  static std::string I16(int16_t v) {
    uint8_t b[2];
    StoreBE16(b, static_cast<uint16_t>(v));
    return std::string(reinterpret_cast<const char*>(b), 2);
  }
  static std::string I32(int32_t v) {
    std::string s;
    AppendLength(s, static_cast<size_t>(static_cast<uint32_t>(v)));
    return s;
  }
  static std::string Str(const std::string& s) { return s + std::string(1, '\0'); }

 private:
  asio::io_context io_;
  tcp::socket socket_;
};

class PgServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(PgServerOptions()); }

  void StartServer(PgServerOptions options) {
    if (server_) server_->Stop();
    options.listen_host = "127.0.0.1";
    options.listen_port = 0;
    server_ = std::make_unique<PgServer>(std::move(options), engine_);
    ASSERT_TRUE(server_->Start().ok());
  }

  SqlQueryEngine engine_{nullptr, nullptr};
  std::atomic<bool> done_{false};
  std::unique_ptr<PgServer> server_;
};

TEST_F(PgServerTest, StartupReportsParametersAndKey) {
  Client c(server_->bound_port());
  std::vector<Message> ms = c.Connect();
  ASSERT_GE(ms.size(), 3u);
  EXPECT_EQ(ms.front().type, 'R');  // AuthenticationOk (trust on loopback)
  EXPECT_EQ(ms.back().type, 'Z');
  EXPECT_EQ(ms.back().body, "I");
  std::map<std::string, std::string> params;
  bool key = false;
  for (const Message& m : ms) {
    if (m.type == 'S') {
      size_t nul = m.body.find('\0');
      params[m.body.substr(0, nul)] = m.body.substr(nul + 1, m.body.size() - nul - 2);
    }
    key |= m.type == 'K';
  }
  EXPECT_TRUE(key);
  EXPECT_EQ(params["server_version"], "15.0 (Oxbow)");
  EXPECT_EQ(params["client_encoding"], "UTF8");
  EXPECT_EQ(params["DateStyle"], "ISO, MDY");
  EXPECT_EQ(params["integer_datetimes"], "on");
  EXPECT_EQ(params["standard_conforming_strings"], "on");
  EXPECT_EQ(params["application_name"], "unit");
  EXPECT_EQ(params["session_authorization"], "tester");
}

TEST_F(PgServerTest, SslAndGssRequestsAreAnsweredN) {
  Client c(server_->bound_port());
  c.SendRaw(Client::I32(8) + Client::I32(80877103));
  EXPECT_EQ(c.ReadByte(), 'N');
  c.SendRaw(Client::I32(8) + Client::I32(80877104));
  EXPECT_EQ(c.ReadByte(), 'N');
  // The client goes on without encryption.
  std::vector<Message> ms = c.Connect();
  EXPECT_EQ(ms.back().type, 'Z');
}

TEST_F(PgServerTest, SimpleQueryWithSeveralStatements) {
  Client c(server_->bound_port());
  c.Connect();
  std::vector<Message> ms = c.Query("SELECT 1 AS one, 'a' || 'b'; SHOW application_name");
  ASSERT_EQ(Types(ms), "TDCTDCZ");
  EXPECT_EQ(Row(ms[1]), (std::vector<std::string>{"1", "ab"}));
  EXPECT_EQ(ms[2].body, Client::Str("SELECT 1"));
  EXPECT_EQ(Row(ms[4]), (std::vector<std::string>{"unit"}));
  EXPECT_EQ(ms[5].body, Client::Str("SHOW"));

  ms = c.Query("SET application_name = 'other'; SELECT current_setting('application_name')");
  // SET's ParameterStatus comes before its CommandComplete.
  ASSERT_EQ(Types(ms), "SCTDCZ");
  EXPECT_EQ(Row(ms[3]), (std::vector<std::string>{"other"}));
}

TEST_F(PgServerTest, ErrorStopsTheRestOfTheString) {
  Client c(server_->bound_port());
  c.Connect();
  std::vector<Message> ms = c.Query("SELECT 1; SELECT nope; SELECT 2");
  ASSERT_EQ(Types(ms), "TDCEZ");
  EXPECT_EQ(Field(ms[3], 'C'), "42703");
  EXPECT_EQ(Field(ms[3], 'M'), "column \"nope\" does not exist");
  EXPECT_EQ(Field(ms[3], 'P'), "18");
  EXPECT_EQ(Field(ms[3], 'S'), "ERROR");

  ms = c.Query("SELEC 1");
  ASSERT_EQ(Types(ms), "EZ");
  EXPECT_EQ(Field(ms[0], 'C'), "42601");
  EXPECT_EQ(Field(ms[0], 'P'), "1");

  ms = c.Query("SELECT 1/0");
  ASSERT_EQ(Types(ms), "TEZ");
  EXPECT_EQ(Field(ms[1], 'C'), "22012");

  ms = c.Query("SELECT * FROM t");
  ASSERT_EQ(Types(ms), "EZ");
  EXPECT_EQ(Field(ms[0], 'C'), "0A000");

  ms = c.Query("  ");
  EXPECT_EQ(Types(ms), "IZ");
}

TEST_F(PgServerTest, TransactionStatus) {
  Client c(server_->bound_port());
  c.Connect();
  std::vector<Message> ms = c.Query("BEGIN");
  EXPECT_EQ(ms.back().body, "T");
  ms = c.Query("SELECT 1/0");
  EXPECT_EQ(ms.back().body, "E");
  ms = c.Query("SELECT 1");
  ASSERT_EQ(Types(ms), "EZ");
  EXPECT_EQ(Field(ms[0], 'C'), "25P02");
  ms = c.Query("COMMIT");
  ASSERT_EQ(Types(ms), "CZ");
  EXPECT_EQ(ms[0].body, Client::Str("ROLLBACK"));
  EXPECT_EQ(ms.back().body, "I");
  ms = c.Query("BEGIN; SELECT 1; COMMIT");
  EXPECT_EQ(Types(ms), "CTDCCZ");
  EXPECT_EQ(ms.back().body, "I");
}

TEST_F(PgServerTest, ExtendedProtocol) {
  Client c(server_->bound_port());
  c.Connect();
  // Parse with an int4 parameter, describe, bind it in binary, execute, result in binary.
  c.Send('P', Client::Str("s1") + Client::Str("SELECT $1 + 1 AS n, $2::text AS t") +
                  Client::I16(1) + Client::I32(23));
  c.Send('D', "S" + Client::Str("s1"));
  c.Send('S', "");
  std::vector<Message> ms = c.ReadUntilReady();
  ASSERT_EQ(Types(ms), "1tTZ");
  EXPECT_EQ(ms[1].body, Client::I16(2) + Client::I32(23) + Client::I32(25));

  c.Send('B', Client::Str("") + Client::Str("s1") + Client::I16(2) + Client::I16(1) +
                  Client::I16(0) + Client::I16(2) + Client::I32(4) + Client::I32(41) +
                  Client::I32(2) + "hi" + Client::I16(1) + Client::I16(1));
  c.Send('E', Client::Str("") + Client::I32(0));
  c.Send('S', "");
  ms = c.ReadUntilReady();
  ASSERT_EQ(Types(ms), "2DCZ");
  std::vector<std::string> row = Row(ms[1]);
  EXPECT_EQ(row[0], Client::I32(42));
  EXPECT_EQ(row[1], "hi");

  // Unknown-typed parameters act as literals: '41' + 1.
  c.Send('P', Client::Str("") + Client::Str("SELECT $1 + 1") + Client::I16(0));
  c.Send('B', Client::Str("") + Client::Str("") + Client::I16(0) + Client::I16(1) + Client::I32(2) +
                  "41" + Client::I16(0));
  c.Send('D', "P" + Client::Str(""));
  c.Send('E', Client::Str("") + Client::I32(0));
  c.Send('S', "");
  ms = c.ReadUntilReady();
  ASSERT_EQ(Types(ms), "12TDCZ");
  EXPECT_EQ(Row(ms[3]), (std::vector<std::string>{"42"}));
}

TEST_F(PgServerTest, ExtendedErrorSkipsToSync) {
  Client c(server_->bound_port());
  c.Connect();
  c.Send('P', Client::Str("") + Client::Str("SELECT nope") + Client::I16(0));
  c.Send('B', Client::Str("") + Client::Str("") + Client::I16(0) + Client::I16(0) + Client::I16(0));
  c.Send('E', Client::Str("") + Client::I32(0));
  c.Send('S', "");
  std::vector<Message> ms = c.ReadUntilReady();
  ASSERT_EQ(Types(ms), "EZ");
  EXPECT_EQ(Field(ms[0], 'C'), "42703");
  // Recovered: the next pipeline works; unknown statement names are 26000.
  c.Send('B', Client::Str("") + Client::Str("missing") + Client::I16(0) + Client::I16(0) +
                  Client::I16(0));
  c.Send('S', "");
  ms = c.ReadUntilReady();
  ASSERT_EQ(Types(ms), "EZ");
  EXPECT_EQ(Field(ms[0], 'C'), "26000");
  EXPECT_EQ(Types(c.Query("SELECT 1")), "TDCZ");
}

TEST_F(PgServerTest, RowLimitSuspendsThePortal) {
  Client c(server_->bound_port());
  c.Connect();
  c.Send('P', Client::Str("") + Client::Str("SHOW ALL") + Client::I16(0));
  c.Send('B',
         Client::Str("p") + Client::Str("") + Client::I16(0) + Client::I16(0) + Client::I16(0));
  c.Send('E', Client::Str("p") + Client::I32(2));
  c.Send('H', "");
  std::vector<Message> ms;
  for (int i = 0; i < 4; ++i) ms.push_back(c.Read());
  EXPECT_EQ(Types(ms), "12DD");
  EXPECT_EQ(c.Read().type, 's');  // PortalSuspended
  c.Send('E', Client::Str("p") + Client::I32(0));
  c.Send('C', "P" + Client::Str("p"));
  c.Send('S', "");
  ms = c.ReadUntilReady();
  ASSERT_GE(ms.size(), 4u);
  EXPECT_EQ(ms[ms.size() - 3].type, 'C');
  EXPECT_TRUE(ms[ms.size() - 3].body.starts_with("SHOW"));
  EXPECT_EQ(ms[ms.size() - 2].type, '3');  // CloseComplete
}

TEST_F(PgServerTest, CancelRequestStopsTheRunningStatement) {
  Client c(server_->bound_port());
  std::vector<Message> ms = c.Connect();
  std::string key;
  for (const Message& m : ms) {
    if (m.type == 'K') key = m.body;
  }
  ASSERT_EQ(key.size(), 8u);
  auto start = std::chrono::steady_clock::now();
  c.Send('Q', Client::Str("SELECT pg_sleep(30)"));
  // The statement is running once the server has read it; cancel until it stops (a cancel
  // arriving before it starts is dropped, as in PostgreSQL).
  std::thread canceller([&] {
    for (int i = 0; i < 200 && server_->connection_count() > 0; ++i) {
      Client other(server_->bound_port());
      other.SendRaw(Client::I32(16) + Client::I32(80877102) + key);
      // The server closes the cancel connection without answering.
      EXPECT_EQ(other.Read().type, '\0');
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (done_.load()) break;
    }
  });
  ms = c.ReadUntilReady();
  done_.store(true);
  canceller.join();
  ASSERT_EQ(Types(ms), "TEZ");
  EXPECT_EQ(Field(ms[1], 'C'), "57014");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_EQ(Types(c.Query("SELECT 1")), "TDCZ");
}

TEST_F(PgServerTest, BadFramingIsFatal) {
  {
    Client c(server_->bound_port());
    c.Connect();
    c.SendRaw(std::string("Q") + Client::I32(3));
    Message m = c.Read();
    EXPECT_EQ(m.type, 'E');
    EXPECT_EQ(Field(m, 'S'), "FATAL");
    EXPECT_EQ(Field(m, 'C'), "08P01");
    EXPECT_EQ(c.Read().type, '\0');  // closed
  }
  {
    Client c(server_->bound_port());
    c.Connect();
    c.SendRaw(std::string("Q") + Client::I32(0x7fffffff));
    Message m = c.Read();
    EXPECT_EQ(Field(m, 'C'), "08P01");
    EXPECT_EQ(c.Read().type, '\0');
  }
  {
    Client c(server_->bound_port());
    c.SendRaw(Client::I32(1 << 20) + Client::I32(196608));  // startup packet too long
    Message m = c.Read();
    EXPECT_EQ(Field(m, 'C'), "08P01");
  }
  {
    Client c(server_->bound_port());
    c.Connect();
    c.Send('Z', "");  // a backend message type
    EXPECT_EQ(Field(c.Read(), 'C'), "08P01");
  }
  // The server still serves others.
  Client c(server_->bound_port());
  c.Connect();
  EXPECT_EQ(Types(c.Query("SELECT 1")), "TDCZ");
}

TEST_F(PgServerTest, CleartextPassword) {
  PgServerOptions options;
  options.auth.local = AuthMethod::kPassword;
  options.auth.users = *UserTable::Parse("alice:secret");
  StartServer(std::move(options));
  {
    Client c(server_->bound_port());
    c.SendStartup({{"user", "alice"}});
    Message m = c.Read();
    ASSERT_EQ(m.type, 'R');
    EXPECT_EQ(m.body, Client::I32(3));
    c.Send('p', Client::Str("secret"));
    std::vector<Message> ms = c.ReadUntilReady();
    EXPECT_EQ(ms.front().body, Client::I32(0));
    EXPECT_EQ(ms.back().type, 'Z');
  }
  {
    Client c(server_->bound_port());
    c.SendStartup({{"user", "alice"}});
    c.Read();
    c.Send('p', Client::Str("wrong"));
    Message m = c.Read();
    EXPECT_EQ(Field(m, 'S'), "FATAL");
    EXPECT_EQ(Field(m, 'C'), "28P01");
    EXPECT_EQ(Field(m, 'M'), "password authentication failed for user \"alice\"");
  }
}

}  // namespace
}  // namespace oxbow::pgwire
