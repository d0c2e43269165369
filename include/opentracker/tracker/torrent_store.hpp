// File: tracker/torrent_store.hpp
// The in-memory torrent table: info_hash -> swarm (IPv4 and IPv6 peer lists,
// seeders, leechers, completed). Sharded by the top bits of the hash, one
// mutex per shard, so iterating shards in order visits torrents in ascending
// hash order (full scrape, statedump and top lists rely on it, as upstream's
// 1024 buckets do). Knows nothing about sockets, wire formats or statistics:
// it returns counts, picked peers in compact layout, and what happened.
// Thread-safe: any thread may call any member; each call holds at most one
// shard lock, briefly.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "opentracker/core/replies.hpp"
#include "opentracker/core/rng.hpp"
#include "opentracker/core/types.hpp"

namespace ot::tracker {

// Peer flag bits, upstream's values (trackerlogic.h); livesync carries them on the wire.
inline constexpr std::uint8_t kPeerSeeding = 0x80;
inline constexpr std::uint8_t kPeerCompleted = 0x40;
inline constexpr std::uint8_t kPeerStopped = 0x20;
inline constexpr std::uint8_t kPeerFromSync = 0x10;

inline constexpr std::uint32_t kPeerTimeoutMinutes = 45;
inline constexpr std::uint32_t kTorrentTimeoutMinutes = 24 * 60;

// Stored peer records: address, port (network order), flags, age in minutes.
// 8 and 20 bytes, as upstream's ot_peer / ot_peer6.
struct Peer4 {
  std::array<std::uint8_t, 4> ip;
  std::array<std::uint8_t, 2> port;
  std::uint8_t flags;
  std::uint8_t age;
};
struct Peer6 {
  std::array<std::uint8_t, 16> ip;
  std::array<std::uint8_t, 2> port;
  std::uint8_t flags;
  std::uint8_t age;
};
static_assert(sizeof(Peer4) == 8 && sizeof(Peer6) == 20);

struct StoreLimits {
  std::uint64_t max_torrents = 0;  // 0: no cap
  std::uint64_t max_peers = 0;     // 0: no cap
};

// How many peers a reply wants. HTTP asks for both families and splits
// numwant between them (HEAD's rule); UDP only for the requester's family.
struct PeerWant {
  std::uint32_t numwant = 50;
  bool own_family_only = false;
};

// Caller-owned output for the picked peers, in compact wire layout
// (6 bytes per IPv4 peer, 18 per IPv6 peer). Sized for numwant of each family.
struct PeerBuffers {
  std::span<std::uint8_t> v4;
  std::span<std::uint8_t> v6;
};

struct AnnounceOutcome {
  enum class Status : std::uint8_t {
    kOk,
    kTorrentLimit,  // tracker.max_torrents reached: the torrent was not created
  };
  Status status = Status::kOk;
  SwarmCounts counts;            // after the announce, totals over both families
  std::size_t peers4_written = 0;
  std::size_t peers6_written = 0;
  bool torrent_created = false;
  bool peer_created = false;
  bool peer_dropped = false;     // tracker.max_peers reached: the new peer was not stored
  bool completed = false;        // a "completed" event was accepted (count it, syslog it)
  int previous_age = -1;         // minutes since the peer's last announce, -1 for a new peer
  std::uint8_t previous_flags = 0;
};

struct StopOutcome {
  SwarmCounts counts;  // after removal; zeros for an unknown torrent
  bool removed = false;
};

struct CleanOutcome {
  std::size_t torrents_removed = 0;
  std::size_t peers_removed = 0;
};

// Read-only view of one torrent while its shard is locked (see VisitShard).
struct TorrentView {
  const InfoHash& info_hash;
  std::uint32_t base_minutes;
  SwarmCounts counts;
  std::span<const Peer4> peers4;
  std::span<const Peer6> peers6;
};

class TorrentStore {
 public:
  // 1024 shards, as upstream's bucket count: enough for short critical sections
  // on a busy tracker, and shard = top 10 bits keeps iteration in hash order.
  static constexpr std::size_t kShardCount = 1024;

  explicit TorrentStore(StoreLimits limits = {});
  ~TorrentStore();
  TorrentStore(const TorrentStore&) = delete;
  TorrentStore& operator=(const TorrentStore&) = delete;

  static std::size_t ShardOf(const InfoHash& hash) noexcept {
    return (static_cast<std::size_t>(hash.bytes[0]) << 2) | (hash.bytes[1] >> 6);
  }

  // Adds or updates `peer` (flags: kPeerSeeding / kPeerCompleted / kPeerFromSync)
  // and picks peers for the reply into `out`, all under the shard lock
  // (upstream's add_peer_to_torrent_and_return_peers). Runs the per-torrent
  // clean first on an existing torrent.
  AnnounceOutcome Announce(const InfoHash& hash, const PeerEndpoint& peer, std::uint8_t flags,
                           std::uint32_t now_minutes, const PeerWant& want, Rng& rng, PeerBuffers out);

  // Removes the peer if present. Never creates a torrent; an empty torrent
  // is left for the cleaner, as upstream.
  StopOutcome Stop(const InfoHash& hash, const PeerEndpoint& peer, std::uint32_t now_minutes);

  // Counts for a scrape; nullopt for an unknown torrent. Runs the per-torrent
  // clean, which may delete a timed-out torrent (it then reads as unknown and
  // `deleted` is set).
  std::optional<SwarmCounts> Scrape(const InfoHash& hash, std::uint32_t now_minutes, bool* deleted = nullptr);

  // State restore (-l / tracker.statefile): creates the torrent with no peers,
  // the saved base minute and completed count. False if it already exists (or
  // the torrent cap is reached); the count is stored once, never doubled.
  bool Restore(const InfoHash& hash, std::uint32_t base_minutes, std::uint32_t downloaded);

  // The cleaner's step: ages peers of one shard, drops timed-out peers and dead torrents.
  CleanOutcome CleanShard(std::size_t shard, std::uint32_t now_minutes);

  // Calls `visit` for every torrent of `shard` in hash order while holding the
  // shard lock; keep it short (format into a buffer, no I/O).
  void VisitShard(std::size_t shard, const std::function<void(const TorrentView&)>& visit) const;

  // Maintained on every change; exact when the store is quiet.
  std::uint64_t TorrentCount() const noexcept { return torrent_count_.load(std::memory_order_relaxed); }
  std::uint64_t PeerCount() const noexcept { return peer_count_.load(std::memory_order_relaxed); }

 private:
  struct Shard;
  const StoreLimits limits_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<std::uint64_t> torrent_count_{0};
  std::atomic<std::uint64_t> peer_count_{0};
};

}  // namespace ot::tracker
