// BEP 15 over UDP against the real daemon: connect/announce/scrape, the
// connection-id error, dropped packets, stopped, completed, the 200 (v4) and
// 66 (v6) peer caps, and (port) family separation: replies go in the
// requester's family and a v4 client never gets v6 peers.
#include <gtest/gtest.h>

#include <set>

#include "support/net_udp_client.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using test::Family;
using test::UdpAnnounce;
using test::UdpClient;

constexpr Millis kReply(2000);
constexpr Millis kSilence(300);

class UdpBep15Test : public ::testing::Test {
 protected:
  void StartTracker(const std::vector<std::string>& hashes, bool dual_stack = false) {
    tracker_ = std::make_unique<TrackerProcess>(WhitelistedTracker(hashes, dual_stack));
    ASSERT_TRUE(tracker_->Start());
  }
  void TearDown() override {
    if (tracker_) {
      EXPECT_TRUE(tracker_->Stop());
    }
  }

  // Connects and returns the connection id (0 and a failure on error).
  std::uint64_t Connect(UdpClient& c, std::uint32_t txid = 0x01020304) {
    EXPECT_TRUE(c.Send(test::UdpConnectPacket(txid), tracker_->Port()));
    auto r = c.Receive(kReply);
    if (!r) {
      ADD_FAILURE() << "no connect reply";
      return 0;
    }
    EXPECT_EQ(r->size(), 16u);
    if (r->size() < 16) return 0;
    EXPECT_EQ(test::GetU32(*r, 0), 0u) << "action";
    EXPECT_EQ(test::GetU32(*r, 4), txid) << "transaction id echoed";
    return test::GetU64(*r, 8);
  }

  std::optional<std::string> Send(UdpClient& c, const std::string& packet, Millis wait = kReply) {
    EXPECT_TRUE(c.Send(packet, tracker_->Port()));
    return c.Receive(wait);
  }

  UdpAnnounceReply Announce(UdpClient& c, UdpAnnounce a) {
    auto r = Send(c, test::UdpAnnouncePacket(a));
    if (!r) {
      ADD_FAILURE() << "no announce reply";
      return {};
    }
    UdpAnnounceReply d = DecodeUdpAnnounce(*r, c.family());
    EXPECT_TRUE(d.ok) << test::Printable(*r);
    EXPECT_EQ(d.transaction_id, a.transaction_id);
    EXPECT_GE(d.interval, 1620u);
    EXPECT_LE(d.interval, 1979u);
    return d;
  }

  std::unique_ptr<TrackerProcess> tracker_;
};

UdpAnnounce Ann(std::uint64_t id, const std::string& hash, std::uint16_t port, std::uint64_t left,
                std::uint32_t event = 0, std::uint32_t numwant = 0xFFFFFFFFu) {
  UdpAnnounce a;
  a.connection_id = id;
  a.transaction_id = 0x10000000u + port;
  a.info_hash = hash;
  a.port = port;
  a.left = left;
  a.event = event;
  a.numwant = numwant;
  return a;
}

TEST_F(UdpBep15Test, ConnectAnnounceScrapeOverV4) {
  const std::string h = TestHash(101);
  StartTracker({h});
  UdpClient c(Family::kV4);
  ASSERT_TRUE(c.Open());
  std::uint64_t id = Connect(c);
  UdpAnnounceReply first = Announce(c, Ann(id, h, 7701, 0));
  EXPECT_EQ(first.seeders, 1u);
  EXPECT_EQ(first.leechers, 0u);
  ASSERT_EQ(first.peers.size(), 1u);
  EXPECT_EQ(first.peers[0], MakePeer(Family::kV4, 7701)) << "the source address, the packet's port";
  UdpAnnounceReply second = Announce(c, Ann(id, h, 7702, 100));
  EXPECT_EQ(second.seeders, 1u);
  EXPECT_EQ(second.leechers, 1u);
  EXPECT_EQ(second.peers.size(), 2u);

  auto scrape = Send(c, test::UdpScrapePacket(id, 0x20000001, h + TestHash(102)));
  ASSERT_TRUE(scrape);
  ASSERT_EQ(scrape->size(), 8u + 24u);
  EXPECT_EQ(test::GetU32(*scrape, 0), 2u);
  EXPECT_EQ(test::GetU32(*scrape, 4), 0x20000001u);
  EXPECT_EQ(test::GetU32(*scrape, 8), 1u) << "seeders";
  EXPECT_EQ(test::GetU32(*scrape, 12), 0u) << "completed";
  EXPECT_EQ(test::GetU32(*scrape, 16), 1u) << "leechers";
  EXPECT_EQ(scrape->substr(20), std::string(12, '\0')) << "unknown torrent: zeros";
}

