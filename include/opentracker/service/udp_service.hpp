// File: service/udp_service.hpp
// BEP 15 request handling (spec §4): connection ids, announce and scrape
// through the shared TrackerCore, replies in the requester's family. One
// UdpService per receiving thread (it owns that thread's ThreadContext);
// the core, the issuer and the store behind them are shared.
#pragma once

#include <cstddef>
#include <span>

#include "opentracker/net/handler.hpp"
#include "opentracker/service/tracker_core.hpp"
#include "opentracker/service/udp_connection_id.hpp"

namespace ot::service {

class UdpService final : public net::DatagramHandler {
 public:
  UdpService(TrackerCore& core, ConnectionIdIssuer& issuer, ThreadContext& context)
      : core_(core), issuer_(issuer), context_(context) {}

  std::size_t OnDatagram(std::span<const std::uint8_t> datagram, const net::ClientInfo& client, TimePoint now,
                         std::span<std::uint8_t> reply) override;

 private:
  std::size_t Announce(std::span<const std::uint8_t> datagram, const proto::UdpHeader& header,
                       const net::ClientInfo& client, std::span<std::uint8_t> reply);
  std::size_t Scrape(std::span<const std::uint8_t> datagram, const proto::UdpHeader& header,
                     std::span<std::uint8_t> reply);

  TrackerCore& core_;
  ConnectionIdIssuer& issuer_;
  ThreadContext& context_;
  PeerScratch scratch_;
};

}  // namespace ot::service
