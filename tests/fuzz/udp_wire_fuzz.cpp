// Fuzz target for proto/udp_wire: every datagram goes through the header,
// announce and scrape parsers; parsed fields must be exactly the input bytes
// at their BEP 15 offsets, and replies built from them must have the right size.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "opentracker/proto/udp_wire.hpp"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

std::uint32_t Load32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

ot::AnnounceEvent ExpectedEvent(std::uint32_t wire) {
  switch (wire) {
    case 1:
      return ot::AnnounceEvent::kCompleted;
    case 2:
      return ot::AnnounceEvent::kStarted;
    case 3:
      return ot::AnnounceEvent::kStopped;
    default:
      return ot::AnnounceEvent::kNone;
  }
}

void CheckHeader(std::span<const std::uint8_t> in) {
  using namespace ot::proto;
  const auto header = ParseUdpHeader(in);
  const bool expect = in.size() >= kUdpHeaderSize && Load32(in.data() + 8) <= 2;
  Check(header.has_value() == expect);
  if (!header) return;
  Check(std::memcmp(header->connection_id.data(), in.data(), 8) == 0);
  Check(static_cast<std::uint32_t>(header->action) == Load32(in.data() + 8));
  Check(std::memcmp(header->transaction_id.data(), in.data() + 12, 4) == 0);
  Check(HasConnectMagic(*header) == (Load32(in.data()) == (kUdpProtocolMagic >> 32) &&
                                     Load32(in.data() + 4) == (kUdpProtocolMagic & 0xffffffffu)));

  // Replies built for this request echo its transaction id.
  std::array<std::uint8_t, kMaxUdpReplySize> out{};
  Check(WriteUdpError(*header, kUdpConnectionIdMismatch, out) == 33);
  Check(Load32(out.data()) == 3);
  Check(std::memcmp(out.data() + 4, in.data() + 12, 4) == 0);
  Check(std::memcmp(out.data() + 8, kUdpConnectionIdMismatch.data(), kUdpConnectionIdMismatch.size()) == 0);
  Check(WriteUdpConnect(*header, header->connection_id, out) == 16);
  Check(std::memcmp(out.data() + 4, in.data() + 12, 4) == 0);
}

void CheckAnnounce(std::span<const std::uint8_t> in) {
  using namespace ot::proto;
  const auto announce = ParseUdpAnnounce(in);
  Check(announce.has_value() == (in.size() >= kUdpAnnounceSize));
  if (!announce) return;
  const ot::AnnounceRequest& r = announce->request;
  Check(r.peer_id.has_value());

  // Re-serialise the lossless fields at their offsets: they must be the input bytes.
  std::array<std::uint8_t, kUdpAnnounceSize> again{};
  std::memcpy(again.data() + 16, r.info_hash.bytes.data(), 20);
  std::memcpy(again.data() + 36, r.peer_id->data(), 20);
  for (int i = 0; i < 4; ++i) {
    again[92 + i] = static_cast<std::uint8_t>(announce->raw_numwant >> (24 - 8 * i));
  }
  again[96] = static_cast<std::uint8_t>(r.port >> 8);
  again[97] = static_cast<std::uint8_t>(r.port);
  Check(std::memcmp(again.data() + 16, in.data() + 16, 40) == 0);
  Check(std::memcmp(again.data() + 92, in.data() + 92, 6) == 0);
  Check(r.numwant == announce->raw_numwant);

  // The lossy ones follow their rules.
  bool left_zero = true;
  for (std::size_t i = 64; i < 72; ++i) left_zero = left_zero && in[i] == 0;
  Check(r.seeding == left_zero);
  Check(r.event == ExpectedEvent(Load32(in.data() + 80)));
  Check(!r.ip_param.has_value());
  Check(r.compact);
}

void CheckScrape(std::span<const std::uint8_t> in) {
  using namespace ot::proto;
  const ot::ScrapeRequest s = ParseUdpScrape(in);
  Check(s.count <= ot::kMaxUdpScrapeHashes);
  Check(s.count == 0 || s.count * 20 + 16 <= in.size());
  if (in.size() >= 16 + 20 * ot::kMaxUdpScrapeHashes) Check(s.count == ot::kMaxUdpScrapeHashes);
  if (in.size() >= 36) Check(s.count >= 1);
  for (std::size_t i = 0; i < s.count; ++i) {
    Check(std::memcmp(s.hashes[i].bytes.data(), in.data() + 16 + 20 * i, 20) == 0);
  }
  const auto header = ParseUdpHeader(in);
  if (!header) return;
  std::vector<ot::SwarmCounts> counts(s.count);
  std::array<std::uint8_t, kMaxUdpReplySize> out{};
  Check(WriteUdpScrape(*header, counts, out) == 8 + 12 * s.count);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exact-size copy, so reading past the datagram is caught by ASan even when
  // the fuzzer's own buffer is larger.
  std::vector<std::uint8_t> copy(data, data + size);
  const std::span<const std::uint8_t> in(copy.data(), copy.size());
  CheckHeader(in);
  CheckAnnounce(in);
  CheckScrape(in);
  return 0;
}
