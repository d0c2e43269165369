// What a node queues for live sync and how it batches and sends it: the
// upstream rules of trackerlogic.c (new peers, renewals after 10 minutes,
// fresh completions, every stop; never peers learned through sync), the
// 1480-byte packets per family, and the 15-second timer. Packets are sent
// by unicast to a loopback socket that the test reads back.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "opentracker/sync/livesync.hpp"

namespace ot::sync {
namespace {

constexpr std::int64_t kT0 = 1'800'000'000;  // a 2027 timestamp, a whole minute
constexpr proto::LivesyncTrackerId kIdA = {0xA1, 0xA2, 0xA3, 0xA4};

InfoHash Hash(std::uint32_t i) {
  InfoHash h;
  for (std::size_t k = 0; k < h.bytes.size(); ++k) h.bytes[k] = static_cast<std::uint8_t>(0x30 + k);
  h.bytes[0] = static_cast<std::uint8_t>(i >> 24);
  h.bytes[1] = static_cast<std::uint8_t>(i >> 16);
  h.bytes[2] = static_cast<std::uint8_t>(i >> 8);
  h.bytes[3] = static_cast<std::uint8_t>(i);
  return h;
}

PeerEndpoint Peer4(std::uint8_t last, std::uint16_t port) {
  return {IpAddress::FromV4(10, 0, 0, last), port};
}

PeerEndpoint Peer6(std::uint8_t last, std::uint16_t port) {
  std::array<std::uint8_t, 16> v6{0x20, 0x01, 0x0d, 0xb8};
  v6[15] = last;
  return {IpAddress::FromV6(v6), port};
}

AnnounceRequest Request(const InfoHash& hash, bool seeding = false,
                        AnnounceEvent event = AnnounceEvent::kNone) {
  AnnounceRequest r;
  r.info_hash = hash;
  r.seeding = seeding;
  r.event = event;
  return r;
}

tracker::AnnounceOutcome NewPeer() {
  tracker::AnnounceOutcome o;
  o.peer_created = true;
  return o;
}

tracker::AnnounceOutcome KnownPeer(int previous_age, std::uint8_t previous_flags = 0,
                                   bool completed = false) {
  tracker::AnnounceOutcome o;
  o.previous_age = previous_age;
  o.previous_flags = previous_flags;
  o.completed = completed;
  return o;
}

// ---------------------------------------------------------------------------
// What is queued.

TEST(LivesyncRecordFlagsTest, NewPeersAreAlwaysSentWithTheRequestFlags) {
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1)), NewPeer()), std::optional<std::uint8_t>(0x00));
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1), true), NewPeer()), std::optional<std::uint8_t>(0x80));
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1), true, AnnounceEvent::kStarted), NewPeer()),
            std::optional<std::uint8_t>(0x80));
  tracker::AnnounceOutcome completed = NewPeer();
  completed.completed = true;
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1), true, AnnounceEvent::kCompleted), completed),
            std::optional<std::uint8_t>(0xC0));
}

TEST(LivesyncRecordFlagsTest, CompletedWithoutSeedingIsSanitisedAway) {
  // Upstream drops COMPLETED without SEEDING before livesync_tell sees the peer.
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1), false, AnnounceEvent::kCompleted), NewPeer()),
            std::optional<std::uint8_t>(0x00));
}

TEST(LivesyncRecordFlagsTest, ReannouncesAreSentOnlyAfterMoreThanTenMinutes) {
  for (int age = 0; age <= 44; ++age) {
    std::optional<std::uint8_t> flags = AnnounceRecordFlags(Request(Hash(1), true), KnownPeer(age));
    if (age > 10) {
      EXPECT_EQ(flags, std::optional<std::uint8_t>(0x80)) << age;
    } else {
      EXPECT_EQ(flags, std::nullopt) << age;
    }
  }
}

TEST(LivesyncRecordFlagsTest, AFreshCompletionIsSentAtAnyAge) {
  for (int age : {0, 1, 5, 10}) {
    EXPECT_EQ(
        AnnounceRecordFlags(Request(Hash(1), true, AnnounceEvent::kCompleted), KnownPeer(age, 0x00, true)),
        std::optional<std::uint8_t>(0xC0))
        << age;
    // A repeated "completed" (the store did not count it) is an ordinary re-announce.
    EXPECT_EQ(
        AnnounceRecordFlags(Request(Hash(1), true, AnnounceEvent::kCompleted), KnownPeer(age, 0xC0, false)),
        std::nullopt)
        << age;
  }
}

