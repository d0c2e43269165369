// File: sync/livesync.hpp
// Live sync between the trackers of a cluster (spec §9, upstream's
// ot_livesync.c), wire-compatible with upstream. Local peer changes are
// batched per family into 1480-byte packets and multicast to 224.0.23.5:9696;
// a receive thread applies other nodes' packets to the local store.
//
// Who calls what:
//   app/ opens the sockets (Livesync::Open) as root, before privileges drop;
//   the announcing threads (reactor, UDP workers) call OnAnnounce/OnStopped
//   after every accepted announce or stop, concurrently (a short mutex);
//   the reactor's one-second timer calls Flush(now);
//   one dedicated thread calls Run(stop) (it owns the receive-side state).
// Records applied from the network never reach OnAnnounce/OnStopped, so they
// are never re-sent (upstream's proto == FLAG_MCA test).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "opentracker/access/access_control.hpp"
#include "opentracker/core/clock.hpp"
#include "opentracker/core/net_mask.hpp"
#include "opentracker/core/requests.hpp"
#include "opentracker/core/rng.hpp"
#include "opentracker/core/types.hpp"
#include "opentracker/proto/ip_text.hpp"
#include "opentracker/proto/livesync_wire.hpp"
#include "opentracker/stats/counters.hpp"
#include "opentracker/tracker/torrent_store.hpp"

namespace ot::sync {

// The group upstream's code really uses; its header comment says 224.0.42.5
// and its sample config 224.0.42.23 (quirk 19).
inline constexpr std::array<std::uint8_t, 4> kLivesyncGroup = {224, 0, 23, 5};
// Packets always go to this port, whatever port is configured for listening:
// upstream sends to its compiled-in LIVESYNC_PORT (quirk 19), so a node
// listening elsewhere only hears nodes that are not upstream's or ours.
inline constexpr std::uint16_t kLivesyncSendPort = 9696;
// A batch that is not full goes out at most this long after the previous
// packet of its family (upstream's LIVESYNC_MAXDELAY).
inline constexpr std::int64_t kLivesyncMaxDelaySeconds = 15;
// A re-announce is only sent when the peer was quiet longer than this
// (upstream's OT_CLIENT_SYNC_RENEW_BOUNDARY, minutes).
inline constexpr int kLivesyncRenewMinutes = 10;

// 224.0.23.5:9696, the default destination of outgoing packets.
PeerEndpoint LivesyncGroupEndpoint() noexcept;

// Four bytes from the OS random source (getrandom). Upstream seeds random()
// from the clock, so two nodes started in the same second share an id and
// ignore each other; this cannot collide that way.
proto::LivesyncTrackerId NewLivesyncTrackerId();

// The flags byte of the record to send for an accepted announce, or nullopt
// when upstream sends nothing: a new peer is always sent; a known one only
// when its previous age was > 10 minutes or it has just completed. Peers the
// store marks as learned through sync (kPeerFromSync in previous_flags) are
// never sent. The flags are the request's, after the store's sanitising
// (COMPLETED only with SEEDING), as upstream sends the request's peer.
std::optional<std::uint8_t> AnnounceRecordFlags(const AnnounceRequest& request,
                                                const tracker::AnnounceOutcome& outcome) noexcept;
// A stop is always sent: the request's SEEDING bit plus STOPPED.
std::uint8_t StopRecordFlags(const AnnounceRequest& request) noexcept;

// The two sockets of a node, owned (closed on destruction). Move-only.
class LivesyncSockets {
 public:
  LivesyncSockets() = default;
  // Takes ownership of two UDP sockets (tests pass loopback sockets).
  LivesyncSockets(int incoming, int outgoing) noexcept : incoming_(incoming), outgoing_(outgoing) {}
  LivesyncSockets(LivesyncSockets&& other) noexcept;
  LivesyncSockets& operator=(LivesyncSockets&& other) noexcept;
  LivesyncSockets(const LivesyncSockets&) = delete;
  LivesyncSockets& operator=(const LivesyncSockets&) = delete;
  ~LivesyncSockets();

  // As upstream's livesync_bind_mcast: an incoming socket bound to
  // 0.0.0.0:port (SO_REUSEADDR) that joins 224.0.23.5 on the interface with
  // `listen.ip`, and an outgoing one bound to listen.ip:port with multicast
  // TTL 1, loopback off and, unlike upstream (which relies on the routing
  // table), IP_MULTICAST_IF listen.ip. Port 0 picks one port for both.
  // nullopt with `error` set ("cannot bind live sync incoming socket
  // 0.0.0.0:9696: Address already in use"); IPv4 only, as upstream.
  static std::optional<LivesyncSockets> Open(const proto::ListenAddress& listen, std::string* error);

  int incoming() const noexcept { return incoming_; }
  int outgoing() const noexcept { return outgoing_; }

