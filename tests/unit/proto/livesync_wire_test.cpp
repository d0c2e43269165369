// Live-sync packets (spec §9): layout against hand-written upstream bytes,
// the 1480-byte watermark, truncation, and round trips.
#include "opentracker/proto/livesync_wire.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "support/guarded_buffer.hpp"

namespace ot::proto {
namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr LivesyncTrackerId kSender = {0x12, 0x34, 0x56, 0x78};

InfoHash HashOf(std::uint8_t fill) {
  InfoHash h;
  h.bytes.fill(fill);
  return h;
}

LivesyncPeer Peer4(std::uint8_t hash_fill, std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                   std::uint16_t port, std::uint8_t flags) {
  return {HashOf(hash_fill), {IpAddress::FromV4(a, b, c, d), port}, flags};
}

LivesyncPeer Peer6(std::uint8_t hash_fill, std::uint8_t last, std::uint16_t port, std::uint8_t flags) {
  std::uint8_t raw[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last};
  return {HashOf(hash_fill), {IpAddress::FromV6(std::span<const std::uint8_t, 16>(raw, 16)), port}, flags};
}

void Append(Bytes& b, std::initializer_list<std::uint8_t> bytes) { b.insert(b.end(), bytes); }
void AppendFill(Bytes& b, std::uint8_t fill, std::size_t n) { b.insert(b.end(), n, fill); }

// What ot_livesync.c sends for the same peers (written out from its layout).
Bytes UpstreamV4Packet() {
  Bytes b;
  Append(b, {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0});
  AppendFill(b, 0xaa, 20);
  Append(b, {127, 0, 0, 1, 0x1a, 0xe1, 0x80, 0});  // seeder 127.0.0.1:6881
  AppendFill(b, 0xbb, 20);
  Append(b, {10, 1, 2, 3, 0x00, 0x50, 0x20, 0});  // stopped 10.1.2.3:80
  return b;
}

Bytes UpstreamV6Packet() {
  Bytes b;
  Append(b, {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1});
  AppendFill(b, 0xcc, 20);
  Append(b, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05, 0xc8, 0xd5, 0x40, 0});
  return b;
}

TEST(LivesyncWriter, V4LayoutMatchesUpstream) {
  LivesyncPacketWriter w(kSender, Family::kV4);
  EXPECT_TRUE(w.empty());
  ASSERT_TRUE(w.Add(Peer4(0xaa, 127, 0, 0, 1, 6881, kLivesyncFlagSeeding)));
  ASSERT_TRUE(w.Add(Peer4(0xbb, 10, 1, 2, 3, 80, kLivesyncFlagStopped)));
  const Bytes expected = UpstreamV4Packet();
  ASSERT_EQ(w.Bytes().size(), expected.size());
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), w.Bytes().begin()));
  EXPECT_EQ(w.record_count(), 2u);
  EXPECT_FALSE(w.empty());
}

TEST(LivesyncWriter, V6LayoutMatchesUpstream) {
  LivesyncPacketWriter w(kSender, Family::kV6);
  ASSERT_TRUE(w.Add(Peer6(0xcc, 5, 51413, kLivesyncFlagCompleted)));
  const Bytes expected = UpstreamV6Packet();
  ASSERT_EQ(w.Bytes().size(), expected.size());
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), w.Bytes().begin()));
}

TEST(LivesyncWriter, EmptyPacketIsTheHeader) {
  for (Family f : {Family::kV4, Family::kV6}) {
    const LivesyncPacketWriter w(kSender, f);
    ASSERT_EQ(w.Bytes().size(), kLivesyncHeaderSize);
    const Bytes expected = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, static_cast<std::uint8_t>(f == Family::kV6)};
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), w.Bytes().begin()));
    EXPECT_TRUE(w.empty());
    EXPECT_FALSE(w.Full());
    EXPECT_EQ(w.record_count(), 0u);
    EXPECT_EQ(w.family(), f);
  }
}

