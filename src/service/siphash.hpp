// SipHash-2-4 (Aumasson & Bernstein), the keyed MAC behind UDP connection ids.
// Neither the standard library, zlib nor libowfat offer a keyed PRF, and the
// reference algorithm is short.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace ot::service::internal {

struct SipKey {
  std::uint64_t k0 = 0;
  std::uint64_t k1 = 0;
};

inline std::uint64_t SipHash24(const SipKey& key, std::span<const std::uint8_t> data) noexcept {
  auto rotl = [](std::uint64_t x, int b) { return (x << b) | (x >> (64 - b)); };
  std::uint64_t v0 = 0x736f6d6570736575ULL ^ key.k0;
  std::uint64_t v1 = 0x646f72616e646f6dULL ^ key.k1;
  std::uint64_t v2 = 0x6c7967656e657261ULL ^ key.k0;
  std::uint64_t v3 = 0x7465646279746573ULL ^ key.k1;
  auto round = [&] {
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
  };
  const std::size_t n = data.size();
  const std::size_t whole = n & ~static_cast<std::size_t>(7);
  for (std::size_t i = 0; i < whole; i += 8) {
    std::uint64_t m = 0;
    for (int b = 7; b >= 0; --b) m = (m << 8) | data[i + static_cast<std::size_t>(b)];  // little endian
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  std::uint64_t last = static_cast<std::uint64_t>(n & 0xff) << 56;
  for (std::size_t i = whole; i < n; ++i) last |= static_cast<std::uint64_t>(data[i]) << (8 * (i - whole));
  v3 ^= last;
  round();
  round();
  v0 ^= last;
  v2 ^= 0xff;
  round();
  round();
  round();
  round();
  return v0 ^ v1 ^ v2 ^ v3;
}

}  // namespace ot::service::internal
