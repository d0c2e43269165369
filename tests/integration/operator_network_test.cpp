// Network-facing operator controls against the real daemon: who may read
// /stats and /metrics (access.stats, -A, loopback-only default,
// access.stats_path), whose X-Forwarded-For is believed (access.proxy) and
// when ip= is (tracker.ip_from_query), and the GET / redirect (-r,
// tracker.redirect_url). 127.0.0.2 and 127.0.0.3 are loopback addresses that
// are not 127.0.0.1, so they stand in for "another client".
#include <gtest/gtest.h>

#include <set>

#include "operator_support.hpp"
#include "support/net_udp_client.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using test::Family;

constexpr char kDeniedBody[] = "<title>Access Denied</title>\n";
// The stats URLs every rule must cover: default mode, a named mode, the
// Prometheus text (PORT-DECISIONS §4: behind the same rules).
const std::vector<std::string> kStatsTargets = {"/stats", "/stats?mode=version", "/metrics"};

test::Exchange Get(const TrackerProcess& t, const std::string& source, const std::string& target) {
  return RequestFrom(t, source, GetRequest(target));
}

void ExpectStatsDenied(const TrackerProcess& t, const std::string& source, const std::string& target) {
  test::Exchange ex = Get(t, source, target);
  ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse)
      << source << " " << target << ": " << ex.read.error;
  const test::HttpResponse& r = ex.read.response;
  EXPECT_EQ(r.status_line, "HTTP/1.0 403 Access Denied") << source << " " << target;
  EXPECT_EQ(r.Header("Content-Type").value_or(""), "text/html");
  EXPECT_EQ(r.content, kDeniedBody) << source << " " << target;
}

void ExpectStatsAllowed(const TrackerProcess& t, const std::string& source, const std::string& target) {
  test::Exchange ex = Get(t, source, target);
  ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse)
      << source << " " << target << ": " << ex.read.error;
  const test::HttpResponse& r = ex.read.response;
  EXPECT_EQ(r.status_line, "HTTP/1.1 200 OK") << source << " " << target << ": " << test::Printable(r.raw);
  EXPECT_FALSE(r.content.empty());
  EXPECT_EQ(r.content.find("<title>"), std::string::npos) << test::Printable(r.content);
  if (target == "/metrics") {
    EXPECT_NE(r.content.find("# TYPE opentracker_"), std::string::npos) << test::Printable(r.content);
  }
}

// access.stats and -A add up; as soon as any exists only they may read stats,
// loopback or not (spec §2.1, PORT-DECISIONS §1).
TEST(OperatorStats, OnlyBlessedNetworksWhenAnyIsConfigured) {
  OT_SKIP_UNLESS_PORT("CIDR blessings and /metrics are the port's");
  const bool v6 = DualStackAvailable();
  TrackerOptions o;
  o.config_lines = ListenLines(v6);
  o.config_lines.push_back("access.stats 127.0.0.0/31");
  o.extra_args = {"-A", "127.0.0.2"};
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  for (const std::string& target : kStatsTargets) {
    ExpectStatsAllowed(t, "127.0.0.1", target);  // inside 127.0.0.0/31
    ExpectStatsAllowed(t, "127.0.0.2", target);  // -A
    ExpectStatsDenied(t, "127.0.0.3", target);   // loopback, but not blessed
    if (v6) ExpectStatsDenied(t, "::1", target);
  }
  EXPECT_TRUE(ServesAnnounce(t, TestHash(6001))) << "announces are not restricted";
  EXPECT_TRUE(t.Stop());
}

TEST(OperatorStats, Ipv6NetworkBlessing) {
  OT_SKIP_UNLESS_PORT("IPv6 blessings are the port's");
  OT_SKIP_UNLESS_DUAL_STACK();
  TrackerOptions o;
  o.config_lines = ListenLines(true);
  o.config_lines.push_back("access.stats ::/127");  // :: and ::1
  o.ready_host = "::1";
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  for (const std::string& target : kStatsTargets) {
    ExpectStatsAllowed(t, "::1", target);
    ExpectStatsDenied(t, "127.0.0.1", target);
  }
  EXPECT_TRUE(t.Stop());
}