// As upstream: a peer last heard of through sync that now announces here is
// treated like any re-announce (its stored flags are overwritten), so only the
// 10-minute renew rule and fresh completions decide.
TEST(LivesyncRecordFlagsTest, PeersLearnedThroughSyncFollowTheRenewRuleWhenTheyAnnounceHere) {
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1), true), KnownPeer(0, tracker::kPeerFromSync)), std::nullopt);
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1), true), KnownPeer(10, tracker::kPeerFromSync)), std::nullopt);
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1), true), KnownPeer(11, tracker::kPeerFromSync)),
            std::optional<std::uint8_t>(0x80));
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1), true, AnnounceEvent::kCompleted),
                                KnownPeer(0, tracker::kPeerFromSync, true)),
            std::optional<std::uint8_t>(0xC0));
}

TEST(LivesyncRecordFlagsTest, PeersTheStoreDidNotKeepAreNotSent) {
  tracker::AnnounceOutcome dropped;
  dropped.peer_dropped = true;
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1)), dropped), std::nullopt);
  tracker::AnnounceOutcome refused;
  refused.status = tracker::AnnounceOutcome::Status::kTorrentLimit;
  EXPECT_EQ(AnnounceRecordFlags(Request(Hash(1)), refused), std::nullopt);
}

TEST(LivesyncRecordFlagsTest, StopsCarryStoppedAndTheSeedingBit) {
  EXPECT_EQ(StopRecordFlags(Request(Hash(1), false, AnnounceEvent::kStopped)), 0x20);
  EXPECT_EQ(StopRecordFlags(Request(Hash(1), true, AnnounceEvent::kStopped)), 0xA0);
}

// The rule against the real store's outcomes, minute by minute.
TEST(LivesyncRecordFlagsTest, FollowsTheStoresAgeing) {
  tracker::TorrentStore store;
  Rng rng(1);
  const InfoHash hash = Hash(7);
  const PeerEndpoint peer = Peer4(1, 6881);
  auto announce = [&](std::uint32_t minute, std::uint8_t flags, AnnounceEvent event) {
    tracker::AnnounceOutcome o =
        store.Announce(hash, peer, flags, minute, tracker::PeerWant{0, true}, rng, tracker::PeerBuffers{});
    return AnnounceRecordFlags(Request(hash, (flags & tracker::kPeerSeeding) != 0, event), o);
  };
  const std::uint32_t m = static_cast<std::uint32_t>(kT0 / 60);
  EXPECT_TRUE(announce(m, 0, AnnounceEvent::kStarted));     // new
  EXPECT_FALSE(announce(m + 1, 0, AnnounceEvent::kNone));   // age 1
  EXPECT_FALSE(announce(m + 11, 0, AnnounceEvent::kNone));  // age 10: not yet
  EXPECT_TRUE(announce(m + 22, 0, AnnounceEvent::kNone));   // age 11
  EXPECT_TRUE(announce(m + 23, tracker::kPeerSeeding | tracker::kPeerCompleted, AnnounceEvent::kCompleted));
  EXPECT_FALSE(announce(m + 24, tracker::kPeerSeeding | tracker::kPeerCompleted, AnnounceEvent::kCompleted));

  // A peer first stored from a sync record that announces here becomes a
  // local peer: the flag is not kept, so it is sent once it is old enough.
  const PeerEndpoint synced = Peer4(2, 6881);
  store.Announce(hash, synced, tracker::kPeerFromSync, m, tracker::PeerWant{0, true}, rng,
                 tracker::PeerBuffers{});
  tracker::AnnounceOutcome o =
      store.Announce(hash, synced, 0, m + 5, tracker::PeerWant{0, true}, rng, tracker::PeerBuffers{});
  EXPECT_EQ(o.previous_age, 5);
  EXPECT_EQ(AnnounceRecordFlags(Request(hash), o), std::nullopt);
  o = store.Announce(hash, synced, 0, m + 30, tracker::PeerWant{0, true}, rng, tracker::PeerBuffers{});
  EXPECT_EQ(o.previous_flags & tracker::kPeerFromSync, 0);
  EXPECT_TRUE(AnnounceRecordFlags(Request(hash), o));
}

// ---------------------------------------------------------------------------
// Batching and sending, through real loopback sockets.

