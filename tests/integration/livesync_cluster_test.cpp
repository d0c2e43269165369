// Live sync between two real trackers (spec §9): two network namespaces
// joined by a veth pair, one tracker in each with
// `livesync.cluster.listen <own ip>:9696` and `livesync.cluster.node_ip
// <other ip>`. A peer announced to node A over UDP and one over HTTP must
// show up in node B's replies (to an HTTP and to a UDP v4 client: v4
// records become v4 peers) within the sync delay, B's `syncs` counter must
// count them, and a stop on A must remove them from B. Multicast needs no
// route: the sender sets IP_MULTICAST_IF.
//
// Needs root and iproute2 (`ip netns`); skipped with the reason otherwise.
// The test's own client sockets are made inside namespace A by a thread that
// entered it with setns(), so no process of the test leaves the host
// namespace except the trackers (`ip netns exec`). The namespaces are
// removed on every exit path.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/net_http_client.hpp"
#include "support/net_udp_client.hpp"
#include "support/process_subprocess.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using Clock = std::chrono::steady_clock;

constexpr Millis kSyncDeadline(20000);  // 15 s upstream delay + the 1 s timer + slack
constexpr std::uint16_t kTrackerPort = 6969;

std::string FindIp() {
  for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

// Two namespaces and the veth pair between them; torn down on destruction.
class NamespacePair {
 public:
  NamespacePair() {
    const unsigned tag = static_cast<unsigned>(::getpid()) % 100000;
    const unsigned subnet = static_cast<unsigned>(::getpid()) % 250 + 1;
    ns_a_ = "otls" + std::to_string(tag) + "a";
    ns_b_ = "otls" + std::to_string(tag) + "b";
    ip_a_ = "10.199." + std::to_string(subnet) + ".1";
    ip_b_ = "10.199." + std::to_string(subnet) + ".2";
    net_ = "10.199." + std::to_string(subnet) + ".0/24";
  }
  ~NamespacePair() { Remove(); }
  NamespacePair(const NamespacePair&) = delete;
  NamespacePair& operator=(const NamespacePair&) = delete;

  // Empty on success, else what failed.
  std::string Create() {
    ip_ = FindIp();
    if (ip_.empty()) return "iproute2's ip is not installed";
    Remove();  // leftovers of a killed earlier run with the same pid
    const std::string veth_a = ns_a_ + "v";
    const std::string veth_b = ns_b_ + "v";
    const std::vector<std::vector<std::string>> steps = {
        {"netns", "add", ns_a_},
        {"netns", "add", ns_b_},
        {"link", "add", veth_a, "type", "veth", "peer", "name", veth_b},
        {"link", "set", veth_a, "netns", ns_a_},
        {"link", "set", veth_b, "netns", ns_b_},
        {"-n", ns_a_, "addr", "add", ip_a_ + "/24", "dev", veth_a},
        {"-n", ns_b_, "addr", "add", ip_b_ + "/24", "dev", veth_b},
        {"-n", ns_a_, "link", "set", veth_a, "up"},
        {"-n", ns_b_, "link", "set", veth_b, "up"},
        {"-n", ns_a_, "link", "set", "lo", "up"},
        {"-n", ns_b_, "link", "set", "lo", "up"},
    };
    for (const auto& step : steps) {
      std::string error = Ip(step);
      if (!error.empty()) return error;
    }
    return "";
  }

  void Remove() {
    if (ip_.empty()) return;
    // Deleting a namespace destroys the veth end in it, and so the pair.
    Ip({"netns", "del", ns_a_});
    Ip({"netns", "del", ns_b_});
  }

  // Runs `f` on a thread inside namespace `ns`; sockets it opens stay there.
  template <typename F>
  auto In(const std::string& ns, F f) -> decltype(f()) {
    decltype(f()) result{};
    std::string failure;
    std::thread t([&] {
      int fd = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
        failure = "cannot enter namespace " + ns + ": " + std::strerror(errno);
        if (fd >= 0) ::close(fd);
        return;
      }
      ::close(fd);
      result = f();
    });
    t.join();
    EXPECT_TRUE(failure.empty()) << failure;
    return result;
  }

  const std::string& ns_a() const { return ns_a_; }
  const std::string& ns_b() const { return ns_b_; }
  const std::string& ip_a() const { return ip_a_; }
  const std::string& ip_b() const { return ip_b_; }
  const std::string& net() const { return net_; }
  const std::string& ip_binary() const { return ip_; }

 private:
  std::string Ip(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {ip_};
    argv.insert(argv.end(), args.begin(), args.end());
    test::RunResult r = test::RunToExit(argv, Millis(10000), TempRoot());
    std::string command;
    for (const auto& a : argv) command += a + " ";
    if (!r.started) return command + ": " + r.spawn_error;
    if (!r.finished) return command + ": timed out";
    if (!test::ExitedWith(r.status, 0))
      return command + ": " + test::DescribeWaitStatus(r.status) + ": " + r.err;
    return "";
  }

  std::string ns_a_, ns_b_, ip_a_, ip_b_, net_, ip_;
};

