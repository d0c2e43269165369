// tracker.syslog: one syslog line per accepted "completed" event, in
// upstream's format (time=... event=completed info_hash=... peer_id=... ip=...).
#pragma once

#include "opentracker/service/tracker_core.hpp"

namespace ot::app {

class CompletedLog final : public service::AnnounceObserver {
 public:
  void OnAnnounce(const AnnounceRequest& request, const PeerEndpoint& peer, const tracker::AnnounceOutcome& outcome,
                  TimePoint now) override;
  void OnStopped(const AnnounceRequest&, const PeerEndpoint&, TimePoint) override {}
};

}  // namespace ot::app
