#include "opentracker/tracker/torrent_store.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "opentracker/core/hash_search.hpp"
#include "tracker/peer_select.hpp"
#include "tracker/torrent.hpp"

namespace ot::tracker {

using internal::Torrent;

// Torrents of one shard, sorted by info hash; alignas keeps two shards' mutexes
// off one cache line.
struct alignas(64) TorrentStore::Shard {
  mutable std::mutex mutex;
  std::vector<Torrent> torrents;

  ~Shard() {
    for (Torrent& t : torrents) t.Release();
  }

  // Index of `hash` or of where it belongs.
  std::size_t LowerBound(const InfoHash& hash, bool* found) const noexcept {
    std::size_t i = HashLowerBound(torrents.data(), torrents.size(), hash,
                                   [](const Torrent& t) -> const InfoHash& { return t.info_hash; });
    *found = i < torrents.size() && torrents[i].info_hash == hash;
    return i;
  }

  Torrent* Find(const InfoHash& hash) noexcept {
    bool found = false;
    std::size_t i = LowerBound(hash, &found);
    return found ? &torrents[i] : nullptr;
  }

  // The torrent array is most of the store's memory: grow it by an eighth
  // (not std::vector's doubling), so on average it is ~94% used.
  void InsertAt(std::size_t index, const Torrent& torrent) {
    if (torrents.size() == torrents.capacity()) {
      torrents.reserve(torrents.capacity() + std::max<std::size_t>(8, torrents.capacity() / 8));
    }
    torrents.insert(torrents.begin() + static_cast<std::ptrdiff_t>(index), torrent);
  }

