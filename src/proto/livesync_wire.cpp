// Live-sync packets as ot_livesync.c lays them out (spec §9).
#include "opentracker/proto/livesync_wire.hpp"

#include <cstring>

namespace ot::proto {
namespace {

constexpr std::size_t kTypeOffset = 4;

std::uint32_t Load32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 |
         std::uint32_t{p[3]};
}

void Store32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

std::size_t IpSize(Family family) noexcept { return family == Family::kV4 ? 4 : 16; }

}  // namespace

LivesyncPacketWriter::LivesyncPacketWriter(LivesyncTrackerId sender, Family family) noexcept
    : family_(family) {
  std::memcpy(buffer_.data(), sender.data(), sender.size());
  Store32(buffer_.data() + kTypeOffset,
          static_cast<std::uint32_t>(family == Family::kV4 ? LivesyncPacketType::kPeers4
                                                           : LivesyncPacketType::kPeers6));
}

bool LivesyncPacketWriter::Full() const noexcept {
  // Upstream sends once fill >= 1480 - (20 + sizeof(ot_peer)); HEAD's ot_peer there is a 1-byte
  // type, so its v6 buffer can take a 37th record and overrun (quirk 19). This is the intended
  // test: no room left for one more record.
  return buffer_.size() - fill_ < LivesyncRecordSize(family_);
}

std::size_t LivesyncPacketWriter::record_count() const noexcept {
  return (fill_ - kLivesyncHeaderSize) / LivesyncRecordSize(family_);
}

bool LivesyncPacketWriter::Add(const LivesyncPeer& peer) noexcept {
  if (Full() || peer.peer.ip.family() != family_) return false;
  std::uint8_t* p = buffer_.data() + fill_;
  std::memcpy(p, peer.info_hash.bytes.data(), kInfoHashSize);
  p += kInfoHashSize;
  if (family_ == Family::kV4) {
    std::memcpy(p, peer.peer.ip.V4Bytes().data(), 4);
    p += 4;
  } else {
    std::memcpy(p, peer.peer.ip.bytes.data(), 16);
    p += 16;
  }
  p[0] = static_cast<std::uint8_t>(peer.peer.port >> 8);
  p[1] = static_cast<std::uint8_t>(peer.peer.port);
  p[2] = peer.flags;
  p[3] = 0;  // age
  fill_ += LivesyncRecordSize(family_);
  return true;
}

LivesyncPeer LivesyncPacket::operator[](std::size_t i) const noexcept {
  const std::uint8_t* p = records.data() + i * LivesyncRecordSize(family);
  LivesyncPeer peer;
  std::memcpy(peer.info_hash.bytes.data(), p, kInfoHashSize);
  p += kInfoHashSize;
  if (family == Family::kV4) {
    peer.peer.ip = IpAddress::FromV4(std::span<const std::uint8_t, 4>(p, 4));
  } else {
    peer.peer.ip = IpAddress::FromV6(std::span<const std::uint8_t, 16>(p, 16));
  }
  p += IpSize(family);
  peer.peer.port = static_cast<std::uint16_t>(p[0] << 8 | p[1]);
  peer.flags = p[2];
  // p[3], the sender's age byte, carries nothing a receiver uses.
  return peer;
}

std::optional<LivesyncPacket> ParseLivesyncPacket(std::span<const std::uint8_t> datagram) noexcept {
  // Tracker id and type alone are not worth looking at (ot_livesync.c: "<= 8" is ignored).
  if (datagram.size() <= kLivesyncHeaderSize) return std::nullopt;
  LivesyncPacket packet;
  switch (Load32(datagram.data() + kTypeOffset)) {
    case static_cast<std::uint32_t>(LivesyncPacketType::kPeers4):
      packet.family = Family::kV4;
      break;
    case static_cast<std::uint32_t>(LivesyncPacketType::kPeers6):
      packet.family = Family::kV6;
      break;
    default:
      return std::nullopt;
  }
  std::memcpy(packet.sender.data(), datagram.data(), packet.sender.size());
  const std::size_t record = LivesyncRecordSize(packet.family);
  const std::size_t whole = (datagram.size() - kLivesyncHeaderSize) / record * record;
  packet.records = datagram.subspan(kLivesyncHeaderSize, whole);
  return packet;
}

}  // namespace ot::proto
