// File: tests/support/net_socket.hpp
// Small POSIX socket helpers for tests that talk to a real daemon over
// loopback: an owning fd, loopback addresses, a free-port picker (bind port 0,
// read it, close; redis/memcached style) and bounded-time connect/poll.
// Used by the integration tests; no project code is involved.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ot::test {

using Millis = std::chrono::milliseconds;

// Owns one file descriptor; closes it on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.Release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void Reset(int fd = -1);

 private:
  int fd_ = -1;
};

enum class Family : std::uint8_t { kV4, kV6 };

// "127.0.0.1" or "::1".
const char* LoopbackText(Family family);
int AddressFamilyOf(Family family);  // AF_INET / AF_INET6

// True when ::1 can be bound on this machine (IPv6 loopback configured).
bool Ipv6LoopbackAvailable();

// A port that is free right now for TCP and UDP on 127.0.0.1 (and on ::1 when
// `with_v6`). Binds port 0, reads the number, checks the other sockets, closes
// all; retries on EADDRINUSE a bounded number of times. 0 on failure.
std::uint16_t PickFreePort(bool with_v6);

// True when a socket of `type` (SOCK_STREAM/SOCK_DGRAM) can be bound to
// `host`:`port` right now without SO_REUSEPORT (SO_REUSEADDR only for TCP, so
// TIME_WAIT leftovers do not count as "in use").
bool CanBind(const std::string& host, std::uint16_t port, int type);

// A socket bound (and for TCP listening) on host:port without SO_REUSEPORT,
// for "port in use" tests. Invalid Fd on failure.
Fd BindBlocker(const std::string& host, std::uint16_t port, int type);

// Non-blocking connect with a deadline; the returned socket is blocking again,
// has TCP_NODELAY set and is close-on-exec. Invalid on failure/timeout.
// `rcvbuf` > 0 sets SO_RCVBUF before connecting (to keep the window small).
Fd ConnectTcp(const std::string& host, std::uint16_t port, Millis timeout, int rcvbuf = 0);

// poll() for `events` with a timeout; returns the revents (0 on timeout).
short PollFd(int fd, short events, Millis timeout);

// Sends all bytes (MSG_NOSIGNAL); false on error.
bool SendAll(int fd, std::string_view bytes);

// Makes the next close() send an RST instead of a FIN (SO_LINGER 0).
void SetLingerZero(int fd);

}  // namespace ot::test
