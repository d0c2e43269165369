// File: tests/support/net_udp_client.hpp
// A UDP test client bound to an ephemeral loopback port (127.0.0.1 or ::1),
// plus BEP 15 packet builders and big-endian field readers. Receives are
// bounded by a timeout.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "support/net_socket.hpp"

namespace ot::test {

class UdpClient {
 public:
  // Binds to the loopback of `family`, port 0; check Open().
  explicit UdpClient(Family family);

  bool Open() const { return fd_.valid(); }
  Family family() const { return family_; }
  std::uint16_t LocalPort() const;

  // Sends one datagram to the loopback address of this client's family.
  bool Send(std::string_view datagram, std::uint16_t port);
  // The next datagram within `timeout`, or nullopt.
  std::optional<std::string> Receive(Millis timeout);

 private:
  Family family_;
  Fd fd_;
};

inline constexpr std::uint64_t kUdpProtocolMagic = 0x41727101980ULL;

// Big-endian writers/readers.
void PutU16(std::string& out, std::uint16_t v);
void PutU32(std::string& out, std::uint32_t v);
void PutU64(std::string& out, std::uint64_t v);
std::uint32_t GetU32(std::string_view data, std::size_t offset);
std::uint64_t GetU64(std::string_view data, std::size_t offset);

struct UdpAnnounce {
  std::uint64_t connection_id = 0;
  std::uint32_t transaction_id = 0;
  std::string info_hash;  // 20 bytes
  std::string peer_id = "-OT0000-000000000000";
  std::uint64_t downloaded = 0;
  std::uint64_t left = 0;
  std::uint64_t uploaded = 0;
  std::uint32_t event = 0;  // 0 none, 1 completed, 2 started, 3 stopped
  std::uint32_t ip = 0;
  std::uint32_t key = 0;
  std::uint32_t numwant = 0xFFFFFFFFu;
  std::uint16_t port = 6881;
};

std::string UdpConnectPacket(std::uint32_t transaction_id);
std::string UdpAnnouncePacket(const UdpAnnounce& a);  // 98 bytes
std::string UdpScrapePacket(std::uint64_t connection_id, std::uint32_t transaction_id,
                            std::string_view hashes);

}  // namespace ot::test
