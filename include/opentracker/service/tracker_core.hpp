// File: service/tracker_core.hpp
// The one announce/scrape path behind both protocols: access check, store
// update, counters, and the observers (live sync, syslog). The HTTP and UDP
// services parse their wire format into core/requests.hpp values, call this,
// and only then write their own reply format.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "opentracker/access/access_control.hpp"
#include "opentracker/core/clock.hpp"
#include "opentracker/core/replies.hpp"
#include "opentracker/core/requests.hpp"
#include "opentracker/core/rng.hpp"
#include "opentracker/service/udp_connection_id.hpp"
#include "opentracker/stats/counters.hpp"
#include "opentracker/tracker/torrent_store.hpp"

namespace ot::service {

// Notified of accepted announces, on the announcing thread, after the store
// lock is released (live sync batches them; syslog writes completed events).
class AnnounceObserver {
 public:
  virtual ~AnnounceObserver() = default;
  virtual void OnAnnounce(const AnnounceRequest& request, const PeerEndpoint& peer,
                          const tracker::AnnounceOutcome& outcome, TimePoint now) = 0;
  virtual void OnStopped(const AnnounceRequest& request, const PeerEndpoint& peer, TimePoint now) = 0;
};

// Per-thread state: every thread that answers requests owns one.
struct ThreadContext {
  ThreadContext(stats::CounterBlock& counter_block, const access::AccessControl& access_control)
      : rng(Rng::FromEntropy()), counters(counter_block), access(access_control) {}

  Rng rng;
  stats::CounterBlock& counters;
  access::AccessReader access;
  ConnectionIdIssuer::Cache connection_ids;
  TimePoint now;  // set by the thread's loop once per iteration or batch
};

// Reply buffers sized for the largest answer (200 peers of each family).
struct PeerScratch {
  std::array<std::uint8_t, kMaxNumwantHttp * kCompactPeerSize4> v4{};
  std::array<std::uint8_t, kMaxNumwantHttp * kCompactPeerSize6> v6{};
};

enum class Protocol : std::uint8_t { kHttp, kUdp };

struct AnnounceResult {
  enum class Kind : std::uint8_t {
    kPeers,          // normal reply: counts, interval, peers
    kStopped,        // stopped reply: counts after removal, interval
    kNotAuthorized,  // the access list refuses the torrent
    kOverloaded,     // tracker.max_torrents refused a new torrent
  };
  Kind kind = Kind::kPeers;
  AnnounceReply reply;  // peers point into the caller's PeerScratch
};

class TrackerCore {
 public:
  TrackerCore(tracker::TorrentStore& store, AnnounceObserver* observer = nullptr)
      : store_(store), observer_(observer) {}

  // `peer` is the address the request counts for (the source address, or a
  // proxy's X-Forwarded-For / ip= where allowed). UDP passes
  // own_family_only, HTTP splits numwant between the families.
  AnnounceResult Announce(const AnnounceRequest& request, const PeerEndpoint& peer, bool own_family_only,
                          ThreadContext& context, PeerScratch& scratch);

  // Counts for one hash; nullopt for an unknown torrent. Not subject to the
  // access list (upstream).
  std::optional<SwarmCounts> Scrape(const InfoHash& hash, ThreadContext& context);

  tracker::TorrentStore& store() noexcept { return store_; }

 private:
  tracker::TorrentStore& store_;
  AnnounceObserver* observer_;
};

// Upstream's 1800 s +- 180 s, drawn per reply (ot_http.c / ot_udp.c).
inline std::uint32_t DrawInterval(Rng& rng) noexcept { return 1620 + rng.Below(360); }

}  // namespace ot::service
