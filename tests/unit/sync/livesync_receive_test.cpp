// The receiving side of live sync: which datagrams are ignored (short, from
// unblessed sources, our own, unknown types), how records change the store
// (STOPPED removes, anything else adds with FROM_SYNC, the access list still
// applies, v4 records become v4 peers), the counters, the sockets upstream
// opens, and two nodes talking over loopback unicast with real threads.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "opentracker/sync/livesync.hpp"

namespace ot::sync {
namespace {

constexpr std::int64_t kT0 = 1'800'000'000;
constexpr proto::LivesyncTrackerId kIdA = {0xA1, 0xA2, 0xA3, 0xA4};
constexpr proto::LivesyncTrackerId kIdB = {0xB1, 0xB2, 0xB3, 0xB4};
const IpAddress kNodeA = IpAddress::FromV4(10, 199, 0, 1);

InfoHash Hash(std::uint32_t i) {
  InfoHash h;
  h.bytes.fill(0x5A);
  h.bytes[0] = static_cast<std::uint8_t>(i >> 8);
  h.bytes[1] = static_cast<std::uint8_t>(i);
  return h;
}

PeerEndpoint Peer4(std::uint8_t last, std::uint16_t port) {
  return {IpAddress::FromV4(192, 0, 2, last), port};
}

PeerEndpoint Peer6(std::uint8_t last, std::uint16_t port) {
  std::array<std::uint8_t, 16> v6{0x20, 0x01, 0x0d, 0xb8};
  v6[15] = last;
  return {IpAddress::FromV6(v6), port};
}

struct StoredPeer {
  PeerEndpoint endpoint;
  std::uint8_t flags = 0;
  friend bool operator==(const StoredPeer&, const StoredPeer&) = default;
};

struct StoredTorrent {
  SwarmCounts counts;
  std::vector<StoredPeer> peers4;
  std::vector<StoredPeer> peers6;
};

std::optional<StoredTorrent> Lookup(const tracker::TorrentStore& store, const InfoHash& hash) {
  std::optional<StoredTorrent> found;
  store.VisitShard(tracker::TorrentStore::ShardOf(hash), [&](const tracker::TorrentView& t) {
    if (t.info_hash != hash) return;
    StoredTorrent s;
    s.counts = t.counts;
    for (const tracker::Peer4& p : t.peers4) {
      s.peers4.push_back({{IpAddress::FromV4(std::span<const std::uint8_t, 4>(p.ip)),
                           static_cast<std::uint16_t>(p.port[0] << 8 | p.port[1])},
                          p.flags});
    }
    for (const tracker::Peer6& p : t.peers6) {
      s.peers6.push_back({{IpAddress::FromV6(std::span<const std::uint8_t, 16>(p.ip)),
                           static_cast<std::uint16_t>(p.port[0] << 8 | p.port[1])},
                          p.flags});
    }
    found = s;
  });
  return found;
}

std::vector<std::uint8_t> Packet(const proto::LivesyncTrackerId& id, Family family,
                                 const std::vector<proto::LivesyncPeer>& records) {
  proto::LivesyncPacketWriter w(id, family);
  for (const auto& r : records) EXPECT_TRUE(w.Add(r));
  return std::vector<std::uint8_t>(w.Bytes().begin(), w.Bytes().end());
}

std::uint64_t Count(const stats::CounterBlock& block, stats::Counter c) {
  stats::CounterSnapshot s;
  block.AccumulateInto(s);
  return s[c];
}

int UdpSocket() { return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); }

// A receiving node B that blesses A's address; its sockets are unused here.
struct Receiver {
  explicit Receiver(access::ListMode mode = access::ListMode::kOpen) : access(mode) {
    LivesyncOptions options;
    options.tracker_id = kIdB;
    options.blessed = {NetMask::Of(kNodeA, 128)};
    node = std::make_unique<Livesync>(LivesyncSockets(UdpSocket(), UdpSocket()), options, store, access,
                                      counters);
  }
  LivesyncApplyResult Apply(const std::vector<std::uint8_t>& datagram, const IpAddress& from = kNodeA,
                            std::int64_t t = kT0) {
    return node->HandleDatagram(datagram, from, TimePoint{t});
  }
  tracker::TorrentStore store;
  access::AccessControl access;
  stats::CounterBlock counters;
  std::unique_ptr<Livesync> node;
};

// ---------------------------------------------------------------------------
// Ignored datagrams.

TEST(LivesyncReceiveTest, DatagramsOfEightBytesOrLessAreIgnored) {
  Receiver b;
  std::vector<std::uint8_t> full = Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0}});
  for (std::size_t n = 0; n <= 8; ++n) {
    std::vector<std::uint8_t> prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(b.Apply(prefix).ignored, LivesyncIgnored::kTooShort) << n;
  }
  EXPECT_EQ(b.store.TorrentCount(), 0u);
  EXPECT_EQ(Count(b.counters, stats::Counter::kLivesyncReceived), 0u);
}