// One tracker inside a namespace, started with `ip netns exec`.
class NamespacedTracker {
 public:
  NamespacedTracker(const NamespacePair& pair, const std::string& ns, const std::string& own_ip,
                    const std::string& other_ip) {
    std::string root = TempRoot() + "/ot-livesync-XXXXXX";
    std::vector<char> buffer(root.begin(), root.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) != nullptr) dir_ = buffer.data();
    conf_ = {
        "listen.tcp_udp " + own_ip + ":" + std::to_string(kTrackerPort),
        "livesync.cluster.listen " + own_ip + ":9696",
        "livesync.cluster.node_ip " + other_ip,
        "access.stats " + pair.net(),
    };
    ip_binary_ = pair.ip_binary();
    ns_ = ns;
  }
  ~NamespacedTracker() {
    process_.reset();  // SIGKILL and reap if still running
    if (!dir_.empty() && std::getenv("OT_KEEP_TMP") == nullptr) {
      for (const char* f : {"opentracker.conf", "stdout.txt", "stderr.txt"})
        ::unlink((dir_ + "/" + f).c_str());
      ::rmdir(dir_.c_str());
    }
  }

  ::testing::AssertionResult Start() {
    if (dir_.empty()) return ::testing::AssertionFailure() << "mkdtemp failed";
    {
      std::ofstream out(dir_ + "/opentracker.conf");
      for (const auto& line : conf_) out << line << "\n";
    }
    test::SpawnOptions spawn;
    spawn.argv = {ip_binary_, "netns", "exec", ns_, TrackerBinary(), "-f", dir_ + "/opentracker.conf"};
    spawn.cwd = dir_;
    spawn.stdout_path = dir_ + "/stdout.txt";
    spawn.stderr_path = dir_ + "/stderr.txt";
    process_ = std::make_unique<test::Subprocess>(spawn);
    if (!process_->Started()) return ::testing::AssertionFailure() << "spawn failed: " << process_->error();
    return ::testing::AssertionSuccess();
  }

  bool Running() { return process_ && process_->Running(); }

  // SIGINT (through `ip netns exec`, which execs the tracker, so the pid is the tracker's).
  ::testing::AssertionResult Stop() {
    if (!process_) return ::testing::AssertionFailure() << "not started";
    process_->Signal(SIGINT);
    std::optional<int> status = process_->WaitExit(Millis(10000));
    if (!status)
      return ::testing::AssertionFailure() << "did not exit within 10 s after SIGINT\n" << Describe();
    if (!test::ExitedWith(*status, 0))
      return ::testing::AssertionFailure() << test::DescribeWaitStatus(*status) << "\n" << Describe();
    return ::testing::AssertionSuccess();
  }

  std::string Describe() const {
    return "tracker in " + ns_ + " (" + dir_ + "), stderr:\n" + test::ReadFileOrEmpty(dir_ + "/stderr.txt");
  }

 private:
  std::string dir_, ns_, ip_binary_;
  std::vector<std::string> conf_;
  std::unique_ptr<test::Subprocess> process_;
};

// --- clients, run inside a namespace ---------------------------------------

