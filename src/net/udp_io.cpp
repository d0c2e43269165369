#include "opentracker/net/udp_io.hpp"

#include <netinet/in.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "opentracker/net/sockets.hpp"

namespace ot::net {

namespace {

// Room for one IP_PKTINFO or IPV6_PKTINFO control message.
constexpr std::size_t kControlSize = CMSG_SPACE(sizeof(in6_pktinfo)) > CMSG_SPACE(sizeof(in_pktinfo))
                                         ? CMSG_SPACE(sizeof(in6_pktinfo))
                                         : CMSG_SPACE(sizeof(in_pktinfo));

// Where a datagram arrived: interface index and local address, as received.
struct Arrival {
  bool v4 = false;
  bool v6 = false;
  in_pktinfo info4{};
  in6_pktinfo info6{};
};

Arrival ReadArrival(msghdr& header) {
  Arrival a;
  for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      std::memcpy(&a.info4, CMSG_DATA(c), sizeof(a.info4));
      a.v4 = true;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      std::memcpy(&a.info6, CMSG_DATA(c), sizeof(a.info6));
      a.v6 = true;
    }
  }
  return a;
}

// Control data that makes the reply leave from the address the request hit:
// the packet info as it came in. On a dual-stack socket an IPv4 request may
// report its address as IPV6_PKTINFO (v4-mapped); the kernel takes that
// back for IPv4 replies too (ip_cmsg_send allows it on IPv6 sockets).
socklen_t WriteSource(const Arrival& a, unsigned char* control) {
  msghdr header{};
  header.msg_control = control;
  header.msg_controllen = kControlSize;
  cmsghdr* c = CMSG_FIRSTHDR(&header);
  if (a.v4) {
    in_pktinfo source{};
    source.ipi_spec_dst = a.info4.ipi_addr;  // the destination the client used
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(source));
    std::memcpy(CMSG_DATA(c), &source, sizeof(source));
    return CMSG_SPACE(sizeof(source));
  }
  if (a.v6) {
    in6_pktinfo source{};
    source.ipi6_addr = a.info6.ipi6_addr;
    source.ipi6_ifindex = a.info6.ipi6_ifindex;
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(source));
    std::memcpy(CMSG_DATA(c), &source, sizeof(source));
    return CMSG_SPACE(sizeof(source));
  }
  return 0;
}

}  // namespace

struct UdpBatchIo::Buffers {
  std::array<std::array<std::uint8_t, kDatagramSize>, kBatch> datagrams;
  std::array<std::array<std::uint8_t, kReplySize>, kBatch> replies;
  std::array<sockaddr_storage, kBatch> peers;
  std::array<std::array<unsigned char, kControlSize>, kBatch> controls_in;
  std::array<std::array<unsigned char, kControlSize>, kBatch> controls_out;
  std::array<iovec, kBatch> iov_in;
  std::array<iovec, kBatch> iov_out;
  std::array<mmsghdr, kBatch> in;
  std::array<mmsghdr, kBatch> out;
};

UdpBatchIo::UdpBatchIo(int fd, DatagramHandler& handler)
    : fd_(fd), handler_(handler), buffers_(std::make_unique<Buffers>()) {}

UdpBatchIo::~UdpBatchIo() = default;

int UdpBatchIo::ServeOnce(TimePoint now) {
  Buffers& b = *buffers_;
  for (std::size_t i = 0; i < kBatch; ++i) {
    b.iov_in[i] = iovec{b.datagrams[i].data(), kDatagramSize};
    msghdr& h = b.in[i].msg_hdr;
    h = msghdr{};
    h.msg_name = &b.peers[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &b.iov_in[i];
    h.msg_iovlen = 1;
    h.msg_control = b.controls_in[i].data();
    h.msg_controllen = kControlSize;
    b.in[i].msg_len = 0;
  }
  // MSG_WAITFORONE: block for the first datagram only, then take what is queued.
  int received = recvmmsg(fd_, b.in.data(), kBatch, MSG_WAITFORONE, nullptr);
  if (received < 0) {
    return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
  }
  std::size_t replies = 0;
  for (int i = 0; i < received; ++i) {
    msghdr& h = b.in[static_cast<std::size_t>(i)].msg_hdr;
    ClientInfo client;
    ToIpAndPort(b.peers[static_cast<std::size_t>(i)], &client.ip, &client.port);
    Arrival arrival = ReadArrival(h);
    if (arrival.v6) std::memcpy(client.local_ip.bytes.data(), &arrival.info6.ipi6_addr, 16);
    if (arrival.v4) {
      std::uint8_t bytes[4];
      std::memcpy(bytes, &arrival.info4.ipi_addr, 4);
      client.local_ip = IpAddress::FromV4(std::span<const std::uint8_t, 4>(bytes, 4));
    }
    std::size_t length = handler_.OnDatagram(
        std::span<const std::uint8_t>(b.datagrams[static_cast<std::size_t>(i)].data(),
                                      b.in[static_cast<std::size_t>(i)].msg_len),
        client, now, std::span<std::uint8_t>(b.replies[replies].data(), kReplySize));
    if (length == 0) continue;
    b.iov_out[replies] = iovec{b.replies[replies].data(), length};
    msghdr& o = b.out[replies].msg_hdr;
    o = msghdr{};
    o.msg_name = &b.peers[static_cast<std::size_t>(i)];
    o.msg_namelen = h.msg_namelen;
    o.msg_iov = &b.iov_out[replies];
    o.msg_iovlen = 1;
    socklen_t control = WriteSource(arrival, b.controls_out[replies].data());
    o.msg_control = control != 0 ? b.controls_out[replies].data() : nullptr;
    o.msg_controllen = control;
    ++replies;
  }
  std::size_t sent = 0;
  while (sent < replies) {
    int n = sendmmsg(fd_, b.out.data() + sent, static_cast<unsigned>(replies - sent), 0);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      // A reply the kernel will not take (full buffer, unreachable peer) is
      // dropped, as a lost datagram; the client retries.
      ++sent;
      continue;
    }
    sent += static_cast<std::size_t>(n);
  }
  return received;
}

void RunUdpWorker(int fd, DatagramHandler& handler, const std::atomic<bool>& stop) {
  // Wake up now and then to notice `stop`.
  timeval timeout{0, 200 * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  UdpBatchIo io(fd, handler);
  while (!stop.load(std::memory_order_relaxed)) {
    if (io.ServeOnce(WallClockNow()) < 0 && errno != ECONNREFUSED) {
      if (errno == EBADF || errno == ENOTSOCK) return;
    }
  }
}

}  // namespace ot::net