TEST(LivesyncReceiveTest, EveryTruncationAppliesOnlyWholeRecords) {
  std::vector<proto::LivesyncPeer> records;
  for (std::uint8_t i = 0; i < 3; ++i) records.push_back({Hash(i), Peer4(i, 100), 0});
  std::vector<std::uint8_t> full = Packet(kIdA, Family::kV4, records);
  for (std::size_t n = 9; n <= full.size(); ++n) {
    Receiver b;
    std::vector<std::uint8_t> prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    LivesyncApplyResult r = b.Apply(prefix);
    const std::size_t whole = (n - 8) / 28;
    EXPECT_EQ(r.ignored, LivesyncIgnored::kNone) << n;
    EXPECT_EQ(r.records, whole) << n;
    EXPECT_EQ(r.added, whole) << n;
    EXPECT_EQ(b.store.TorrentCount(), whole) << n;
    EXPECT_EQ(Count(b.counters, stats::Counter::kLivesyncReceived), whole) << n;
  }
}

TEST(LivesyncReceiveTest, UnblessedSourcesAreIgnored) {
  Receiver b;
  std::vector<std::uint8_t> p = Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0}});
  EXPECT_EQ(b.Apply(p, IpAddress::FromV4(10, 199, 0, 3)).ignored, LivesyncIgnored::kNotBlessed);
  EXPECT_EQ(b.Apply(p, IpAddress::FromV4(127, 0, 0, 1)).ignored, LivesyncIgnored::kNotBlessed);
  EXPECT_EQ(b.store.TorrentCount(), 0u);
  EXPECT_EQ(Count(b.counters, stats::Counter::kLivesyncReceived), 0u);
  EXPECT_EQ(b.Apply(p, kNodeA).ignored, LivesyncIgnored::kNone);
  EXPECT_EQ(b.store.TorrentCount(), 1u);
}

TEST(LivesyncReceiveTest, ANodeWithoutBlessingsAcceptsNobody) {
  tracker::TorrentStore store;
  access::AccessControl access(access::ListMode::kOpen);
  stats::CounterBlock counters;
  LivesyncOptions options;
  options.tracker_id = kIdB;
  Livesync b(LivesyncSockets(UdpSocket(), UdpSocket()), options, store, access, counters);
  std::vector<std::uint8_t> p = Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0}});
  EXPECT_EQ(b.HandleDatagram(p, kNodeA, TimePoint{kT0}).ignored, LivesyncIgnored::kNotBlessed);
}

TEST(LivesyncReceiveTest, OurOwnPacketsAreIgnored) {
  Receiver b;
  EXPECT_EQ(b.Apply(Packet(kIdB, Family::kV4, {{Hash(1), Peer4(1, 1), 0}})).ignored,
            LivesyncIgnored::kOwnPacket);
  EXPECT_EQ(b.Apply(Packet(kIdB, Family::kV6, {{Hash(1), Peer6(1, 1), 0}})).ignored,
            LivesyncIgnored::kOwnPacket);
  EXPECT_EQ(b.store.TorrentCount(), 0u);
}

