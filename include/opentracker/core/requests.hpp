// File: core/requests.hpp
// Protocol-neutral announce and scrape requests. The HTTP query parser and the
// UDP datagram parser both produce these; service/ answers them through the
// one shared announce/scrape path, and only the reply writers differ.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "opentracker/core/types.hpp"

namespace ot {

enum class AnnounceEvent : std::uint8_t { kNone, kStarted, kCompleted, kStopped };

// Upstream limits (ot_http.c / trackerlogic.h), kept for compatibility.
inline constexpr std::uint32_t kDefaultNumwant = 50;
inline constexpr std::uint32_t kMaxNumwantHttp = 200;
inline constexpr std::uint32_t kMaxNumwantUdp4 = 200;
inline constexpr std::uint32_t kMaxNumwantUdp6 = 66;
inline constexpr std::size_t kMaxHttpScrapeHashes = 64;
inline constexpr std::size_t kMaxUdpScrapeHashes = 75;

struct AnnounceRequest {
  InfoHash info_hash;
  std::optional<PeerId> peer_id;  // not stored; only logged with "completed"
  std::uint16_t port = 0;         // host byte order
  bool seeding = false;           // left == 0 (HTTP: or malformed left)
  AnnounceEvent event = AnnounceEvent::kNone;
  std::uint32_t numwant = kDefaultNumwant;  // already clamped for the protocol
  bool compact = true;            // false: BEP 3 dictionary peers (compact=0)
  std::optional<IpAddress> ip_param;  // HTTP ip=, honoured only when configured
};

// Up to the larger protocol limit; `count` says how many are valid.
struct ScrapeRequest {
  std::array<InfoHash, kMaxUdpScrapeHashes> hashes{};
  std::size_t count = 0;
};

}  // namespace ot
