// File: work/store_snapshot.hpp
// Walks the whole store once (shard by shard, each under its own lock) and
// sums what the store-wide statistics need. Runs on a worker thread: on a
// large table this takes long enough that the reactor must not do it.
#pragma once

#include <cstddef>

#include "opentracker/stats/snapshot.hpp"
#include "opentracker/tracker/torrent_store.hpp"

namespace ot::work {

struct SnapshotParts {
  std::size_t top_entries = 0;   // top lists of this length (0: none)
  std::size_t networks = 0;      // s24s: this many /28 and /24 networks (0: none)
};

stats::StoreSnapshot BuildStoreSnapshot(const tracker::TorrentStore& store, const SnapshotParts& parts);

}  // namespace ot::work