TEST(LivesyncReceiveTest, UnknownTypesAreIgnored) {
  Receiver b;
  std::vector<std::uint8_t> p = Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0}});
  for (std::uint8_t type : {2, 3, 255}) {
    p[7] = type;
    EXPECT_EQ(b.Apply(p).ignored, LivesyncIgnored::kUnknownType) << int{type};
  }
  p[7] = 0;
  p[4] = 1;  // 0x01000000: the type is big-endian
  EXPECT_EQ(b.Apply(p).ignored, LivesyncIgnored::kUnknownType);
  EXPECT_EQ(b.store.TorrentCount(), 0u);
}

// ---------------------------------------------------------------------------
// Applied records.

TEST(LivesyncReceiveTest, RecordsAddPeersMarkedFromSync) {
  Receiver b;
  LivesyncApplyResult r = b.Apply(Packet(
      kIdA, Family::kV4,
      {{Hash(1), Peer4(1, 6881), 0x00}, {Hash(1), Peer4(2, 6882), 0x80}, {Hash(2), Peer4(3, 6883), 0x80}}));
  EXPECT_EQ(r.ignored, LivesyncIgnored::kNone);
  EXPECT_EQ(r.records, 3u);
  EXPECT_EQ(r.added, 3u);
  std::optional<StoredTorrent> t1 = Lookup(b.store, Hash(1));
  ASSERT_TRUE(t1);
  EXPECT_EQ(t1->peers4, (std::vector<StoredPeer>{{Peer4(1, 6881), 0x10}, {Peer4(2, 6882), 0x90}}));
  EXPECT_TRUE(t1->peers6.empty());
  EXPECT_EQ(t1->counts.seeders, 1u);
  EXPECT_EQ(t1->counts.leechers, 1u);
  EXPECT_EQ(Count(b.counters, stats::Counter::kLivesyncReceived), 3u);
  EXPECT_EQ(Count(b.counters, stats::Counter::kTorrentsAdded), 2u);
  EXPECT_EQ(b.node->packets_sent(), 0u) << "a received record is never re-sent, and no reply is sent";
}

TEST(LivesyncReceiveTest, V4RecordsBecomeV4PeersAndV6RecordsV6Peers) {
  Receiver b;
  b.Apply(Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0}}));
  // A v6 packet may carry a v4-mapped address: it is a v4 peer too.
  std::vector<std::uint8_t> v6 = Packet(kIdA, Family::kV6, {{Hash(1), Peer6(9, 2), 0}});
  std::vector<std::uint8_t> mapped = v6;
  const std::uint8_t mapped_ip[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7};
  std::memcpy(mapped.data() + 8 + 20, mapped_ip, 16);
  b.Apply(v6);
  b.Apply(mapped);
  std::optional<StoredTorrent> t = Lookup(b.store, Hash(1));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->peers4, (std::vector<StoredPeer>{{Peer4(1, 1), 0x10}, {Peer4(7, 2), 0x10}}));
  EXPECT_EQ(t->peers6, (std::vector<StoredPeer>{{Peer6(9, 2), 0x10}}));
}

TEST(LivesyncReceiveTest, StoppedRemovesThePeerAndCreatesNothing) {
  Receiver b;
  b.Apply(Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0x80}, {Hash(1), Peer4(2, 2), 0x00}}));
  LivesyncApplyResult r = b.Apply(Packet(kIdA, Family::kV4,
                                         {{Hash(1), Peer4(1, 1), 0xA0},     // seeder stops
                                          {Hash(1), Peer4(5, 5), 0x20},     // unknown peer
                                          {Hash(3), Peer4(1, 1), 0x20}}));  // unknown torrent
  EXPECT_EQ(r.records, 3u);
  EXPECT_EQ(r.removed, 1u);
  EXPECT_EQ(r.added, 0u);
  std::optional<StoredTorrent> t = Lookup(b.store, Hash(1));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->peers4, (std::vector<StoredPeer>{{Peer4(2, 2), 0x10}}));
  EXPECT_EQ(t->counts.seeders, 0u);
  EXPECT_FALSE(Lookup(b.store, Hash(3)));
  EXPECT_EQ(Count(b.counters, stats::Counter::kLivesyncReceived), 5u);
  // v6 stops too.
  b.Apply(Packet(kIdA, Family::kV6, {{Hash(1), Peer6(1, 1), 0}}));
  b.Apply(Packet(kIdA, Family::kV6, {{Hash(1), Peer6(1, 1), 0x20}}));
  EXPECT_TRUE(Lookup(b.store, Hash(1))->peers6.empty());
}

