// Batching local peer changes and applying other nodes' packets (upstream's
// livesync_tell, livesync_ticker and livesync_worker in ot_livesync.c).
#include "opentracker/sync/livesync.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace ot::sync {
namespace {

// Upstream's LIVESYNC_INCOMING_BUFFSIZE: any datagram fits.
constexpr std::size_t kReceiveBufferSize = 256 * 256;
constexpr int kPollMillis = 200;

}  // namespace

std::optional<std::uint8_t> AnnounceRecordFlags(const AnnounceRequest& request,
                                                const tracker::AnnounceOutcome& outcome) noexcept {
  if (outcome.status != tracker::AnnounceOutcome::Status::kOk || outcome.peer_dropped) return std::nullopt;
  if (!outcome.peer_created) {
    // A peer last heard of through sync that now announces here is ours
    // again, as upstream (its flags are overwritten); the renew rule alone
    // keeps nodes from echoing each other.
    // "Won't live sync peers that come back too fast. Only exception: fresh
    // completed reports" (trackerlogic.c).
    if (outcome.previous_age <= kLivesyncRenewMinutes && !outcome.completed) return std::nullopt;
  }
  std::uint8_t flags = 0;
  if (request.seeding) {
    flags |= proto::kLivesyncFlagSeeding;
    // A "completed" that is not a seeder is dropped before upstream sends it.
    if (request.event == AnnounceEvent::kCompleted) flags |= proto::kLivesyncFlagCompleted;
  }
  return flags;
}

std::uint8_t StopRecordFlags(const AnnounceRequest& request) noexcept {
  return static_cast<std::uint8_t>((request.seeding ? proto::kLivesyncFlagSeeding : 0) |
                                   proto::kLivesyncFlagStopped);
}

Livesync::Livesync(LivesyncSockets sockets, LivesyncOptions options, tracker::TorrentStore& store,
                   const access::AccessControl& access, stats::CounterBlock& counters)
    : sockets_(std::move(sockets)),
      options_(std::move(options)),
      store_(store),
      batch4_(options_.tracker_id, Family::kV4),
      batch6_(options_.tracker_id, Family::kV6),
      access_(access),
      counters_(counters),
      rng_(Rng::FromEntropy()),
      receive_buffer_(kReceiveBufferSize) {}

std::unique_ptr<Livesync> Livesync::Open(const proto::ListenAddress& listen, std::vector<NetMask> blessed,
                                         tracker::TorrentStore& store, const access::AccessControl& access,
                                         stats::CounterBlock& counters, std::string* error) {
  std::optional<LivesyncSockets> sockets = LivesyncSockets::Open(listen, error);
  if (!sockets) return nullptr;
  LivesyncOptions options;
  options.tracker_id = NewLivesyncTrackerId();
  options.blessed = std::move(blessed);
  return std::make_unique<Livesync>(std::move(*sockets), std::move(options), store, access, counters);
}

void Livesync::OnAnnounce(const AnnounceRequest& request, const PeerEndpoint& peer,
                          const tracker::AnnounceOutcome& outcome, TimePoint now) {
  std::optional<std::uint8_t> flags = AnnounceRecordFlags(request, outcome);
  if (flags) Queue(request.info_hash, peer, *flags, now);
}

void Livesync::OnStopped(const AnnounceRequest& request, const PeerEndpoint& peer, TimePoint now) {
  Queue(request.info_hash, peer, StopRecordFlags(request), now);
}

std::size_t Livesync::TakeLocked(Batch& batch, PacketCopy& out, std::int64_t now_seconds) noexcept {
  std::span<const std::uint8_t> bytes = batch.writer.Bytes();
  std::memcpy(out.data(), bytes.data(), bytes.size());
  batch.writer.Clear();
  batch.last_sent = now_seconds;
  return bytes.size();
}

void Livesync::Queue(const InfoHash& hash, const PeerEndpoint& peer, std::uint8_t flags, TimePoint now) {
  PacketCopy copy;
  std::size_t size = 0;
  {
    std::lock_guard lock(batch_mutex_);
    Batch& batch = peer.ip.IsV4() ? batch4_ : batch6_;
    // A batch is never left full (it is sent below), so Add only fails on a
    // family mismatch, which the choice of batch rules out.
    batch.writer.Add(proto::LivesyncPeer{hash, peer, flags});
    if (batch.writer.Full()) size = TakeLocked(batch, copy, now.unix_seconds);
  }
  if (size != 0) Send(std::span<const std::uint8_t>(copy.data(), size));
}

void Livesync::Flush(TimePoint now) {
  for (Batch* batch : {&batch6_, &batch4_}) {  // upstream's ticker order
    PacketCopy copy;
    std::size_t size = 0;
    {
      std::lock_guard lock(batch_mutex_);
      const bool due = !batch->last_sent ||
                       now.unix_seconds - *batch->last_sent >= kLivesyncMaxDelaySeconds ||
                       now.unix_seconds < *batch->last_sent;  // the clock went back: do not stall
      if (due && !batch->writer.empty()) size = TakeLocked(*batch, copy, now.unix_seconds);
    }
    if (size != 0) Send(std::span<const std::uint8_t>(copy.data(), size));
  }
}

