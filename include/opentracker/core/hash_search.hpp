// File: core/hash_search.hpp
// Lower bound in a sorted array keyed by info hash. Info hashes are SHA-1
// values, so keys are spread evenly: a few interpolation steps land next to
// the answer (one or two cache misses instead of a binary search's twenty
// on a large array), and a binary search finishes. The interpolation steps
// are bounded, so crafted, clustered hashes cost at most a binary search
// plus three probes.
#pragma once

#include <algorithm>
#include <bit>
#include <cstring>
#include <cstddef>
#include <cstdint>

#include "opentracker/core/types.hpp"

namespace ot {

// The first 8 bytes of a hash as a big-endian number (order-preserving).
inline std::uint64_t HashPrefix(const InfoHash& hash) noexcept {
  std::uint64_t v;
  std::memcpy(&v, hash.bytes.data(), 8);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}

// a < b in memcmp order, deciding on the first 8 bytes as one number and
// only looking further when they are equal (a call-free compare for the hot
// lookups; random hashes almost never share 8 bytes).
inline bool HashLess(const InfoHash& a, const InfoHash& b) noexcept {
  const std::uint64_t pa = HashPrefix(a);
  const std::uint64_t pb = HashPrefix(b);
  if (pa != pb) return pa < pb;
  return a < b;
}

// Index of the first element whose key is not less than `key` (n if none).
// `key_of(element)` returns the element's InfoHash.
template <typename T, typename KeyOf>
std::size_t HashLowerBound(const T* data, std::size_t n, const InfoHash& key, KeyOf key_of) noexcept {
  std::size_t lo = 0;
  std::size_t hi = n;
  const std::uint64_t k = HashPrefix(key);
  for (int step = 0; step < 3 && hi - lo > 16; ++step) {
    const std::uint64_t a = HashPrefix(key_of(data[lo]));
    const std::uint64_t b = HashPrefix(key_of(data[hi - 1]));
    if (k <= a || k > b || a == b) break;
    const std::size_t span = hi - 1 - lo;
    // a < k <= b, so the fraction is in (0, 1] and pos in (lo, hi - 1].
    std::size_t pos = lo + static_cast<std::size_t>(static_cast<double>(k - a) / static_cast<double>(b - a) *
                                                    static_cast<double>(span));
    if (pos >= hi) pos = hi - 1;
    if (HashLess(key_of(data[pos]), key)) {
      lo = pos + 1;
    } else {
      hi = pos + 1;  // data[pos] >= key: the answer is at pos or before
    }
  }
  const T* first = std::lower_bound(data + lo, data + hi, key,
                                    [&](const T& element, const InfoHash& h) { return HashLess(key_of(element), h); });
  return static_cast<std::size_t>(first - data);
}

}  // namespace ot
