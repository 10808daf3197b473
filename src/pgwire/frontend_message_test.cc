#include "pgwire/frontend_message.h"

#include <gtest/gtest.h>

#include "pgwire/backend_message.h"
#include "sql/sql_error.h"

namespace oxbow::pgwire {
namespace {

// Builds a message body.
class Body {
 public:
  Body& I16(int16_t v) {
    s_.push_back(static_cast<char>((v >> 8) & 0xff));
    s_.push_back(static_cast<char>(v & 0xff));
    return *this;
  }
  Body& I32(int32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
      s_.push_back(static_cast<char>((v >> shift) & 0xff));
    return *this;
  }
  Body& Str(std::string_view v) {
    s_.append(v);
    s_.push_back('\0');
    return *this;
  }
  Body& Raw(std::string_view v) {
    s_.append(v);
    return *this;
  }
  ByteView view() const { return AsBytes(s_); }
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

TEST(FrontendMessageTest, StartupPacket) {
  Body b;
  b.I32(kProtocolV3).Str("user").Str("alice").Str("database").Str("db").Str("");
  Result<StartupPacket> p = DecodeStartupPacket(b.view());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->kind, StartupPacket::Kind::kStartup);
  ASSERT_EQ(p->parameters.size(), 2u);
  EXPECT_EQ(p->parameters[0], std::make_pair(std::string("user"), std::string("alice")));
  EXPECT_EQ(p->parameters[1].second, "db");
}

TEST(FrontendMessageTest, SpecialStartupCodes) {
  EXPECT_EQ(DecodeStartupPacket(Body().I32(kSslRequestCode).view())->kind,
            StartupPacket::Kind::kSslRequest);
  EXPECT_EQ(DecodeStartupPacket(Body().I32(kGssEncRequestCode).view())->kind,
            StartupPacket::Kind::kGssEncRequest);
  Result<StartupPacket> cancel =
      DecodeStartupPacket(Body().I32(kCancelRequestCode).I32(42).I32(-7).view());
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->kind, StartupPacket::Kind::kCancel);
  EXPECT_EQ(cancel->process_id, 42);
  EXPECT_EQ(cancel->secret_key, -7);
}

TEST(FrontendMessageTest, BadStartupPackets) {
  // Protocol 2.0.
  EXPECT_EQ(sql::SqlStateOf(DecodeStartupPacket(Body().I32(2 << 16).Str("").view()).status()),
            "0A000");
  // Unterminated parameter list, trailing bytes after a cancel, a truncated code.
  EXPECT_EQ(sql::SqlStateOf(
                DecodeStartupPacket(Body().I32(kProtocolV3).Str("user").Raw("x").view()).status()),
            "08P01");
  EXPECT_EQ(sql::SqlStateOf(
                DecodeStartupPacket(Body().I32(kCancelRequestCode).I32(1).I32(2).Raw("x").view())
                    .status()),
            "08P01");
  EXPECT_EQ(sql::SqlStateOf(DecodeStartupPacket(Body().Raw("\x00\x03").view()).status()), "08P01");
}

TEST(FrontendMessageTest, ParseBindDescribeExecuteClose) {
  Result<FrontendMessage> parse =
      DecodeFrontendMessage('P', Body().Str("s1").Str("SELECT $1").I16(1).I32(23).view());
  ASSERT_TRUE(parse.ok()) << parse.status();
  const auto& p = std::get<ParseMessage>(*parse);
  EXPECT_EQ(p.name, "s1");
  EXPECT_EQ(p.sql, "SELECT $1");
  EXPECT_EQ(p.param_types, std::vector<uint32_t>{23});

  Result<FrontendMessage> bind = DecodeFrontendMessage(
      'B', Body().Str("").Str("s1").I16(1).I16(1).I16(2).I32(4).Raw("abcd").I32(-1).I16(0).view());
  ASSERT_TRUE(bind.ok()) << bind.status();
  const auto& b = std::get<BindMessage>(*bind);
  EXPECT_EQ(b.statement, "s1");
  EXPECT_EQ(b.param_formats, std::vector<int16_t>{1});
  ASSERT_EQ(b.params.size(), 2u);
  EXPECT_EQ(*b.params[0], "abcd");
  EXPECT_FALSE(b.params[1].has_value());

  EXPECT_EQ(std::get<DescribeMessage>(*DecodeFrontendMessage('D', Body().Raw("P").Str("p").view()))
                .target,
            'P');
  EXPECT_EQ(
      std::get<ExecuteMessage>(*DecodeFrontendMessage('E', Body().Str("").I32(10).view())).max_rows,
      10);
  EXPECT_EQ(
      std::get<CloseMessage>(*DecodeFrontendMessage('C', Body().Raw("S").Str("x").view())).name,
      "x");
  EXPECT_TRUE(std::holds_alternative<SyncMessage>(*DecodeFrontendMessage('S', {})));
}

TEST(FrontendMessageTest, MalformedMessagesAre08P01) {
  auto state = [](char type, const Body& b) {
    return sql::SqlStateOf(DecodeFrontendMessage(type, b.view()).status());
  };
  EXPECT_EQ(state('Q', Body().Raw("SELECT 1")), "08P01");                    // no terminator
  EXPECT_EQ(state('Q', Body().Str("SELECT 1").Raw("x")), "08P01");           // trailing bytes
  EXPECT_EQ(state('S', Body().Raw("x")), "08P01");                           // Sync with a body
  EXPECT_EQ(state('P', Body().Str("").Str("x").I16(1000).I32(1)), "08P01");  // count too large
  EXPECT_EQ(state('P', Body().Str("").Str("x").I16(-1)), "08P01");           // negative count
  EXPECT_EQ(state('B', Body().Str("").Str("").I16(0).I16(1).I32(100).Raw("ab").I16(0)),
            "08P01");  // value beyond the end
  EXPECT_EQ(state('B', Body().Str("").Str("").I16(0).I16(1).I32(-2).I16(0)), "08P01");
  EXPECT_EQ(state('B', Body().Str("").Str("").I16(1).I16(7).I16(0).I16(0)), "08P01");  // format 7
  EXPECT_EQ(state('D', Body().Raw("X").Str("")), "08P01");
  EXPECT_EQ(state('E', Body().Str("")), "08P01");
  EXPECT_EQ(state('d', Body()), "08P01");  // CopyData: not accepted
  EXPECT_EQ(state('\x01', Body()), "08P01");
}

TEST(FrontendMessageTest, AuthResponses) {
  AuthResponseMessage password{Body().Str("secret").str()};
  EXPECT_EQ(*DecodePassword(password), "secret");
  AuthResponseMessage sasl{Body().Str("SCRAM-SHA-256").I32(3).Raw("abc").str()};
  Result<SaslInitialResponse> s = DecodeSaslInitial(sasl);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->mechanism, "SCRAM-SHA-256");
  EXPECT_EQ(s->data, "abc");
  EXPECT_FALSE(
      DecodeSaslInitial(AuthResponseMessage{Body().Str("M").I32(9).Raw("abc").str()}).ok());
}

TEST(BackendMessageTest, FramingAndErrorFields) {
  std::string out;
  AppendReadyForQuery(out, 'I');
  EXPECT_EQ(out, std::string("Z\0\0\0\5I", 6));
  out.clear();
  Notice n;
  n.sqlstate = "42601";
  n.message = "syntax error";
  n.position = 8;
  AppendErrorResponse(out, n);
  EXPECT_EQ(out[0], 'E');
  EXPECT_NE(out.find(std::string("C42601\0", 7)), std::string::npos);
  EXPECT_NE(out.find(std::string("P8\0", 3)), std::string::npos);
  EXPECT_EQ(out.back(), '\0');
  uint32_t len = LoadBE32(reinterpret_cast<const uint8_t*>(out.data() + 1));
  EXPECT_EQ(len + 1, out.size());
}

}  // namespace
}  // namespace oxbow::pgwire