TEST_F(UdpBep15Test, WrongConnectionIdGetsTheErrorPacket) {
  const std::string h = TestHash(103);
  StartTracker({h});
  UdpClient c(Family::kV4);
  std::uint64_t id = Connect(c);
  auto r = Send(c, test::UdpAnnouncePacket(Ann(id ^ 0x5a5a5a5a5a5a5a5aULL, h, 7703, 0)));
  ASSERT_TRUE(r);
  std::string want;
  test::PutU32(want, 3);
  test::PutU32(want, 0x10000000u + 7703);
  want += std::string("Connection ID missmatch.\0", 25);
  EXPECT_EQ(*r, want) << "33 bytes, upstream's spelling and trailing NUL";
  auto s = Send(c, test::UdpScrapePacket(0x0123456789abcdefULL, 0x77, h));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size(), 33u);
  EXPECT_EQ(test::GetU32(*s, 4), 0x77u);
}

// Spec §4.6: these get no reply at all, and the tracker keeps serving.
TEST_F(UdpBep15Test, MalformedPacketsAreDropped) {
  const std::string h = TestHash(104);
  StartTracker({h});
  UdpClient c(Family::kV4);
  std::uint64_t id = Connect(c);
  std::string connect = test::UdpConnectPacket(0x42);
  std::string bad_magic = connect;
  bad_magic[7] ^= 1;
  std::string action3, action4;
  test::PutU64(action3, id);
  test::PutU32(action3, 3);
  test::PutU32(action3, 9);
  test::PutU64(action4, id);
  test::PutU32(action4, 4);
  test::PutU32(action4, 9);
  std::string short_announce = test::UdpAnnouncePacket(Ann(id, h, 7704, 0)).substr(0, 97);
  for (const std::string& p : {connect.substr(0, 15), bad_magic, action3, action4, short_announce}) {
    auto r = Send(c, p, kSilence);
    EXPECT_FALSE(r) << "reply to " << test::Printable(p) << ": " << test::Printable(r.value_or(""));
  }
  EXPECT_NE(Connect(c, 0x43), 0u) << "still serving";
}

TEST_F(UdpBep15Test, StoppedRemovesThePeerWith20ByteReply) {
  const std::string h = TestHash(105);
  StartTracker({h});
  UdpClient c(Family::kV4);
  std::uint64_t id = Connect(c);
  Announce(c, Ann(id, h, 7705, 0));
  Announce(c, Ann(id, h, 7706, 10));
  auto r = Send(c, test::UdpAnnouncePacket(Ann(id, h, 7705, 0, /*stopped*/ 3)));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 20u);
  EXPECT_EQ(test::GetU32(*r, 12), 1u) << "leechers after removal";
  EXPECT_EQ(test::GetU32(*r, 16), 0u) << "seeders after removal";
  UdpAnnounceReply after = Announce(c, Ann(id, h, 7706, 10));
  ASSERT_EQ(after.peers.size(), 1u);
  EXPECT_EQ(after.peers[0].port, 7706);
}

TEST_F(UdpBep15Test, CompletedCountsOncePerPeer) {
  const std::string h = TestHash(106);
  StartTracker({h});
  UdpClient c(Family::kV4);
  std::uint64_t id = Connect(c);
  Announce(c, Ann(id, h, 7707, 10));
  Announce(c, Ann(id, h, 7707, 0, /*completed*/ 1));
  Announce(c, Ann(id, h, 7707, 0, 1));
  Announce(c, Ann(id, h, 7708, 5, 1));  // completed with left > 0: ignored
  auto s = Send(c, test::UdpScrapePacket(id, 0x99, h));
  ASSERT_TRUE(s);
  ASSERT_EQ(s->size(), 20u);
  EXPECT_EQ(test::GetU32(*s, 8), 1u) << "seeders";
  EXPECT_EQ(test::GetU32(*s, 12), 1u) << "completed once";
  EXPECT_EQ(test::GetU32(*s, 16), 1u) << "leechers";
}

