// BEP 15 datagrams as upstream's ot_udp.c reads and writes them (spec §4).
// Every multi-byte field is big-endian; ids are copied as raw bytes.
#include "opentracker/proto/udp_wire.hpp"

#include <algorithm>
#include <cstring>

namespace ot::proto {
namespace {

// Request offsets (spec §4.4).
constexpr std::size_t kActionOffset = 8;
constexpr std::size_t kTransactionIdOffset = 12;
constexpr std::size_t kInfoHashOffset = 16;
constexpr std::size_t kPeerIdOffset = 36;
constexpr std::size_t kLeftOffset = 64;
constexpr std::size_t kEventOffset = 80;
constexpr std::size_t kNumwantOffset = 92;
constexpr std::size_t kPortOffset = 96;

constexpr std::size_t kReplyHeaderSize = 8;      // action | txid
constexpr std::size_t kAnnounceReplyFixed = 20;  // + interval | leechers | seeders
constexpr std::size_t kScrapeTripleSize = 12;

std::uint32_t Load32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
         std::uint32_t{p[3]};
}

std::uint64_t Load64(const std::uint8_t* p) noexcept {
  return std::uint64_t{Load32(p)} << 32 | Load32(p + 4);
}

void Store32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

// action | transaction id, the start of every reply.
void StoreReplyHeader(std::uint8_t* p, UdpAction action, const UdpHeader& request) noexcept {
  Store32(p, static_cast<std::uint32_t>(action));
  std::memcpy(p + 4, request.transaction_id.data(), request.transaction_id.size());
}

AnnounceEvent EventFromWire(std::uint32_t event) noexcept {
  // BEP 15: 0 none, 1 completed, 2 started, 3 stopped; upstream treats anything else as none.
  switch (event) {
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

}  // namespace

std::optional<UdpHeader> ParseUdpHeader(std::span<const std::uint8_t> datagram) noexcept {
  if (datagram.size() < kUdpHeaderSize) return std::nullopt;
  const std::uint8_t* p = datagram.data();
  const std::uint32_t action = Load32(p + kActionOffset);
  // Clients may not send errors (3), and unknown actions have no reply (ot_udp.c drops both).
  if (action > static_cast<std::uint32_t>(UdpAction::kScrape)) return std::nullopt;
  UdpHeader header;
  std::memcpy(header.connection_id.data(), p, header.connection_id.size());
  header.action = static_cast<UdpAction>(action);
  std::memcpy(header.transaction_id.data(), p + kTransactionIdOffset, header.transaction_id.size());
  return header;
}

bool HasConnectMagic(const UdpHeader& header) noexcept {
  return Load64(header.connection_id.data()) == kUdpProtocolMagic;
}

std::optional<UdpAnnounce> ParseUdpAnnounce(std::span<const std::uint8_t> datagram) noexcept {
  if (datagram.size() < kUdpAnnounceSize) return std::nullopt;
  const std::uint8_t* p = datagram.data();
  UdpAnnounce announce;
  AnnounceRequest& request = announce.request;
  std::memcpy(request.info_hash.bytes.data(), p + kInfoHashOffset, kInfoHashSize);
  PeerId peer_id;
  std::memcpy(peer_id.data(), p + kPeerIdOffset, kPeerIdSize);
  request.peer_id = peer_id;
  request.port = static_cast<std::uint16_t>(p[kPortOffset] << 8 | p[kPortOffset + 1]);
  // Both halves of `left` count: 2^32 left is a leecher (ot_udp.c tests the two words).
  request.seeding = Load64(p + kLeftOffset) == 0;
  request.event = EventFromWire(Load32(p + kEventOffset));
  announce.raw_numwant = Load32(p + kNumwantOffset);
  // Capping depends on the client's family (200 v4 / 66 v6), which only the service knows.
  request.numwant = announce.raw_numwant;
  request.compact = true;
  // The IP field (offset 84) is ignored: upstream always uses the source address.
  request.ip_param.reset();
  return announce;
}

ScrapeRequest ParseUdpScrape(std::span<const std::uint8_t> datagram) noexcept {
  ScrapeRequest scrape;
  if (datagram.size() <= kUdpHeaderSize) return scrape;
  // Port fix (PORT-DECISIONS §3): upstream also answers a trailing partial hash from stale buffer
  // bytes; only whole 20-byte slots count here.
  const std::size_t slots = (datagram.size() - kUdpHeaderSize) / kInfoHashSize;
  scrape.count = std::min(slots, kMaxUdpScrapeHashes);
  const std::uint8_t* p = datagram.data() + kUdpHeaderSize;
  for (std::size_t i = 0; i < scrape.count; ++i) {
    std::memcpy(scrape.hashes[i].bytes.data(), p + i * kInfoHashSize, kInfoHashSize);
  }
  return scrape;
}

std::size_t WriteUdpConnect(const UdpHeader& request, const ConnectionId& id,
                            std::span<std::uint8_t> out) noexcept {
  const std::size_t size = kReplyHeaderSize + id.size();
  if (out.size() < size) return 0;
  StoreReplyHeader(out.data(), UdpAction::kConnect, request);
  std::memcpy(out.data() + kReplyHeaderSize, id.data(), id.size());
  return size;
}

std::size_t WriteUdpAnnounce(const UdpHeader& request, std::uint32_t interval, const SwarmCounts& counts,
                             std::span<const std::uint8_t> compact_peers,
                             std::span<std::uint8_t> out) noexcept {
  if (out.size() < kAnnounceReplyFixed || out.size() - kAnnounceReplyFixed < compact_peers.size()) return 0;
  std::uint8_t* p = out.data();
  StoreReplyHeader(p, UdpAction::kAnnounce, request);
  Store32(p + 8, interval);
  Store32(p + 12, counts.leechers);
  Store32(p + 16, counts.seeders);
  if (!compact_peers.empty()) {
    std::memcpy(p + kAnnounceReplyFixed, compact_peers.data(), compact_peers.size());
  }
  return kAnnounceReplyFixed + compact_peers.size();
}

std::size_t WriteUdpScrape(const UdpHeader& request, std::span<const SwarmCounts> counts,
                           std::span<std::uint8_t> out) noexcept {
  if (out.size() < kReplyHeaderSize || (out.size() - kReplyHeaderSize) / kScrapeTripleSize < counts.size()) {
    return 0;
  }
  std::uint8_t* p = out.data();
  StoreReplyHeader(p, UdpAction::kScrape, request);
  p += kReplyHeaderSize;
  // BEP 15 order: seeders, completed, leechers (unlike the announce reply's leechers, seeders).
  for (const SwarmCounts& c : counts) {
    Store32(p, c.seeders);
    Store32(p + 4, c.downloaded);
    Store32(p + 8, c.leechers);
    p += kScrapeTripleSize;
  }
  return kReplyHeaderSize + counts.size() * kScrapeTripleSize;
}

std::size_t WriteUdpError(const UdpHeader& request, std::string_view message,
                          std::span<std::uint8_t> out) noexcept {
  if (out.size() < kReplyHeaderSize || out.size() - kReplyHeaderSize < message.size()) return 0;
  StoreReplyHeader(out.data(), UdpAction::kError, request);
  if (!message.empty()) std::memcpy(out.data() + kReplyHeaderSize, message.data(), message.size());
  return kReplyHeaderSize + message.size();
}

}  // namespace ot::proto