  // Upstream's vector shrink rule, for the torrent array too.
  void MaybeShrink() {
    if (torrents.capacity() >= 16 && torrents.size() * 4 < torrents.capacity()) torrents.shrink_to_fit();
  }
};

namespace {

template <typename Record>
Record MakeRecord(const PeerEndpoint& peer, std::uint8_t flags) noexcept {
  Record r{};
  if constexpr (sizeof(r.ip) == 4) {
    std::memcpy(r.ip.data(), peer.ip.V4Bytes().data(), 4);
  } else {
    std::memcpy(r.ip.data(), peer.ip.bytes.data(), 16);
  }
  r.port[0] = static_cast<std::uint8_t>(peer.port >> 8);
  r.port[1] = static_cast<std::uint8_t>(peer.port & 0xff);
  r.flags = flags;
  r.age = 0;
  return r;
}

struct UpsertResult {
  bool created = false;
  bool dropped = false;
  bool completed = false;
  int previous_age = -1;
  std::uint8_t previous_flags = 0;
};

// Steps 3-7 of upstream's add_peer_to_torrent: find or insert the peer and
// apply the seeder/completed bookkeeping.
// `seeders` is the list's seeder counter; for the v6 list it lives in the
// list's block, which exists once a peer is in it, hence the accessor.
template <typename List, typename Record, typename Seeders>
UpsertResult UpsertPeer(List& peers, Seeders seeders, std::uint32_t& downloaded, Record incoming,
                        bool may_create) noexcept {
  UpsertResult r;
  // A "completed" from a client that still has data to fetch counts for nothing.
  if ((incoming.flags & (kPeerCompleted | kPeerSeeding)) == kPeerCompleted) incoming.flags &= ~kPeerCompleted;
  bool found = false;
  std::uint32_t index = peers.LowerBound(incoming, &found);
  if (!found) {
    if (!may_create || !peers.InsertAt(index)) {
      r.dropped = true;
      return r;
    }
    r.created = true;
    if (incoming.flags & kPeerCompleted) {
      ++downloaded;
      r.completed = true;
    }
    if (incoming.flags & kPeerSeeding) ++seeders();
  } else {
    const Record& stored = peers.data()[index];
    r.previous_age = stored.age;
    r.previous_flags = stored.flags;
    if ((stored.flags & kPeerSeeding) && !(incoming.flags & kPeerSeeding)) --seeders();
    if (!(stored.flags & kPeerSeeding) && (incoming.flags & kPeerSeeding)) ++seeders();
    if (stored.flags & kPeerCompleted) {
      // Counted once per peer lifetime: the flag sticks until the peer goes away.
      incoming.flags |= kPeerCompleted;
    } else if (incoming.flags & kPeerCompleted) {
      ++downloaded;
      r.completed = true;
    }
  }
  peers.data()[index] = incoming;
  return r;
}

template <typename List, typename Record, typename Seeders>
bool RemovePeer(List& peers, Seeders seeders, const Record& key) noexcept {
  bool found = false;
  std::uint32_t index = peers.LowerBound(key, &found);
  if (!found) return false;
  if (peers.data()[index].flags & kPeerSeeding) --seeders();
  peers.EraseAt(index);
  peers.ShrinkToFit();
  return true;
}

}  // namespace

TorrentStore::TorrentStore(StoreLimits limits) : limits_(limits), shards_(new Shard[kShardCount]) {}

TorrentStore::~TorrentStore() = default;

AnnounceOutcome TorrentStore::Announce(const InfoHash& hash, const PeerEndpoint& peer, std::uint8_t flags,
                                       std::uint32_t now_minutes, const PeerWant& want, Rng& rng,
                                       PeerBuffers out) {
  AnnounceOutcome outcome;
  Shard& shard = shards_[ShardOf(hash)];
  std::lock_guard lock(shard.mutex);

  bool found = false;
  std::size_t index = shard.LowerBound(hash, &found);
  if (!found) {
    if (limits_.max_torrents != 0 && TorrentCount() >= limits_.max_torrents) {
      outcome.status = AnnounceOutcome::Status::kTorrentLimit;
      return outcome;
    }
    Torrent fresh{};
    fresh.info_hash = hash;
    shard.InsertAt(index, fresh);
    torrent_count_.fetch_add(1, std::memory_order_relaxed);
    outcome.torrent_created = true;
  }
  Torrent& t = shard.torrents[index];
  if (!outcome.torrent_created) {
    internal::AgeResult aged = internal::AgeTorrent(t, now_minutes);
    if (aged.peers_removed != 0) peer_count_.fetch_sub(aged.peers_removed, std::memory_order_relaxed);
  }
  t.base_minutes = now_minutes;

  const bool may_create_peer = limits_.max_peers == 0 || PeerCount() < limits_.max_peers;
  const bool v4 = peer.ip.IsV4();
  auto seeders4 = [&t]() -> std::uint32_t& { return t.seeders4; };
  auto seeders6 = [&t]() -> std::uint32_t& { return t.peers6.mutable_seeders(); };
  UpsertResult upsert =
      v4 ? UpsertPeer(t.peers4, seeders4, t.downloaded, MakeRecord<Peer4>(peer, flags), may_create_peer)
         : UpsertPeer(t.peers6, seeders6, t.downloaded, MakeRecord<Peer6>(peer, flags), may_create_peer);
  if (upsert.created) peer_count_.fetch_add(1, std::memory_order_relaxed);
  outcome.peer_created = upsert.created;
  outcome.peer_dropped = upsert.dropped;
  outcome.completed = upsert.completed;
  outcome.previous_age = upsert.previous_age;
  outcome.previous_flags = upsert.previous_flags;
  outcome.counts = t.Counts();

  internal::FamilySplit split;
  if (want.own_family_only) {
    std::uint32_t available = v4 ? t.peers4.size() : t.peers6.size();
    std::uint32_t n = std::min(want.numwant, available);
    (v4 ? split.v4 : split.v6) = n;
  } else {
    split = internal::SplitNumwant(want.numwant, t.peers4.size(), t.peers6.size());
  }
  split.v4 = std::min<std::uint32_t>(split.v4, static_cast<std::uint32_t>(out.v4.size() / kCompactPeerSize4));
  split.v6 = std::min<std::uint32_t>(split.v6, static_cast<std::uint32_t>(out.v6.size() / kCompactPeerSize6));
  internal::WritePeers<Peer4>(t.peers4.view(), split.v4, rng, out.v4.data());
  internal::WritePeers<Peer6>(t.peers6.view(), split.v6, rng, out.v6.data());
  outcome.peers4_written = split.v4;
  outcome.peers6_written = split.v6;
  return outcome;
}

StopOutcome TorrentStore::Stop(const InfoHash& hash, const PeerEndpoint& peer, std::uint32_t now_minutes) {
  (void)now_minutes;  // upstream does not clean or touch base on a stop
  StopOutcome outcome;
  Shard& shard = shards_[ShardOf(hash)];
  std::lock_guard lock(shard.mutex);
  Torrent* t = shard.Find(hash);
  if (t == nullptr) return outcome;
  auto seeders4 = [t]() -> std::uint32_t& { return t->seeders4; };
  auto seeders6 = [t]() -> std::uint32_t& { return t->peers6.mutable_seeders(); };
  outcome.removed = peer.ip.IsV4() ? RemovePeer(t->peers4, seeders4, MakeRecord<Peer4>(peer, 0))
                                   : RemovePeer(t->peers6, seeders6, MakeRecord<Peer6>(peer, 0));
  if (outcome.removed) peer_count_.fetch_sub(1, std::memory_order_relaxed);
  outcome.counts = t->Counts();
  return outcome;
}

std::optional<SwarmCounts> TorrentStore::Scrape(const InfoHash& hash, std::uint32_t now_minutes, bool* deleted) {
  Shard& shard = shards_[ShardOf(hash)];
  std::lock_guard lock(shard.mutex);
  bool found = false;
  std::size_t index = shard.LowerBound(hash, &found);
  if (!found) return std::nullopt;
  Torrent& t = shard.torrents[index];
  internal::AgeResult aged = internal::AgeTorrent(t, now_minutes);
  if (aged.peers_removed != 0) peer_count_.fetch_sub(aged.peers_removed, std::memory_order_relaxed);
  if (aged.dead) {
    t.Release();
    shard.torrents.erase(shard.torrents.begin() + static_cast<std::ptrdiff_t>(index));
    torrent_count_.fetch_sub(1, std::memory_order_relaxed);
    if (deleted != nullptr) *deleted = true;
    return std::nullopt;
  }
  return t.Counts();
}

bool TorrentStore::Restore(const InfoHash& hash, std::uint32_t base_minutes, std::uint32_t downloaded) {
  Shard& shard = shards_[ShardOf(hash)];
  std::lock_guard lock(shard.mutex);
  bool found = false;
  std::size_t index = shard.LowerBound(hash, &found);
  if (found) return false;
  if (limits_.max_torrents != 0 && TorrentCount() >= limits_.max_torrents) return false;
  Torrent fresh{};
  fresh.info_hash = hash;
  fresh.base_minutes = base_minutes;
  fresh.downloaded = downloaded;
  shard.InsertAt(index, fresh);
  torrent_count_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

CleanOutcome TorrentStore::CleanShard(std::size_t shard_index, std::uint32_t now_minutes) {
  CleanOutcome outcome;
  Shard& shard = shards_[shard_index % kShardCount];
  std::lock_guard lock(shard.mutex);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < shard.torrents.size(); ++i) {
    Torrent& t = shard.torrents[i];
    internal::AgeResult aged = internal::AgeTorrent(t, now_minutes);
    outcome.peers_removed += aged.peers_removed;
    if (aged.dead) {
      t.Release();
      ++outcome.torrents_removed;
      continue;
    }
    if (kept != i) shard.torrents[kept] = t;
    ++kept;
  }
  shard.torrents.resize(kept);
  shard.MaybeShrink();
  if (outcome.peers_removed != 0) peer_count_.fetch_sub(outcome.peers_removed, std::memory_order_relaxed);
  if (outcome.torrents_removed != 0) torrent_count_.fetch_sub(outcome.torrents_removed, std::memory_order_relaxed);
  return outcome;
}

void TorrentStore::VisitShard(std::size_t shard_index, const std::function<void(const TorrentView&)>& visit) const {
  const Shard& shard = shards_[shard_index % kShardCount];
  std::lock_guard lock(shard.mutex);
  for (const Torrent& t : shard.torrents) {
    visit(TorrentView{t.info_hash, t.base_minutes, t.Counts(), t.peers4.view(), t.peers6.view()});
  }
}

}  // namespace ot::tracker