std::optional<test::HttpResponse> HttpGet(const std::string& host, const std::string& request) {
  test::Exchange e = test::RoundTrip(host, kTrackerPort, request, Millis(2000));
  if (!e.connected || e.read.outcome != test::ReadOutcome::kResponse) return std::nullopt;
  return e.read.response;
}

// A UDP client on 0.0.0.0:ephemeral talking to host:6969.
class UdpPeer {
 public:
  explicit UdpPeer(const std::string& host) : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    to_.sin_family = AF_INET;
    to_.sin_port = htons(kTrackerPort);
    ::inet_pton(AF_INET, host.c_str(), &to_.sin_addr);
  }
  std::optional<std::string> Exchange(const std::string& packet) {
    if (!fd_.valid()) return std::nullopt;
    ::sendto(fd_.get(), packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&to_),
             sizeof(to_));
    if (!(test::PollFd(fd_.get(), POLLIN, Millis(2000)) & POLLIN)) return std::nullopt;
    std::string buffer(2048, '\0');
    ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) return std::nullopt;
    buffer.resize(static_cast<std::size_t>(n));
    return buffer;
  }
  // connect + announce; nullopt when either gets no proper reply.
  std::optional<UdpAnnounceReply> Announce(const std::string& hash, std::uint16_t port, std::uint64_t left,
                                           std::uint32_t event) {
    std::optional<std::string> c = Exchange(test::UdpConnectPacket(0x1234));
    if (!c || c->size() < 16 || test::GetU32(*c, 0) != 0) return std::nullopt;
    test::UdpAnnounce a;
    a.connection_id = test::GetU64(*c, 8);
    a.transaction_id = 0x5678;
    a.info_hash = hash;
    a.port = port;
    a.left = left;
    a.event = event;
    std::optional<std::string> r = Exchange(test::UdpAnnouncePacket(a));
    if (!r) return std::nullopt;
    UdpAnnounceReply d = DecodeUdpAnnounce(*r, test::Family::kV4);
    if (!d.ok) return std::nullopt;
    return d;
  }

 private:
  test::Fd fd_;
  sockaddr_in to_{};
};

Peer V4Peer(const std::string& dotted, std::uint16_t port) {
  Peer p;
  p.ip.resize(4);
  ::inet_pton(AF_INET, dotted.c_str(), p.ip.data());
  p.port = port;
  return p;
}

bool Contains(const std::vector<Peer>& peers, const Peer& p) {
  for (const Peer& q : peers) {
    if (q == p) return true;
  }
  return false;
}

// Polls `probe` every 250 ms until it is true or `deadline` passes.
bool Poll(Millis deadline, const std::function<bool()>& probe) {
  const auto end = Clock::now() + deadline;
  while (Clock::now() < end) {
    if (probe()) return true;
    std::this_thread::sleep_for(Millis(250));
  }
  return probe();
}