struct Loopback {
  int fd = -1;
  std::uint16_t port = 0;
  Loopback() {
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    int big = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
  }
  ~Loopback() {
    if (fd >= 0) close(fd);
  }
  int Release() {
    int f = fd;
    fd = -1;
    return f;
  }
  Loopback(const Loopback&) = delete;
  Loopback& operator=(const Loopback&) = delete;

  // Every datagram that arrives within `wait` of the previous one.
  std::vector<std::vector<std::uint8_t>> Drain(int wait_ms = 50) const {
    std::vector<std::vector<std::uint8_t>> out;
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, wait_ms) <= 0) return out;
      std::vector<std::uint8_t> buffer(65536);
      ssize_t n = recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (n < 0) return out;
      buffer.resize(static_cast<std::size_t>(n));
      out.push_back(std::move(buffer));
    }
  }
};

// A node whose packets land on `sink`; it never receives anything itself.
struct Sender {
  tracker::TorrentStore store;
  access::AccessControl access{access::ListMode::kOpen};
  stats::CounterBlock counters;
  Loopback sink;
  std::unique_ptr<Livesync> node;

  Sender() {
    Loopback out;
    Loopback in;  // unused incoming socket
    LivesyncOptions options;
    options.tracker_id = kIdA;
    options.destination = PeerEndpoint{IpAddress::FromV4(127, 0, 0, 1), sink.port};
    node = std::make_unique<Livesync>(LivesyncSockets(in.Release(), out.Release()), options, store, access,
                                      counters);
  }
  void AnnounceNew(const InfoHash& hash, const PeerEndpoint& peer, bool seeding, std::int64_t t) {
    node->OnAnnounce(Request(hash, seeding), peer, NewPeer(), TimePoint{t});
  }
};

std::vector<proto::LivesyncPeer> Records(const std::vector<std::uint8_t>& datagram) {
  std::vector<proto::LivesyncPeer> out;
  std::optional<proto::LivesyncPacket> p = proto::ParseLivesyncPacket(datagram);
  if (!p) return out;
  for (std::size_t i = 0; i < p->size(); ++i) out.push_back((*p)[i]);
  return out;
}

TEST(LivesyncBatchTest, AV4PacketGoesOutWhenTheFiftySecondRecordIsQueued) {
  Sender s;
  std::vector<proto::LivesyncPeer> queued;
  for (std::uint32_t i = 0; i < 51; ++i) {
    PeerEndpoint peer = Peer4(static_cast<std::uint8_t>(i + 1), static_cast<std::uint16_t>(6000 + i));
    s.AnnounceNew(Hash(i), peer, i % 2 == 0, kT0);
    queued.push_back({Hash(i), peer, static_cast<std::uint8_t>(i % 2 == 0 ? 0x80 : 0x00)});
  }
  EXPECT_TRUE(s.sink.Drain(20).empty()) << "51 records still fit (52 do)";
  PeerEndpoint last = Peer4(200, 7000);
  s.AnnounceNew(Hash(99), last, false, kT0);
  queued.push_back({Hash(99), last, 0});

  auto packets = s.sink.Drain();
  ASSERT_EQ(packets.size(), 1u);
  const std::vector<std::uint8_t>& p = packets[0];
  EXPECT_EQ(p.size(), 8u + 52 * 28);
  EXPECT_LE(p.size(), 1480u);
  EXPECT_TRUE(std::equal(kIdA.begin(), kIdA.end(), p.begin()));
  EXPECT_EQ(std::vector<std::uint8_t>(p.begin() + 4, p.begin() + 8), (std::vector<std::uint8_t>{0, 0, 0, 0}));
  EXPECT_EQ(Records(p), queued);
  // Record layout on the wire: hash, ip, port big-endian, flags, age 0.
  const std::uint8_t* r = p.data() + 8;
  EXPECT_EQ(std::vector<std::uint8_t>(r + 20, r + 28),
            (std::vector<std::uint8_t>{10, 0, 0, 1, 0x17, 0x70, 0x80, 0}));
  EXPECT_EQ(s.node->packets_sent(), 1u);
  EXPECT_EQ(s.node->send_failures(), 0u);

  // The batch starts over: the next record waits for the timer.
  s.AnnounceNew(Hash(100), Peer4(201, 7001), false, kT0);
  EXPECT_TRUE(s.sink.Drain(20).empty());
}

