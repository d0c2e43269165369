// File: core/types.hpp
// The tracker's vocabulary: info hashes, peer ids, IP addresses and peer
// endpoints. Value types only; every module may use them from any thread.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace ot {

inline constexpr std::size_t kInfoHashSize = 20;
inline constexpr std::size_t kPeerIdSize = 20;

struct InfoHash {
  std::array<std::uint8_t, kInfoHashSize> bytes{};

  // memcmp order: the order of upstream's sorted buckets and of full scrapes.
  friend std::strong_ordering operator<=>(const InfoHash& a, const InfoHash& b) noexcept {
    return std::memcmp(a.bytes.data(), b.bytes.data(), kInfoHashSize) <=> 0;
  }
  friend bool operator==(const InfoHash& a, const InfoHash& b) noexcept {
    return std::memcmp(a.bytes.data(), b.bytes.data(), kInfoHashSize) == 0;
  }

  static InfoHash FromBytes(std::span<const std::uint8_t, kInfoHashSize> raw) noexcept {
    InfoHash h;
    std::memcpy(h.bytes.data(), raw.data(), kInfoHashSize);
    return h;
  }
};

using PeerId = std::array<std::uint8_t, kPeerIdSize>;

enum class Family : std::uint8_t { kV4 = 0, kV6 = 1 };

// 16 bytes in network order. IPv4 addresses are kept v4-mapped
// (::ffff:a.b.c.d), as upstream stores every client address.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

  static IpAddress FromV4(std::span<const std::uint8_t, 4> v4) noexcept {
    IpAddress a;
    a.bytes[10] = 0xff;
    a.bytes[11] = 0xff;
    std::memcpy(a.bytes.data() + 12, v4.data(), 4);
    return a;
  }
  static IpAddress FromV4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept {
    const std::uint8_t v4[4] = {a, b, c, d};
    return FromV4(std::span<const std::uint8_t, 4>(v4, 4));
  }
  static IpAddress FromV6(std::span<const std::uint8_t, 16> v6) noexcept {
    IpAddress a;
    std::memcpy(a.bytes.data(), v6.data(), 16);
    return a;
  }

  bool IsV4() const noexcept {
    static constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(bytes.data(), kMappedPrefix, 12) == 0;
  }
  Family family() const noexcept { return IsV4() ? Family::kV4 : Family::kV6; }
  // The four IPv4 bytes; only meaningful when IsV4().
  std::span<const std::uint8_t, 4> V4Bytes() const noexcept {
    return std::span<const std::uint8_t, 4>(bytes.data() + 12, 4);
  }
};

// For unordered containers keyed by client address.
struct IpAddressHash {
  std::size_t operator()(const IpAddress& ip) const noexcept {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::memcpy(&a, ip.bytes.data(), 8);
    std::memcpy(&b, ip.bytes.data() + 8, 8);
    return static_cast<std::size_t>(a * 0x9e3779b97f4a7c15ULL ^ b);
  }
};

// A peer as the tracker knows it: address and port (host byte order here;
// writers put it on the wire in network order).
struct PeerEndpoint {
  IpAddress ip;
  std::uint16_t port = 0;

  friend bool operator==(const PeerEndpoint&, const PeerEndpoint&) = default;
};

// Compact wire sizes of one peer: IPv4 4+2, IPv6 16+2 bytes (BEP 23 / BEP 7).
inline constexpr std::size_t kCompactPeerSize4 = 6;
inline constexpr std::size_t kCompactPeerSize6 = 18;

}  // namespace ot
