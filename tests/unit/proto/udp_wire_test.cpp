// BEP 15 wire code against the datagrams captured from Debian's opentracker
// (udp-B, IPv4) and upstream HEAD (udp-v4, udp-v6), plus truncation, field
// and round-trip property tests.
#include "opentracker/proto/udp_wire.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <optional>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/golden.hpp"
#include "support/guarded_buffer.hpp"

namespace ot::proto {
namespace {

using Bytes = std::vector<std::uint8_t>;

// ---------------------------------------------------------------------------
// Helpers: golden files and a test-side encoder/decoder written from BEP 15.
// ---------------------------------------------------------------------------

// One golden file of a case directory, as bytes (a missing file fails the test).
Bytes ReadCase(const std::string& dir, const std::string& file) {
  const std::string text = test::ReadGolden(dir + "/" + file);
  return Bytes(text.begin(), text.end());
}

// nullopt when the tracker sent no datagram for the case.
std::optional<Bytes> TryReadCase(const std::string& dir, const std::string& file) {
  const std::optional<std::string> text = test::TryReadGolden(dir + "/" + file);
  if (!text) return std::nullopt;
  return Bytes(text->begin(), text->end());
}

std::uint32_t Get32(const Bytes& b, std::size_t off) {
  return std::uint32_t{b[off]} << 24 | std::uint32_t{b[off + 1]} << 16 | std::uint32_t{b[off + 2]} << 8 |
         std::uint32_t{b[off + 3]};
}

void Put32(Bytes& b, std::size_t off, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}

void Put64(Bytes& b, std::size_t off, std::uint64_t v) {
  Put32(b, off, static_cast<std::uint32_t>(v >> 32));
  Put32(b, off + 4, static_cast<std::uint32_t>(v));
}

InfoHash HashOf(std::uint8_t fill) {
  InfoHash h;
  h.bytes.fill(fill);
  return h;
}

InfoHash HashA() {  // bytes 1..20, as the probe's HASH_A
  InfoHash h;
  for (std::size_t i = 0; i < kInfoHashSize; ++i) h.bytes[i] = static_cast<std::uint8_t>(i + 1);
  return h;
}

PeerId PeerIdOf(char last) {
  const char* text = "-PR0001-00000000000?";
  PeerId id;
  std::memcpy(id.data(), text, id.size());
  id[19] = static_cast<std::uint8_t>(last);
  return id;
}

struct AnnounceFields {
  std::uint64_t connection_id = 0;
  std::uint32_t action = 1;
  std::uint32_t transaction_id = 0;
  InfoHash info_hash;
  PeerId peer_id{};
  std::uint64_t downloaded = 0;
  std::uint64_t left = 0;
  std::uint64_t uploaded = 0;
  std::uint32_t event = 0;
  std::uint32_t ip = 0;
  std::uint32_t key = 0;
  std::uint32_t numwant = 0xffffffffu;
  std::uint16_t port = 0;
};

// BEP 15 announce request layout, written independently of the code under test.
Bytes BuildAnnounce(const AnnounceFields& f, std::size_t trailing = 0) {
  Bytes b(98 + trailing, 0);
  Put64(b, 0, f.connection_id);
  Put32(b, 8, f.action);
  Put32(b, 12, f.transaction_id);
  std::memcpy(b.data() + 16, f.info_hash.bytes.data(), 20);
  std::memcpy(b.data() + 36, f.peer_id.data(), 20);
  Put64(b, 56, f.downloaded);
  Put64(b, 64, f.left);
  Put64(b, 72, f.uploaded);
  Put32(b, 80, f.event);
  Put32(b, 84, f.ip);
  Put32(b, 88, f.key);
  Put32(b, 92, f.numwant);
  b[96] = static_cast<std::uint8_t>(f.port >> 8);
  b[97] = static_cast<std::uint8_t>(f.port);
  for (std::size_t i = 0; i < trailing; ++i) b[98 + i] = static_cast<std::uint8_t>(0xa0 + i);
  return b;
}

Bytes BuildHeader(std::uint64_t connection_id, std::uint32_t action, std::uint32_t transaction_id) {
  Bytes b(16, 0);
  Put64(b, 0, connection_id);
  Put32(b, 8, action);
  Put32(b, 12, transaction_id);
  return b;
}

AnnounceEvent ExpectedEvent(std::uint32_t wire) {
  switch (wire) {
    case 1:
      return AnnounceEvent::kCompleted;
    case 2:
      return AnnounceEvent::kStarted;
    case 3:
      return AnnounceEvent::kStopped;
    default:
      return AnnounceEvent::kNone;
  }
}

std::array<std::uint8_t, 4> TxidBytes(std::uint32_t txid) {
  return {static_cast<std::uint8_t>(txid >> 24), static_cast<std::uint8_t>(txid >> 16),
          static_cast<std::uint8_t>(txid >> 8), static_cast<std::uint8_t>(txid)};
}

ConnectionId ConnIdBytes(std::uint64_t id) {
  ConnectionId c;
  for (int i = 0; i < 8; ++i) c[i] = static_cast<std::uint8_t>(id >> (56 - 8 * i));
  return c;
}

// ---------------------------------------------------------------------------
// The probe's sequence (ot_udp_probe.py): what every golden request carries.
// ---------------------------------------------------------------------------

enum class Kind { kDropped, kConnect, kAnnounce, kScrape };

struct GoldenCase {
  const char* name;
  Kind kind;
  std::size_t size;
  std::uint32_t action;  // as sent
  std::uint32_t txid;
  // connect: whether the magic is present. announce/scrape: connid is the tracker's (else `bogus_connid`).
  bool magic_or_valid_connid;
  std::uint64_t bogus_connid;
  // announce
  InfoHash hash;
  char peer;  // last byte of the peer id
  std::uint64_t left;
  std::uint32_t event;
  std::uint32_t numwant;
  std::uint16_t port;
  std::uint32_t ip;
  // scrape
  std::vector<InfoHash> hashes;  // whole hashes the port answers for
};

std::vector<GoldenCase> ProbeCases() {
  const InfoHash c = HashOf(0xaa), u = HashOf(0x77), x = HashOf(0x99), a = HashA();
  const std::uint32_t all = 0xffffffffu;
  std::vector<GoldenCase> v;
  auto connect = [&](const char* n, std::size_t size, std::uint32_t txid, bool magic,
                     std::uint64_t connid = 0) {
    v.push_back({n, Kind::kConnect, size, 0, txid, magic, connid, {}, 0, 0, 0, 0, 0, 0, {}});
  };
  auto dropped = [&](const char* n, std::size_t size, std::uint32_t action, std::uint32_t txid) {
    v.push_back({n, Kind::kDropped, size, action, txid, true, 0, {}, 0, 0, 0, 0, 0, 0, {}});
  };
  auto announce = [&](const char* n, std::size_t size, std::uint32_t txid, InfoHash h, char peer,
                      std::uint64_t left, std::uint32_t event, std::uint32_t numwant, std::uint16_t port,
                      std::uint32_t ip = 0, bool valid = true, std::uint64_t bogus = 0) {
    v.push_back(
        {n, Kind::kAnnounce, size, 1, txid, valid, bogus, h, peer, left, event, numwant, port, ip, {}});
  };
  auto scrape = [&](const char* n, std::size_t size, std::uint32_t txid, std::vector<InfoHash> hashes,
                    bool valid = true, std::uint64_t bogus = 0) {
    v.push_back({n, Kind::kScrape, size, 2, txid, valid, bogus, {}, 0, 0, 0, 0, 0, 0, std::move(hashes)});
  };
  connect("01-connect", 16, 0x11111111, true);
  connect("02-connect-again", 16, 0x22222222, true);
  connect("03-connect-other-port", 16, 0x33333333, true);
  connect("04-connect-bad-magic", 16, 0x44444444, false, 0x41727101981ULL);
  connect("05-connect-17-bytes", 17, 0x55555555, true);
  dropped("06-packet-15-bytes", 15, 0, 0x66666666);
  dropped("07-packet-empty", 0, 0, 0);
  dropped("08-action-3-error", 16, 3, 0x77777777);
  dropped("09-action-4", 16, 4, 0x77777778);
  dropped("10-action-ffffffff", 16, 0xffffffffu, 0x77777779);
  announce("11-announce-bad-connid", 98, 0x88888888, c, '1', 100, 0, all, 6881, 0, false,
           0xdeadbeefdeadbeefULL);
  scrape("12-scrape-bad-connid", 36, 0x88888889, {c}, false, 0x0123456789abcdefULL);
  connect("13-connect-with-bogus-connid-field", 16, 0x8888888a, false, 0x1122334455667788ULL);
  announce("14-announce-peer1", 98, 0x10000001, c, '1', 100, 2, all, 6881);
  announce("15-announce-peer2-seeder", 98, 0x10000002, c, '2', 0, 0, 10, 6882);
  announce("16-announce-peer3", 98, 0x10000003, c, '3', 50, 0, 50, 6883);
  announce("17-announce-numwant-1", 98, 0x10000004, c, '3', 50, 0, 1, 6883);
  announce("18-announce-numwant-0", 98, 0x10000005, c, '3', 50, 0, 0, 6883);
  // 19 is an announce cut to 97 bytes: the header parses, the announce does not.
  v.push_back(
      {"19-announce-97-bytes", Kind::kAnnounce, 97, 1, 0x10000006, true, 0, c, '3', 50, 0, all, 6883, 0, {}});
  announce("20-announce-with-bep41-options", 110, 0x10000007, c, '3', 50, 0, all, 6883);
  announce("21-announce-ip-field", 98, 0x10000008, c, '1', 100, 0, all, 6881, 0x0a000001);
  announce("22-announce-left-high-word", 98, 0x10000009, c, '3', std::uint64_t{1} << 32, 0, all, 6883);
  announce("23-announce-not-whitelisted", 98, 0x1000000a, x, '1', 100, 0, all, 6881);
  announce("24-announce-completed", 98, 0x1000000b, c, '1', 0, 1, 50, 6881);
  scrape("25-scrape-one", 36, 0x20000001, {c});
  scrape("26-scrape-three", 76, 0x20000002, {c, u, a});
  scrape("27-scrape-zero-hashes", 16, 0x20000003, {});
  scrape("28-scrape-partial-hash", 41, 0x20000004, {c});  // + 5 bytes of a hash: ignored by the port
  scrape("29-scrape-80-hashes", 16 + 80 * 20, 0x20000005, std::vector<InfoHash>(75, c));
  announce("30-announce-stopped", 98, 0x1000000c, c, '2', 0, 3, all, 6882);
  announce("31-announce-stopped-unknown", 98, 0x1000000d, u, '2', 0, 3, all, 6882);
  announce("32-announce-port-0", 98, 0x1000000e, c, '2', 10, 0, all, 0);
  announce("33-announce-after", 98, 0x1000000f, c, '1', 0, 0, 200, 6881);
  scrape("34-scrape-final", 36, 0x20000006, {c});
  return v;
}

struct GoldenSet {
  const char* dir;
  std::size_t peer_size;  // compact peer size of the client's family
};

constexpr GoldenSet kGoldenSets[] = {
    {"udp-B", kCompactPeerSize4},
    {"upstream-head-localbuild/udp-v4", kCompactPeerSize4},
    {"upstream-head-localbuild/udp-v6", kCompactPeerSize6},
};

void PrintTo(const GoldenSet& set, std::ostream* os) { *os << set.dir; }

class UdpGoldenTest : public ::testing::TestWithParam<GoldenSet> {};

// The tracker's connection id, as its first connect reply gave it.
ConnectionId TrackerConnectionId(const char* dir) {
  const Bytes resp = ReadCase(dir, "01-connect.resp");
  ConnectionId id{};
  if (resp.size() == 16) std::copy(resp.begin() + 8, resp.end(), id.begin());
  return id;
}

TEST_P(UdpGoldenTest, EveryRequestParsesToTheProbeFields) {
  const GoldenSet set = GetParam();
  const ConnectionId tracker_id = TrackerConnectionId(set.dir);
  std::size_t checked = 0;
  for (const GoldenCase& gc : ProbeCases()) {
    SCOPED_TRACE(std::string(set.dir) + "/" + gc.name);
    const Bytes req = ReadCase(set.dir, std::string(gc.name) + ".req");
    ASSERT_EQ(req.size(), gc.size);
    const auto header = ParseUdpHeader(req);
    if (gc.kind == Kind::kDropped) {
      EXPECT_FALSE(header.has_value());
      ++checked;
      continue;
    }
    ASSERT_TRUE(header.has_value());
    EXPECT_EQ(static_cast<std::uint32_t>(header->action), gc.action);
    EXPECT_EQ(header->transaction_id, TxidBytes(gc.txid));

    switch (gc.kind) {
      case Kind::kConnect:
        EXPECT_EQ(HasConnectMagic(*header), gc.magic_or_valid_connid);
        if (!gc.magic_or_valid_connid) {
          EXPECT_EQ(header->connection_id, ConnIdBytes(gc.bogus_connid));
        }
        break;
      case Kind::kAnnounce: {
        EXPECT_EQ(header->action, UdpAction::kAnnounce);
        EXPECT_EQ(header->connection_id,
                  gc.magic_or_valid_connid ? tracker_id : ConnIdBytes(gc.bogus_connid));
        const auto announce = ParseUdpAnnounce(req);
        if (gc.size < kUdpAnnounceSize) {
          EXPECT_FALSE(announce.has_value());
          break;
        }
        ASSERT_TRUE(announce.has_value());
        const AnnounceRequest& r = announce->request;
        EXPECT_EQ(r.info_hash, gc.hash);
        ASSERT_TRUE(r.peer_id.has_value());
        EXPECT_EQ(*r.peer_id, PeerIdOf(gc.peer));
        EXPECT_EQ(r.port, gc.port);
        EXPECT_EQ(r.seeding, gc.left == 0);
        EXPECT_EQ(r.event, ExpectedEvent(gc.event));
        EXPECT_EQ(r.numwant, gc.numwant);
        EXPECT_EQ(announce->raw_numwant, gc.numwant);
        EXPECT_TRUE(r.compact);
        EXPECT_FALSE(r.ip_param.has_value());  // the IP field (21: 10.0.0.1) is ignored
        break;
      }
      case Kind::kScrape: {
        EXPECT_EQ(header->action, UdpAction::kScrape);
        EXPECT_EQ(header->connection_id,
                  gc.magic_or_valid_connid ? tracker_id : ConnIdBytes(gc.bogus_connid));
        const ScrapeRequest s = ParseUdpScrape(req);
        ASSERT_EQ(s.count, gc.hashes.size());
        for (std::size_t i = 0; i < s.count; ++i) EXPECT_EQ(s.hashes[i], gc.hashes[i]) << "hash " << i;
        break;
      }
      case Kind::kDropped:
        break;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 34u);
}

// Decodes each golden reply into the values the service would hand the
// writers, rebuilds it, and compares byte for byte.
TEST_P(UdpGoldenTest, EveryReplyIsRebuiltByteForByte) {
  const GoldenSet set = GetParam();
  std::size_t rebuilt = 0;
  for (const GoldenCase& gc : ProbeCases()) {
    SCOPED_TRACE(std::string(set.dir) + "/" + gc.name);
    const std::optional<Bytes> resp = TryReadCase(set.dir, std::string(gc.name) + ".resp");
    if (!resp) continue;  // no datagram came back
    const Bytes req = ReadCase(set.dir, std::string(gc.name) + ".req");
    const Bytes& golden = *resp;
    ASSERT_GE(golden.size(), 8u);
    const auto header = ParseUdpHeader(req);
    ASSERT_TRUE(header.has_value());
    const std::uint32_t action = Get32(golden, 0);
    std::array<std::uint8_t, kMaxUdpReplySize> out{};
    std::size_t n = 0;
    Bytes expected = golden;

    if (action == 3) {
      // Upstream's wrong-connection-id error: misspelt text and its NUL, 33 bytes.
      ASSERT_EQ(golden.size(), 33u);
      EXPECT_FALSE(gc.magic_or_valid_connid);
      n = WriteUdpError(*header, kUdpConnectionIdMismatch, out);
      EXPECT_EQ(n, 33u);
    } else if (action == 0) {
      ASSERT_EQ(gc.kind, Kind::kConnect);
      ASSERT_TRUE(HasConnectMagic(*header));
      ConnectionId id;
      std::copy(golden.begin() + 8, golden.begin() + 16, id.begin());
      n = WriteUdpConnect(*header, id, out);
    } else if (action == 1 && golden.size() == 8) {
      // Deliberate difference (PORT-DECISIONS §3): upstream's bare 8-byte header for a hash the
      // whitelist refuses becomes a proper action=3 error, which the service sends with
      // WriteUdpError. Check that reply keeps the transaction id and carries the message.
      ASSERT_STREQ(gc.name, "23-announce-not-whitelisted");
      const std::string_view text = "Requested download is not authorized for use with this tracker.";
      n = WriteUdpError(*header, text, out);
      ASSERT_EQ(n, 8 + text.size());
      EXPECT_EQ(Get32(Bytes(out.begin(), out.begin() + 4), 0), 3u);
      EXPECT_TRUE(std::equal(out.begin() + 4, out.begin() + 8, golden.begin() + 4));
      EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(out.data()) + 8, text.size()), text);
      ++rebuilt;
      continue;
    } else if (action == 1) {
      ASSERT_GE(golden.size(), 20u);
      const std::size_t peer_bytes = golden.size() - 20;
      EXPECT_EQ(peer_bytes % set.peer_size, 0u);
      if (gc.event == 3) {
        EXPECT_EQ(peer_bytes, 0u);  // stopped: counts only
      }
      SwarmCounts counts;
      counts.leechers = Get32(golden, 12);
      counts.seeders = Get32(golden, 16);
      counts.downloaded = 0xdeadbeef;  // not on the wire: must not leak into the reply
      n = WriteUdpAnnounce(*header, Get32(golden, 8), counts,
                           std::span<const std::uint8_t>(golden.data() + 20, peer_bytes), out);
    } else if (action == 2) {
      ASSERT_EQ((golden.size() - 8) % 12, 0u);
      std::vector<SwarmCounts> triples;
      for (std::size_t off = 8; off < golden.size(); off += 12) {
        SwarmCounts c;
        c.seeders = Get32(golden, off);
        c.downloaded = Get32(golden, off + 4);
        c.leechers = Get32(golden, off + 8);
        triples.push_back(c);
      }
      const ScrapeRequest s = ParseUdpScrape(req);
      if (std::string_view(gc.name) == "28-scrape-partial-hash") {
        // Deliberate difference: upstream answered the 5-byte tail as a second hash (from stale
        // buffer bytes); the port answers the one whole hash.
        ASSERT_EQ(triples.size(), 2u);
        ASSERT_EQ(s.count, 1u);
        triples.resize(1);
        expected.resize(20);
      }
      ASSERT_EQ(triples.size(), s.count);
      if (s.count == kMaxUdpScrapeHashes) {
        EXPECT_EQ(golden.size(), 908u);
      }
      n = WriteUdpScrape(*header, triples, out);
    } else {
      FAIL() << "unexpected action " << action;
    }
    ASSERT_EQ(n, expected.size());
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), out.begin()));
    ++rebuilt;
  }
  // Every case with a reply: 01-03, 05, 11, 12, 14-18, 20-34.
  EXPECT_EQ(rebuilt, 26u);
}

