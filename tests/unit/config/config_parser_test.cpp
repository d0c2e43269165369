#include "opentracker/config/config_parser.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "opentracker/config/config.hpp"
#include "opentracker/proto/ip_text.hpp"

namespace ot::config {
namespace {

using Severity = Diagnostic::Severity;

struct Applied {
  Config config;
  std::vector<Diagnostic> diagnostics;
};

Applied Apply(std::string_view text, Config start = {}) {
  Applied out{std::move(start), {}};
  ApplyConfigText(text, "test.conf", out.config, out.diagnostics);
  return out;
}

Diagnostic Make(Severity severity, int line, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.source = "test.conf";
  d.line = line;
  d.message = std::move(message);
  return d;
}

IpAddress Ip(std::string_view text) {
  const std::optional<IpAddress> ip = proto::ParseIpAddress(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(IpAddress{});
}

NetMask Net(std::string_view text) {
  const std::optional<NetMask> net = proto::ParseNetMask(text);
  EXPECT_TRUE(net.has_value()) << text;
  return net.value_or(NetMask{});
}

Listener L(SocketKind kind, std::string_view ip, std::uint16_t port, std::uint32_t workers = 0) {
  Listener l;
  l.kind = kind;
  l.address = proto::ListenAddress{Ip(ip), port};
  l.udp_workers = workers;
  return l;
}

std::string ReadTestFile(const std::string& relative) {
  std::ifstream in(std::string(OT_TEST_DATA_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A single bad line must leave everything as it was.
void ExpectParseError(std::string_view line) {
  const Applied a = Apply(line);
  ASSERT_EQ(a.diagnostics.size(), 1u) << line;
  EXPECT_EQ(a.diagnostics[0], Make(Severity::kError, 1, "Parse error in config file: " + std::string(line)));
  EXPECT_EQ(a.config, Config{}) << line;
}

// ---------------------------------------------------------------- line handling

TEST(ApplyConfigText, EmptyCommentsAndBlankLinesChangeNothing) {
  for (std::string_view text : {"", "\n", "\n\n\n", "# comment\n", "   # indented comment\n", "\t#\n",
                                "#listen.tcp 1.2.3.4\n", " \t \r\n", "\r\n", "#", "    "}) {
    const Applied a = Apply(text);
    EXPECT_TRUE(a.diagnostics.empty()) << text;
    EXPECT_EQ(a.config, Config{}) << text;
  }
}

TEST(ApplyConfigText, IndentationAndTrailingBlanksAreIgnored) {
  const Applied a = Apply("   tracker.user   alice  \t\r\n\ttracker.rootdir\t/srv/ot \n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.user, "alice");
  EXPECT_EQ(a.config.rootdir, "/srv/ot");
}

TEST(ApplyConfigText, StringValuesKeepInnerBlanks) {
  const Applied a = Apply("tracker.redirect_url  https://x.invalid/a b  \n");
  EXPECT_EQ(a.config.redirect_url, "https://x.invalid/a b");
}

TEST(ApplyConfigText, LastLineWithoutNewlineIsRead) {
  const Applied a = Apply("tracker.user a\ntracker.user b");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.user, "b");
}

TEST(ApplyConfigText, LineNumbersCountEveryLine) {
  const Applied a = Apply("# one\n\nbogus 1\n   # four\nalso.bogus 2\n");
  ASSERT_EQ(a.diagnostics.size(), 2u);
  EXPECT_EQ(a.diagnostics[0].line, 3);
  EXPECT_EQ(a.diagnostics[1].line, 5);
  EXPECT_EQ(a.diagnostics[0].source, "test.conf");
}

TEST(ApplyConfigText, UnknownLinesWarnWithUpstreamText) {
  const Applied a = Apply("bogus.option 1\n");
  ASSERT_EQ(a.diagnostics.size(), 1u);
  EXPECT_EQ(a.diagnostics[0], Make(Severity::kWarning, 1, "Unhandled line in config file: bogus.option 1"));
  EXPECT_EQ(a.config, Config{});
}

TEST(ApplyConfigText, UnknownLineTextKeepsLeadingBlanksAsUpstreamPrintsIt) {
  const Applied a = Apply("  bogus.option 1   \n");
  ASSERT_EQ(a.diagnostics.size(), 1u);
  EXPECT_EQ(a.diagnostics[0].message, "Unhandled line in config file:   bogus.option 1");
}

TEST(ApplyConfigText, KeywordsAreExactAndNeedABlankAndAValue) {
  for (std::string_view line : {
           "tracker.user",       // no value at all
           "tracker.user   ",    // blanks only
           "tracker.user=bob",   // no blank
           "tracker.userx bob",  // longer keyword
           "tracker.use bob",    // shorter keyword
           "Tracker.user bob",   // case-sensitive
           "TRACKER.USER bob", "listen.udp.worker 4", "listen.tcp_udpx 1.2.3.4",
           "batchsync.cluster.admin_ip 10.1.1.1",  // in upstream's sample, never parsed
       }) {
    const Applied a = Apply(line);
    ASSERT_EQ(a.diagnostics.size(), 1u) << line;
    EXPECT_EQ(a.diagnostics[0].severity, Severity::kWarning) << line;
    EXPECT_EQ(a.diagnostics[0].message.rfind("Unhandled line in config file: ", 0), 0u) << line;
    EXPECT_EQ(a.config, Config{}) << line;
  }
}

TEST(ApplyConfigText, AnyBlankSeparatesTheKeyword) {
  for (std::string_view text :
       {"tracker.user\tbob", "tracker.user\vbob", "tracker.user\fbob", "tracker.user \t bob"}) {
    const Applied a = Apply(text);
    EXPECT_TRUE(a.diagnostics.empty()) << text;
    EXPECT_EQ(a.config.user, "bob") << text;
  }
}

TEST(ApplyConfigText, LinesUpTo511CharactersAreFine) {
  const std::string value(511 - std::string_view("tracker.redirect_url ").size(), 'u');
  const std::string line = "tracker.redirect_url " + value;
  ASSERT_EQ(line.size(), 511u);
  const Applied a = Apply(line + "\n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.redirect_url, value);
}

TEST(ApplyConfigText, LongerLinesAreAnErrorNotSplit) {
  const std::string line = "tracker.redirect_url " + std::string(491, 'u');
  ASSERT_EQ(line.size(), 512u);
  const Applied a = Apply("tracker.user bob\n" + line + "\ntracker.rootdir /x\n");
  ASSERT_EQ(a.diagnostics.size(), 1u);
  EXPECT_EQ(a.diagnostics[0],
            Make(Severity::kError, 2, "Line too long in config file: more than 511 characters"));
  EXPECT_EQ(a.config.redirect_url, "");
  EXPECT_EQ(a.config.user, "bob");  // the lines around it still count
  EXPECT_EQ(a.config.rootdir, "/x");
  // Comments too: upstream would have parsed the rest of the line as a directive.
  const Applied comment = Apply("#" + std::string(600, ' ') + "listen.tcp 1.2.3.4\n");
  ASSERT_EQ(comment.diagnostics.size(), 1u);
  EXPECT_EQ(comment.diagnostics[0].severity, Severity::kError);
  EXPECT_TRUE(comment.config.listeners.empty());
}

TEST(ApplyConfigText, AppliesOnTopOfTheGivenConfig) {
  Config start;
  start.user = "from-cli";
  start.rootdir = "/cli";
  const Applied a = Apply("tracker.rootdir /file\n", start);
  EXPECT_EQ(a.config.user, "from-cli");
  EXPECT_EQ(a.config.rootdir, "/file");
}

// ---------------------------------------------------------------- each directive

TEST(Directive, ListenTcpUdpAddsTcpThenUdp) {
  const Applied a =
      Apply("listen.tcp_udp 0.0.0.0\nlisten.tcp_udp 192.168.0.1:80\nlisten.tcp_udp [::1]:6970\n");
  EXPECT_TRUE(a.diagnostics.empty());
  const std::vector<Listener> want = {
      L(SocketKind::kTcp, "0.0.0.0", 6969),   L(SocketKind::kUdp, "0.0.0.0", 6969),
      L(SocketKind::kTcp, "192.168.0.1", 80), L(SocketKind::kUdp, "192.168.0.1", 80),
      L(SocketKind::kTcp, "::1", 6970),       L(SocketKind::kUdp, "::1", 6970),
  };
  EXPECT_EQ(a.config.listeners, want);
}

TEST(Directive, ListenTcpAndUdp) {
  const Applied a = Apply("listen.tcp 0.0.0.0\nlisten.udp 192.168.0.1:6969\nlisten.udp ::1.7000\n");
  EXPECT_TRUE(a.diagnostics.empty());
  const std::vector<Listener> want = {
      L(SocketKind::kTcp, "0.0.0.0", 6969),
      L(SocketKind::kUdp, "192.168.0.1", 6969),
      L(SocketKind::kUdp, "::1", 7000),
  };
  EXPECT_EQ(a.config.listeners, want);
}

TEST(Directive, ListenBadValues) {
  for (std::string_view line : {
           "listen.tcp notanaddress",
           "listen.tcp_udp 127.0.0.1:70000",
           "listen.udp 127.0.0.1:65536",
           "listen.tcp 127.0.0.1.80",
           "listen.tcp ::1:80:",
           "listen.tcp [::1",
           "listen.tcp_udp 127.0.0.1:80 x",
           "listen.udp 127.0.0.1:",
           "listen.tcp localhost",
       }) {
    ExpectParseError(line);
  }
}

TEST(Directive, UdpWorkersApplyToLaterUdpListenersOnly) {
  const Applied a = Apply(
      "listen.udp 10.0.0.1\n"
      "listen.udp.workers 4\n"
      "listen.tcp_udp 10.0.0.2\n"
      "listen.udp 10.0.0.3\n"
      "listen.udp.workers 0\n"
      "listen.udp 10.0.0.4\n");
  EXPECT_TRUE(a.diagnostics.empty());
  const std::vector<Listener> want = {
      L(SocketKind::kUdp, "10.0.0.1", 6969, 0), L(SocketKind::kTcp, "10.0.0.2", 6969, 0),
      L(SocketKind::kUdp, "10.0.0.2", 6969, 4), L(SocketKind::kUdp, "10.0.0.3", 6969, 4),
      L(SocketKind::kUdp, "10.0.0.4", 6969, 0),
  };
  EXPECT_EQ(a.config.listeners, want);
  EXPECT_EQ(a.config.udp_workers, 0u);
}

TEST(Directive, UdpWorkersCarryOverToLaterFiles) {
  const Applied first = Apply("listen.udp.workers 2\n");
  const Applied second = Apply("listen.udp 10.0.0.1\n", first.config);
  ASSERT_EQ(second.config.listeners.size(), 1u);
  EXPECT_EQ(second.config.listeners[0].udp_workers, 2u);
}

TEST(Directive, UdpWorkersBadValues) {
  EXPECT_EQ(Apply("listen.udp.workers 4294967295").config.udp_workers, 4294967295u);
  for (std::string_view line :
       {"listen.udp.workers four", "listen.udp.workers -1", "listen.udp.workers 4x",
        "listen.udp.workers 4294967296", "listen.udp.workers +4", "listen.udp.workers 0x4"}) {
    ExpectParseError(line);
  }
}

TEST(Directive, RootdirUserRedirectStatsPath) {
  const Applied a = Apply(
      "tracker.rootdir /usr/local/etc/opentracker\n"
      "tracker.user    nobody2\n"
      "tracker.redirect_url https://your.tracker.local/\n"
      "access.stats_path secret/stats\n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.rootdir, "/usr/local/etc/opentracker");
  EXPECT_EQ(a.config.user, "nobody2");
  EXPECT_EQ(a.config.redirect_url, "https://your.tracker.local/");
  EXPECT_EQ(a.config.stats_path, "secret/stats");
}

TEST(Directive, LastValueWins) {
  const Applied a = Apply(
      "tracker.rootdir /a\ntracker.rootdir /b\n"
      "tracker.user a\ntracker.user b\n"
      "tracker.redirect_url a\ntracker.redirect_url b\n"
      "access.stats_path a\naccess.stats_path b\n"
      "access.whitelist a\naccess.whitelist b\n"
      "access.fifo_add a\naccess.fifo_add b\n"
      "access.fifo_delete a\naccess.fifo_delete b\n"
      "tracker.statefile a\ntracker.statefile b\n"
      "tracker.syslog on\ntracker.syslog off\n"
      "tracker.max_peers 5\ntracker.max_peers 6\n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.rootdir, "/b");
  EXPECT_EQ(a.config.user, "b");
  EXPECT_EQ(a.config.redirect_url, "b");
  EXPECT_EQ(a.config.stats_path, "b");
  EXPECT_EQ(a.config.access_list_path, "b");
  EXPECT_EQ(a.config.fifo_add_path, "b");
  EXPECT_EQ(a.config.fifo_delete_path, "b");
  EXPECT_EQ(a.config.statefile, "b");
  EXPECT_FALSE(a.config.syslog);
  EXPECT_EQ(a.config.max_peers, 6u);
}

TEST(Directive, Whitelist) {
  const Applied a = Apply("access.whitelist /path/to/whitelist\n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.access_mode, AccessMode::kWhitelist);
  EXPECT_EQ(a.config.access_list_path, "/path/to/whitelist");
}

TEST(Directive, Blacklist) {
  const Applied a = Apply("access.blacklist ./blacklist\n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.access_mode, AccessMode::kBlacklist);
  EXPECT_EQ(a.config.access_list_path, "./blacklist");
}

TEST(Directive, WhitelistAndBlacklistAreMutuallyExclusive) {
  for (std::string_view text :
       {"access.whitelist w\naccess.blacklist b\n", "access.blacklist b\naccess.whitelist w\n"}) {
    const Applied a = Apply(text);
    ASSERT_EQ(a.diagnostics.size(), 1u);
    EXPECT_EQ(a.diagnostics[0],
              Make(Severity::kError, 2, "access.whitelist and access.blacklist are mutually exclusive"));
  }
  // Across files: the earlier choice is in the Config.
  const Applied first = Apply("access.blacklist b\n");
  const Applied second = Apply("access.whitelist w\n", first.config);
  ASSERT_EQ(second.diagnostics.size(), 1u);
  EXPECT_EQ(second.diagnostics[0].severity, Severity::kError);
  EXPECT_EQ(second.config.access_mode, AccessMode::kBlacklist);
  EXPECT_EQ(second.config.access_list_path, "b");
}

TEST(Directive, FifoPaths) {
  const Applied a = Apply(
      "access.fifo_add /var/run/opentracker/adder.fifo\naccess.fifo_delete "
      "/var/run/opentracker/deleter.fifo\n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.fifo_add_path, "/var/run/opentracker/adder.fifo");
  EXPECT_EQ(a.config.fifo_delete_path, "/var/run/opentracker/deleter.fifo");
}

TEST(Directive, NetworkListsAccumulate) {
  const Applied a = Apply(
      "access.stats 192.168.0.23\naccess.stats 10.0.0.0/8\naccess.stats 2001:db8::/32\n"
      "access.proxy 10.0.1.23\naccess.proxy 192.0.0.0/8\n"
      "livesync.cluster.node_ip 192.168.0.4\nlivesync.cluster.node_ip ::1\n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.stats_networks,
            (std::vector<NetMask>{Net("192.168.0.23"), Net("10.0.0.0/8"), Net("2001:db8::/32")}));
  EXPECT_EQ(a.config.stats_networks[1].bits, 104);
  EXPECT_EQ(a.config.proxy_networks, (std::vector<NetMask>{Net("10.0.1.23"), Net("192.0.0.0/8")}));
  EXPECT_EQ(a.config.livesync_networks, (std::vector<NetMask>{Net("192.168.0.4"), Net("::1")}));
}

TEST(Directive, NetworkBadValues) {
  for (std::string_view keyword : {"access.stats", "access.proxy", "livesync.cluster.node_ip"}) {
    for (std::string_view value : {"notanip", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.1 x",
                                   "10.0.0.0/8x", "[::1]", "10.0.0.1:80"}) {
      ExpectParseError(std::string(keyword) + " " + std::string(value));
    }
  }
}

TEST(Directive, LivesyncListen) {
  const Applied a = Apply("livesync.cluster.listen 192.168.0.1:9697\n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.livesync_listen, (proto::ListenAddress{Ip("192.168.0.1"), 9697}));
  const Applied default_port = Apply("livesync.cluster.listen 192.168.0.1\n");
  EXPECT_EQ(default_port.config.livesync_listen, (proto::ListenAddress{Ip("192.168.0.1"), 9696}));
}

TEST(Directive, LivesyncListenErrors) {
  ExpectParseError("livesync.cluster.listen nothere");
  ExpectParseError("livesync.cluster.listen 192.168.0.1:99999");

  const Applied v6 = Apply("livesync.cluster.listen [::1]:9696\n");
  ASSERT_EQ(v6.diagnostics.size(), 1u);
  EXPECT_EQ(v6.diagnostics[0], Make(Severity::kError, 1, "v6 mcast support not yet available."));
  EXPECT_FALSE(v6.config.livesync_listen.has_value());

  const Applied twice = Apply("livesync.cluster.listen 10.0.0.1\nlivesync.cluster.listen 10.0.0.2\n");
  ASSERT_EQ(twice.diagnostics.size(), 1u);
  EXPECT_EQ(twice.diagnostics[0], Make(Severity::kError, 2, "Livesync listen ip specified twice."));
  EXPECT_EQ(twice.config.livesync_listen, (proto::ListenAddress{Ip("10.0.0.1"), 9696}));
}

TEST(Directive, Booleans) {
  struct Switch {
    std::string_view keyword;
    bool Config::*field;
    bool default_value;
  };
  const Switch switches[] = {
      {"tracker.ip_from_query", &Config::ip_from_query, false},
      {"tracker.fullscrape", &Config::fullscrape, true},
      {"tracker.modest_fullscrapes", &Config::modest_fullscrapes, false},
      {"tracker.syslog", &Config::syslog, false},
      {"tracker.woodpeckers", &Config::spot_woodpeckers, false},
      {"tracker.log_numwant", &Config::log_numwant, false},
      {"tracker.fulllog", &Config::fulllog_networks, false},
  };
  for (const Switch& s : switches) {
    EXPECT_EQ(Config{}.*(s.field), s.default_value) << s.keyword;
    for (std::string_view on : {"on", "yes", "true", "1"}) {
      Config start;
      start.*(s.field) = false;
      const Applied a = Apply(std::string(s.keyword) + " " + std::string(on), start);
      EXPECT_TRUE(a.diagnostics.empty()) << s.keyword << " " << on;
      EXPECT_TRUE(a.config.*(s.field)) << s.keyword << " " << on;
    }
    for (std::string_view off : {"off", "no", "false", "0"}) {
      Config start;
      start.*(s.field) = true;
      const Applied a = Apply(std::string(s.keyword) + " " + std::string(off), start);
      EXPECT_TRUE(a.diagnostics.empty()) << s.keyword << " " << off;
      EXPECT_FALSE(a.config.*(s.field)) << s.keyword << " " << off;
    }
    for (std::string_view bad : {"maybe", "2", "On", "TRUE", "onn", "o", "yes no", "-1"}) {
      ExpectParseError(std::string(s.keyword) + " " + std::string(bad));
    }
  }
}

TEST(Directive, ConnectionIdLifetime) {
  EXPECT_EQ(Config{}.udp_connection_id_lifetime_seconds, 1800u);
  EXPECT_EQ(Apply("udp.connection_id_lifetime 120").config.udp_connection_id_lifetime_seconds, 120u);
  EXPECT_EQ(Apply("udp.connection_id_lifetime 86400").config.udp_connection_id_lifetime_seconds, 86400u);
  EXPECT_EQ(Apply("udp.connection_id_lifetime 600").config.udp_connection_id_lifetime_seconds, 600u);
  for (std::string_view bad : {"119", "0", "86401", "4294967416", "2m", "-120", "1e3", "600s"}) {
    ExpectParseError("udp.connection_id_lifetime " + std::string(bad));
  }
}

TEST(Directive, Caps) {
  const Applied a = Apply("tracker.max_torrents 100000\ntracker.max_peers 18446744073709551615\n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.max_torrents, 100000u);
  EXPECT_EQ(a.config.max_peers, 18446744073709551615u);
  EXPECT_EQ(Apply("tracker.max_torrents 0").config.max_torrents, 0u);
  for (std::string_view keyword : {"tracker.max_torrents", "tracker.max_peers"}) {
    for (std::string_view bad : {"18446744073709551616", "-1", "10k", "ten", "1 000"}) {
      ExpectParseError(std::string(keyword) + " " + std::string(bad));
    }
  }
}

TEST(Directive, Statefile) {
  const Applied a = Apply("tracker.statefile /var/lib/opentracker/state\n");
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.config.statefile, "/var/lib/opentracker/state");
  EXPECT_EQ(a.config.statefile_to_load, "");  // that one is -l
}

TEST(ApplyConfigText, ErrorsDoNotStopTheFile) {
  const Applied a = Apply("listen.tcp bad\ntracker.user bob\nbogus x\nlisten.udp 1.2.3.4\n");
  ASSERT_EQ(a.diagnostics.size(), 2u);
  EXPECT_EQ(a.diagnostics[0], Make(Severity::kError, 1, "Parse error in config file: listen.tcp bad"));
  EXPECT_EQ(a.diagnostics[1], Make(Severity::kWarning, 3, "Unhandled line in config file: bogus x"));
  EXPECT_EQ(a.config.user, "bob");
  EXPECT_EQ(a.config.listeners, (std::vector<Listener>{L(SocketKind::kUdp, "1.2.3.4", 6969)}));
}

TEST(ApplyConfigText, ParseErrorTextIsTheWholeLine) {
  const Applied a = Apply("\t listen.tcp_udp   127.0.0.1:99999  \n");
  ASSERT_EQ(a.diagnostics.size(), 1u);
  EXPECT_EQ(a.diagnostics[0].message, "Parse error in config file: \t listen.tcp_udp   127.0.0.1:99999");
}

// ---------------------------------------------------------------- golden configs

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The B run of the goldens: upstream (DEB) printed five config lines on
// stderr. The port knows access.proxy and livesync.cluster.listen, and its
// "Parse error" is an error, so the warnings that remain are upstream's
// texts for the lines still unknown.
TEST(GoldenConfig, ConfigBGivesUpstreamsTexts) {
  const std::string conf = ReadTestFile("golden/opentracker-B.conf");
  const std::vector<std::string> upstream_stderr = Lines(ReadTestFile("golden/tracker-B.stderr.txt"));
  ASSERT_GE(upstream_stderr.size(), 5u);
  ASSERT_EQ(upstream_stderr[0], "Unhandled line in config file: batchsync.cluster.admin_ip 10.1.1.1");
  ASSERT_EQ(upstream_stderr[3], "Parse error in config file: listen.tcp notanaddress");
  ASSERT_EQ(upstream_stderr[4], "Unhandled line in config file: bogus.option 1");

  Config config;
  std::vector<Diagnostic> diagnostics;
  ApplyConfigText(conf, "opentracker-B.conf", config, diagnostics);
  ASSERT_EQ(diagnostics.size(), 3u);
  EXPECT_EQ(diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(diagnostics[0].line, 10);
  EXPECT_EQ(diagnostics[0].message, upstream_stderr[0]);
  EXPECT_EQ(diagnostics[1].severity, Severity::kError);
  EXPECT_EQ(diagnostics[1].line, 13);
  EXPECT_EQ(diagnostics[1].message, upstream_stderr[3]);
  EXPECT_EQ(diagnostics[2].severity, Severity::kWarning);
  EXPECT_EQ(diagnostics[2].line, 15);
  EXPECT_EQ(diagnostics[2].message, upstream_stderr[4]);
  EXPECT_EQ(FormatDiagnostic(diagnostics[2]), "opentracker-B.conf:15: " + upstream_stderr[4]);

  Config want;
  want.listeners = {L(SocketKind::kTcp, "127.0.0.1", 16969), L(SocketKind::kUdp, "127.0.0.1", 16969)};
  want.access_mode = AccessMode::kWhitelist;
  want.access_list_path = "/whitelist.txt";
  want.stats_networks = {Net("127.0.0.1")};
  want.rootdir = "/tmp/ot-test/root";
  want.user = "nobody";
  want.redirect_url = "https://tracker.example.invalid/";
  want.proxy_networks = {Net("127.0.0.1")};
  want.livesync_listen = proto::ListenAddress{Ip("127.0.0.1"), 9696};
  EXPECT_EQ(config, want);
}

TEST(GoldenConfig, OtherGoldenConfigsAreClean) {
  for (const char* name : {"golden/opentracker-A.conf", "golden/opentracker-C.conf",
                           "golden/upstream-head-localbuild/opentracker-M.conf"}) {
    const Applied a = Apply(ReadTestFile(name));
    EXPECT_TRUE(a.diagnostics.empty()) << name;
  }
  const Applied m = Apply(ReadTestFile("golden/upstream-head-localbuild/opentracker-M.conf"));
  EXPECT_EQ(
      m.config.listeners,
      (std::vector<Listener>{L(SocketKind::kTcp, "127.0.0.1", 16979), L(SocketKind::kUdp, "127.0.0.1", 16979),
                             L(SocketKind::kTcp, "::1", 16979), L(SocketKind::kUdp, "::1", 16979)}));
  const Applied c = Apply(ReadTestFile("golden/opentracker-C.conf"));
  EXPECT_EQ(c.config.stats_networks, std::vector<NetMask>{Net("127.0.0.1")});
}

// ---------------------------------------------------------------- FormatDiagnostic

TEST(FormatDiagnostic, FileAndLine) {
  Diagnostic d;
  d.source = "opentracker.conf";
  d.line = 12;
  d.message = "Unhandled line in config file: bogus.option 1";
  EXPECT_EQ(FormatDiagnostic(d), "opentracker.conf:12: Unhandled line in config file: bogus.option 1");
  d.severity = Severity::kError;
  EXPECT_EQ(FormatDiagnostic(d), "opentracker.conf:12: Unhandled line in config file: bogus.option 1");
}

TEST(FormatDiagnostic, CommandLineHasNoLineNumber) {
  Diagnostic d;
  d.source = "command line";
  d.line = 0;
  d.message = "access.whitelist and access.blacklist are mutually exclusive";
  EXPECT_EQ(FormatDiagnostic(d),
            "command line: access.whitelist and access.blacklist are mutually exclusive");
}

}  // namespace
}  // namespace ot::config
