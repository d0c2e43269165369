// File: core/net_mask.hpp
// A network given as ip or ip/bits (HEAD semantics: IPv4 nets are v4-mapped,
// so 10.0.0.0/8 is ::ffff:10.0.0.0/104). Used for blessings (stats, proxy,
// livesync) and for logged networks.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "opentracker/core/types.hpp"

namespace ot {

struct NetMask {
  IpAddress address;        // host bits already cleared
  std::uint8_t bits = 128;  // prefix length over the 16-byte form

  bool Contains(const IpAddress& ip) const noexcept {
    unsigned full = bits / 8;
    for (unsigned i = 0; i < full; ++i) {
      if (ip.bytes[i] != address.bytes[i]) return false;
    }
    unsigned rest = bits % 8;
    if (rest == 0) return true;
    std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (ip.bytes[full] & mask) == address.bytes[full];
  }

  // Builds a mask, clearing host bits; bits > 128 is clamped by the caller's parser.
  static NetMask Of(const IpAddress& ip, std::uint8_t prefix_bits) noexcept {
    NetMask m;
    m.bits = prefix_bits;
    m.address = ip;
    for (unsigned i = 0; i < 16; ++i) {
      unsigned bit_start = i * 8;
      if (bit_start >= prefix_bits) {
        m.address.bytes[i] = 0;
      } else if (bit_start + 8 > prefix_bits) {
        unsigned keep = prefix_bits - bit_start;
        m.address.bytes[i] &= static_cast<std::uint8_t>(0xff << (8 - keep));
      }
    }
    return m;
  }

  friend bool operator==(const NetMask&, const NetMask&) = default;
};

inline bool AnyContains(std::span<const NetMask> nets, const IpAddress& ip) noexcept {
  for (const NetMask& n : nets) {
    if (n.Contains(ip)) return true;
  }
  return false;
}

}  // namespace ot