INSTANTIATE_TEST_SUITE_P(Goldens, UdpGoldenTest, ::testing::ValuesIn(kGoldenSets),
                         [](const ::testing::TestParamInfo<GoldenSet>& param_info) {
                           std::string name = param_info.param.dir;
                           std::replace_if(
                               name.begin(), name.end(), [](char ch) { return !std::isalnum(ch); }, '_');
                           return name;
                         });

// The three trackers' ids differ; requests were otherwise byte-identical.
TEST(UdpGolden, RequestsDifferOnlyInConnectionId) {
  for (const GoldenCase& gc : ProbeCases()) {
    SCOPED_TRACE(gc.name);
    const Bytes deb = ReadCase("udp-B", std::string(gc.name) + ".req");
    for (const char* dir : {"upstream-head-localbuild/udp-v4", "upstream-head-localbuild/udp-v6"}) {
      const Bytes head = ReadCase(dir, std::string(gc.name) + ".req");
      ASSERT_EQ(head.size(), deb.size());
      if (deb.size() > 8) {
        EXPECT_TRUE(std::equal(deb.begin() + 8, deb.end(), head.begin() + 8));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------

TEST(UdpHeader, EveryTruncationBelowSixteenBytesIsDropped) {
  const Bytes full = ReadCase("udp-B", "01-connect.req");
  ASSERT_EQ(full.size(), 16u);
  for (std::size_t len = 0; len < 16; ++len) {
    const test::GuardedBuffer prefix(std::span<const std::uint8_t>(full.data(), len));  // over-reads crash
    EXPECT_FALSE(ParseUdpHeader(prefix.bytes()).has_value()) << len;
  }
  const test::GuardedBuffer exact{std::span<const std::uint8_t>(full)};
  ASSERT_TRUE(ParseUdpHeader(exact.bytes()).has_value());
  EXPECT_TRUE(HasConnectMagic(*ParseUdpHeader(exact.bytes())));
}

TEST(UdpHeader, ActionsAboveTwoAreDroppedOnAllThirtyTwoBits) {
  const std::uint32_t kept[] = {0, 1, 2};
  const std::uint32_t dropped[] = {3,          4,          0xff,       0x100,      0x101,
                                   0x102,      0x10000,    0x1000000,  0x01000001, 0x7fffffff,
                                   0x80000000, 0x80000001, 0xfffffffe, 0xffffffff};
  for (std::uint32_t action : kept) {
    const auto h = ParseUdpHeader(BuildHeader(0x0102030405060708ULL, action, 0xa1b2c3d4));
    ASSERT_TRUE(h.has_value()) << action;
    EXPECT_EQ(static_cast<std::uint32_t>(h->action), action);
    EXPECT_EQ(h->connection_id, ConnIdBytes(0x0102030405060708ULL));
    EXPECT_EQ(h->transaction_id, TxidBytes(0xa1b2c3d4));
  }
  for (std::uint32_t action : dropped) {
    EXPECT_FALSE(ParseUdpHeader(BuildHeader(0x0102030405060708ULL, action, 1)).has_value()) << action;
  }
}

TEST(UdpHeader, TrailingBytesDoNotChangeTheHeader) {
  Bytes b = BuildHeader(kUdpProtocolMagic, 0, 0xcafef00d);
  for (std::size_t extra = 0; extra < 64; ++extra) {
    const auto h = ParseUdpHeader(b);
    ASSERT_TRUE(h.has_value());
    EXPECT_TRUE(HasConnectMagic(*h));
    EXPECT_EQ(h->transaction_id, TxidBytes(0xcafef00d));
    b.push_back(static_cast<std::uint8_t>(extra * 37));
  }
}

TEST(UdpHeader, MagicMustMatchInEveryBit) {
  UdpHeader h;
  h.connection_id = ConnIdBytes(kUdpProtocolMagic);
  EXPECT_TRUE(HasConnectMagic(h));
  for (int bit = 0; bit < 64; ++bit) {
    h.connection_id = ConnIdBytes(kUdpProtocolMagic ^ (std::uint64_t{1} << bit));
    EXPECT_FALSE(HasConnectMagic(h)) << bit;
  }
  // Little-endian magic is not the magic.
  ConnectionId reversed = ConnIdBytes(kUdpProtocolMagic);
  std::reverse(reversed.begin(), reversed.end());
  h.connection_id = reversed;
  EXPECT_FALSE(HasConnectMagic(h));
}

// ---------------------------------------------------------------------------
// Announce
// ---------------------------------------------------------------------------

AnnounceFields SampleAnnounce() {
  AnnounceFields f;
  f.connection_id = 0x1122334455667788ULL;
  f.transaction_id = 0x01020304;
  for (std::size_t i = 0; i < 20; ++i) f.info_hash.bytes[i] = static_cast<std::uint8_t>(0xc0 + i);
  for (std::size_t i = 0; i < 20; ++i) f.peer_id[i] = static_cast<std::uint8_t>(0x30 + i);
  f.downloaded = 0x0101010101010101ULL;
  f.left = 12345;
  f.uploaded = 0x0202020202020202ULL;
  f.event = 2;
  f.ip = 0x7f000001;
  f.key = 0xabcdef01;
  f.numwant = 0x00000102;
  f.port = 0xbeef;
  return f;
}

TEST(UdpAnnounce, EveryTruncationBelowNinetyEightBytesIsDropped) {
  const Bytes full = BuildAnnounce(SampleAnnounce());
  ASSERT_EQ(full.size(), kUdpAnnounceSize);
  for (std::size_t len = 0; len < kUdpAnnounceSize; ++len) {
    const test::GuardedBuffer prefix(std::span<const std::uint8_t>(full.data(), len));
    EXPECT_FALSE(ParseUdpAnnounce(prefix.bytes()).has_value()) << len;
    // The header still parses from 16 bytes on (the service drops the short announce silently).
    EXPECT_EQ(ParseUdpHeader(prefix.bytes()).has_value(), len >= kUdpHeaderSize) << len;
  }
  const test::GuardedBuffer exact{std::span<const std::uint8_t>(full)};
  EXPECT_TRUE(ParseUdpAnnounce(exact.bytes()).has_value());
}

TEST(UdpAnnounce, EveryGoldenAnnounceTruncatedIsDropped) {
  for (const char* name : {"14-announce-peer1", "24-announce-completed", "30-announce-stopped"}) {
    const Bytes full = ReadCase("udp-B", std::string(name) + ".req");
    ASSERT_EQ(full.size(), 98u);
    for (std::size_t len = 0; len < 98; ++len) {
      const test::GuardedBuffer prefix(std::span<const std::uint8_t>(full.data(), len));
      EXPECT_FALSE(ParseUdpAnnounce(prefix.bytes()).has_value()) << name << " " << len;
    }
  }
}

TEST(UdpAnnounce, TrailingBytesAreAcceptedAndIgnored) {
  const AnnounceFields f = SampleAnnounce();
  const auto base = ParseUdpAnnounce(BuildAnnounce(f));
  ASSERT_TRUE(base.has_value());
  for (std::size_t trailing : {1u, 2u, 12u, 100u, 8192u - 98u}) {
    const auto more = ParseUdpAnnounce(BuildAnnounce(f, trailing));
    ASSERT_TRUE(more.has_value()) << trailing;
    EXPECT_EQ(more->request.info_hash, base->request.info_hash);
    EXPECT_EQ(more->request.peer_id, base->request.peer_id);
    EXPECT_EQ(more->request.port, base->request.port);
    EXPECT_EQ(more->request.seeding, base->request.seeding);
    EXPECT_EQ(more->request.event, base->request.event);
    EXPECT_EQ(more->raw_numwant, base->raw_numwant);
  }
}

TEST(UdpAnnounce, FieldsAreReadBigEndianAtTheirOffsets) {
  const AnnounceFields f = SampleAnnounce();
  const auto a = ParseUdpAnnounce(BuildAnnounce(f));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->request.info_hash, f.info_hash);
  ASSERT_TRUE(a->request.peer_id.has_value());
  EXPECT_EQ(*a->request.peer_id, f.peer_id);
  EXPECT_EQ(a->request.port, 0xbeef);
  EXPECT_FALSE(a->request.seeding);
  EXPECT_EQ(a->request.event, AnnounceEvent::kStarted);
  EXPECT_EQ(a->raw_numwant, 0x102u);
  EXPECT_EQ(a->request.numwant, 0x102u);  // raw: the service caps by family
  EXPECT_TRUE(a->request.compact);
  EXPECT_FALSE(a->request.ip_param.has_value());
}

TEST(UdpAnnounce, LeftIsZeroOnlyWhenAllSixtyFourBitsAre) {
  struct Case {
    std::uint64_t left;
    bool seeding;
  };
  const Case cases[] = {{0, true},
                        {1, false},
                        {0xffffffffULL, false},
                        {std::uint64_t{1} << 32, false},  // golden 22: both halves tested
                        {std::uint64_t{1} << 63, false},
                        {0xffffffff00000000ULL, false},
                        {0x0000000100000001ULL, false},
                        {0xffffffffffffffffULL, false}};
  for (const Case& c : cases) {
    AnnounceFields f = SampleAnnounce();
    f.left = c.left;
    const auto a = ParseUdpAnnounce(BuildAnnounce(f));
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->request.seeding, c.seeding) << std::hex << c.left;
  }
  // downloaded / uploaded around `left` are not mistaken for it.
  AnnounceFields f = SampleAnnounce();
  f.left = 0;
  f.downloaded = ~std::uint64_t{0};
  f.uploaded = ~std::uint64_t{0};
  EXPECT_TRUE(ParseUdpAnnounce(BuildAnnounce(f))->request.seeding);
}

TEST(UdpAnnounce, EventMapping) {
  struct Case {
    std::uint32_t wire;
    AnnounceEvent event;
  };
  const Case cases[] = {{0, AnnounceEvent::kNone},          {1, AnnounceEvent::kCompleted},
                        {2, AnnounceEvent::kStarted},       {3, AnnounceEvent::kStopped},
                        {4, AnnounceEvent::kNone},          {0x101, AnnounceEvent::kNone},
                        {0x102, AnnounceEvent::kNone},      {0x01000003, AnnounceEvent::kNone},
                        {0xffffffff, AnnounceEvent::kNone}, {0x80000001, AnnounceEvent::kNone}};
  for (const Case& c : cases) {
    AnnounceFields f = SampleAnnounce();
    f.event = c.wire;
    const auto a = ParseUdpAnnounce(BuildAnnounce(f));
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->request.event, c.event) << std::hex << c.wire;
  }
}

TEST(UdpAnnounce, NumwantIsRawAndPortIsHostOrder) {
  for (std::uint32_t numwant : {0u, 1u, 66u, 67u, 200u, 201u, 0x10000u, 0x7fffffffu, 0xffffffffu}) {
    AnnounceFields f = SampleAnnounce();
    f.numwant = numwant;
    const auto a = ParseUdpAnnounce(BuildAnnounce(f));
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->raw_numwant, numwant);
    EXPECT_EQ(a->request.numwant, numwant);
  }
  for (std::uint16_t port : {std::uint16_t{0}, std::uint16_t{1}, std::uint16_t{0x0100}, std::uint16_t{6881},
                             std::uint16_t{0xff00}, std::uint16_t{0xffff}}) {
    AnnounceFields f = SampleAnnounce();
    f.port = port;
    EXPECT_EQ(ParseUdpAnnounce(BuildAnnounce(f))->request.port, port);
  }
}

