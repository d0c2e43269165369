// Stopping the real daemon: SIGINT and SIGTERM end it promptly with status 0
// and release its sockets, also with connections open; SIGPIPE is not fatal
// when clients reset in the middle of a reply (spec §10.4, PORT-DECISIONS §3).
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <csignal>

#include <gtest/gtest.h>

#include "support/net_http_client.hpp"
#include "support/net_socket.hpp"
#include "support/net_udp_client.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using test::Family;

constexpr Millis kPrompt(5000);

// After the process has exited, nothing holds the port: sockets bound
// without SO_REUSEPORT succeed (SO_REUSEADDR only, for TIME_WAIT leftovers).
void ExpectPortReleased(std::uint16_t port) {
  EXPECT_TRUE(test::CanBind("127.0.0.1", port, SOCK_STREAM)) << "TCP " << port << " still bound";
  EXPECT_TRUE(test::CanBind("127.0.0.1", port, SOCK_DGRAM)) << "UDP " << port << " still bound";
}

void Exercise(const TrackerProcess& t) { EXPECT_TRUE(ServesAnnounce(t, TestHash(500))); }

TEST(Shutdown, SigintExitsZeroPromptlyAndReleasesThePort) {
  TrackerProcess t(WhitelistedTracker({TestHash(500)}));
  ASSERT_TRUE(t.Start());
  Exercise(t);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(t.Stop(SIGINT, kPrompt));
  EXPECT_LT(std::chrono::steady_clock::now() - start, kPrompt);
  ExpectPortReleased(t.Port());
}

// Upstream does not handle SIGTERM (default action); the port exits 0.
TEST(Shutdown, SigtermExitsZeroPromptlyAndReleasesThePort) {
  TrackerProcess t(WhitelistedTracker({TestHash(500)}));
  ASSERT_TRUE(t.Start());
  Exercise(t);
  if (IsPort()) {
    EXPECT_TRUE(t.Stop(SIGTERM, kPrompt));
  } else {
    ASSERT_TRUE(t.Signal(SIGTERM));
    auto status = t.WaitExit(kPrompt);
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGTERM) << test::DescribeWaitStatus(*status);
  }
  ExpectPortReleased(t.Port());
}

// Open keep-alive connections, a half-sent request and UDP traffic must not
// delay the exit.
TEST(Shutdown, SigintWithOpenConnectionsStillExitsPromptly) {
  TrackerProcess t(WhitelistedTracker({TestHash(500)}));
  ASSERT_TRUE(t.Start());
  std::vector<std::unique_ptr<test::HttpConnection>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<test::HttpConnection>("127.0.0.1", t.Port()));
    ASSERT_TRUE(open.back()->Connected());
  }
  ASSERT_TRUE(open[0]->Send("GET /stats?mode=version HTTP/1.1\r\nHo"));
  AnnounceParams p;
  p.info_hash = TestHash(500);
  ASSERT_TRUE(open[1]->Send(AnnounceRequest(p)));
  ASSERT_EQ(open[1]->ReadResponse(Millis(3000)).outcome, test::ReadOutcome::kResponse);
  test::UdpClient u(Family::kV4);
  ASSERT_TRUE(u.Send(test::UdpConnectPacket(1), t.Port()));
  EXPECT_TRUE(t.Stop(SIGINT, kPrompt));
  open.clear();
  ExpectPortReleased(t.Port());
}

// Clients that reset while a large reply is being written: the tracker's
// writes fail with EPIPE/ECONNRESET, which must not kill it (SIGPIPE ignored
// or blocked, as upstream). The reply is a full scrape of 5000 torrents
// (~350 KB) read through a 4 KB receive window, so the server is still
// writing when the reset arrives.
TEST(Shutdown, ClientResetMidReplyDoesNotKillTheTracker) {
  constexpr std::uint32_t kTorrents = 5000;
  std::vector<std::string> hashes;
  for (std::uint32_t i = 0; i < kTorrents; ++i) hashes.push_back(TestHash(100000 + i));
  TrackerProcess t(WhitelistedTracker(hashes));
  ASSERT_TRUE(t.Start());
  test::UdpClient u(Family::kV4);
  ASSERT_TRUE(u.Send(test::UdpConnectPacket(1), t.Port()));
  auto c = u.Receive(Millis(2000));
  ASSERT_TRUE(c && c->size() == 16);
  std::uint64_t id = test::GetU64(*c, 8);
  for (std::uint32_t i = 0; i < kTorrents; ++i) {
    test::UdpAnnounce a;
    a.connection_id = id;
    a.transaction_id = i;
    a.info_hash = hashes[i];
    a.numwant = 0;
    ASSERT_TRUE(u.Send(test::UdpAnnouncePacket(a), t.Port()));
    ASSERT_TRUE(u.Receive(Millis(2000))) << "announce " << i;
  }
  for (int round = 0; round < 10; ++round) {
    test::HttpConnection conn("127.0.0.1", t.Port(), Millis(3000), /*rcvbuf=*/4096);
    ASSERT_TRUE(conn.Connected());
    ASSERT_TRUE(conn.Send("GET /scrape HTTP/1.1\r\nHost: x\r\n\r\n"));
    // Let the first bytes arrive, so the reply is being written, then reset.
    EXPECT_NE(test::PollFd(conn.fd(), POLLIN, Millis(3000)), 0) << "round " << round;
    conn.CloseWithReset();
  }
  for (int round = 0; round < 10; ++round) {
    // Reset right after sending: the reply meets an already reset socket.
    test::HttpConnection conn("127.0.0.1", t.Port(), Millis(3000), 4096);
    ASSERT_TRUE(conn.Send("GET /stats?mode=everything HTTP/1.1\r\nHost: x\r\n\r\n"));
    conn.CloseWithReset();
  }
  ASSERT_TRUE(t.Running()) << t.Describe();
  EXPECT_TRUE(ServesAnnounce(t, hashes[0], 7000)) << "still serving";
  EXPECT_TRUE(t.Stop(SIGINT, kPrompt));
}

}  // namespace
}  // namespace ot::integration