TEST(OperatorStats, LoopbackOnlyWhenNothingIsBlessed) {
  OT_SKIP_UNLESS_PORT("upstream restricts or opens stats at build time");
  TrackerOptions o;
  o.config_lines = ListenLines(false);
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  for (const std::string& target : kStatsTargets) {
    ExpectStatsAllowed(t, "127.0.0.1", target);
    ExpectStatsAllowed(t, "127.0.0.2", target);
  }
  EXPECT_TRUE(t.Stop());
}

TEST(OperatorStats, LoopbackOnlyWhenNothingIsBlessedOverIpv6) {
  OT_SKIP_UNLESS_PORT("upstream restricts or opens stats at build time");
  OT_SKIP_UNLESS_DUAL_STACK();
  TrackerOptions o;
  o.config_lines = ListenLines(true);
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  for (const std::string& target : kStatsTargets) ExpectStatsAllowed(t, "::1", target);
  EXPECT_TRUE(t.Stop());
}

TEST(OperatorStats, StatsPathMovesTheStatsUrl) {
  OT_SKIP_UNLESS_PORT("/metrics is the port's");
  TrackerOptions o;
  o.config_lines = ListenLines(false);
  o.config_lines.push_back("access.stats_path sekrit");
  o.config_lines.push_back("access.stats 127.0.0.1");
  o.readiness = Readiness::kAnyHttpReply;  // /stats is gone
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  ExpectStatsAllowed(t, "127.0.0.1", "/sekrit");
  ExpectStatsAllowed(t, "127.0.0.1", "/sekrit?mode=version");
  ExpectStatsDenied(t, "127.0.0.2", "/sekrit?mode=version");
  for (const char* old_path : {"/stats", "/stats?mode=version"}) {
    test::Exchange ex = Get(t, "127.0.0.1", old_path);
    ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse);
    EXPECT_EQ(ex.read.response.status_line, "HTTP/1.0 404 Not Found") << old_path;
    EXPECT_EQ(ex.read.response.content, "<title>Not Found</title>\n") << old_path;
  }
  // /metrics keeps its path and follows the same blessing.
  ExpectStatsAllowed(t, "127.0.0.1", "/metrics");
  ExpectStatsDenied(t, "127.0.0.2", "/metrics");
  EXPECT_TRUE(t.Stop());
}

// One HTTP announce (a leecher at `port`) from `source` with extra header
// lines and query; the decoded reply.
AnnounceReply AnnounceFrom(const TrackerProcess& t, const std::string& source, const std::string& hash,
                           std::uint16_t port, const std::string& headers, const std::string& query = "") {
  AnnounceParams p;
  p.info_hash = hash;
  p.peer_id = "-OT0000-0000000" + std::to_string(10000 + port % 10000).substr(0, 5);
  p.port = std::to_string(port);
  p.left = "100";
  p.extra = query + "&numwant=200";
  test::Exchange ex = RequestFrom(t, source, AnnounceRequest(p, "HTTP/1.1", headers));
  if (ex.read.outcome != test::ReadOutcome::kResponse) {
    ADD_FAILURE() << "announce from " << source << ": " << test::ToString(ex.read.outcome) << " "
                  << ex.read.error;
    return {};
  }
  AnnounceReply r = DecodeAnnounce(ex.read.response.content);
  EXPECT_EQ(r.error, "") << test::Printable(ex.read.response.raw);
  EXPECT_EQ(r.failure, "");
  return r;
}

Peer PeerOf(const std::string& address, std::uint16_t port) {
  Peer p;
  p.ip = AddressBytes(address);
  p.port = port;
  return p;
}

bool Lists(const AnnounceReply& r, const Peer& p) {
  const std::vector<Peer>& list = p.ip.size() == 4 ? r.peers : r.peers6;
  for (const Peer& q : list) {
    if (q == p) return true;
  }
  return false;
}

// Peers as "ip:port" strings, so failures print readably.
std::set<std::string> Texts(const std::vector<Peer>& peers) {
  std::set<std::string> out;
  for (const Peer& p : peers) out.insert(p.ToString());
  return out;
}
std::set<std::string> Texts(const std::set<Peer>& peers) {
  return Texts(std::vector<Peer>(peers.begin(), peers.end()));
}