TEST(LivesyncReceiveTest, TheAccessListStillApplies) {
  Receiver b(access::ListMode::kWhitelist);
  std::vector<InfoHash> listed = {Hash(1)};
  b.access.AddHashes(listed);
  LivesyncApplyResult r =
      b.Apply(Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0}, {Hash(2), Peer4(1, 1), 0}}));
  EXPECT_EQ(r.added, 1u);
  EXPECT_EQ(r.refused, 1u);
  EXPECT_EQ(r.records, 2u);
  EXPECT_TRUE(Lookup(b.store, Hash(1)));
  EXPECT_FALSE(Lookup(b.store, Hash(2)));
  // Refused records are still counted as received, as upstream counts the packet's records.
  EXPECT_EQ(Count(b.counters, stats::Counter::kLivesyncReceived), 2u);

  // A change of the list is seen by the receive thread's reader.
  std::vector<InfoHash> more = {Hash(2)};
  b.access.AddHashes(more);
  EXPECT_EQ(b.Apply(Packet(kIdA, Family::kV4, {{Hash(2), Peer4(1, 1), 0}})).added, 1u);

  // Stops are never checked against the list (upstream).
  b.access.RemoveHashes(listed);
  EXPECT_EQ(b.Apply(Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0x20}})).removed, 1u);
}

TEST(LivesyncReceiveTest, CompletionsRenewalsAndLimitsAreCounted) {
  Receiver b;
  b.Apply(Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0xC0}}), kNodeA, kT0);
  std::optional<StoredTorrent> t = Lookup(b.store, Hash(1));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->counts.downloaded, 1u);
  EXPECT_EQ(Count(b.counters, stats::Counter::kCompleted), 1u);
  // The same peer again, three minutes later: a renewal at age 3, no second completion.
  b.Apply(Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0xC0}}), kNodeA, kT0 + 180);
  EXPECT_EQ(Lookup(b.store, Hash(1))->counts.downloaded, 1u);
  EXPECT_EQ(Count(b.counters, stats::Counter::kCompleted), 1u);
  stats::CounterSnapshot s;
  b.counters.AccumulateInto(s);
  EXPECT_EQ(s.renew[3], 1u);
  // Other bits of the flags byte are not stored; FROM_SYNC is.
  b.Apply(Packet(kIdA, Family::kV4, {{Hash(4), Peer4(1, 1), 0x0F}}));
  EXPECT_EQ(Lookup(b.store, Hash(4))->peers4[0].flags, 0x10);
}

TEST(LivesyncReceiveTest, TheTorrentCapRefusesNewTorrents) {
  tracker::TorrentStore store(tracker::StoreLimits{1, 0});
  access::AccessControl access(access::ListMode::kOpen);
  stats::CounterBlock counters;
  LivesyncOptions options;
  options.tracker_id = kIdB;
  options.blessed = {NetMask::Of(kNodeA, 128)};
  Livesync b(LivesyncSockets(UdpSocket(), UdpSocket()), options, store, access, counters);
  LivesyncApplyResult r =
      b.HandleDatagram(Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0}, {Hash(2), Peer4(1, 1), 0}}),
                       kNodeA, TimePoint{kT0});
  EXPECT_EQ(r.added, 1u);
  EXPECT_EQ(r.refused, 1u);
  EXPECT_EQ(Count(counters, stats::Counter::kTorrentsRefused), 1u);
}