void Livesync::FlushAll(TimePoint now) {
  for (Batch* batch : {&batch6_, &batch4_}) {
    PacketCopy copy;
    std::size_t size = 0;
    {
      std::lock_guard lock(batch_mutex_);
      if (!batch->writer.empty()) {
        size = TakeLocked(*batch, copy, now.unix_seconds);
      }
    }
    if (size != 0) Send(std::span<const std::uint8_t>(copy.data(), size));
  }
}

void Livesync::Send(std::span<const std::uint8_t> packet) noexcept {
  sockaddr_storage storage{};
  socklen_t length = 0;
  const PeerEndpoint& to = options_.destination;
  if (to.ip.IsV4()) {
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);
    a->sin_family = AF_INET;
    a->sin_port = htons(to.port);
    std::memcpy(&a->sin_addr, to.ip.V4Bytes().data(), 4);
    length = sizeof(sockaddr_in);
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(to.port);
    std::memcpy(&a->sin6_addr, to.ip.bytes.data(), 16);
    length = sizeof(sockaddr_in6);
  }
  ssize_t sent;
  do {
    sent = sendto(sockets_.outgoing(), packet.data(), packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                  reinterpret_cast<const sockaddr*>(&storage), length);
  } while (sent < 0 && errno == EINTR);
  if (sent == static_cast<ssize_t>(packet.size())) {
    packets_sent_.fetch_add(1, std::memory_order_relaxed);
  } else {
    send_failures_.fetch_add(1, std::memory_order_relaxed);
  }
}

LivesyncApplyResult Livesync::HandleDatagram(std::span<const std::uint8_t> datagram, const IpAddress& source,
                                             TimePoint now) {
  LivesyncApplyResult result;
  // The order of upstream's livesync_worker checks.
  if (datagram.size() <= proto::kLivesyncHeaderSize) {
    result.ignored = LivesyncIgnored::kTooShort;
    return result;
  }
  if (!AnyContains(options_.blessed, source)) {
    result.ignored = LivesyncIgnored::kNotBlessed;
    return result;
  }
  if (std::memcmp(datagram.data(), options_.tracker_id.data(), options_.tracker_id.size()) == 0) {
    result.ignored = LivesyncIgnored::kOwnPacket;
    return result;
  }
  std::optional<proto::LivesyncPacket> packet = proto::ParseLivesyncPacket(datagram);
  if (!packet) {
    result.ignored = LivesyncIgnored::kUnknownType;
    return result;
  }

  const std::uint32_t now_minutes = now.Minutes();
  const tracker::PeerWant no_peers{0, true};
  result.records = packet->size();
  for (std::size_t i = 0; i < packet->size(); ++i) {
    const proto::LivesyncPeer record = (*packet)[i];
    if (record.flags & proto::kLivesyncFlagStopped) {
      // Stops are not checked against the access list (upstream's remove_peer_from_torrent).
      if (store_.Stop(record.info_hash, record.peer, now_minutes).removed) ++result.removed;
      continue;
    }
    if (!access_.Allows(record.info_hash)) {
      ++result.refused;
      continue;
    }
    const std::uint8_t flags = static_cast<std::uint8_t>(
        (record.flags & (tracker::kPeerSeeding | tracker::kPeerCompleted)) | tracker::kPeerFromSync);
    tracker::AnnounceOutcome outcome = store_.Announce(record.info_hash, record.peer, flags, now_minutes,
                                                       no_peers, rng_, tracker::PeerBuffers{});
    if (outcome.status == tracker::AnnounceOutcome::Status::kTorrentLimit) {
      counters_.Add(stats::Counter::kTorrentsRefused);
      ++result.refused;
      continue;
    }
    // Upstream's add_peer_to_torrent issues these events whatever the peer's origin.
    if (outcome.torrent_created) counters_.Add(stats::Counter::kTorrentsAdded);
    if (outcome.peer_dropped) {
      counters_.Add(stats::Counter::kPeersDropped);
      ++result.refused;
      continue;
    }
    ++result.added;
    if (outcome.completed) counters_.Add(stats::Counter::kCompleted);
    if (outcome.previous_age >= 0) counters_.AddRenew(static_cast<unsigned>(outcome.previous_age));
  }
  counters_.Add(stats::Counter::kLivesyncReceived, result.records);
  return result;
}

void Livesync::Run(const std::atomic<bool>& stop) {
  while (!stop.load(std::memory_order_relaxed)) {
    pollfd p{sockets_.incoming(), POLLIN, 0};
    int ready = poll(&p, 1, kPollMillis);
    if (ready <= 0) continue;  // time-out, or EINTR: look at `stop` again
    sockaddr_storage from{};
    socklen_t from_length = sizeof(from);
    ssize_t n = recvfrom(sockets_.incoming(), receive_buffer_.data(), receive_buffer_.size(), MSG_DONTWAIT,
                         reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n < 0) continue;
    IpAddress source{};
    if (from.ss_family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(&from);
      source = IpAddress::FromV4(
          std::span<const std::uint8_t, 4>(reinterpret_cast<const std::uint8_t*>(&a->sin_addr), 4));
    } else if (from.ss_family == AF_INET6) {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(&from);
      source = IpAddress::FromV6(
          std::span<const std::uint8_t, 16>(reinterpret_cast<const std::uint8_t*>(&a->sin6_addr), 16));
    } else {
      continue;
    }
    HandleDatagram(std::span<const std::uint8_t>(receive_buffer_.data(), static_cast<std::size_t>(n)), source,
                   WallClockNow());
  }
}

}  // namespace ot::sync