 private:
  void Close() noexcept;
  int incoming_ = -1;
  int outgoing_ = -1;
};

struct LivesyncOptions {
  proto::LivesyncTrackerId tracker_id{};               // NewLivesyncTrackerId() in the daemon
  std::vector<NetMask> blessed;                        // livesync.cluster.node_ip (and -A): accepted sources
  PeerEndpoint destination = LivesyncGroupEndpoint();  // tests send unicast to a loopback port
};

// Why a received datagram was ignored (upstream ignores all of these silently).
enum class LivesyncIgnored : std::uint8_t {
  kNone,         // applied
  kTooShort,     // 8 bytes or less: no record can follow the header
  kNotBlessed,   // the source is not in LivesyncOptions::blessed
  kOwnPacket,    // carries our own tracker id (looped back)
  kUnknownType,  // neither type 0 (v4 peers) nor 1 (v6 peers)
};

struct LivesyncApplyResult {
  LivesyncIgnored ignored = LivesyncIgnored::kNone;
  std::size_t records = 0;  // whole records in the packet: what kLivesyncReceived counts (upstream)
  std::size_t added = 0;    // announces stored (new or refreshed peers)
  std::size_t removed = 0;  // STOPPED records that removed a peer
  std::size_t refused = 0;  // announces refused by the access list, tracker.max_torrents or max_peers
};

class Livesync {
 public:
  // Opens the sockets (see LivesyncSockets::Open) and builds the node with a
  // fresh tracker id. nullptr with `error` set when the sockets fail.
  static std::unique_ptr<Livesync> Open(const proto::ListenAddress& listen, std::vector<NetMask> blessed,
                                        tracker::TorrentStore& store, const access::AccessControl& access,
                                        stats::CounterBlock& counters, std::string* error);

  // `counters` belongs to the receive thread (Run), its only writer.
  Livesync(LivesyncSockets sockets, LivesyncOptions options, tracker::TorrentStore& store,
           const access::AccessControl& access, stats::CounterBlock& counters);
  Livesync(const Livesync&) = delete;
  Livesync& operator=(const Livesync&) = delete;

  // --- sending; any thread, concurrently ---
  // Queues the record AnnounceRecordFlags() asks for, and sends the family's
  // packet when no further record fits. Never blocks on the network (the
  // outgoing socket is non-blocking; a packet that cannot be sent is dropped
  // and counted in send_failures()).
  void OnAnnounce(const AnnounceRequest& request, const PeerEndpoint& peer,
                  const tracker::AnnounceOutcome& outcome, TimePoint now);
  // Queues a STOPPED record for every stop, known peer or not (upstream).
  void OnStopped(const AnnounceRequest& request, const PeerEndpoint& peer, TimePoint now);
  // The timer's step: sends each family's non-empty batch whose previous
  // packet is kLivesyncMaxDelaySeconds old (or that never sent one).
  void Flush(TimePoint now);
  // Sends every non-empty batch now (at shutdown, so pending stops go out).
  void FlushAll(TimePoint now);

  // --- receiving; one thread ---
  // Blocks receiving datagrams and applying them until `stop` is true
  // (checked at least every 200 ms). Never sends a reply.
  void Run(const std::atomic<bool>& stop);
  // Applies one datagram from `source` (what Run does per datagram): checks
  // length, blessing, sender id and type, then each whole record: STOPPED
  // removes the peer, anything else is announced with kPeerFromSync if the
  // access list allows the torrent. Counts kLivesyncReceived and the store's
  // events (completed, renew, torrents added/refused, peers dropped) in the
  // receive thread's block. Same thread as Run only.
  LivesyncApplyResult HandleDatagram(std::span<const std::uint8_t> datagram, const IpAddress& source,
                                     TimePoint now);

  const proto::LivesyncTrackerId& tracker_id() const noexcept { return options_.tracker_id; }
  int incoming_fd() const noexcept { return sockets_.incoming(); }
  std::uint64_t packets_sent() const noexcept { return packets_sent_.load(std::memory_order_relaxed); }
  std::uint64_t send_failures() const noexcept { return send_failures_.load(std::memory_order_relaxed); }

 private:
  struct Batch {
    explicit Batch(proto::LivesyncTrackerId id, Family family) noexcept : writer(id, family) {}
    proto::LivesyncPacketWriter writer;
    std::optional<std::int64_t> last_sent;  // unix seconds of the family's previous packet
  };
  using PacketCopy = std::array<std::uint8_t, proto::kLivesyncMaxPacketSize>;

  void Queue(const InfoHash& hash, const PeerEndpoint& peer, std::uint8_t flags, TimePoint now);
  // Caller holds batch_mutex_: copies the batch out, clears it, returns its size.
  std::size_t TakeLocked(Batch& batch, PacketCopy& out, std::int64_t now_seconds) noexcept;
  void Send(std::span<const std::uint8_t> packet) noexcept;

  LivesyncSockets sockets_;
  const LivesyncOptions options_;
  tracker::TorrentStore& store_;

  std::mutex batch_mutex_;  // guards both batches; held for a record copy, never while sending
  Batch batch4_;
  Batch batch6_;
  std::atomic<std::uint64_t> packets_sent_{0};
  std::atomic<std::uint64_t> send_failures_{0};

  // Receive thread only.
  access::AccessReader access_;
  stats::CounterBlock& counters_;
  Rng rng_;
  std::vector<std::uint8_t> receive_buffer_;
};

}  // namespace ot::sync
