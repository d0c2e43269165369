#include "support/net_udp_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ot::test {

UdpClient::UdpClient(Family family) : family_(family) {
  Fd fd(::socket(AddressFamilyOf(family), SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return;
  sockaddr_storage ss{};
  socklen_t len;
  if (family == Family::kV4) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_loopback;
    len = sizeof *a;
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return;
  fd_ = std::move(fd);
}

std::uint16_t UdpClient::LocalPort() const {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

bool UdpClient::Send(std::string_view datagram, std::uint16_t port) {
  sockaddr_storage ss{};
  socklen_t len;
  if (family_ == Family::kV4) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a->sin_port = htons(port);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_loopback;
    a->sin6_port = htons(port);
    len = sizeof *a;
  }
  ssize_t n = ::sendto(fd_.get(), datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&ss), len);
  return n == static_cast<ssize_t>(datagram.size());
}

std::optional<std::string> UdpClient::Receive(Millis timeout) {
  if ((PollFd(fd_.get(), POLLIN, timeout) & POLLIN) == 0) return std::nullopt;
  std::string buf(65536, '\0');
  ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
  if (n < 0) return std::nullopt;
  buf.resize(static_cast<std::size_t>(n));
  return buf;
}

void PutU16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

void PutU32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutU64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::uint32_t GetU32(std::string_view data, std::size_t offset) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(data[offset + i]);
  return v;
}

std::uint64_t GetU64(std::string_view data, std::size_t offset) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(data[offset + i]);
  return v;
}

std::string UdpConnectPacket(std::uint32_t transaction_id) {
  std::string p;
  PutU64(p, kUdpProtocolMagic);
  PutU32(p, 0);
  PutU32(p, transaction_id);
  return p;
}

std::string UdpAnnouncePacket(const UdpAnnounce& a) {
  std::string p;
  PutU64(p, a.connection_id);
  PutU32(p, 1);
  PutU32(p, a.transaction_id);
  std::string hash = a.info_hash;
  hash.resize(20, '\0');
  p += hash;
  std::string peer_id = a.peer_id;
  peer_id.resize(20, '\0');
  p += peer_id;
  PutU64(p, a.downloaded);
  PutU64(p, a.left);
  PutU64(p, a.uploaded);
  PutU32(p, a.event);
  PutU32(p, a.ip);
  PutU32(p, a.key);
  PutU32(p, a.numwant);
  PutU16(p, a.port);
  return p;
}

std::string UdpScrapePacket(std::uint64_t connection_id, std::uint32_t transaction_id,
                            std::string_view hashes) {
  std::string p;
  PutU64(p, connection_id);
  PutU32(p, 2);
  PutU32(p, transaction_id);
  p += hashes;
  return p;
}

}  // namespace ot::test