// num_want is unsigned: -1 means the maximum, which is 200 for IPv4.
TEST_F(UdpBep15Test, V4ReplyCapsAt200Peers) {
  const std::string h = TestHash(107);
  StartTracker({h});
  UdpClient c(Family::kV4);
  std::uint64_t id = Connect(c);
  for (int i = 0; i < 210; ++i) {
    ASSERT_TRUE(c.Send(test::UdpAnnouncePacket(Ann(id, h, static_cast<std::uint16_t>(30000 + i), 10, 0, 0)),
                       tracker_->Port()));
    ASSERT_TRUE(c.Receive(kReply)) << "announce " << i;
  }
  UdpAnnounceReply all = Announce(c, Ann(id, h, 30000, 10));
  EXPECT_EQ(all.leechers, 210u);
  EXPECT_EQ(all.peers.size(), 200u);
  EXPECT_EQ(std::set<Peer>(all.peers.begin(), all.peers.end()).size(), 200u);
  EXPECT_EQ(Announce(c, Ann(id, h, 30000, 10, 0, 5)).peers.size(), 5u);
  auto none = Send(c, test::UdpAnnouncePacket(Ann(id, h, 30000, 10, 0, 0)));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->size(), 20u) << "numwant 0: header only";
}

// OT_MAX_PEERS_UDP6: an IPv6 reply carries at most 66 peers of 18 bytes.
TEST_F(UdpBep15Test, V6ReplyCapsAt66Peers) {
  OT_SKIP_UNLESS_DUAL_STACK();
  const std::string h = TestHash(108);
  StartTracker({h}, true);
  UdpClient c(Family::kV6);
  ASSERT_TRUE(c.Open());
  std::uint64_t id = Connect(c);
  for (int i = 0; i < 70; ++i) {
    ASSERT_TRUE(c.Send(test::UdpAnnouncePacket(Ann(id, h, static_cast<std::uint16_t>(31000 + i), 10, 0, 0)),
                       tracker_->Port()));
    ASSERT_TRUE(c.Receive(kReply)) << "announce " << i;
  }
  auto r = Send(c, test::UdpAnnouncePacket(Ann(id, h, 31000, 10)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 20u + 66u * 18u);
  UdpAnnounceReply d = DecodeUdpAnnounce(*r, Family::kV6);
  EXPECT_EQ(d.leechers, 70u);
  for (const auto& p : d.peers) EXPECT_EQ(p.ip, MakePeer(Family::kV6, 0).ip);
}

// Spec §11.2: UDP replies carry only the requester's family; counts are
// totals over both.
TEST_F(UdpBep15Test, EachFamilyGetsOnlyItsOwnPeers) {
  OT_SKIP_UNLESS_DUAL_STACK();
  const std::string h = TestHash(109);
  StartTracker({h}, true);
  UdpClient c4(Family::kV4), c6(Family::kV6);
  ASSERT_TRUE(c4.Open() && c6.Open());
  std::uint64_t id4 = Connect(c4), id6 = Connect(c6);
  Announce(c6, Ann(id6, h, 7801, 0));
  AnnounceParams http6;
  http6.info_hash = h;
  http6.port = "7802";
  http6.left = "10";
  ASSERT_EQ(Request(*tracker_, AnnounceRequest(http6), Family::kV6).read.outcome,
            test::ReadOutcome::kResponse);
  UdpAnnounceReply v4 = Announce(c4, Ann(id4, h, 7803, 10));
  EXPECT_EQ(v4.seeders, 1u);
  EXPECT_EQ(v4.leechers, 2u) << "totals over both families";
  ASSERT_EQ(v4.peers.size(), 1u) << "a v4 client never gets v6 peers";
  EXPECT_EQ(v4.peers[0], MakePeer(Family::kV4, 7803));
  auto raw6 = Send(c6, test::UdpAnnouncePacket(Ann(id6, h, 7801, 0)));
  ASSERT_TRUE(raw6);
  EXPECT_EQ(raw6->size(), 20u + 2u * 18u) << "v6 reply: 18-byte peers, v6 only";
  UdpAnnounceReply v6 = DecodeUdpAnnounce(*raw6, Family::kV6);
  std::set<Peer> got(v6.peers.begin(), v6.peers.end());
  EXPECT_EQ(got, (std::set<Peer>{MakePeer(Family::kV6, 7801), MakePeer(Family::kV6, 7802)}));
}

// PORT-DECISIONS §3: the port sends an action=3 error; upstream a bare
// 8-byte announce header.
TEST_F(UdpBep15Test, NotAuthorisedAnnounce) {
  StartTracker({TestHash(110)});
  UdpClient c(Family::kV4);
  std::uint64_t id = Connect(c);
  UdpAnnounce a = Ann(id, TestHash(111), 7901, 10);
  auto r = Send(c, test::UdpAnnouncePacket(a));
  ASSERT_TRUE(r);
  std::string want;
  if (IsPort()) {
    test::PutU32(want, 3);
    test::PutU32(want, a.transaction_id);
    want += "Requested download is not authorized for use with this tracker.";
  } else {
    test::PutU32(want, 1);
    test::PutU32(want, a.transaction_id);
  }
  EXPECT_EQ(*r, want);
}

}  // namespace
}  // namespace ot::integration
