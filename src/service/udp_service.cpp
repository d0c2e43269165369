#include "opentracker/service/udp_service.hpp"

#include <algorithm>
#include <array>

#include "opentracker/proto/http_reply.hpp"
#include "opentracker/proto/udp_wire.hpp"

namespace ot::service {

namespace {

constexpr std::string_view kTrackerFull = "Tracker is full, try again later.";

}  // namespace

std::size_t UdpService::OnDatagram(std::span<const std::uint8_t> datagram, const net::ClientInfo& client,
                                   TimePoint now, std::span<std::uint8_t> reply) {
  if (datagram.empty()) return 0;  // not even counted, as upstream
  context_.now = now;
  context_.counters.Add(stats::Counter::kUdpPackets);
  std::optional<proto::UdpHeader> header = proto::ParseUdpHeader(datagram);
  if (!header) return 0;

  if (header->action == proto::UdpAction::kConnect) {
    if (!proto::HasConnectMagic(*header)) return 0;
    context_.counters.Add(stats::Counter::kUdpConnects);
    return proto::WriteUdpConnect(*header, issuer_.Issue(client.ip, now, context_.connection_ids), reply);
  }
  if (!issuer_.Verify(header->connection_id, client.ip, now, context_.connection_ids)) {
    context_.counters.Add(stats::Counter::kUdpMismatches);
    return proto::WriteUdpError(*header, proto::kUdpConnectionIdMismatch, reply);
  }
  if (header->action == proto::UdpAction::kAnnounce) return Announce(datagram, *header, client, reply);
  return Scrape(datagram, *header, reply);
}

std::size_t UdpService::Announce(std::span<const std::uint8_t> datagram, const proto::UdpHeader& header,
                                 const net::ClientInfo& client, std::span<std::uint8_t> reply) {
  std::optional<proto::UdpAnnounce> parsed = proto::ParseUdpAnnounce(datagram);
  if (!parsed) return 0;
  AnnounceRequest& request = parsed->request;
  const bool v4 = client.ip.IsV4();
  // Replies stay within one unfragmented datagram: 200 v4 or 66 v6 peers.
  request.numwant = std::min(parsed->raw_numwant, v4 ? kMaxNumwantUdp4 : kMaxNumwantUdp6);
  context_.counters.Add(stats::Counter::kUdpAnnounces);

  AnnounceResult result = core_.Announce(request, PeerEndpoint{client.ip, request.port}, true, context_, scratch_);
  switch (result.kind) {
    case AnnounceResult::Kind::kStopped:
      return proto::WriteUdpAnnounce(header, result.reply.interval, result.reply.counts, {}, reply);
    case AnnounceResult::Kind::kNotAuthorized:
      // Upstream sends a bare 8-byte header here; clients read that as garbage.
      context_.counters.Add(stats::Counter::kUdpErrors);
      return proto::WriteUdpError(header, proto::kFailureNotAuthorized, reply);
    case AnnounceResult::Kind::kOverloaded:
      context_.counters.Add(stats::Counter::kUdpErrors);
      return proto::WriteUdpError(header, kTrackerFull, reply);
    case AnnounceResult::Kind::kPeers:
      break;
  }
  return proto::WriteUdpAnnounce(header, result.reply.interval, result.reply.counts,
                                 v4 ? result.reply.peers4 : result.reply.peers6, reply);
}

std::size_t UdpService::Scrape(std::span<const std::uint8_t> datagram, const proto::UdpHeader& header,
                               std::span<std::uint8_t> reply) {
  ScrapeRequest request = proto::ParseUdpScrape(datagram);
  std::array<SwarmCounts, kMaxUdpScrapeHashes> counts{};
  for (std::size_t i = 0; i < request.count; ++i) {
    counts[i] = core_.Scrape(request.hashes[i], context_).value_or(SwarmCounts{});
  }
  context_.counters.Add(stats::Counter::kUdpScrapes);
  return proto::WriteUdpScrape(header, std::span<const SwarmCounts>(counts.data(), request.count), reply);
}

}  // namespace ot::service