TEST(LivesyncBatchTest, AV6PacketHoldsThirtySixRecordsAndNeverOverflows) {
  Sender s;
  for (std::uint32_t i = 0; i < 35; ++i)
    s.AnnounceNew(Hash(i), Peer6(static_cast<std::uint8_t>(i), 6881), true, kT0);
  EXPECT_TRUE(s.sink.Drain(20).empty());
  s.AnnounceNew(Hash(35), Peer6(35, 6881), true, kT0);
  auto packets = s.sink.Drain();
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].size(), 8u + 36 * 40);  // HEAD would take a 37th: 1488 bytes (quirk 19)
  EXPECT_EQ(std::vector<std::uint8_t>(packets[0].begin() + 4, packets[0].begin() + 8),
            (std::vector<std::uint8_t>{0, 0, 0, 1}));
  std::vector<proto::LivesyncPeer> records = Records(packets[0]);
  ASSERT_EQ(records.size(), 36u);
  EXPECT_EQ(records[35].peer, Peer6(35, 6881));
  EXPECT_EQ(records[35].flags, 0x80);
}

TEST(LivesyncBatchTest, FamiliesAreBatchedSeparately) {
  Sender s;
  for (std::uint32_t i = 0; i < 40; ++i) {
    s.AnnounceNew(Hash(i), Peer4(static_cast<std::uint8_t>(i), 1000), false, kT0);
    s.AnnounceNew(Hash(i), Peer6(static_cast<std::uint8_t>(i), 1000), false, kT0);
  }
  // The v6 batch filled at its 36th record; the v4 one (40 of 52) waits.
  auto packets = s.sink.Drain();
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(Records(packets[0]).size(), 36u);
  s.node->Flush(TimePoint{kT0 + 1});  // v4 never sent: due at once; v6 just sent: not due
  packets = s.sink.Drain();
  ASSERT_EQ(packets.size(), 1u);
  std::vector<proto::LivesyncPeer> v4 = Records(packets[0]);
  ASSERT_EQ(v4.size(), 40u);
  for (const proto::LivesyncPeer& r : v4) EXPECT_TRUE(r.peer.ip.IsV4());
  s.node->Flush(TimePoint{kT0 + 15});
  packets = s.sink.Drain();
  ASSERT_EQ(packets.size(), 1u);  // the 4 v6 records left over
  EXPECT_EQ(Records(packets[0]).size(), 4u);
}

TEST(LivesyncFlushTest, APartialBatchWaitsFifteenSecondsAfterThePreviousPacket) {
  Sender s;
  s.node->Flush(TimePoint{kT0});  // nothing queued: nothing sent
  EXPECT_TRUE(s.sink.Drain(20).empty());

  s.AnnounceNew(Hash(1), Peer4(1, 1), false, kT0);
  s.node->Flush(TimePoint{kT0});  // first packet of the family: no wait
  ASSERT_EQ(s.sink.Drain().size(), 1u);

  s.AnnounceNew(Hash(2), Peer4(2, 2), false, kT0 + 1);
  for (std::int64_t t = kT0; t < kT0 + 15; ++t) {
    s.node->Flush(TimePoint{t});
    EXPECT_TRUE(s.sink.Drain(5).empty()) << t - kT0;
  }
  s.node->Flush(TimePoint{kT0 + 15});
  auto packets = s.sink.Drain();
  ASSERT_EQ(packets.size(), 1u);
  ASSERT_EQ(Records(packets[0]).size(), 1u);
  EXPECT_EQ(Records(packets[0])[0].info_hash, Hash(2));

  // An empty batch sends nothing, however late.
  s.node->Flush(TimePoint{kT0 + 100});
  EXPECT_TRUE(s.sink.Drain(20).empty());
}

TEST(LivesyncFlushTest, AFullPacketRestartsTheDelay) {
  Sender s;
  for (std::uint32_t i = 0; i < 53; ++i)
    s.AnnounceNew(Hash(i), Peer4(static_cast<std::uint8_t>(i), 1), false, kT0 + 10);
  ASSERT_EQ(s.sink.Drain().size(), 1u);  // 52 went out at kT0 + 10
  s.node->Flush(TimePoint{kT0 + 24});
  EXPECT_TRUE(s.sink.Drain(20).empty());
  s.node->Flush(TimePoint{kT0 + 25});
  EXPECT_EQ(s.sink.Drain().size(), 1u);
}

TEST(LivesyncFlushTest, AClockThatWentBackDoesNotStallTheBatch) {
  Sender s;
  s.AnnounceNew(Hash(1), Peer4(1, 1), false, kT0);
  s.node->Flush(TimePoint{kT0});
  ASSERT_EQ(s.sink.Drain().size(), 1u);
  s.AnnounceNew(Hash(2), Peer4(2, 2), false, kT0);
  s.node->Flush(TimePoint{kT0 - 3600});
  EXPECT_EQ(s.sink.Drain().size(), 1u);
}