// The intended watermark: 52 v4 records (1464 bytes) and 36 v6 records (1448
// bytes); HEAD's v6 buffer would take a 37th and reach 1488.
TEST(LivesyncWriter, StaysWithinTheWatermark) {
  struct Case {
    Family family;
    std::size_t records;
    std::size_t bytes;
  };
  for (const Case& c : {Case{Family::kV4, 52, 1464}, Case{Family::kV6, 36, 1448}}) {
    EXPECT_EQ(c.family == Family::kV4 ? kLivesyncMaxRecords4 : kLivesyncMaxRecords6, c.records);
    LivesyncPacketWriter w(kSender, c.family);
    for (std::size_t i = 0; i < c.records; ++i) {
      ASSERT_FALSE(w.Full()) << i;
      const LivesyncPeer p = c.family == Family::kV4 ? Peer4(static_cast<std::uint8_t>(i), 1, 2, 3, 4, 1, 0)
                                                     : Peer6(static_cast<std::uint8_t>(i), 9, 1, 0);
      ASSERT_TRUE(w.Add(p)) << i;
      ASSERT_LE(w.Bytes().size(), kLivesyncMaxPacketSize);
    }
    EXPECT_TRUE(w.Full());
    EXPECT_EQ(w.Bytes().size(), c.bytes);
    EXPECT_EQ(w.record_count(), c.records);
    const LivesyncPeer extra = c.family == Family::kV4 ? Peer4(0xee, 1, 2, 3, 4, 1, 0) : Peer6(0xee, 9, 1, 0);
    EXPECT_FALSE(w.Add(extra));
    EXPECT_EQ(w.Bytes().size(), c.bytes);  // nothing written

    // After sending, the same writer starts over with the same header.
    w.Clear();
    EXPECT_TRUE(w.empty());
    EXPECT_FALSE(w.Full());
    ASSERT_TRUE(w.Add(extra));
    const auto parsed = ParseLivesyncPacket(w.Bytes());
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->sender, kSender);
    EXPECT_EQ(parsed->family, c.family);
    ASSERT_EQ(parsed->size(), 1u);
    EXPECT_EQ((*parsed)[0], extra);
  }
}

TEST(LivesyncWriter, RefusesPeersOfTheOtherFamily) {
  LivesyncPacketWriter v4(kSender, Family::kV4);
  EXPECT_FALSE(v4.Add(Peer6(1, 1, 1, 0)));
  EXPECT_TRUE(v4.empty());
  LivesyncPacketWriter v6(kSender, Family::kV6);
  EXPECT_FALSE(v6.Add(Peer4(1, 1, 1, 1, 1, 1, 0)));  // v4-mapped belongs in the v4 packet
  EXPECT_TRUE(v6.empty());
}

TEST(LivesyncParse, UpstreamPacketsDecode) {
  const Bytes v4 = UpstreamV4Packet();
  const auto p4 = ParseLivesyncPacket(v4);
  ASSERT_TRUE(p4.has_value());
  EXPECT_EQ(p4->sender, kSender);
  EXPECT_EQ(p4->family, Family::kV4);
  ASSERT_EQ(p4->size(), 2u);
  EXPECT_EQ((*p4)[0], Peer4(0xaa, 127, 0, 0, 1, 6881, kLivesyncFlagSeeding));
  EXPECT_EQ((*p4)[1], Peer4(0xbb, 10, 1, 2, 3, 80, kLivesyncFlagStopped));
  EXPECT_TRUE((*p4)[0].peer.ip.IsV4());  // a port fix: HEAD filed these un-mapped in its v6 list

  const Bytes v6 = UpstreamV6Packet();
  const auto p6 = ParseLivesyncPacket(v6);
  ASSERT_TRUE(p6.has_value());
  EXPECT_EQ(p6->family, Family::kV6);
  ASSERT_EQ(p6->size(), 1u);
  EXPECT_EQ((*p6)[0], Peer6(0xcc, 5, 51413, kLivesyncFlagCompleted));
}

TEST(LivesyncParse, AgeByteAndUnknownFlagBitsAreNotLost) {
  Bytes b = UpstreamV4Packet();
  b[8 + 27] = 0xff;  // age of record 0: ignored
  b[8 + 26] = 0x9f;  // flags of record 0: kept as sent
  const auto p = ParseLivesyncPacket(b);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ((*p)[0].flags, 0x9f);
  EXPECT_EQ((*p)[0].peer.port, 6881);
}