TEST(UdpAnnounce, IpAndKeyFieldsAreIgnored) {
  AnnounceFields f = SampleAnnounce();
  const auto base = ParseUdpAnnounce(BuildAnnounce(f));
  f.ip = 0x0a000001;
  f.key = 0;
  const auto other = ParseUdpAnnounce(BuildAnnounce(f));
  ASSERT_TRUE(base.has_value() && other.has_value());
  EXPECT_FALSE(other->request.ip_param.has_value());
  EXPECT_EQ(other->request.info_hash, base->request.info_hash);
  EXPECT_EQ(other->request.port, base->request.port);
}

// ---------------------------------------------------------------------------
// Scrape
// ---------------------------------------------------------------------------

TEST(UdpScrape, CountIsWholeSlotsCappedAtSeventyFive) {
  // 80 distinct hashes so a wrong offset shows.
  Bytes b = BuildHeader(0x0102030405060708ULL, 2, 7);
  for (std::size_t h = 0; h < 80; ++h) {
    for (std::size_t i = 0; i < 20; ++i) b.push_back(static_cast<std::uint8_t>(h * 3 + i));
  }
  for (std::size_t len = 0; len <= b.size(); ++len) {
    const test::GuardedBuffer prefix(std::span<const std::uint8_t>(b.data(), len));
    const ScrapeRequest s = ParseUdpScrape(prefix.bytes());
    const std::size_t whole = len <= 16 ? 0 : (len - 16) / 20;
    ASSERT_EQ(s.count, std::min<std::size_t>(whole, 75)) << len;
    ASSERT_LE(s.count * 20 + 16, std::max<std::size_t>(len, 16));
    for (std::size_t h = 0; h < s.count; ++h) {
      ASSERT_TRUE(std::equal(s.hashes[h].bytes.begin(), s.hashes[h].bytes.end(), b.begin() + 16 + 20 * h))
          << len << " " << h;
    }
  }
}

