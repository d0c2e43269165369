// One torrent's swarm and the rules that age it (spec §5.3-§5.6).
#pragma once

#include <cstdint>
#include <type_traits>

#include "opentracker/core/replies.hpp"
#include "opentracker/core/types.hpp"
#include "opentracker/tracker/torrent_store.hpp"
#include "tracker/peer_list.hpp"

namespace ot::tracker::internal {

// Upstream keeps one base time and one completed count per address family
// list; both lists are always touched together on announce, so the port keeps
// one of each per torrent (which also stores a restored count exactly once).
// 56 bytes, the lone IPv4 peer of most torrents included.
struct Torrent {
  InfoHash info_hash;
  std::uint32_t base_minutes;  // last announce, or last clean that found peers
  std::uint32_t downloaded;
  std::uint32_t seeders4;
  PeerList4 peers4;
  PeerList6 peers6;

  std::uint32_t PeerTotal() const noexcept { return peers4.size() + peers6.size(); }
  SwarmCounts Counts() const noexcept {
    std::uint32_t seeders = seeders4 + peers6.seeders();
    return SwarmCounts{seeders, PeerTotal() - seeders, downloaded};
  }
  void Release() noexcept {
    peers4.Release();
    peers6.Release();
    seeders4 = 0;
  }
};
static_assert(std::is_trivially_copyable_v<Torrent>, "torrents are moved with memmove");
static_assert(sizeof(Torrent) == 56);

struct AgeResult {
  bool dead = false;            // delete the torrent
  std::uint32_t peers_removed = 0;
};

// Ages every peer by `minutes` and drops those reaching the time-out.
// `seeders` is the list's seeder count (or null for an empty v6 list).
template <typename List>
std::uint32_t AgePeers(List& peers, std::uint32_t* seeders, std::uint32_t minutes) noexcept {
  std::uint32_t kept = 0;
  std::uint32_t removed = 0;
  auto records = peers.view();
  for (std::uint32_t i = 0; i < records.size(); ++i) {
    auto peer = records[i];
    std::uint32_t age = peer.age + minutes;
    if (age >= kPeerTimeoutMinutes) {
      if (peer.flags & kPeerSeeding) --*seeders;
      ++removed;
      continue;
    }
    peer.age = static_cast<std::uint8_t>(age);
    records[kept++] = peer;
  }
  peers.Truncate(kept);
  peers.ShrinkToFit();
  return removed;
}

// Upstream's clean_single_peer_list for both lists at once.
inline AgeResult AgeTorrent(Torrent& t, std::uint32_t now_minutes) noexcept {
  AgeResult r;
  if (now_minutes <= t.base_minutes) return r;  // nothing elapsed (or the clock went back)
  std::uint32_t elapsed = now_minutes - t.base_minutes;
  if (elapsed > kTorrentTimeoutMinutes) {
    r.peers_removed = t.PeerTotal();
    t.Release();
    r.dead = true;
    return r;
  }
  if (elapsed > kPeerTimeoutMinutes) {
    if (t.PeerTotal() == 0) {
      // Keep a torrent with history for a day; forget one without.
      r.dead = t.downloaded == 0;
      return r;
    }
    elapsed = kPeerTimeoutMinutes;
  }
  r.peers_removed = AgePeers(t.peers4, &t.seeders4, elapsed);
  if (t.peers6.size() != 0) r.peers_removed += AgePeers(t.peers6, &t.peers6.mutable_seeders(), elapsed);
  // An empty list is dated back so the next clean can judge it dead (upstream).
  t.base_minutes = t.PeerTotal() > 0 ? now_minutes
                   : (now_minutes > kPeerTimeoutMinutes ? now_minutes - kPeerTimeoutMinutes : 0);
  return r;
}

}  // namespace ot::tracker::internal
