// File: service/network_logs.hpp
// The data behind two optional stats modes (spec §11.1):
//  * Woodpeckers (tracker.woodpeckers): clients that re-announce sooner than
//    20 minutes, counted per network (/28 for IPv4, /48 for IPv6 — HEAD
//    folded every IPv4 client into "::"), halved after every clean sweep.
//  * FullLog (tracker.fulllog): raw HTTP requests from networks added with
//    the lognet= announce parameter, drained by /stats?mode=fulllog. Bounded
//    (upstream kept everything until drained).
// Both are shared by the reactor and the UDP threads: one mutex each, held briefly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "opentracker/core/net_mask.hpp"
#include "opentracker/service/tracker_core.hpp"
#include "opentracker/stats/snapshot.hpp"

namespace ot::service {

class Woodpeckers final : public AnnounceObserver {
 public:
  void OnAnnounce(const AnnounceRequest& request, const PeerEndpoint& peer, const tracker::AnnounceOutcome& outcome,
                  TimePoint now) override;
  void OnStopped(const AnnounceRequest&, const PeerEndpoint&, TimePoint) override {}

  // After each sweep of the cleaner, as upstream's clean thread does.
  void Halve();
  std::vector<stats::NetworkCount> Snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<IpAddress, std::uint64_t, IpAddressHash> counts_;
};

class FullLog {
 public:
  static constexpr std::size_t kMaxEntries = 4096;
  static constexpr std::size_t kMaxBytes = 4 << 20;

  void AddNetwork(const NetMask& network);
  void ClearNetworks();
  // Keeps `request` if `ip` is in a logged network (dropping the oldest
  // entries beyond the bounds).
  void MaybeRecord(const IpAddress& ip, std::string_view request, TimePoint now);
  std::vector<stats::FullLogEntry> Drain();

 private:
  std::mutex mutex_;
  std::vector<NetMask> networks_;
  std::deque<stats::FullLogEntry> entries_;
  std::size_t bytes_ = 0;
};

}  // namespace ot::service
