#include "opentracker/service/tracker_core.hpp"

namespace ot::service {

AnnounceResult TrackerCore::Announce(const AnnounceRequest& request, const PeerEndpoint& peer,
                                     bool own_family_only, ThreadContext& context, PeerScratch& scratch) {
  AnnounceResult result;
  result.reply.interval = DrawInterval(context.rng);
  const std::uint32_t now_minutes = context.now.Minutes();

  if (request.event == AnnounceEvent::kStopped) {
    // Stops are never checked against the access list and create nothing (upstream).
    context.counters.Add(stats::Counter::kStoppedEvents);
    tracker::StopOutcome stop = store_.Stop(request.info_hash, peer, now_minutes);
    result.kind = AnnounceResult::Kind::kStopped;
    result.reply.counts = stop.counts;
    if (observer_ != nullptr) observer_->OnStopped(request, peer, context.now);
    return result;
  }
  if (!context.access.Allows(request.info_hash)) {
    result.kind = AnnounceResult::Kind::kNotAuthorized;
    return result;
  }

  std::uint8_t flags = 0;
  if (request.seeding) flags |= tracker::kPeerSeeding;
  if (request.event == AnnounceEvent::kCompleted) flags |= tracker::kPeerCompleted;
  tracker::AnnounceOutcome outcome =
      store_.Announce(request.info_hash, peer, flags, now_minutes, tracker::PeerWant{request.numwant, own_family_only},
                      context.rng, tracker::PeerBuffers{scratch.v4, scratch.v6});
  if (outcome.status == tracker::AnnounceOutcome::Status::kTorrentLimit) {
    context.counters.Add(stats::Counter::kTorrentsRefused);
    result.kind = AnnounceResult::Kind::kOverloaded;
    return result;
  }
  if (request.event == AnnounceEvent::kStarted) context.counters.Add(stats::Counter::kStartedEvents);
  if (outcome.torrent_created) context.counters.Add(stats::Counter::kTorrentsAdded);
  if (outcome.peer_dropped) context.counters.Add(stats::Counter::kPeersDropped);
  if (outcome.completed) context.counters.Add(stats::Counter::kCompleted);
  if (outcome.previous_age >= 0) context.counters.AddRenew(static_cast<unsigned>(outcome.previous_age));

  result.reply.counts = outcome.counts;
  result.reply.peers4 = std::span<const std::uint8_t>(scratch.v4.data(), outcome.peers4_written * kCompactPeerSize4);
  result.reply.peers6 = std::span<const std::uint8_t>(scratch.v6.data(), outcome.peers6_written * kCompactPeerSize6);
  if (observer_ != nullptr) observer_->OnAnnounce(request, peer, outcome, context.now);
  return result;
}

std::optional<SwarmCounts> TrackerCore::Scrape(const InfoHash& hash, ThreadContext& context) {
  bool deleted = false;
  std::optional<SwarmCounts> counts = store_.Scrape(hash, context.now.Minutes(), &deleted);
  if (deleted) context.counters.Add(stats::Counter::kTorrentsRemoved);
  return counts;
}

}  // namespace ot::service