TEST(LivesyncParse, EveryTruncationKeepsOnlyWholeRecords) {
  for (Family family : {Family::kV4, Family::kV6}) {
    LivesyncPacketWriter w(kSender, family);
    std::vector<LivesyncPeer> peers;
    for (std::uint8_t i = 0; i < 5; ++i) {
      peers.push_back(family == Family::kV4
                          ? Peer4(i, 192, 168, 0, i, static_cast<std::uint16_t>(1000 + i), i)
                          : Peer6(i, i, static_cast<std::uint16_t>(2000 + i), i));
      ASSERT_TRUE(w.Add(peers.back()));
    }
    const Bytes full(w.Bytes().begin(), w.Bytes().end());
    const std::size_t record = LivesyncRecordSize(family);
    for (std::size_t len = 0; len <= full.size(); ++len) {
      const test::GuardedBuffer prefix(std::span<const std::uint8_t>(full.data(), len));  // over-reads crash
      const auto p = ParseLivesyncPacket(prefix.bytes());
      if (len <= kLivesyncHeaderSize) {
        EXPECT_FALSE(p.has_value()) << len;
        continue;
      }
      ASSERT_TRUE(p.has_value()) << len;
      const std::size_t whole = (len - kLivesyncHeaderSize) / record;
      ASSERT_EQ(p->size(), whole) << len;
      ASSERT_EQ(p->records.size(), whole * record);
      ASSERT_EQ(p->records.data(), prefix.bytes().data() + kLivesyncHeaderSize);
      for (std::size_t i = 0; i < whole; ++i) ASSERT_EQ((*p)[i], peers[i]) << len << " " << i;
    }
  }
}

TEST(LivesyncParse, UnknownTypesAreIgnored) {
  for (std::uint32_t type : {2u, 3u, 0x100u, 0x01000000u /* little-endian 1 */, 0x80000000u, 0xffffffffu}) {
    Bytes b = UpstreamV4Packet();
    b[4] = static_cast<std::uint8_t>(type >> 24);
    b[5] = static_cast<std::uint8_t>(type >> 16);
    b[6] = static_cast<std::uint8_t>(type >> 8);
    b[7] = static_cast<std::uint8_t>(type);
    EXPECT_FALSE(ParseLivesyncPacket(b).has_value()) << type;
  }
}

TEST(LivesyncParse, HeaderWithAPartialRecordHasNone) {
  Bytes b = UpstreamV6Packet();
  b.resize(kLivesyncHeaderSize + 1);
  const auto p = ParseLivesyncPacket(b);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->size(), 0u);
  EXPECT_EQ(p->family, Family::kV6);
}

TEST(LivesyncParse, V4MappedAddressInAV6RecordIsAV4Peer) {
  Bytes b = UpstreamV6Packet();
  const std::uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 7};
  std::copy(std::begin(mapped), std::end(mapped), b.begin() + 8 + 20);
  const auto p = ParseLivesyncPacket(b);
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].peer.ip, IpAddress::FromV4(10, 0, 0, 7));
}

// Random peers through writer and parser, packets filled to the watermark.
TEST(LivesyncRoundTrip, RandomPeers) {
  std::mt19937_64 rng(0x5ca1ab1e);
  for (int packet = 0; packet < 300; ++packet) {
    const Family family = rng() % 2 ? Family::kV4 : Family::kV6;
    LivesyncTrackerId sender;
    for (auto& b : sender) b = static_cast<std::uint8_t>(rng());
    LivesyncPacketWriter w(sender, family);
    std::vector<LivesyncPeer> sent;
    const std::size_t want = rng() % 60;
    while (sent.size() < want) {
      LivesyncPeer p;
      for (auto& b : p.info_hash.bytes) b = static_cast<std::uint8_t>(rng());
      std::uint8_t raw[16];
      for (auto& b : raw) b = static_cast<std::uint8_t>(rng());
      p.peer.ip = family == Family::kV4 ? IpAddress::FromV4(std::span<const std::uint8_t, 4>(raw, 4))
                                        : IpAddress::FromV6(std::span<const std::uint8_t, 16>(raw, 16));
      p.peer.port = static_cast<std::uint16_t>(rng());
      p.flags = static_cast<std::uint8_t>(rng());
      if (!w.Add(p)) {
        ASSERT_TRUE(w.Full());
        break;
      }
      sent.push_back(p);
    }
    ASSERT_LE(w.Bytes().size(), kLivesyncMaxPacketSize);
    const auto parsed = ParseLivesyncPacket(w.Bytes());
    if (sent.empty()) {
      EXPECT_FALSE(parsed.has_value());  // 8 bytes: ignored, and never worth sending
      continue;
    }
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->sender, sender);
    EXPECT_EQ(parsed->family, family);
    ASSERT_EQ(parsed->size(), sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) ASSERT_EQ((*parsed)[i], sent[i]) << i;
  }
}

}  // namespace
}  // namespace ot::proto