TEST(LivesyncReceiveTest, ThePeerCapDropsNewPeers) {
  tracker::TorrentStore store(tracker::StoreLimits{0, 1});
  access::AccessControl access(access::ListMode::kOpen);
  stats::CounterBlock counters;
  LivesyncOptions options;
  options.tracker_id = kIdB;
  options.blessed = {NetMask::Of(kNodeA, 128)};
  Livesync b(LivesyncSockets(UdpSocket(), UdpSocket()), options, store, access, counters);
  LivesyncApplyResult r =
      b.HandleDatagram(Packet(kIdA, Family::kV4, {{Hash(1), Peer4(1, 1), 0}, {Hash(1), Peer4(2, 2), 0}}),
                       kNodeA, TimePoint{kT0});
  EXPECT_EQ(r.added, 1u);
  EXPECT_EQ(r.refused, 1u);
  EXPECT_EQ(store.PeerCount(), 1u);
  EXPECT_EQ(Count(counters, stats::Counter::kPeersDropped), 1u);
}

// ---------------------------------------------------------------------------
// Sockets and ids.

TEST(LivesyncIdTest, IdsComeFromTheRandomSource) {
  std::set<proto::LivesyncTrackerId> ids;
  for (int i = 0; i < 8; ++i) ids.insert(NewLivesyncTrackerId());
  EXPECT_GE(ids.size(), 7u);  // a 2^-32 collision at most, not a clock seed
}

TEST(LivesyncSocketsTest, OnlyIpv4CanBeUsed) {
  std::string error;
  proto::ListenAddress v6{IpAddress{}, 9696};
  EXPECT_FALSE(LivesyncSockets::Open(v6, &error));
  EXPECT_EQ(error, "v6 mcast support not yet available.");
}