TEST(LivesyncClusterTest, PeersAnnouncedOnOneNodeAppearOnTheOtherAndStopsRemoveThem) {
  OT_SKIP_UNLESS_PORT("Debian's opentracker is built without WANT_SYNC_LIVE");
  if (::geteuid() != 0) GTEST_SKIP() << "network namespaces need root";
  NamespacePair net;
  if (std::string error = net.Create(); !error.empty()) {
    GTEST_SKIP() << "cannot create the two network namespaces: " << error;
  }
  NamespacedTracker a(net, net.ns_a(), net.ip_a(), net.ip_b());
  NamespacedTracker b(net, net.ns_b(), net.ip_b(), net.ip_a());
  ASSERT_TRUE(a.Start());
  ASSERT_TRUE(b.Start());

  // Readiness: both answer /stats (blessed for the /24) from inside namespace A.
  auto stats = [&](const std::string& host, const std::string& mode) {
    return net.In(net.ns_a(), [&] {
      return HttpGet(host, "GET /stats?mode=" + mode + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    });
  };
  for (const std::string* host : {&net.ip_a(), &net.ip_b()}) {
    ASSERT_TRUE(Poll(Millis(10000),
                     [&] {
                       std::optional<test::HttpResponse> r = stats(*host, "version");
                       return r && r->status == 200;
                     }))
        << "tracker on " << *host << " not ready\n"
        << a.Describe() << "\n"
        << b.Describe();
  }

  const std::string hash = TestHash(0x5157);
  const Peer udp_peer = V4Peer(net.ip_a(), 6881);   // announced over UDP (a seeder)
  const Peer http_peer = V4Peer(net.ip_a(), 6882);  // announced over HTTP (a leecher)

  std::optional<UdpAnnounceReply> udp = net.In(net.ns_a(), [&] {
    return UdpPeer(net.ip_a()).Announce(hash, udp_peer.port, /*left=*/0, /*event=started*/ 2);
  });
  ASSERT_TRUE(udp) << a.Describe();
  std::optional<test::HttpResponse> http = net.In(net.ns_a(), [&] {
    AnnounceParams p;
    p.info_hash = hash;
    p.port = std::to_string(http_peer.port);
    p.left = "100";
    p.extra = "&event=started";
    return HttpGet(net.ip_a(), AnnounceRequest(p));
  });
  ASSERT_TRUE(http && http->status == 200) << a.Describe();

  // What node B returns for the torrent, asked over HTTP and over UDP (v4).
  auto b_http_peers = [&] {
    std::optional<test::HttpResponse> r = net.In(net.ns_a(), [&] {
      AnnounceParams p;
      p.info_hash = hash;
      p.port = "7000";
      p.left = "100";
      p.extra = "&numwant=50";
      return HttpGet(net.ip_b(), AnnounceRequest(p));
    });
    return r && r->status == 200 ? DecodeAnnounce(r->content).peers : std::vector<Peer>{};
  };
  auto b_udp_peers = [&] {
    std::optional<UdpAnnounceReply> r =
        net.In(net.ns_a(), [&] { return UdpPeer(net.ip_b()).Announce(hash, 7001, 100, 0); });
    return r ? r->peers : std::vector<Peer>{};
  };

  ASSERT_TRUE(Poll(kSyncDeadline,
                   [&] {
                     std::vector<Peer> peers = b_http_peers();
                     return Contains(peers, udp_peer) && Contains(peers, http_peer);
                   }))
      << "node B never listed both peers\n"
      << a.Describe() << "\n"
      << b.Describe();
  std::vector<Peer> over_udp = b_udp_peers();
  EXPECT_TRUE(Contains(over_udp, udp_peer) && Contains(over_udp, http_peer))
      << "v4 records must be stored as v4 peers, visible to v4 UDP clients";

  std::optional<test::HttpResponse> syncs = stats(net.ip_b(), "syncs");
  ASSERT_TRUE(syncs && syncs->status == 200);
  const std::uint64_t received = std::strtoull(syncs->content.c_str(), nullptr, 10);
  EXPECT_GE(received, 2u) << test::Printable(syncs->content);

  // Stops on A, one per protocol, remove both peers from B.
  std::optional<UdpAnnounceReply> udp_stop =
      net.In(net.ns_a(), [&] { return UdpPeer(net.ip_a()).Announce(hash, udp_peer.port, 0, /*stopped*/ 3); });
  EXPECT_TRUE(udp_stop);
  std::optional<test::HttpResponse> http_stop = net.In(net.ns_a(), [&] {
    AnnounceParams p;
    p.info_hash = hash;
    p.port = std::to_string(http_peer.port);
    p.extra = "&event=stopped";
    return HttpGet(net.ip_a(), AnnounceRequest(p));
  });
  EXPECT_TRUE(http_stop && http_stop->status == 200);
  EXPECT_TRUE(Poll(kSyncDeadline,
                   [&] {
                     std::vector<Peer> peers = b_http_peers();
                     return !Contains(peers, udp_peer) && !Contains(peers, http_peer);
                   }))
      << "node B still lists a stopped peer\n"
      << b.Describe();

  EXPECT_TRUE(a.Stop());
  EXPECT_TRUE(b.Stop());
}

}  // namespace
}  // namespace ot::integration
