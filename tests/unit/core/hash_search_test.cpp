#include "opentracker/core/hash_search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace ot {
namespace {

InfoHash RandomHash(std::mt19937_64& rng) {
  InfoHash h;
  for (auto& b : h.bytes) b = static_cast<std::uint8_t>(rng());
  return h;
}

void ExpectSameAsLowerBound(const std::vector<InfoHash>& sorted, const InfoHash& key) {
  auto expected = static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), key) - sorted.begin());
  std::size_t got = HashLowerBound(sorted.data(), sorted.size(), key, [](const InfoHash& h) -> const InfoHash& {
    return h;
  });
  ASSERT_EQ(got, expected);
}

TEST(HashLowerBound, AgreesWithStdLowerBoundOnUniformKeys) {
  std::mt19937_64 rng(7);
  for (std::size_t n : {0u, 1u, 2u, 17u, 100u, 5000u, 100000u}) {
    std::vector<InfoHash> v(n);
    for (auto& h : v) h = RandomHash(rng);
    std::sort(v.begin(), v.end());
    for (int q = 0; q < 2000; ++q) ExpectSameAsLowerBound(v, RandomHash(rng));
    for (std::size_t i = 0; i < n; i += 1 + n / 500) ExpectSameAsLowerBound(v, v[i]);
  }
}

// Crafted hashes (shared prefixes, duplicates, extremes) must still be found:
// the interpolation steps are bounded and a binary search finishes.
TEST(HashLowerBound, AgreesOnClusteredAndDuplicateKeys) {
  std::mt19937_64 rng(11);
  std::vector<InfoHash> v;
  for (int i = 0; i < 3000; ++i) {
    InfoHash h{};
    if (i % 3 == 0) {
      h.bytes.fill(0xff);
    } else if (i % 3 == 1) {
      h.bytes[19] = static_cast<std::uint8_t>(i);  // same 8-byte prefix for all of these
    } else {
      h = RandomHash(rng);
      h.bytes[0] = 0x80;
    }
    v.push_back(h);
  }
  std::sort(v.begin(), v.end());
  for (const InfoHash& h : v) ExpectSameAsLowerBound(v, h);
  for (int q = 0; q < 2000; ++q) ExpectSameAsLowerBound(v, RandomHash(rng));
  InfoHash zero{};
  ExpectSameAsLowerBound(v, zero);
}

}  // namespace
}  // namespace ot