TEST(LivesyncSocketsTest, OpensUpstreamsTwoSockets) {
  std::string error;
  std::optional<LivesyncSockets> s = LivesyncSockets::Open({IpAddress::FromV4(127, 0, 0, 1), 0}, &error);
  if (!s && error.find("join multicast") != std::string::npos) {
    GTEST_SKIP() << "the loopback interface cannot join a multicast group here: " << error;
  }
  ASSERT_TRUE(s) << error;
  sockaddr_in in{};
  sockaddr_in out{};
  socklen_t len = sizeof(in);
  ASSERT_EQ(getsockname(s->incoming(), reinterpret_cast<sockaddr*>(&in), &len), 0);
  len = sizeof(out);
  ASSERT_EQ(getsockname(s->outgoing(), reinterpret_cast<sockaddr*>(&out), &len), 0);
  EXPECT_EQ(in.sin_addr.s_addr, htonl(INADDR_ANY));
  EXPECT_EQ(out.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
  EXPECT_NE(in.sin_port, 0);
  EXPECT_EQ(in.sin_port, out.sin_port) << "both sockets use the configured port, as upstream";

  unsigned char ttl = 0;
  unsigned char loop = 1;
  in_addr interface_address{};
  len = sizeof(ttl);
  ASSERT_EQ(getsockopt(s->outgoing(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, &len), 0);
  len = sizeof(loop);
  ASSERT_EQ(getsockopt(s->outgoing(), IPPROTO_IP, IP_MULTICAST_LOOP, &loop, &len), 0);
  len = sizeof(interface_address);
  ASSERT_EQ(getsockopt(s->outgoing(), IPPROTO_IP, IP_MULTICAST_IF, &interface_address, &len), 0);
  EXPECT_EQ(ttl, 1);
  EXPECT_EQ(loop, 0);
  EXPECT_EQ(interface_address.s_addr, htonl(INADDR_LOOPBACK));
  EXPECT_TRUE(fcntl(s->outgoing(), F_GETFL) & O_NONBLOCK) << "announcing threads never block on a send";
  EXPECT_TRUE(fcntl(s->incoming(), F_GETFD) & FD_CLOEXEC);

  // Moving hands the descriptors over; the moved-from object owns nothing.
  LivesyncSockets moved = std::move(*s);
  EXPECT_EQ(s->incoming(), -1);
  EXPECT_GE(moved.incoming(), 0);
}

TEST(LivesyncSocketsTest, APortInUseIsReported) {
  int blocker = UdpSocket();
  sockaddr_in a{};
  a.sin_family = AF_INET;
  ASSERT_EQ(bind(blocker, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);  // 0.0.0.0, no SO_REUSEADDR
  socklen_t len = sizeof(a);
  getsockname(blocker, reinterpret_cast<sockaddr*>(&a), &len);
  const std::uint16_t port = ntohs(a.sin_port);
  std::string error;
  EXPECT_FALSE(LivesyncSockets::Open({IpAddress::FromV4(127, 0, 0, 1), port}, &error));
  EXPECT_EQ(error, "cannot bind live sync incoming socket 0.0.0.0:" + std::to_string(port) + ": " +
                       std::strerror(EADDRINUSE));
  tracker::TorrentStore store;
  access::AccessControl access(access::ListMode::kOpen);
  stats::CounterBlock counters;
  error.clear();
  EXPECT_EQ(Livesync::Open({IpAddress::FromV4(127, 0, 0, 1), port}, {}, store, access, counters, &error),
            nullptr);
  EXPECT_FALSE(error.empty());
  close(blocker);
}

// ---------------------------------------------------------------------------
// Two nodes over loopback: A's packets go (unicast) to B's incoming socket
// and the other way round; each runs its receive thread.

struct BoundSocket {
  int fd;
  std::uint16_t port;
};

BoundSocket Bind127() {
  int fd = UdpSocket();
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return {fd, ntohs(a.sin_port)};
}

struct Node {
  tracker::TorrentStore store;
  access::AccessControl access{access::ListMode::kOpen};
  stats::CounterBlock counters;
  std::unique_ptr<Livesync> sync;
  std::atomic<bool> stop{false};
  std::thread thread;
  Rng rng{3};

  void Start() {
    thread = std::thread([this] { sync->Run(stop); });
  }
  ~Node() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
  // What TrackerCore does for an announce: store, then tell the observer.
  void Announce(const InfoHash& hash, const PeerEndpoint& peer, bool seeding, std::int64_t t) {
    AnnounceRequest r;
    r.info_hash = hash;
    r.seeding = seeding;
    tracker::AnnounceOutcome o =
        store.Announce(hash, peer, seeding ? tracker::kPeerSeeding : 0, TimePoint{t}.Minutes(),
                       tracker::PeerWant{0, false}, rng, tracker::PeerBuffers{});
    sync->OnAnnounce(r, peer, o, TimePoint{t});
  }
  void Stop(const InfoHash& hash, const PeerEndpoint& peer, std::int64_t t) {
    AnnounceRequest r;
    r.info_hash = hash;
    r.event = AnnounceEvent::kStopped;
    store.Stop(hash, peer, TimePoint{t}.Minutes());
    sync->OnStopped(r, peer, TimePoint{t});
  }
};

// Polls `condition` for up to 5 s.
template <typename F>
bool Eventually(F condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

void Link(Node& a, Node& b, proto::LivesyncTrackerId id_a, proto::LivesyncTrackerId id_b, bool bless = true) {
  BoundSocket a_in = Bind127();
  BoundSocket b_in = Bind127();
  BoundSocket a_out = Bind127();
  BoundSocket b_out = Bind127();
  const IpAddress loopback = IpAddress::FromV4(127, 0, 0, 1);
  LivesyncOptions oa;
  oa.tracker_id = id_a;
  oa.destination = {loopback, b_in.port};
  LivesyncOptions ob;
  ob.tracker_id = id_b;
  ob.destination = {loopback, a_in.port};
  if (bless) {
    oa.blessed = {NetMask::Of(loopback, 128)};
    ob.blessed = {NetMask::Of(loopback, 128)};
  }
  a.sync = std::make_unique<Livesync>(LivesyncSockets(a_in.fd, a_out.fd), oa, a.store, a.access, a.counters);
  b.sync = std::make_unique<Livesync>(LivesyncSockets(b_in.fd, b_out.fd), ob, b.store, b.access, b.counters);
  a.Start();
  b.Start();
}

bool HasPeer4(const tracker::TorrentStore& store, const InfoHash& hash, const PeerEndpoint& peer) {
  std::optional<StoredTorrent> t = Lookup(store, hash);
  if (!t) return false;
  for (const StoredPeer& p : t->peers4) {
    if (p.endpoint == peer) return true;
  }
  return false;
}

TEST(LivesyncPairTest, AnAnnounceOnOneNodeReachesTheOtherAndAStopRemovesIt) {
  Node a;
  Node b;
  Link(a, b, kIdA, kIdB);
  // The receive threads stamp records with the wall clock, so the test's announces use it too.
  const std::int64_t t0 = WallClockNow().unix_seconds;
  const InfoHash hash = Hash(42);
  const PeerEndpoint seeder = Peer4(1, 6881);
  const PeerEndpoint leecher = Peer4(2, 6882);
  a.Announce(hash, seeder, true, t0);
  a.Announce(hash, leecher, false, t0);
  a.sync->Flush(TimePoint{t0});
  ASSERT_TRUE(
      Eventually([&] { return HasPeer4(b.store, hash, seeder) && HasPeer4(b.store, hash, leecher); }));
  EXPECT_EQ(Lookup(b.store, hash)->counts.seeders, 1u);
  EXPECT_EQ(Count(b.counters, stats::Counter::kLivesyncReceived), 2u);

  // B learned them through sync; announcing at B soon after is a renew of a
  // young peer, so B does not echo it back (upstream's 10-minute rule).
  b.Announce(hash, seeder, true, t0 + 60 * 5);
  b.sync->FlushAll(TimePoint{t0 + 60 * 5});
  EXPECT_EQ(b.sync->packets_sent(), 0u);

  a.Stop(hash, seeder, t0 + 5);
  a.sync->Flush(TimePoint{t0 + 5});  // not due yet: the stop waits for the timer
  a.sync->Flush(TimePoint{t0 + 15});
  ASSERT_TRUE(Eventually([&] { return !HasPeer4(b.store, hash, seeder); }));
  EXPECT_TRUE(HasPeer4(b.store, hash, leecher));
  EXPECT_EQ(a.sync->packets_sent(), 2u);
  EXPECT_EQ(Count(a.counters, stats::Counter::kLivesyncReceived), 0u);
}

TEST(LivesyncPairTest, NodesSharingAnIdIgnoreEachOther) {
  Node a;
  Node b;
  Link(a, b, kIdA, kIdA);
  const std::int64_t t0 = WallClockNow().unix_seconds;
  a.Announce(Hash(1), Peer4(1, 1), false, t0);
  a.sync->Flush(TimePoint{t0});
  // Then a packet B does take, to know the first one has been handled.
  Node c;
  LivesyncOptions oc;
  oc.tracker_id = kIdB;
  sockaddr_in b_in{};
  socklen_t len = sizeof(b_in);
  getsockname(b.sync->incoming_fd(), reinterpret_cast<sockaddr*>(&b_in), &len);
  oc.destination = {IpAddress::FromV4(127, 0, 0, 1), ntohs(b_in.sin_port)};
  c.sync = std::make_unique<Livesync>(LivesyncSockets(UdpSocket(), Bind127().fd), oc, c.store, c.access,
                                      c.counters);
  c.Announce(Hash(2), Peer4(2, 2), false, t0);
  c.sync->Flush(TimePoint{t0});
  ASSERT_TRUE(Eventually([&] { return Lookup(b.store, Hash(2)).has_value(); }));
  EXPECT_FALSE(Lookup(b.store, Hash(1)));
}

TEST(LivesyncPairTest, UnblessedNodesAreNotHeard) {
  Node a;
  Node b;
  Link(a, b, kIdA, kIdB, /*bless=*/false);
  const std::int64_t t0 = WallClockNow().unix_seconds;
  a.Announce(Hash(1), Peer4(1, 1), false, t0);
  a.sync->Flush(TimePoint{t0});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(Lookup(b.store, Hash(1)));
  EXPECT_EQ(a.sync->packets_sent(), 1u);
}

TEST(LivesyncPairTest, RunReturnsSoonAfterStopIsSet) {
  Node a;
  Node b;
  Link(a, b, kIdA, kIdB);
  auto start = std::chrono::steady_clock::now();
  a.stop = true;
  a.thread.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace ot::sync
