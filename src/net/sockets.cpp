#include "opentracker/net/sockets.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ot::net {

namespace {

std::string Endpoint(const IpAddress& ip, std::uint16_t port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (ip.IsV4()) {
    inet_ntop(AF_INET, ip.V4Bytes().data(), text, sizeof(text));
    return std::string(text) + ":" + std::to_string(port);
  }
  inet_ntop(AF_INET6, ip.bytes.data(), text, sizeof(text));
  return "[" + std::string(text) + "]:" + std::to_string(port);
}

int Fail(int fd, std::string* error, const std::string& what) {
  int saved = errno;
  if (fd >= 0) close(fd);
  if (error != nullptr) *error = what + ": " + std::strerror(saved);
  errno = saved;
  return -1;
}

int SetFlag(int fd, int level, int option, int value) {
  return setsockopt(fd, level, option, &value, sizeof(value));
}

// A v4 address gets an AF_INET socket; anything else a dual-stack AF_INET6 one.
int NewSocket(const IpAddress& ip, int type, bool blocking) {
  int family = ip.IsV4() ? AF_INET : AF_INET6;
  int fd = socket(family, type | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
  if (fd < 0) return -1;
  if (family == AF_INET6) SetFlag(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
  return fd;
}

int Bind(int fd, const IpAddress& ip, std::uint16_t port) {
  sockaddr_storage address{};
  socklen_t length = FromIpAndPort(ip, port, ip.IsV4() ? AF_INET : AF_INET6, &address);
  return bind(fd, reinterpret_cast<sockaddr*>(&address), length);
}

}  // namespace

void ToIpAndPort(const sockaddr_storage& address, IpAddress* ip, std::uint16_t* port) noexcept {
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    std::uint8_t bytes[4];
    std::memcpy(bytes, &v4->sin_addr, 4);
    *ip = IpAddress::FromV4(std::span<const std::uint8_t, 4>(bytes, 4));
    *port = ntohs(v4->sin_port);
  } else {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    std::memcpy(ip->bytes.data(), &v6->sin6_addr, 16);
    *port = ntohs(v6->sin6_port);
  }
}

socklen_t FromIpAndPort(const IpAddress& ip, std::uint16_t port, int socket_family, sockaddr_storage* out) noexcept {
  std::memset(out, 0, sizeof(*out));
  if (socket_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(out);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    std::memcpy(&v4->sin_addr, ip.V4Bytes().data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(out);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(port);
  std::memcpy(&v6->sin6_addr, ip.bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

int OpenTcpListener(const IpAddress& ip, std::uint16_t port, std::string* error) {
  const std::string what = "cannot bind TCP " + Endpoint(ip, port);
  int fd = NewSocket(ip, SOCK_STREAM, false);
  if (fd < 0) return Fail(fd, error, what);
  SetFlag(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (Bind(fd, ip, port) != 0) return Fail(fd, error, what);
  if (listen(fd, SOMAXCONN) != 0) return Fail(fd, error, "cannot listen on TCP " + Endpoint(ip, port));
  return fd;
}

std::vector<int> OpenUdpSockets(const IpAddress& ip, std::uint16_t port, std::size_t count, bool blocking,
                                std::string* error) {
  const std::string what = "cannot bind UDP " + Endpoint(ip, port);
  std::vector<int> fds;
  auto fail = [&] {
    Fail(-1, error, what);
    for (int fd : fds) close(fd);
    return std::vector<int>{};
  };
  if (count > 1) {
    // SO_REUSEPORT would happily share the port with another process of the
    // same user; a plain bind first tells whether anybody holds it.
    int probe = NewSocket(ip, SOCK_DGRAM, true);
    if (probe < 0 || Bind(probe, ip, port) != 0) {
      Fail(probe, error, what);
      return {};
    }
    if (port == 0) {  // let the group share the port the probe was given
      sockaddr_storage bound{};
      socklen_t length = sizeof(bound);
      getsockname(probe, reinterpret_cast<sockaddr*>(&bound), &length);
      IpAddress ignored;
      ToIpAndPort(bound, &ignored, &port);
    }
    close(probe);
  }
  for (std::size_t i = 0; i < count; ++i) {
    int fd = NewSocket(ip, SOCK_DGRAM, blocking);
    if (fd < 0) return fail();
    fds.push_back(fd);
    if (count > 1 && SetFlag(fd, SOL_SOCKET, SO_REUSEPORT, 1) != 0) return fail();
    // Packet info tells which local address a datagram reached, so the reply
    // can leave from it (a wildcard socket would otherwise pick any).
    SetFlag(fd, IPPROTO_IP, IP_PKTINFO, 1);
    if (!ip.IsV4()) SetFlag(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
    SetFlag(fd, SOL_SOCKET, SO_RCVBUF, 4 << 20);
    if (Bind(fd, ip, port) != 0) return fail();
  }
  return fds;
}

std::string LocalEndpointText(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "?";
  IpAddress ip;
  std::uint16_t port = 0;
  ToIpAndPort(address, &ip, &port);
  return Endpoint(ip, port);
}

}  // namespace ot::net
