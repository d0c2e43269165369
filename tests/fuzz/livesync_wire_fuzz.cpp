// Fuzz target for proto/livesync_wire: parsed records stay inside the packet,
// only whole records count, and writing a parsed record again gives its bytes
// (age byte aside, which the writer always sends as 0).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "opentracker/proto/livesync_wire.hpp"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ot::proto;
  const std::vector<std::uint8_t> copy(data, data + size);  // exact size for ASan
  const std::span<const std::uint8_t> in(copy.data(), copy.size());
  const auto packet = ParseLivesyncPacket(in);
  if (size <= kLivesyncHeaderSize) {
    Check(!packet.has_value());
    return 0;
  }
  const std::uint32_t type =
      std::uint32_t{in[4]} << 24 | std::uint32_t{in[5]} << 16 | std::uint32_t{in[6]} << 8 | in[7];
  Check(packet.has_value() == (type <= 1));
  if (!packet) return 0;

  Check(packet->family == (type == 0 ? ot::Family::kV4 : ot::Family::kV6));
  Check(std::memcmp(packet->sender.data(), in.data(), 4) == 0);
  const std::size_t record = LivesyncRecordSize(packet->family);
  Check(packet->records.data() == in.data() + kLivesyncHeaderSize);
  Check(packet->records.size() % record == 0);
  Check(packet->size() == (size - kLivesyncHeaderSize) / record);
  Check(kLivesyncHeaderSize + packet->records.size() <= size);

  LivesyncPacketWriter writer(packet->sender, packet->family);
  Check(std::memcmp(writer.Bytes().data(), in.data(), kLivesyncHeaderSize) == 0);
  for (std::size_t i = 0; i < packet->size(); ++i) {
    const LivesyncPeer peer = (*packet)[i];
    const std::uint8_t* original = packet->records.data() + i * record;
    if (packet->family == ot::Family::kV6 && peer.peer.ip.IsV4()) {
      // A v4-mapped address in a v6 record is a v4 peer, which only a v4 packet carries.
      Check(!writer.Add(peer));
      continue;
    }
    if (writer.Full()) writer.Clear();
    Check(writer.Add(peer));
    const auto bytes = writer.Bytes();
    const std::uint8_t* again = bytes.data() + bytes.size() - record;
    Check(std::memcmp(again, original, record - 1) == 0);
    Check(again[record - 1] == 0);
    const auto reparsed = ParseLivesyncPacket(bytes);
    Check(reparsed.has_value() && reparsed->size() == writer.record_count());
    Check((*reparsed)[reparsed->size() - 1] == peer);
  }
  return 0;
}
