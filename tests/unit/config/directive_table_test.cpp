#include "config/directive_table.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "opentracker/config/config_parser.hpp"

namespace ot::config::internal {
namespace {

TEST(DirectiveTable, ExactlyTheDocumentedKeywords) {
  std::set<std::string> keywords;
  for (const Directive& d : Directives()) {
    EXPECT_TRUE(keywords.insert(std::string(d.keyword)).second) << "duplicate " << d.keyword;
    EXPECT_NE(d.apply, nullptr) << d.keyword;
  }
  const std::set<std::string> want = {
      "listen.tcp_udp",
      "listen.tcp",
      "listen.udp",
      "listen.udp.workers",
      "tracker.rootdir",
      "tracker.user",
      "tracker.redirect_url",
      "access.whitelist",
      "access.blacklist",
      "access.fifo_add",
      "access.fifo_delete",
      "access.stats",
      "access.stats_path",
      "access.proxy",
      "livesync.cluster.node_ip",
      "livesync.cluster.listen",
      "tracker.statefile",
      "tracker.ip_from_query",
      "tracker.fullscrape",
      "tracker.modest_fullscrapes",
      "tracker.syslog",
      "tracker.woodpeckers",
      "tracker.log_numwant",
      "tracker.fulllog",
      "udp.connection_id_lifetime",
      "tracker.max_torrents",
      "tracker.max_peers",
  };
  EXPECT_EQ(keywords, want);
  EXPECT_EQ(keywords.count("batchsync.cluster.admin_ip"), 0u);  // upstream never parsed it
}

TEST(DirectiveTable, FindDirective) {
  for (const Directive& d : Directives()) EXPECT_EQ(FindDirective(d.keyword), &d);
  EXPECT_EQ(FindDirective(""), nullptr);
  EXPECT_EQ(FindDirective("listen"), nullptr);
  EXPECT_EQ(FindDirective("listen.tcp_"), nullptr);
  EXPECT_EQ(FindDirective("LISTEN.TCP"), nullptr);
  EXPECT_EQ(FindDirective("listen.tcp "), nullptr);
}

// A value that each directive accepts, and a second one for repeat tests.
std::pair<std::string, std::string> GoodValues(std::string_view keyword) {
  if (keyword.starts_with("listen.udp.workers")) return {"2", "3"};
  if (keyword.starts_with("listen.")) return {"10.0.0.1:1", "10.0.0.2:2"};
  if (keyword == "access.stats" || keyword == "access.proxy" || keyword == "livesync.cluster.node_ip") {
    return {"10.0.0.0/8", "::1"};
  }
  if (keyword == "livesync.cluster.listen") return {"10.0.0.1:9696", "10.0.0.2:9696"};
  if (keyword == "udp.connection_id_lifetime") return {"600", "900"};
  if (keyword.starts_with("tracker.max_")) return {"10", "20"};
  if (keyword == "tracker.fullscrape") return {"off", "on"};
  if (keyword == "tracker.ip_from_query" || keyword == "tracker.modest_fullscrapes" ||
      keyword == "tracker.syslog" || keyword == "tracker.woodpeckers" || keyword == "tracker.log_numwant" ||
      keyword == "tracker.fulllog") {
    return {"on", "off"};
  }
  return {"first", "second"};  // string values
}

TEST(DirectiveTable, EveryDirectiveChangesTheConfigAndRepeatsAsDeclared) {
  for (const Directive& d : Directives()) {
    SCOPED_TRACE(std::string(d.keyword));
    const auto [one, two] = GoodValues(d.keyword);
    Config once;
    ASSERT_TRUE(d.apply(one, once).ok);
    EXPECT_NE(once, Config{});

    Config only_second;
    ASSERT_TRUE(d.apply(two, only_second).ok);

    Config twice = once;
    const ApplyResult again = d.apply(two, twice);
    switch (d.repeat) {
      case Repeat::kLastWins:
        EXPECT_TRUE(again.ok);
        EXPECT_EQ(twice, only_second);
        break;
      case Repeat::kAccumulates:
        EXPECT_TRUE(again.ok);
        EXPECT_NE(twice, once);
        EXPECT_NE(twice, only_second);
        break;
      case Repeat::kOnce:
        EXPECT_FALSE(again.ok);
        EXPECT_FALSE(again.message.empty());
        EXPECT_EQ(twice, once);
        break;
    }
  }
}

TEST(DirectiveTable, FailedValuesLeaveTheConfigAlone) {
  for (const Directive& d : Directives()) {
    SCOPED_TRACE(std::string(d.keyword));
    Config config;
    const ApplyResult result = d.apply("\x01junk value", config);
    const bool is_string = GoodValues(d.keyword).first == "first";
    if (is_string) {
      EXPECT_TRUE(result.ok);  // a string takes anything
      continue;
    }
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(result.message.empty());  // reported as "Parse error in config file: <line>"
    EXPECT_EQ(config, Config{});
  }
}

}  // namespace
}  // namespace ot::config::internal