std::string Describe(const AnnounceReply& r) {
  std::string out = "peers:";
  for (const Peer& p : r.peers) out += " " + p.ToString();
  out += "; peers6:";
  for (const Peer& p : r.peers6) out += " " + p.ToString();
  return out;
}

// Spec §10.2: the left-most X-Forwarded-For address is the peer for HTTP
// announces from a proxy network, and only from one.
TEST(OperatorProxy, ForwardedForHonouredOnlyFromProxyNetworks) {
  OT_SKIP_UNLESS_PORT("DEB has no WANT_IP_FROM_PROXY");
  const bool v6 = DualStackAvailable();
  TrackerOptions o;
  o.config_lines = ListenLines(v6);
  o.config_lines.push_back("access.proxy 127.0.0.1");
  if (v6) o.config_lines.push_back("access.proxy ::1");
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  const std::string h = TestHash(6101);
  struct Case {
    std::string source;
    std::uint16_t port;
    std::string headers;
    std::string query;
    Peer expected;
    const char* why;
  };
  std::vector<Case> cases = {
      {"127.0.0.1", 7001, "X-Forwarded-For: 10.1.2.3, 10.9.9.9\r\n", "", PeerOf("10.1.2.3", 7001),
       "the left-most address from a proxy"},
      {"127.0.0.1", 7002, "x-forwarded-for:\t10.1.2.4\r\n", "", PeerOf("10.1.2.4", 7002),
       "the header name in any case, blanks after the colon"},
      {"127.0.0.2", 7003, "X-Forwarded-For: 10.1.2.5\r\n", "", PeerOf("127.0.0.2", 7003),
       "ignored from a client that is not a proxy"},
      {"127.0.0.1", 7004, "X-Forwarded-For: 2001:db8::5\r\n", "", PeerOf("2001:db8::5", 7004),
       "a v6 forwarded address from a v4 proxy lands in peers6"},
      {"127.0.0.1", 7005, "X-Forwarded-For: not-an-address\r\n", "", PeerOf("127.0.0.1", 7005),
       "an unparsable header falls back to the connection"},
      {"127.0.0.1", 7006, "", "", PeerOf("127.0.0.1", 7006), "no header"},
      {"127.0.0.2", 7008, "", "&ip=10.7.7.7", PeerOf("127.0.0.2", 7008),
       "ip= is ignored while tracker.ip_from_query is off"},
  };
  if (v6) {
    cases.push_back({"::1", 7007, "X-Forwarded-For: 10.1.2.6\r\n", "", PeerOf("10.1.2.6", 7007),
                     "a v6 proxy forwarding a v4 client"});
  }
  std::set<Peer> want4, want6;
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.why) + " (from " + c.source + ")");
    AnnounceReply r = AnnounceFrom(t, c.source, h, c.port, c.headers, c.query);
    EXPECT_TRUE(Lists(r, c.expected)) << "want " << c.expected.ToString() << "; " << Describe(r);
    const Peer real = PeerOf(c.source, c.port);
    if (!(real == c.expected)) {
      EXPECT_FALSE(Lists(r, real)) << Describe(r);
    }
    (c.expected.ip.size() == 4 ? want4 : want6).insert(c.expected);
  }
  // Another client (not a proxy, its own header ignored) sees the swarm with
  // the forwarded addresses, and so does a UDP client (v4 peers only).
  AnnounceReply other = AnnounceFrom(t, "127.0.0.3", h, 7009, "X-Forwarded-For: 10.1.2.99\r\n");
  want4.insert(PeerOf("127.0.0.3", 7009));
  EXPECT_EQ(Texts(other.peers), Texts(want4));
  EXPECT_EQ(Texts(other.peers6), Texts(want6));
  EXPECT_EQ(other.incomplete, static_cast<std::int64_t>(want4.size() + want6.size()));

  test::UdpClient udp(Family::kV4);
  ASSERT_TRUE(udp.Send(test::UdpConnectPacket(1), t.Port()));
  auto connected = udp.Receive(Millis(2000));
  ASSERT_TRUE(connected && connected->size() == 16);
  test::UdpAnnounce a;
  a.connection_id = test::GetU64(*connected, 8);
  a.transaction_id = 2;
  a.info_hash = h;
  a.left = 10;
  a.port = 7010;
  ASSERT_TRUE(udp.Send(test::UdpAnnouncePacket(a), t.Port()));
  auto reply = udp.Receive(Millis(2000));
  ASSERT_TRUE(reply);
  UdpAnnounceReply d = DecodeUdpAnnounce(*reply, Family::kV4);
  ASSERT_TRUE(d.ok) << test::Printable(*reply);
  want4.insert(PeerOf("127.0.0.1", 7010));
  EXPECT_EQ(Texts(d.peers), Texts(want4));
  EXPECT_TRUE(t.Stop());
}

