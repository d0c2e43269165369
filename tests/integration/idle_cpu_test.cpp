// An idle tracker must sleep. libowfat's event loop returns at once while a
// descriptor sits in one of its ready queues, so a connection left in the
// wrong state makes the reactor spin at 100% CPU with every reply still
// correct; only the CPU time shows it. This drives every kind of exchange
// (one-shot, keep-alive, pipelined, deferred stats, streamed full scrape,
// errors, half-close, UDP) and then checks the process stays quiet.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "integration/tracker_process.hpp"
#include "support/net_http_client.hpp"
#include "support/net_udp_client.hpp"

namespace ot::integration {
namespace {

// utime + stime of the process in clock ticks, from /proc/PID/stat.
long CpuTicks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t close_paren = stat.rfind(')');
  if (close_paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close_paren + 2));
  std::string field;
  long utime = 0;
  long stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime + stime;
}

const std::string kAnnounce =
    "GET /announce?info_hash=%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14&port=6881&left=0 ";

TEST(IdleCpu, TrackerSleepsAfterEveryKindOfExchange) {
  OT_SKIP_UNLESS_PORT("keep-alive and the port's stats replies");
  TrackerOptions options;
  options.config_lines = ListenLines(false);
  TrackerProcess tracker(options);
  ASSERT_TRUE(tracker.Start());
  const std::uint16_t port = tracker.Port();

  {  // one-shot HTTP/1.0, keep-alive with a deferred stats reply, pipelining
    test::RoundTrip("127.0.0.1", port, kAnnounce + "HTTP/1.0\r\n\r\n");
    test::HttpConnection keep("127.0.0.1", port);
    ASSERT_TRUE(keep.Connected());
    for (const char* path : {"/stats?mode=peer", "/stats?mode=version", "/scrape", "/metrics", "/nope"}) {
      ASSERT_TRUE(keep.Send(std::string("GET ") + path + " HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n"));
      keep.ReadResponse(Millis(3000));
    }
    test::HttpConnection pipelined("127.0.0.1", port);
    ASSERT_TRUE(pipelined.Send(kAnnounce + "HTTP/1.1\r\n\r\n" + kAnnounce + "HTTP/1.1\r\n\r\nGET /stats HTTP/1.0\r\n\r\n"));
    for (int i = 0; i < 3; ++i) pipelined.ReadResponse(Millis(3000));
    test::HttpConnection half("127.0.0.1", port);
    ASSERT_TRUE(half.Send("GET /stats?mode=top10 HTTP/1.1\r\n\r\n"));
    ::shutdown(half.fd(), SHUT_WR);
    half.ReadResponse(Millis(3000));
    test::HttpConnection reset("127.0.0.1", port);
    ASSERT_TRUE(reset.Send("GET /scrape HTTP/1.1\r\n\r\n"));
    reset.CloseWithReset();
    test::UdpClient udp(test::Family::kV4);
    std::string connect;
    test::PutU64(connect, test::kUdpProtocolMagic);
    test::PutU32(connect, 0);
    test::PutU32(connect, 1);
    ASSERT_TRUE(udp.Send(connect, port));
    udp.Receive(Millis(2000));
    test::HttpConnection idle("127.0.0.1", port);  // stays open, idle, through the measurement
    ASSERT_TRUE(idle.Connected());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the exchanges settle
    const long before = CpuTicks(tracker.Pid());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const long after = CpuTicks(tracker.Pid());
    ASSERT_GE(before, 0);
    // A spinning loop burns ~150 ticks here; a sleeping one a tick or two.
    EXPECT_LT(after - before, 20) << "the tracker used " << (after - before) << " ticks while idle";
  }
  EXPECT_TRUE(tracker.Stop());
}

}  // namespace
}  // namespace ot::integration
