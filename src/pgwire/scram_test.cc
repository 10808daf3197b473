#include "pgwire/scram.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"

namespace oxbow::pgwire {
namespace {

// RFC 7677 section 3: user "user", password "pencil".
constexpr char kClientFirst[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr char kServerNonce[] = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr char kServerFirst[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr char kClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr char kServerFinal[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramVerifier PencilVerifier() {
  return ScramVerifier::FromPassword("pencil", *Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
}

TEST(ScramTest, Rfc7677Example) {
  ScramExchange exchange(PencilVerifier(), kServerNonce);
  Result<std::string> first = exchange.ClientFirst(kClientFirst);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, kServerFirst);
  Result<std::string> final_message = exchange.ClientFinal(kClientFinal);
  ASSERT_TRUE(final_message.ok()) << final_message.status();
  EXPECT_EQ(*final_message, kServerFinal);
}

TEST(ScramTest, WrongPasswordIs28P01) {
  ScramExchange exchange(
      ScramVerifier::FromPassword("not pencil", *Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096),
      kServerNonce);
  ASSERT_TRUE(exchange.ClientFirst(kClientFirst).ok());
  Result<std::string> final_message = exchange.ClientFinal(kClientFinal);
  EXPECT_EQ(sql::SqlStateOf(final_message.status()), "28P01");
}

TEST(ScramTest, UnknownUserFailsOnlyAtTheEnd) {
  ScramExchange exchange(std::nullopt, kServerNonce);
  Result<std::string> first = exchange.ClientFirst(kClientFirst);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->starts_with("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s="));
  EXPECT_EQ(sql::SqlStateOf(exchange.ClientFinal(kClientFinal).status()), "28P01");
}

TEST(ScramTest, MalformedMessagesAre08P01) {
  for (const char* bad : {"", "x,,n=user,r=abc", "n,,r=abc", "n,,n=user", "n,,n=user,r="}) {
    ScramExchange exchange(PencilVerifier(), kServerNonce);
    EXPECT_EQ(sql::SqlStateOf(exchange.ClientFirst(bad).status()), "08P01") << bad;
  }
  ScramExchange exchange(PencilVerifier(), kServerNonce);
  EXPECT_EQ(sql::SqlStateOf(exchange.ClientFirst("p=tls-server-end-point,,n=,r=abc").status()),
            "08P01");
  ASSERT_TRUE(exchange.ClientFirst(kClientFirst).ok());
  // Another nonce, no proof, a short proof.
  EXPECT_EQ(sql::SqlStateOf(exchange.ClientFinal("c=biws,r=other,p=AAAA").status()), "08P01");
  EXPECT_EQ(sql::SqlStateOf(exchange.ClientFinal("c=biws,r=x").status()), "08P01");
}

TEST(ScramTest, VerifierRoundTripAndMatches) {
  ScramVerifier v = PencilVerifier();
  std::string text = v.ToString();
  EXPECT_TRUE(text.starts_with("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$")) << text;
  Result<ScramVerifier> parsed = ScramVerifier::Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->stored_key, v.stored_key);
  EXPECT_EQ(parsed->server_key, v.server_key);
  EXPECT_TRUE(parsed->Matches("pencil"));
  EXPECT_FALSE(parsed->Matches("pencil2"));
  for (const char* bad : {"md5abc", "SCRAM-SHA-256$4096:c2FsdA==", "SCRAM-SHA-256$x:c2FsdA==$a:b",
                          "SCRAM-SHA-256$4096:c2FsdA==$AAAA:AAAA"}) {
    EXPECT_FALSE(ScramVerifier::Parse(bad).ok()) << bad;
  }
}

TEST(ScramTest, Base64) {
  EXPECT_EQ(Base64Encode("n,,"), "biws");
  EXPECT_EQ(*Base64Decode("biws"), "n,,");
  EXPECT_EQ(*Base64Decode("YQ=="), "a");
  EXPECT_EQ(*Base64Decode("YWI="), "ab");
  EXPECT_FALSE(Base64Decode("abc").ok());
  EXPECT_FALSE(Base64Decode("ab!c").ok());
}

}  // namespace
}  // namespace oxbow::pgwire
