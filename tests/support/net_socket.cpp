#include "support/net_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ot::test {

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) Reset(other.Release());
  return *this;
}

void Fd::Reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

const char* LoopbackText(Family family) { return family == Family::kV4 ? "127.0.0.1" : "::1"; }

int AddressFamilyOf(Family family) { return family == Family::kV4 ? AF_INET : AF_INET6; }

namespace {

// Fills `ss` from a numeric host; false if the text is not an address.
bool MakeAddress(const std::string& host, std::uint16_t port, sockaddr_storage& ss, socklen_t& len) {
  std::memset(&ss, 0, sizeof ss);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// Binds a fresh socket; returns it or an invalid Fd with errno set.
Fd BindSocket(const std::string& host, std::uint16_t port, int type, bool reuseaddr) {
  sockaddr_storage ss;
  socklen_t len = 0;
  if (!MakeAddress(host, port, ss, len)) {
    errno = EINVAL;
    return Fd();
  }
  Fd fd(::socket(ss.ss_family, type | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return Fd();
  int one = 1;
  if (ss.ss_family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (reuseaddr) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    int saved = errno;
    fd.Reset();
    errno = saved;
    return Fd();
  }
  return fd;
}

std::uint16_t BoundPort(int fd) {
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

}  // namespace

bool Ipv6LoopbackAvailable() {
  static const bool available = [] {
    Fd fd = BindSocket("::1", 0, SOCK_DGRAM, false);
    return fd.valid();
  }();
  return available;
}

std::uint16_t PickFreePort(bool with_v6) {
  constexpr int kAttempts = 64;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    Fd tcp4 = BindSocket("127.0.0.1", 0, SOCK_STREAM, true);
    if (!tcp4.valid()) return 0;
    std::uint16_t port = BoundPort(tcp4.get());
    if (port == 0) return 0;
    // Ports below 1024 or the tracker default would confuse other tests.
    if (port < 1024 || port == 6969) continue;
    Fd udp4 = BindSocket("127.0.0.1", port, SOCK_DGRAM, false);
    if (!udp4.valid()) continue;
    if (with_v6) {
      Fd tcp6 = BindSocket("::1", port, SOCK_STREAM, true);
      if (!tcp6.valid()) continue;
      Fd udp6 = BindSocket("::1", port, SOCK_DGRAM, false);
      if (!udp6.valid()) continue;
    }
    return port;
  }
  return 0;
}

bool CanBind(const std::string& host, std::uint16_t port, int type) {
  Fd fd = BindSocket(host, port, type, type == SOCK_STREAM);
  if (!fd.valid()) return false;
  if (type == SOCK_STREAM && ::listen(fd.get(), 1) != 0) return false;
  return true;
}

Fd BindBlocker(const std::string& host, std::uint16_t port, int type) {
  Fd fd = BindSocket(host, port, type, false);
  if (!fd.valid()) return Fd();
  if (type == SOCK_STREAM && ::listen(fd.get(), 16) != 0) return Fd();
  return fd;
}

Fd ConnectTcp(const std::string& host, std::uint16_t port, Millis timeout, int rcvbuf) {
  sockaddr_storage ss;
  socklen_t len = 0;
  if (!MakeAddress(host, port, ss, len)) return Fd();
  Fd fd(::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) return Fd();
  if (rcvbuf > 0) ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), len);
  if (rc != 0) {
    if (errno != EINPROGRESS) return Fd();
    if ((PollFd(fd.get(), POLLOUT, timeout) & (POLLOUT | POLLERR | POLLHUP)) == 0) return Fd();
    int err = 0;
    socklen_t elen = sizeof err;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0) return Fd();
  }
  int flags = ::fcntl(fd.get(), F_GETFL);
  ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  return fd;
}

short PollFd(int fd, short events, Millis timeout) {
  pollfd p{fd, events, 0};
  int ms = static_cast<int>(timeout.count() < 0 ? 0 : timeout.count());
  for (int tries = 0; tries < 100; ++tries) {  // bounded retries on EINTR
    int rc = ::poll(&p, 1, ms);
    if (rc > 0) return p.revents;
    if (rc == 0) return 0;
    if (errno != EINTR) return POLLERR;
  }
  return POLLERR;
}

bool SendAll(int fd, std::string_view bytes) {
  std::size_t off = 0;
  int spins = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR && ++spins < 100) continue;
    return false;
  }
  return true;
}

void SetLingerZero(int fd) {
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

}  // namespace ot::test
