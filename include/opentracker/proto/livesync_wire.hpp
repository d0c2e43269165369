// File: proto/livesync_wire.hpp
// Live-sync cluster packets (spec §9), wire-compatible with upstream's
// ot_livesync.c: v4 (type 0, also DEB's only type) and v6 (type 1) peer
// packets. The sync module batches local peer changes into one writer per
// family and sends Bytes() when Full() or when the 15 s delay has passed; its
// receive thread parses each datagram and applies the records. Pure; a writer
// is a plain value, owned and locked by its caller.
//
// Packet: tracker id (4 raw bytes) | type (u32 big-endian) | records, each
// info_hash (20) | ip (4 or 16) | port (network order) | flags | age.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "opentracker/core/types.hpp"

namespace ot::proto {

inline constexpr std::size_t kLivesyncHeaderSize = 8;
// Upstream's outgoing buffer; packets never exceed it (a port fix for v6, spec §11.4 quirk 19).
inline constexpr std::size_t kLivesyncMaxPacketSize = 1480;
inline constexpr std::size_t kLivesyncRecordSize4 = kInfoHashSize + 4 + 2 + 1 + 1;   // 28
inline constexpr std::size_t kLivesyncRecordSize6 = kInfoHashSize + 16 + 2 + 1 + 1;  // 40
inline constexpr std::size_t kLivesyncMaxRecords4 =
    (kLivesyncMaxPacketSize - kLivesyncHeaderSize) / kLivesyncRecordSize4;  // 52
inline constexpr std::size_t kLivesyncMaxRecords6 =
    (kLivesyncMaxPacketSize - kLivesyncHeaderSize) / kLivesyncRecordSize6;  // 36

// Peer flags as upstream keeps them in the record (trackerlogic.h PEER_FLAG_*).
inline constexpr std::uint8_t kLivesyncFlagSeeding = 0x80;
inline constexpr std::uint8_t kLivesyncFlagCompleted = 0x40;
inline constexpr std::uint8_t kLivesyncFlagStopped = 0x20;

enum class LivesyncPacketType : std::uint32_t { kPeers4 = 0, kPeers6 = 1 };

// The sender's id: opaque bytes, compared as they are (upstream sends its u32 in host order).
using LivesyncTrackerId = std::array<std::uint8_t, 4>;

struct LivesyncPeer {
  InfoHash info_hash;
  PeerEndpoint peer;       // v4 records give v4-mapped addresses; port in host order
  std::uint8_t flags = 0;  // kLivesyncFlag* bits, other bits kept as sent

  friend bool operator==(const LivesyncPeer&, const LivesyncPeer&) = default;
};

// Bytes of one record for a family.
constexpr std::size_t LivesyncRecordSize(Family family) noexcept {
  return family == Family::kV4 ? kLivesyncRecordSize4 : kLivesyncRecordSize6;
}

// One outgoing packet being filled. Add() keeps the packet within
// kLivesyncMaxPacketSize: records that fit are 52 (v4) or 36 (v6), which is what
// upstream's watermark intends.
class LivesyncPacketWriter {
 public:
  LivesyncPacketWriter(LivesyncTrackerId sender, Family family) noexcept;

  // Appends one record; false, writing nothing, when the packet is Full() or the
  // peer's address is not of the writer's family. The age byte is sent as 0 (as
  // upstream, which sends the announcing request's peer).
  bool Add(const LivesyncPeer& peer) noexcept;
  // True when no further record fits: the moment upstream sends the packet.
  bool Full() const noexcept;
  // True when only the header is there (nothing to send).
  bool empty() const noexcept { return fill_ == kLivesyncHeaderSize; }
  std::size_t record_count() const noexcept;
  Family family() const noexcept { return family_; }
  // The packet so far, header included; valid until the next Add() or Clear().
  std::span<const std::uint8_t> Bytes() const noexcept { return {buffer_.data(), fill_}; }
  // Drops the records, keeps sender and family (after sending).
  void Clear() noexcept { fill_ = kLivesyncHeaderSize; }

 private:
  std::array<std::uint8_t, kLivesyncMaxPacketSize> buffer_{};
  std::size_t fill_ = kLivesyncHeaderSize;
  Family family_;
};

// A parsed packet: a view of its whole records, which stay inside the datagram.
struct LivesyncPacket {
  LivesyncTrackerId sender{};
  Family family = Family::kV4;
  std::span<const std::uint8_t> records;  // whole records only; a trailing partial one is left out

  std::size_t size() const noexcept { return records.size() / LivesyncRecordSize(family); }
  // Record i < size(). A v6 record holding a v4-mapped address decodes as a v4 peer.
  LivesyncPeer operator[](std::size_t i) const noexcept;
};

// nullopt for packets of 8 bytes or less and for unknown types (both ignored
// upstream). Checking the sender (own id, blessed source) is the caller's job.
// The result points into `datagram`.
std::optional<LivesyncPacket> ParseLivesyncPacket(std::span<const std::uint8_t> datagram) noexcept;

}  // namespace ot::proto
