#include "pgwire/session_settings.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"

namespace oxbow::pgwire {
namespace {

TEST(SessionSettingsTest, DefaultsAndStartupParameters) {
  Result<SessionSettings> s = SessionSettings::Create(
      "alice", "db",
      {{"application_name", "psql"}, {"client_encoding", "unicode"}, {"replication", "false"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(*s->Get("server_version"), "15.0 (Oxbow)");
  EXPECT_EQ(*s->Get("application_name"), "psql");
  EXPECT_EQ(*s->Get("CLIENT_ENCODING"), "UTF8");
  EXPECT_EQ(*s->Get("session_authorization"), "alice");
  EXPECT_EQ(s->DisplayName("datestyle"), "DateStyle");
  std::vector<std::pair<std::string, std::string>> reported = s->Reported();
  EXPECT_NE(std::find(reported.begin(), reported.end(),
                      std::make_pair(std::string("TimeZone"), std::string("UTC"))),
            reported.end());
  EXPECT_TRUE(s->TakeChanged().empty());
}

TEST(SessionSettingsTest, SetShowReset) {
  SessionSettings s = *SessionSettings::Create("u", "d", {{"application_name", "start"}});
  ASSERT_TRUE(s.Set("application_name", {"mine"}).ok());
  ASSERT_TRUE(s.Set("extra_float_digits", {"3"}).ok());
  ASSERT_TRUE(s.Set("search_path", {"public", "other"}).ok());
  EXPECT_EQ(*s.Get("application_name"), "mine");
  EXPECT_EQ(*s.Get("search_path"), "public, other");
  // Only reported parameters come back as ParameterStatus.
  EXPECT_EQ(s.TakeChanged(),
            (std::vector<std::pair<std::string, std::string>>{{"application_name", "mine"}}));
  ASSERT_TRUE(s.Reset("application_name").ok());
  EXPECT_EQ(*s.Get("application_name"), "start");  // the startup value, as PostgreSQL
  ASSERT_TRUE(s.Reset("").ok());
  EXPECT_EQ(*s.Get("extra_float_digits"), "1");
  ASSERT_TRUE(s.Set("DateStyle", {"ISO", "DMY"}).ok());
  EXPECT_EQ(*s.Get("datestyle"), "ISO, DMY");
  ASSERT_TRUE(s.Set("timezone", {"Etc/UTC"}).ok());
  ASSERT_TRUE(s.Set("myapp.flag", {"on"}).ok());
  EXPECT_EQ(*s.Get("myapp.flag"), "on");
}

TEST(SessionSettingsTest, Errors) {
  SessionSettings s = *SessionSettings::Create("u", "d", {});
  EXPECT_EQ(sql::SqlStateOf(s.Set("no_such_thing", {"1"})), "42704");
  EXPECT_EQ(sql::SqlStateOf(s.Get("no_such_thing").status()), "42704");
  EXPECT_EQ(sql::SqlStateOf(s.Set("client_encoding", {"LATIN1"})), "22023");
  EXPECT_EQ(sql::SqlStateOf(s.Set("DateStyle", {"German"})), "22023");
  EXPECT_EQ(sql::SqlStateOf(s.Set("TimeZone", {"Europe/Paris"})), "22023");
  EXPECT_EQ(sql::SqlStateOf(s.Set("extra_float_digits", {"9"})), "22023");
  EXPECT_EQ(sql::SqlStateOf(s.Set("server_version", {"16"})), "55P02");
  EXPECT_FALSE(SessionSettings::Create("u", "d", {{"client_encoding", "LATIN1"}}).ok());
}

}  // namespace
}  // namespace oxbow::pgwire
