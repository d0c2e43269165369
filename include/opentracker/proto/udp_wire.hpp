// File: proto/udp_wire.hpp
// BitTorrent UDP tracker protocol (BEP 15) datagrams, as upstream's
// ot_udp.c reads and writes them (spec §4). Pure: parsers take a datagram and
// return values; writers fill a caller buffer and return the bytes written
// (0 if it is too small). Connection-id checking lives in the UDP service.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "opentracker/core/replies.hpp"
#include "opentracker/core/requests.hpp"

namespace ot::proto {

inline constexpr std::uint64_t kUdpProtocolMagic = 0x41727101980ULL;
inline constexpr std::size_t kUdpHeaderSize = 16;
inline constexpr std::size_t kUdpAnnounceSize = 98;  // bytes past it (BEP 41 options) are ignored
// Largest reply: an IPv4 announce with 200 peers (20 + 200 * 6).
inline constexpr std::size_t kMaxUdpReplySize = 20 + kMaxNumwantUdp4 * kCompactPeerSize4;

enum class UdpAction : std::uint32_t { kConnect = 0, kAnnounce = 1, kScrape = 2, kError = 3 };

// Upstream's misspelt text, sent with its trailing NUL (33-byte packet).
inline constexpr std::string_view kUdpConnectionIdMismatch{"Connection ID missmatch.\0", 25};

using ConnectionId = std::array<std::uint8_t, 8>;  // opaque wire bytes

struct UdpHeader {
  ConnectionId connection_id{};  // offset 0; the protocol magic for connect
  UdpAction action = UdpAction::kConnect;
  std::array<std::uint8_t, 4> transaction_id{};  // echoed raw
};

// nullopt: shorter than 16 bytes or action > 2 (both silently dropped).
std::optional<UdpHeader> ParseUdpHeader(std::span<const std::uint8_t> datagram) noexcept;
// True when a connect carries the protocol magic in its first 8 bytes.
bool HasConnectMagic(const UdpHeader& header) noexcept;

struct UdpAnnounce {
  AnnounceRequest request;          // numwant raw (not yet capped); event 1/2/3 mapped
  std::uint32_t raw_numwant = 0;    // as sent; 0xffffffff means "as many as allowed"
};
// nullopt: shorter than 98 bytes. Fields per BEP 15; the IP field is ignored
// (upstream always uses the source address); left is tested for zero on 64 bits.
std::optional<UdpAnnounce> ParseUdpAnnounce(std::span<const std::uint8_t> datagram) noexcept;

// Hashes at offset 16, whole 20-byte slots only (a trailing partial hash is
// ignored: a port fix), at most kMaxUdpScrapeHashes.
ScrapeRequest ParseUdpScrape(std::span<const std::uint8_t> datagram) noexcept;

std::size_t WriteUdpConnect(const UdpHeader& request, const ConnectionId& id, std::span<std::uint8_t> out) noexcept;
// action 1 | txid | interval | leechers | seeders | peers (6 or 18 bytes each)
std::size_t WriteUdpAnnounce(const UdpHeader& request, std::uint32_t interval, const SwarmCounts& counts,
                             std::span<const std::uint8_t> compact_peers, std::span<std::uint8_t> out) noexcept;
// action 2 | txid | { seeders | completed | leechers } per hash
std::size_t WriteUdpScrape(const UdpHeader& request, std::span<const SwarmCounts> counts,
                           std::span<std::uint8_t> out) noexcept;
// action 3 | txid | message (bytes as given)
std::size_t WriteUdpError(const UdpHeader& request, std::string_view message, std::span<std::uint8_t> out) noexcept;

}  // namespace ot::proto