TEST(UdpScrape, EightyGoldenHashesGiveSeventyFive) {
  const Bytes req = ReadCase("udp-B", "29-scrape-80-hashes.req");
  ASSERT_EQ(req.size(), 1616u);
  const ScrapeRequest s = ParseUdpScrape(req);
  EXPECT_EQ(s.count, kMaxUdpScrapeHashes);
  std::array<std::uint8_t, kMaxUdpReplySize> out{};
  std::vector<SwarmCounts> counts(s.count, SwarmCounts{2, 1, 1});
  EXPECT_EQ(WriteUdpScrape(*ParseUdpHeader(req), counts, out), 908u);
}

// ---------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------

UdpHeader SampleHeader(UdpAction action) {
  UdpHeader h;
  h.connection_id = ConnIdBytes(0x0807060504030201ULL);
  h.action = action;
  h.transaction_id = TxidBytes(0xdeadbeef);
  return h;
}

TEST(UdpWriters, ConnectLayout) {
  std::array<std::uint8_t, 16> out{};
  const ConnectionId id = ConnIdBytes(0x02732685d6b07fbdULL);
  ASSERT_EQ(WriteUdpConnect(SampleHeader(UdpAction::kConnect), id, out), 16u);
  const std::array<std::uint8_t, 16> expected = {0,    0,    0,    0,    0xde, 0xad, 0xbe, 0xef,
                                                 0x02, 0x73, 0x26, 0x85, 0xd6, 0xb0, 0x7f, 0xbd};
  EXPECT_EQ(out, expected);
}

