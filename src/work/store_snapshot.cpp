#include "opentracker/work/store_snapshot.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace ot::work {

namespace {

// Keeps the best `limit` torrents by count; among equal counts the one seen
// later (the higher hash, as shards are visited in hash order) ranks higher,
// as HEAD's top lists order ties (DEB kept the earlier one first).
class TopList {
 public:
  explicit TopList(std::size_t limit) : limit_(limit) {}

  void Offer(const InfoHash& hash, std::uint64_t count, std::uint64_t order) {
    if (limit_ == 0 || count == 0) return;
    Entry e{count, order, hash};
    if (heap_.size() < limit_) {
      heap_.push_back(e);
      std::push_heap(heap_.begin(), heap_.end(), Worse);
      return;
    }
    if (!Worse(e, heap_.front())) return;  // not better than the weakest kept
    std::pop_heap(heap_.begin(), heap_.end(), Worse);
    heap_.back() = e;
    std::push_heap(heap_.begin(), heap_.end(), Worse);
  }

  std::vector<stats::TopEntry> Take() {
    std::sort(heap_.begin(), heap_.end(), Worse);
    std::vector<stats::TopEntry> out;
    out.reserve(heap_.size());
    for (const Entry& e : heap_) out.push_back(stats::TopEntry{e.hash, e.count});
    return out;
  }

 private:
  struct Entry {
    std::uint64_t count;
    std::uint64_t order;
    InfoHash hash;
  };
  // "a ranks before b": a higher count, or the same count seen later. As a
  // heap comparator this keeps the weakest entry at the front.
  static bool Worse(const Entry& a, const Entry& b) {
    return a.count != b.count ? a.count > b.count : a.order > b.order;
  }
  std::size_t limit_;
  std::vector<Entry> heap_;
};

std::vector<stats::NetworkCount> TopNetworks(const std::unordered_map<std::uint32_t, std::uint64_t>& counts,
                                             std::uint8_t v4_bits, std::size_t limit) {
  std::vector<std::pair<std::uint32_t, std::uint64_t>> all(counts.begin(), counts.end());
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (all.size() > limit) all.resize(limit);
  std::vector<stats::NetworkCount> out;
  for (const auto& [network, count] : all) {
    std::uint8_t b[4] = {static_cast<std::uint8_t>(network >> 24), static_cast<std::uint8_t>(network >> 16),
                         static_cast<std::uint8_t>(network >> 8), static_cast<std::uint8_t>(network)};
    out.push_back(stats::NetworkCount{IpAddress::FromV4(b[0], b[1], b[2], b[3]),
                                      static_cast<std::uint8_t>(96 + v4_bits), count});
  }
  return out;
}

}  // namespace

stats::StoreSnapshot BuildStoreSnapshot(const tracker::TorrentStore& store, const SnapshotParts& parts) {
  stats::StoreSnapshot snapshot;
  TopList by_peers(parts.top_entries);
  TopList by_seeders(parts.top_entries);
  TopList by_leechers(parts.top_entries);
  std::unordered_map<std::uint32_t, std::uint64_t> nets28;
  std::unordered_map<std::uint32_t, std::uint64_t> nets24;
  std::uint64_t order = 0;
  for (std::size_t shard = 0; shard < tracker::TorrentStore::kShardCount; ++shard) {
    store.VisitShard(shard, [&](const tracker::TorrentView& t) {
      const std::uint64_t peers = t.counts.seeders + t.counts.leechers;
      ++snapshot.torrents;
      snapshot.peers += peers;
      snapshot.seeders += t.counts.seeders;
      snapshot.completed += t.counts.downloaded;
      by_peers.Offer(t.info_hash, peers, order);
      by_seeders.Offer(t.info_hash, t.counts.seeders, order);
      by_leechers.Offer(t.info_hash, t.counts.leechers, order);
      ++order;
      if (parts.networks != 0) {
        for (const tracker::Peer4& p : t.peers4) {
          std::uint32_t ip = static_cast<std::uint32_t>(p.ip[0]) << 24 | static_cast<std::uint32_t>(p.ip[1]) << 16 |
                             static_cast<std::uint32_t>(p.ip[2]) << 8 | p.ip[3];
          ++nets28[ip & 0xfffffff0u];
          ++nets24[ip & 0xffffff00u];
        }
      }
    });
  }
  snapshot.top_by_peers = by_peers.Take();
  snapshot.top_by_seeders = by_seeders.Take();
  snapshot.top_by_leechers = by_leechers.Take();
  if (parts.networks != 0) {
    snapshot.networks28 = TopNetworks(nets28, 28, parts.networks);
    snapshot.networks24 = TopNetworks(nets24, 24, parts.networks);
  }
  return snapshot;
}

}  // namespace ot::work
