// Stopping the real daemon: SIGINT and SIGTERM end it promptly with status 0
// and release its sockets, also with connections open; SIGPIPE is not fatal
// when clients reset in the middle of a reply (spec §10.4, PORT-DECISIONS §3).
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <csignal>
#include <filesystem>

#include "support/net_http_client.hpp"
#include "support/net_socket.hpp"
#include "support/net_udp_client.hpp"
#include "support/process_subprocess.hpp"
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

// SIGPIPE must neither kill the tracker nor reach a thread that could die of
// it: it is ignored, or blocked in every thread (upstream blocks it before it
// starts any thread). Read from /proc, so it holds whatever the kernel buffers.
::testing::AssertionResult SigpipeIgnoredOrBlockedEverywhere(pid_t pid) {
  const std::uint64_t bit = 1ULL << (SIGPIPE - 1);
  std::error_code ec;
  int threads = 0;
  bool all_blocked = true, ignored = false;
  std::string report;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::string status = test::ReadFileOrEmpty(task.path().string() + "/status");
    auto field = [&](const std::string& name) -> std::uint64_t {
      std::size_t at = status.find("\n" + name + ":\t");
      return at == std::string::npos ? 0 : std::stoull(status.substr(at + name.size() + 3, 16), nullptr, 16);
    };
    ++threads;
    ignored = ignored || (field("SigIgn") & bit);
    bool blocked = field("SigBlk") & bit;
    all_blocked = all_blocked && blocked;
    report += " " + task.path().filename().string() + (blocked ? ":blocked" : ":open");
  }
  if (threads == 0) return ::testing::AssertionFailure() << "no threads under /proc/" << pid;
  if (ignored || all_blocked) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "SIGPIPE is neither ignored nor blocked in every thread:" << report;
}

// Clients that go away while a large reply is being written: the tracker's
// writes then fail (ECONNRESET, then EPIPE), which must not kill it. The
// reply is a full scrape of 65536 torrents (~4.5 MB, more than a loopback
// socket buffer takes at once) read through a 4 KB receive window, so the
// server is still writing when the client resets or closes.
TEST(Shutdown, ClientGoneMidReplyDoesNotKillTheTracker) {
  constexpr std::uint32_t kTorrents = 65536;
  std::vector<std::string> hashes;
  for (std::uint32_t i = 0; i < kTorrents; ++i) hashes.push_back(TestHash(100000 + i));
  TrackerProcess t(WhitelistedTracker(hashes));
  ASSERT_TRUE(t.Start());
  EXPECT_TRUE(SigpipeIgnoredOrBlockedEverywhere(t.Pid()));

  test::UdpClient u(Family::kV4);
  ASSERT_TRUE(u.Send(test::UdpConnectPacket(1), t.Port()));
  auto c = u.Receive(Millis(2000));
  ASSERT_TRUE(c && c->size() == 16);
  const std::uint64_t id = test::GetU64(*c, 8);
  constexpr std::uint32_t kWindow = 32;  // announces in flight, well below the socket buffers
  for (std::uint32_t base = 0; base < kTorrents; base += kWindow) {
    for (std::uint32_t i = base; i < base + kWindow && i < kTorrents; ++i) {
      test::UdpAnnounce a;
      a.connection_id = id;
      a.transaction_id = i;
      a.info_hash = hashes[i];
      a.numwant = 0;
      ASSERT_TRUE(u.Send(test::UdpAnnouncePacket(a), t.Port()));
    }
    for (std::uint32_t i = base; i < base + kWindow && i < kTorrents; ++i)
      ASSERT_TRUE(u.Receive(Millis(2000))) << "announce " << i;
  }
  for (int round = 0; round < 6; ++round) {
    test::HttpConnection conn("127.0.0.1", t.Port(), Millis(3000), /*rcvbuf=*/4096);
    ASSERT_TRUE(conn.Connected());
    ASSERT_TRUE(conn.Send("GET /scrape HTTP/1.1\r\nHost: x\r\n\r\n"));
    // The first bytes arrive: the reply is being written. Then go away,
    // with an RST or with a plain FIN.
    EXPECT_NE(test::PollFd(conn.fd(), POLLIN, Millis(5000)), 0) << "round " << round;
    if (round % 2 == 0) {
      conn.CloseWithReset();
    } else {
      conn.Close();
    }
  }
  for (int round = 0; round < 6; ++round) {
    // Gone right after the request: the reply meets a dead socket.
    test::HttpConnection conn("127.0.0.1", t.Port(), Millis(3000), 4096);
    ASSERT_TRUE(conn.Send(
        "GET /stats?mode=everything HTTP/1.1\r\nHost: x\r\n\r\nGET /stats?mode=version HTTP/1.1\r\n\r\n"));
    conn.CloseWithReset();
  }
  ASSERT_TRUE(t.Running()) << t.Describe();
  EXPECT_TRUE(ServesAnnounce(t, hashes[0], 7000)) << "still serving";
  EXPECT_TRUE(t.Stop(SIGINT, kPrompt));
}

}  // namespace
}  // namespace ot::integration