TEST(UdpWriters, AnnounceLayout) {
  const std::uint8_t peers[] = {127, 0, 0, 1, 0x1a, 0xe1, 10, 0, 0, 2, 0x00, 0x50};
  SwarmCounts counts;
  counts.seeders = 0x01020304;
  counts.leechers = 0x0a0b0c0d;
  counts.downloaded = 99;
  std::array<std::uint8_t, 64> out{};
  ASSERT_EQ(WriteUdpAnnounce(SampleHeader(UdpAction::kAnnounce), 1784, counts, peers, out), 32u);
  const std::uint8_t expected[32] = {0,    0,    0,    1,    0xde, 0xad, 0xbe, 0xef, 0,    0,   0x06,
                                     0xf8, 0x0a, 0x0b, 0x0c, 0x0d, 0x01, 0x02, 0x03, 0x04, 127, 0,
                                     0,    1,    0x1a, 0xe1, 10,   0,    0,    2,    0x00, 0x50};
  EXPECT_TRUE(std::equal(std::begin(expected), std::end(expected), out.begin()));
}

TEST(UdpWriters, ScrapeLayoutIsSeedersCompletedLeechers) {
  const SwarmCounts counts[] = {{1, 2, 3},
                                {0x01000000, 0x00020000, 0x00000300}};  // seeders, leechers, downloaded
  std::array<std::uint8_t, 64> out{};
  ASSERT_EQ(WriteUdpScrape(SampleHeader(UdpAction::kScrape), counts, out), 32u);
  const std::uint8_t expected[32] = {0, 0, 0, 2, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1, 0, 0, 0, 3,
                                     0, 0, 0, 2, 1,    0,    0,    0,    0, 0, 3, 0, 0, 2, 0, 0};
  EXPECT_TRUE(std::equal(std::begin(expected), std::end(expected), out.begin()));
}