TEST(OperatorProxy, IpParameterHonouredOnlyWithIpFromQuery) {
  OT_SKIP_UNLESS_PORT("DEB has no WANT_IP_FROM_QUERY_STRING");
  TrackerOptions o;
  o.config_lines = ListenLines(false);
  o.config_lines.push_back("tracker.ip_from_query on");
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  const std::string h = TestHash(6201);
  AnnounceFrom(t, "127.0.0.2", h, 7101, "", "&ip=10.7.7.7");
  AnnounceFrom(t, "127.0.0.2", h, 7102, "", "&ip=2001:db8::7");
  // Not a proxy: the header is ignored and ip= wins.
  AnnounceFrom(t, "127.0.0.2", h, 7103, "X-Forwarded-For: 10.1.1.1\r\n", "&ip=10.7.7.8");
  AnnounceReply r = AnnounceFrom(t, "127.0.0.3", h, 7104, "");
  EXPECT_EQ(Texts(r.peers), (std::set<std::string>{"10.7.7.7:7101", "10.7.7.8:7103", "127.0.0.3:7104"}));
  EXPECT_EQ(Texts(r.peers6), (std::set<std::string>{"[2001:db8::7]:7102"}));
  EXPECT_TRUE(t.Stop());
}

// Spec §3.4: GET / answers a 302 to the redirect URL (the port adds
// Connection: close, PORT-DECISIONS §1), from the config or -r.
TEST(OperatorRedirect, RootAnswers302WithTheConfiguredUrl) {
  const std::string url = "https://tracker.example.invalid/ops?a=1";
  for (bool from_cli : {false, true}) {
    SCOPED_TRACE(from_cli ? "-r" : "tracker.redirect_url");
    TrackerOptions o = WhitelistedTracker({TestHash(6301)});
    if (from_cli) {
      o.extra_args = {"-r", url};
    } else {
      o.config_lines.push_back("tracker.redirect_url " + url);
    }
    TrackerProcess t(o);
    ASSERT_TRUE(t.Start());
    const std::string want = "HTTP/1.0 302 Found\r\nContent-Length: 0\r\nLocation: " + url + "\r\n" +
                             (IsPort() ? "Connection: close\r\n" : "") + "\r\n";
    for (const std::string& request : {GetRequest("/"), GetRequest("/", "HTTP/1.0"), GetRequest("////")}) {
      test::Exchange ex = Request(t, request, Family::kV4, Millis(2000));
      ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse) << test::Printable(request);
      EXPECT_EQ(ex.read.response.raw, want) << test::Printable(request);
      EXPECT_EQ(ex.after, test::CloseOutcome::kClosed) << "the server closes after a redirect";
    }
    EXPECT_TRUE(ServesAnnounce(t, TestHash(6301))) << "only / is redirected";
    EXPECT_TRUE(t.Stop());
  }
}

TEST(OperatorRedirect, WithoutUrlRootIsNotFound) {
  TrackerProcess t(WhitelistedTracker({}));
  ASSERT_TRUE(t.Start());
  const std::string want =
      std::string("HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 25\r\n") +
      (IsPort() ? "Connection: close\r\n" : "") + "\r\n<title>Not Found</title>\n";
  for (const std::string& request : {GetRequest("/"), GetRequest("/", "HTTP/1.0")}) {
    test::Exchange ex = Request(t, request);
    ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse);
    EXPECT_EQ(ex.read.response.raw, want) << test::Printable(request);
  }
  EXPECT_TRUE(t.Stop());
}

}  // namespace
}  // namespace ot::integration
