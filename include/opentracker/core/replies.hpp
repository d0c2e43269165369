// File: core/replies.hpp
// What the store answers, independent of the wire: swarm counts and the peers
// picked for a reply (already in compact wire layout, so HTTP and UDP writers
// copy them as they are).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ot {

struct SwarmCounts {
  std::uint32_t seeders = 0;
  std::uint32_t leechers = 0;
  std::uint32_t downloaded = 0;  // "completed" events accepted, plus restored counts

  friend bool operator==(const SwarmCounts&, const SwarmCounts&) = default;
};

// A reply to a (non-stopped) announce. The peer spans point into buffers owned
// by the caller of the store and stay valid until that caller reuses them.
struct AnnounceReply {
  SwarmCounts counts;
  std::uint32_t interval = 1800;      // seconds; min interval is interval / 2
  std::span<const std::uint8_t> peers4;  // n x 6 bytes: ip4, port (network order)
  std::span<const std::uint8_t> peers6;  // n x 18 bytes: ip6, port (network order)
};

}  // namespace ot
