// Picking the peers for a reply from one peer list (spec §5.7).
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

#include "opentracker/core/rng.hpp"
#include "opentracker/tracker/torrent_store.hpp"

namespace ot::tracker::internal {

// Writes `wanted` (<= peers.size()) distinct peers in compact layout to `out`
// (which has room for `wanted` records of sizeof(ip)+2 bytes). As upstream:
// leechers are written from the front in list order, seeders from the back,
// so they follow the leechers in reverse order. Below the whole list, peers
// come from a stratified random walk that never repeats a peer.
template <typename Record>
void WritePeers(std::span<const Record> peers, std::uint32_t wanted, Rng& rng, std::uint8_t* out) noexcept {
  constexpr std::size_t kWire = sizeof(Record{}.ip) + sizeof(Record{}.port);
  if (wanted == 0) return;
  std::uint8_t* front = out;
  std::uint8_t* back = out + static_cast<std::size_t>(wanted) * kWire;
  auto take = [&](const Record& peer) {
    if (peer.flags & kPeerSeeding) {
      back -= kWire;
      std::memcpy(back, &peer, kWire);
    } else {
      std::memcpy(front, &peer, kWire);
      front += kWire;
    }
  };

  const std::uint64_t n = peers.size();
  if (wanted >= n) {
    for (const Record& peer : peers) take(peer);
    return;
  }
  // Split the list into `wanted` strata of about n/wanted peers (fixed point,
  // scaled so the division keeps precision) and take one random peer from
  // each, walking forward from a random start and wrapping around.
  unsigned shift = 0;
  while (((n << shift) & (1ULL << 29)) == 0 && shift < 40) ++shift;
  const std::uint64_t step = (n << shift) / wanted;
  std::uint64_t position = rng.Below(static_cast<std::uint32_t>(n));
  for (std::uint64_t k = wanted; k-- > 0;) {
    std::uint64_t span = (((k + 1) * step) >> shift) - ((k * step) >> shift);
    if (span == 0) span = 1;
    position = (position + 1 + rng.Below(static_cast<std::uint32_t>(span))) % n;
    take(peers[position]);
  }
}

// HEAD's split of numwant between the families for HTTP replies: a quarter
// guaranteed to each, the rest in proportion to what is left (x1024 fixed
// point), rounding losses given to v6 first, then v4.
struct FamilySplit {
  std::uint32_t v4 = 0;
  std::uint32_t v6 = 0;
};

inline FamilySplit SplitNumwant(std::uint32_t wanted, std::uint32_t n4, std::uint32_t n6) noexcept {
  if (static_cast<std::uint64_t>(n4) + n6 <= wanted) return {n4, n6};
  FamilySplit s;
  s.v4 = wanted / 4 < n4 ? wanted / 4 : n4;
  s.v6 = wanted / 4 < n6 ? wanted / 4 : n6;
  const std::uint64_t rest = wanted - s.v4 - s.v6;
  const std::uint64_t left4 = n4 - s.v4;
  const std::uint64_t left6 = n6 - s.v6;
  const std::uint64_t share4 = left4 * 1024 / (left4 + left6);
  const std::uint64_t share6 = left6 * 1024 / (left4 + left6);
  std::uint64_t add4 = (rest * share4) >> 10;
  std::uint64_t add6 = (rest * share6) >> 10;
  if (add4 > left4) add4 = left4;
  if (add6 > left6) add6 = left6;
  s.v4 += static_cast<std::uint32_t>(add4);
  s.v6 += static_cast<std::uint32_t>(add6);
  while (s.v4 + s.v6 < wanted) {
    bool grew = false;
    if (s.v6 < n6) {
      ++s.v6;
      grew = true;
    }
    if (s.v4 + s.v6 < wanted && s.v4 < n4) {
      ++s.v4;
      grew = true;
    }
    if (!grew) break;
  }
  return s;
}

}  // namespace ot::tracker::internal