TEST(LivesyncFlushTest, FlushAllSendsEveryNonEmptyBatch) {
  Sender s;
  s.AnnounceNew(Hash(1), Peer4(1, 1), false, kT0);
  s.node->Flush(TimePoint{kT0});
  ASSERT_EQ(s.sink.Drain().size(), 1u);
  s.AnnounceNew(Hash(2), Peer4(2, 2), false, kT0);
  s.node->OnStopped(Request(Hash(3), true, AnnounceEvent::kStopped), Peer6(3, 3), TimePoint{kT0});
  s.node->FlushAll(TimePoint{kT0 + 1});
  auto packets = s.sink.Drain();
  ASSERT_EQ(packets.size(), 2u);
  std::set<std::size_t> sizes{packets[0].size(), packets[1].size()};
  EXPECT_EQ(sizes, (std::set<std::size_t>{8 + 28, 8 + 40}));
  s.node->FlushAll(TimePoint{kT0 + 2});
  EXPECT_TRUE(s.sink.Drain(20).empty());
}

TEST(LivesyncQueueTest, OnlyWhatUpstreamWouldSendIsQueued) {
  Sender s;
  const PeerEndpoint p = Peer4(9, 6881);
  s.node->OnAnnounce(Request(Hash(1)), p, NewPeer(), TimePoint{kT0});                              // sent
  s.node->OnAnnounce(Request(Hash(2)), p, KnownPeer(3), TimePoint{kT0});                           // too soon
  s.node->OnAnnounce(Request(Hash(3)), p, KnownPeer(11), TimePoint{kT0});                          // sent
  s.node->OnAnnounce(Request(Hash(4)), p, KnownPeer(5, tracker::kPeerFromSync), TimePoint{kT0});  // synced, soon
  s.node->OnAnnounce(Request(Hash(5), true, AnnounceEvent::kCompleted), p, KnownPeer(0, 0x80, true),
                     TimePoint{kT0});                                                      // completed
  s.node->OnStopped(Request(Hash(6), false, AnnounceEvent::kStopped), p, TimePoint{kT0});  // stop: always
  s.node->Flush(TimePoint{kT0});
  auto packets = s.sink.Drain();
  ASSERT_EQ(packets.size(), 1u);
  std::vector<proto::LivesyncPeer> records = Records(packets[0]);
  std::vector<std::pair<InfoHash, std::uint8_t>> got;
  for (const auto& r : records) {
    EXPECT_EQ(r.peer, p);
    got.emplace_back(r.info_hash, r.flags);
  }
  EXPECT_EQ(got, (std::vector<std::pair<InfoHash, std::uint8_t>>{
                     {Hash(1), 0x00}, {Hash(3), 0x00}, {Hash(5), 0xC0}, {Hash(6), 0x20}}));
}

TEST(LivesyncQueueTest, ConcurrentAnnouncersLoseAndDuplicateNothing) {
  Sender s;
  constexpr int kThreads = 4;
  constexpr std::uint32_t kPerThread = 300;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&s, t] {
      for (std::uint32_t i = 0; i < kPerThread; ++i) {
        const bool v6 = i % 3 == 0;
        PeerEndpoint peer = v6 ? Peer6(static_cast<std::uint8_t>(t), static_cast<std::uint16_t>(i))
                               : Peer4(static_cast<std::uint8_t>(t), static_cast<std::uint16_t>(i));
        s.AnnounceNew(Hash(static_cast<std::uint32_t>(t) << 16 | i), peer, false, kT0);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  s.node->FlushAll(TimePoint{kT0});
  std::set<std::tuple<InfoHash, IpAddress, std::uint16_t>> seen;
  std::size_t total = 0;
  for (const auto& p : s.sink.Drain()) {
    EXPECT_LE(p.size(), 1480u);
    for (const auto& r : Records(p)) {
      seen.emplace(r.info_hash, r.peer.ip, r.peer.port);
      ++total;
    }
  }
  EXPECT_EQ(total, kThreads * kPerThread);
  EXPECT_EQ(seen.size(), kThreads * kPerThread);
  EXPECT_EQ(s.node->send_failures(), 0u);
}

}  // namespace
}  // namespace ot::sync