TEST(UdpWriters, MismatchErrorIsThirtyThreeBytesWithItsNul) {
  EXPECT_EQ(kUdpConnectionIdMismatch.size(), 25u);
  EXPECT_EQ(kUdpConnectionIdMismatch.back(), '\0');
  std::array<std::uint8_t, 64> out{};
  out.fill(0xee);
  ASSERT_EQ(WriteUdpError(SampleHeader(UdpAction::kAnnounce), kUdpConnectionIdMismatch, out), 33u);
  const Bytes golden = ReadCase("udp-B", "11-announce-bad-connid.resp");
  ASSERT_EQ(golden.size(), 33u);
  EXPECT_EQ(Get32(Bytes(out.begin(), out.begin() + 4), 0), 3u);
  EXPECT_TRUE(std::equal(golden.begin() + 8, golden.end(), out.begin() + 8));
  EXPECT_EQ(out[32], 0);
  EXPECT_EQ(out[33], 0xee);  // nothing past the reply
}

TEST(UdpWriters, ErrorWithEmptyMessageIsTheHeader) {
  std::array<std::uint8_t, 8> out{};
  ASSERT_EQ(WriteUdpError(SampleHeader(UdpAction::kScrape), "", out), 8u);
  const std::array<std::uint8_t, 8> expected = {0, 0, 0, 3, 0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(out, expected);
}

// Every writer returns 0, and writes nothing, for every buffer shorter than its reply.
TEST(UdpWriters, EveryShortBufferGivesZero) {
  const UdpHeader h = SampleHeader(UdpAction::kAnnounce);
  const Bytes peers(200 * kCompactPeerSize4, 0x42);
  const std::vector<SwarmCounts> triples(75, SwarmCounts{1, 2, 3});
  const ConnectionId id = ConnIdBytes(1);
  struct Writer {
    const char* name;
    std::size_t size;
    std::function<std::size_t(std::span<std::uint8_t>)> write;
  };
  const Writer writers[] = {
      {"connect", 16, [&](std::span<std::uint8_t> o) { return WriteUdpConnect(h, id, o); }},
      {"announce-0", 20, [&](std::span<std::uint8_t> o) { return WriteUdpAnnounce(h, 1, {}, {}, o); }},
      {"announce-200", kMaxUdpReplySize,
       [&](std::span<std::uint8_t> o) { return WriteUdpAnnounce(h, 1, {}, peers, o); }},
      {"scrape-0", 8, [&](std::span<std::uint8_t> o) { return WriteUdpScrape(h, {}, o); }},
      {"scrape-75", 908, [&](std::span<std::uint8_t> o) { return WriteUdpScrape(h, triples, o); }},
      {"error", 33, [&](std::span<std::uint8_t> o) { return WriteUdpError(h, kUdpConnectionIdMismatch, o); }},
  };
  for (const Writer& w : writers) {
    SCOPED_TRACE(w.name);
    for (std::size_t len = 0; len < w.size; ++len) {
      Bytes out(len, 0x5a);
      ASSERT_EQ(w.write(out), 0u) << len;
      ASSERT_TRUE(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0x5a; })) << len;
    }
    Bytes exact(w.size, 0x5a);
    EXPECT_EQ(w.write(exact), w.size);
    Bytes larger(w.size + 7, 0x5a);
    EXPECT_EQ(w.write(larger), w.size);
    EXPECT_TRUE(std::all_of(larger.begin() + w.size, larger.end(), [](std::uint8_t b) { return b == 0x5a; }));
  }
}

