// File: stats/snapshot.hpp
// The inputs of every /stats renderer, as plain values. StatsContext is known
// without walking the store (counters, uptime); StoreSnapshot is built by a
// worker job that walks the store (torrent, peer and seeder totals, top
// lists, per-network peer counts).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "opentracker/core/types.hpp"
#include "opentracker/stats/counters.hpp"

namespace ot::stats {

// One raw request kept for a logged network (WANT_FULLLOG_NETWORKS).
struct FullLogEntry {
  std::int64_t unix_time = 0;  // when it arrived
  IpAddress ip;
  std::string request;  // the raw request bytes
};

// A peer-count per network, for s24s (IPv4 /28 and /24) and woodpeckers.
struct NetworkCount {
  IpAddress network;      // host bits cleared
  std::uint8_t bits = 0;  // over the 16-byte (v4-mapped) form
  std::uint64_t count = 0;
};

struct StatsContext {
  CounterSnapshot counters;
  std::uint64_t uptime_seconds = 0;    // since the stats subsystem started
  std::uint64_t torrent_count = 0;     // the store's maintained counter (upstream's "count_mutex")
  std::uint64_t peer_count = 0;        // the store's maintained counter
  std::uint32_t tracker_id = 0;        // random per process (live sync id)
  std::uint64_t open_connections = 0;  // HTTP connections open now
  std::uint64_t queued_jobs = 0;       // worker-pool jobs waiting
  std::string version;                 // the port's own version string, e.g. "0.1.0"
  // Filled by the caller only for the mode that shows them (and only when
  // the feature is on): woodpeckers = re-announces sooner than 20 min per
  // /28 (v4) network, any order; full_log = the drained request log, oldest first.
  std::vector<NetworkCount> woodpeckers;
  std::vector<FullLogEntry> full_log;
};

struct TopEntry {
  InfoHash info_hash;
  std::uint64_t count = 0;
};

struct StoreSnapshot {
  std::uint64_t torrents = 0;  // torrents visited ("count_iterator")
  std::uint64_t peers = 0;
  std::uint64_t seeders = 0;
  std::uint64_t completed = 0;  // sum of torrents' completed counts
  // Highest first; among equal counts the higher hash first (HEAD);
  // at most 100 entries each, only counts > 0.
  std::vector<TopEntry> top_by_peers;
  std::vector<TopEntry> top_by_seeders;
  std::vector<TopEntry> top_by_leechers;
  // IPv4 peers of all torrents per /28 and per /24 network, in any order
  // (the renderer ranks them).
  std::vector<NetworkCount> networks28;
  std::vector<NetworkCount> networks24;
};

}  // namespace ot::stats
