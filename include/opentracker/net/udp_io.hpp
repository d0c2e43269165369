// File: net/udp_io.hpp
// Batched datagram I/O for one UDP socket on one thread: recvmmsg into
// preallocated buffers, a handler call per datagram, sendmmsg of the replies,
// each reply sent from the local address its request reached (packet info).
// No allocation after construction. Used by the reactor (non-blocking
// sockets) and by UDP worker threads (blocking sockets with a receive
// time-out, so they notice a stop request).
#pragma once

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "opentracker/core/clock.hpp"
#include "opentracker/net/handler.hpp"

namespace ot::net {

class UdpBatchIo {
 public:
  static constexpr std::size_t kBatch = 32;
  static constexpr std::size_t kDatagramSize = 8192;  // upstream's receive buffer
  static constexpr std::size_t kReplySize = 2048;     // largest reply: 20 + 200 * 6 bytes

  UdpBatchIo(int fd, DatagramHandler& handler);
  ~UdpBatchIo();
  UdpBatchIo(const UdpBatchIo&) = delete;
  UdpBatchIo& operator=(const UdpBatchIo&) = delete;

  // Receives one batch, answers it and sends the replies. Returns the number
  // of datagrams received; 0 when none was waiting (EAGAIN / time-out);
  // -1 on a socket error other than those.
  int ServeOnce(TimePoint now);
  // Datagram count of the last ServeOnce, for tests and stats.
  int fd() const noexcept { return fd_; }

 private:
  struct Buffers;
  int fd_;
  DatagramHandler& handler_;
  std::unique_ptr<Buffers> buffers_;
};

// A UDP receive thread's loop (listen.udp.workers): serves its socket until
// `stop` is set. The socket must be blocking with a receive time-out.
void RunUdpWorker(int fd, DatagramHandler& handler, const std::atomic<bool>& stop);

}  // namespace ot::net