// ---------------------------------------------------------------------------
// Round-trip properties with a fixed-seed generator.
// ---------------------------------------------------------------------------

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t U64() { return rng_(); }
  std::uint32_t U32() { return static_cast<std::uint32_t>(rng_()); }
  std::size_t Below(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  // Edge values half of the time: they are where parsers go wrong.
  std::uint64_t Interesting64() {
    static constexpr std::uint64_t kEdges[] = {
        0, 1, 0xffffffffULL, 0x100000000ULL, 0x8000000000000000ULL, ~std::uint64_t{0}};
    return Below(2) ? kEdges[Below(std::size(kEdges))] : U64();
  }
  std::uint32_t Interesting32() {
    static constexpr std::uint32_t kEdges[] = {0,   1,     2,     3,           4,          66,
                                               200, 0x100, 0x101, 0x80000000u, 0xffffffffu};
    return Below(2) ? kEdges[Below(std::size(kEdges))] : U32();
  }
  void Fill(std::span<std::uint8_t> bytes) {
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng_());
  }

 private:
  std::mt19937_64 rng_;
};

TEST(UdpRoundTrip, AnnounceRequests) {
  Gen gen(0x5eed0001);
  for (int iteration = 0; iteration < 5000; ++iteration) {
    AnnounceFields f;
    f.connection_id = gen.U64();
    f.transaction_id = gen.U32();
    gen.Fill(f.info_hash.bytes);
    gen.Fill(f.peer_id);
    f.downloaded = gen.Interesting64();
    f.left = gen.Interesting64();
    f.uploaded = gen.Interesting64();
    f.event = gen.Interesting32();
    f.ip = gen.U32();
    f.key = gen.U32();
    f.numwant = gen.Interesting32();
    f.port = static_cast<std::uint16_t>(gen.U32());
    const Bytes datagram = BuildAnnounce(f, gen.Below(3) == 0 ? gen.Below(64) : 0);

    const auto header = ParseUdpHeader(datagram);
    ASSERT_TRUE(header.has_value());
    EXPECT_EQ(header->connection_id, ConnIdBytes(f.connection_id));
    EXPECT_EQ(header->action, UdpAction::kAnnounce);
    EXPECT_EQ(header->transaction_id, TxidBytes(f.transaction_id));
    const auto a = ParseUdpAnnounce(datagram);
    ASSERT_TRUE(a.has_value());
    ASSERT_EQ(a->request.info_hash, f.info_hash);
    ASSERT_EQ(a->request.peer_id, f.peer_id);
    ASSERT_EQ(a->request.port, f.port);
    ASSERT_EQ(a->request.seeding, f.left == 0);
    ASSERT_EQ(a->request.event, ExpectedEvent(f.event)) << f.event;
    ASSERT_EQ(a->raw_numwant, f.numwant);
    ASSERT_EQ(a->request.numwant, f.numwant);
  }
}

