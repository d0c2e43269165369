// One torrent's swarm and the rules that age it (spec §5.3-§5.6).
#pragma once

#include <cstdint>
#include <type_traits>

#include "opentracker/core/replies.hpp"
#include "opentracker/core/types.hpp"
#include "opentracker/tracker/torrent_store.hpp"
#include "tracker/peer_vector.hpp"

namespace ot::tracker::internal {

// Upstream keeps one base time and one completed count per address family
// list; both lists are always touched together on announce, so the port keeps
// one of each per torrent (which also stores a restored count exactly once).
struct Torrent {
  InfoHash info_hash;
  std::uint32_t base_minutes = 0;  // last announce, or last clean that found peers
  std::uint32_t downloaded = 0;
  std::uint32_t seeders4 = 0;
  std::uint32_t seeders6 = 0;
  PeerVector<Peer4> peers4;
  PeerVector<Peer6> peers6;

  std::uint32_t PeerTotal() const noexcept { return peers4.size + peers6.size; }
  SwarmCounts Counts() const noexcept {
    std::uint32_t seeders = seeders4 + seeders6;
    return SwarmCounts{seeders, PeerTotal() - seeders, downloaded};
  }
  void Release() noexcept {
    peers4.Release();
    peers6.Release();
  }
};
static_assert(std::is_trivially_copyable_v<Torrent>, "torrents are moved with memmove");

struct AgeResult {
  bool dead = false;            // delete the torrent
  std::uint32_t peers_removed = 0;
};

template <typename Record>
std::uint32_t AgePeers(PeerVector<Record>& peers, std::uint32_t& seeders, std::uint32_t minutes) noexcept {
  std::uint32_t kept = 0;
  std::uint32_t removed = 0;
  for (std::uint32_t i = 0; i < peers.size; ++i) {
    Record& peer = peers.data[i];
    std::uint32_t age = peer.age + minutes;
    if (age >= kPeerTimeoutMinutes) {
      if (peer.flags & kPeerSeeding) --seeders;
      ++removed;
      continue;
    }
    peer.age = static_cast<std::uint8_t>(age);
    peers.data[kept++] = peer;
  }
  peers.size = kept;
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
    t.seeders4 = t.seeders6 = 0;
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
  r.peers_removed = AgePeers(t.peers4, t.seeders4, elapsed) + AgePeers(t.peers6, t.seeders6, elapsed);
  // An empty list is dated back so the next clean can judge it dead (upstream).
  t.base_minutes = t.PeerTotal() > 0 ? now_minutes
                   : (now_minutes > kPeerTimeoutMinutes ? now_minutes - kPeerTimeoutMinutes : 0);
  return r;
}

}  // namespace ot::tracker::internal
