// Start-up behaviour of the real binary: bind failures, unreadable or bad
// configuration, the informational flags, and the default listener.
// Upstream (reference mode) treats a missing config file and a bad listen
// address as warnings and keeps running; those checks assert that instead.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <csignal>

#include "support/net_http_client.hpp"
#include "support/net_socket.hpp"
#include "support/net_udp_client.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

constexpr Millis kExit(10000);

std::vector<std::string> NonEmptyLines(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (int guard = 0; guard < 100000 && start <= s.size(); ++guard) {
    std::size_t nl = s.find('\n', start);
    std::string line = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty()) lines.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

// The tracker must give up with one line on stderr and a non-zero status.
void ExpectStartupFailure(TrackerProcess& t, const std::string& must_mention = "") {
  auto status = t.WaitExit(kExit);
  ASSERT_TRUE(status) << "still running; it should have refused to start\n" << t.Describe();
  EXPECT_FALSE(test::ExitedWith(*status, 0)) << test::DescribeWaitStatus(*status);
  EXPECT_TRUE(WIFEXITED(*status)) << "a clean exit, not a crash: " << test::DescribeWaitStatus(*status);
  auto lines = NonEmptyLines(t.Stderr());
  EXPECT_EQ(lines.size(), 1u) << "exactly one line on stderr:\n" << t.Stderr();
  if (!must_mention.empty() && !lines.empty()) {
    EXPECT_NE(lines[0].find(must_mention), std::string::npos) << lines[0];
  }
}

// Control: the same port, without the fault, gives a working tracker (so a
// binary that always fails to start cannot pass the failure tests).
void ExpectStartsAndServes(std::uint16_t port) {
  const std::string h = TestHash(600);
  TrackerOptions o = WhitelistedTracker({h});
  o.fixed_port = port;
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  EXPECT_TRUE(ServesAnnounce(t, h));
  EXPECT_TRUE(t.Stop());
}

TrackerOptions Options(std::vector<std::string> lines) {
  TrackerOptions o;
  o.config_lines = std::move(lines);
  o.readiness = Readiness::kNone;
  return o;
}

// Another socket bound without SO_REUSEPORT blocks the tracker's bind.
TEST(Startup, TcpPortInUseExitsNonZeroWithOneLineNamingTheAddress) {
  std::uint16_t port = test::PickFreePort(false);
  ASSERT_NE(port, 0);
  test::Fd blocker = test::BindBlocker("127.0.0.1", port, SOCK_STREAM);
  ASSERT_TRUE(blocker.valid());
  TrackerOptions o = Options({"listen.tcp 127.0.0.1:{PORT}"});
  o.fixed_port = port;
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  // Upstream's line is "socket_bind6_reuse: Address already in use" (exit 111).
  ExpectStartupFailure(t, IsPort() ? "127.0.0.1:" + std::to_string(port) : "");
  if (IsReference()) {
    EXPECT_TRUE(test::ExitedWith(*t.WaitExit(Millis(0)), 111));
  }
  blocker.Reset();
  ExpectStartsAndServes(port);
}

TEST(Startup, UdpPortInUseExitsNonZeroWithOneLineNamingTheAddress) {
  std::uint16_t port = test::PickFreePort(false);
  ASSERT_NE(port, 0);
  test::Fd blocker = test::BindBlocker("127.0.0.1", port, SOCK_DGRAM);
  ASSERT_TRUE(blocker.valid());
  TrackerOptions o = Options({"listen.udp 127.0.0.1:{PORT}"});
  o.fixed_port = port;
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  ExpectStartupFailure(t, IsPort() ? "127.0.0.1:" + std::to_string(port) : "");
  blocker.Reset();
  ExpectStartsAndServes(port);
}

TEST(Startup, UnreadableConfigFileExitsNonZeroWithOneLine) {
  for (const std::string& path :
       {std::string("/nonexistent-ot-dir/opentracker.conf"), std::string("{DIR}")}) {
    // -p/-P before -f: upstream warns and keeps running; it must then listen
    // on the test port, not on 6969 of every interface.
    TrackerOptions o;
    o.write_config = false;
    o.extra_args = {"-i", "127.0.0.1", "-p", "{PORT}", "-P", "{PORT}", "-f", path};
    o.readiness = IsPort() ? Readiness::kNone : Readiness::kAnyHttpReply;
    TrackerProcess t(o);
    ASSERT_TRUE(t.Start()) << path;
    if (IsPort()) {
      ExpectStartupFailure(t);
      ExpectStartsAndServes(t.Port());
    } else {
      // Upstream: a warning for a missing file (fopen of a directory
      // succeeds, so that one is silently empty); it keeps running.
      if (path[0] == '/') {
        EXPECT_NE(t.Stderr().find("Warning: Can't open config file: " + path + "."), std::string::npos)
            << t.Stderr();
      }
      EXPECT_TRUE(t.Stop());
    }
  }
}

TEST(Startup, BadListenAddressExitsNonZero) {
  // The second line keeps a lenient upstream on the test port.
  TrackerOptions o = Options({"listen.tcp_udp notanaddress", "listen.tcp_udp 127.0.0.1:{PORT}"});
  if (IsReference()) o.readiness = Readiness::kAnyHttpReply;
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  if (IsPort()) {
    ExpectStartupFailure(t, "notanaddress");
    ExpectStartsAndServes(t.Port());
  } else {
    EXPECT_NE(t.Stderr().find("Parse error in config file: listen.tcp_udp notanaddress"), std::string::npos)
        << t.Stderr();
    EXPECT_TRUE(t.Stop());
  }
}

TEST(Startup, BadAddressOnTheCommandLineIsAUsageError) {
  std::string scratch = TempRoot();
  test::RunResult r = test::RunToExit({TrackerBinary(), "-i", "999.1.1.1", "-p", "1"}, kExit, scratch);
  ASSERT_TRUE(r.started) << r.spawn_error;
  ASSERT_TRUE(r.finished);
  EXPECT_TRUE(test::ExitedWith(r.status, 1)) << test::DescribeWaitStatus(r.status);
  EXPECT_EQ(r.err.rfind("Usage: ", 0), 0u) << r.err;
}

TEST(Startup, HelpVersionAndUnknownFlag) {
  std::string scratch = TempRoot();
  test::RunResult help = test::RunToExit({TrackerBinary(), "-h"}, kExit, scratch);
  ASSERT_TRUE(help.finished) << help.spawn_error;
  EXPECT_TRUE(test::ExitedWith(help.status, 0)) << test::DescribeWaitStatus(help.status);
  EXPECT_EQ(help.err.rfind("Usage: ", 0), 0u) << help.err;
  EXPECT_GT(NonEmptyLines(help.err).size(), 3u) << "usage plus the help lines";

  test::RunResult version = test::RunToExit({TrackerBinary(), "-v"}, kExit, scratch);
  ASSERT_TRUE(version.finished);
  EXPECT_TRUE(test::ExitedWith(version.status, 0)) << test::DescribeWaitStatus(version.status);
  EXPECT_FALSE(version.err.empty()) << "the version text goes to stderr";

  for (const char* flag : {"-x", "-p"}) {
    test::RunResult bad = test::RunToExit({TrackerBinary(), flag}, kExit, scratch);
    ASSERT_TRUE(bad.finished) << flag;
    EXPECT_TRUE(test::ExitedWith(bad.status, 1)) << flag << ": " << test::DescribeWaitStatus(bad.status);
    EXPECT_EQ(bad.err.rfind("Usage: ", 0), 0u) << flag << ": " << bad.err;
    EXPECT_EQ(NonEmptyLines(bad.err).size(), 1u) << flag << ": just the usage line\n" << bad.err;
  }
}

// Spec §2.1: with nothing configured the tracker binds TCP and UDP on
// current-IP:6969; the port's default IP is "::", so IPv4 and IPv6 clients
// both reach it (upstream DEB: 0.0.0.0, IPv4 only).
TEST(Startup, DefaultListenerIsDualStackPort6969) {
  if (!test::CanBind("0.0.0.0", 6969, SOCK_STREAM) || !test::CanBind("0.0.0.0", 6969, SOCK_DGRAM) ||
      (test::Ipv6LoopbackAvailable() &&
       (!test::CanBind("::", 6969, SOCK_STREAM) || !test::CanBind("::", 6969, SOCK_DGRAM))))
    GTEST_SKIP() << "port 6969 is in use on this machine";
  TrackerOptions o;
  o.write_config = false;
  o.fixed_port = 6969;
  o.readiness = Readiness::kAnyHttpReply;  // upstream's whitelist build restricts stats
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  test::UdpClient u4(test::Family::kV4);
  ASSERT_TRUE(u4.Send(test::UdpConnectPacket(5), 6969));
  auto r4 = u4.Receive(Millis(2000));
  EXPECT_TRUE(r4 && r4->size() == 16) << "UDP on 127.0.0.1:6969";
  if (IsPort()) {
    EXPECT_TRUE(ServesAnnounce(t, TestHash(601))) << "an open tracker by default";
  }
  if (test::Ipv6LoopbackAvailable()) {
    test::Exchange v6 = test::RoundTrip("::1", 6969, GetRequest("/stats?mode=version"), Millis(2000));
    test::UdpClient u6(test::Family::kV6);
    ASSERT_TRUE(u6.Send(test::UdpConnectPacket(6), 6969));
    auto r6 = u6.Receive(Millis(IsPort() ? 2000 : 300));
    if (ReferenceMode() == Reference::kDeb) {
      EXPECT_FALSE(v6.connected) << "DEB is IPv4 only";
      EXPECT_FALSE(r6);
    } else {
      EXPECT_EQ(v6.read.outcome, test::ReadOutcome::kResponse) << "TCP on [::1]:6969";
      EXPECT_TRUE(r6 && r6->size() == 16) << "UDP on [::1]:6969";
    }
  }
  EXPECT_TRUE(t.Stop());
}

}  // namespace
}  // namespace ot::integration