TEST(UdpRoundTrip, ScrapeRequests) {
  Gen gen(0x5eed0002);
  for (int iteration = 0; iteration < 2000; ++iteration) {
    const std::size_t n = gen.Below(90);
    const std::size_t tail = gen.Below(4) == 0 ? gen.Below(20) : 0;
    Bytes datagram = BuildHeader(gen.U64(), 2, gen.U32());
    std::vector<InfoHash> hashes(n);
    for (auto& h : hashes) {
      gen.Fill(h.bytes);
      datagram.insert(datagram.end(), h.bytes.begin(), h.bytes.end());
    }
    for (std::size_t i = 0; i < tail; ++i) datagram.push_back(static_cast<std::uint8_t>(gen.U32()));
    const ScrapeRequest s = ParseUdpScrape(datagram);
    ASSERT_EQ(s.count, std::min<std::size_t>(n, kMaxUdpScrapeHashes));
    for (std::size_t i = 0; i < s.count; ++i) ASSERT_EQ(s.hashes[i], hashes[i]);
  }
}

// Replies: write from random values, decode with the test's own BEP 15 reader.
TEST(UdpRoundTrip, Replies) {
  Gen gen(0x5eed0003);
  std::array<std::uint8_t, kMaxUdpReplySize> out{};
  for (int iteration = 0; iteration < 2000; ++iteration) {
    UdpHeader h;
    gen.Fill(h.connection_id);
    gen.Fill(h.transaction_id);
    auto check_head = [&](std::uint32_t action) {
      const Bytes head(out.begin(), out.begin() + 8);
      EXPECT_EQ(Get32(head, 0), action);
      EXPECT_TRUE(std::equal(h.transaction_id.begin(), h.transaction_id.end(), head.begin() + 4));
    };

    ConnectionId id;
    gen.Fill(id);
    ASSERT_EQ(WriteUdpConnect(h, id, out), 16u);
    check_head(0);
    EXPECT_TRUE(std::equal(id.begin(), id.end(), out.begin() + 8));

    const std::size_t peer_size = gen.Below(2) ? kCompactPeerSize4 : kCompactPeerSize6;
    const std::size_t max_peers = peer_size == kCompactPeerSize4 ? kMaxNumwantUdp4 : kMaxNumwantUdp6;
    Bytes peers(gen.Below(max_peers + 1) * peer_size);
    gen.Fill(peers);
    SwarmCounts counts{gen.U32(), gen.U32(), gen.U32()};
    const std::uint32_t interval = gen.U32();
    ASSERT_EQ(WriteUdpAnnounce(h, interval, counts, peers, out), 20 + peers.size());
    check_head(1);
    const Bytes reply(out.begin(), out.begin() + 20 + peers.size());
    EXPECT_EQ(Get32(reply, 8), interval);
    EXPECT_EQ(Get32(reply, 12), counts.leechers);
    EXPECT_EQ(Get32(reply, 16), counts.seeders);
    EXPECT_TRUE(std::equal(peers.begin(), peers.end(), reply.begin() + 20));

    std::vector<SwarmCounts> triples(gen.Below(kMaxUdpScrapeHashes + 1));
    for (auto& t : triples) t = SwarmCounts{gen.U32(), gen.U32(), gen.U32()};
    ASSERT_EQ(WriteUdpScrape(h, triples, out), 8 + 12 * triples.size());
    check_head(2);
    const Bytes scrape(out.begin(), out.begin() + 8 + 12 * triples.size());
    for (std::size_t i = 0; i < triples.size(); ++i) {
      ASSERT_EQ(Get32(scrape, 8 + 12 * i), triples[i].seeders);
      ASSERT_EQ(Get32(scrape, 12 + 12 * i), triples[i].downloaded);
      ASSERT_EQ(Get32(scrape, 16 + 12 * i), triples[i].leechers);
    }
  }
}

}  // namespace
}  // namespace ot::proto
