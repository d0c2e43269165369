// The live-sync sockets and tracker id: the parts that talk to the kernel at
// start-up (upstream's livesync_bind_mcast and g_tracker_id).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "opentracker/sync/livesync.hpp"

namespace ot::sync {
namespace {

sockaddr_in V4Address(std::span<const std::uint8_t, 4> ip, std::uint16_t port) noexcept {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  std::memcpy(&a.sin_addr, ip.data(), 4);
  return a;
}

std::string V4Text(std::span<const std::uint8_t, 4> ip, std::uint16_t port) {
  return std::to_string(ip[0]) + "." + std::to_string(ip[1]) + "." + std::to_string(ip[2]) + "." +
         std::to_string(ip[3]) + ":" + std::to_string(port);
}

bool Fail(std::string* error, const std::string& what) {
  if (error != nullptr) *error = what + ": " + std::strerror(errno);
  return false;
}

template <typename T>
bool SetOption(int fd, int level, int name, T value) noexcept {
  return setsockopt(fd, level, name, &value, sizeof(value)) == 0;
}

}  // namespace

PeerEndpoint LivesyncGroupEndpoint() noexcept {
  return PeerEndpoint{IpAddress::FromV4(std::span<const std::uint8_t, 4>(kLivesyncGroup)), kLivesyncSendPort};
}

proto::LivesyncTrackerId NewLivesyncTrackerId() {
  proto::LivesyncTrackerId id{};
  std::size_t got = 0;
  while (got < id.size()) {
    ssize_t n = getrandom(id.data() + got, id.size() - got, 0);
    if (n > 0) {
      got += static_cast<std::size_t>(n);
    } else if (n < 0 && errno != EINTR) {
      break;
    }
  }
  if (got < id.size()) {
    // Kernels without getrandom: random_device reads the same source.
    std::random_device device;
    std::uint32_t v = device();
    std::memcpy(id.data(), &v, id.size());
  }
  return id;
}

LivesyncSockets::LivesyncSockets(LivesyncSockets&& other) noexcept
    : incoming_(other.incoming_), outgoing_(other.outgoing_) {
  other.incoming_ = -1;
  other.outgoing_ = -1;
}

LivesyncSockets& LivesyncSockets::operator=(LivesyncSockets&& other) noexcept {
  if (this != &other) {
    Close();
    incoming_ = other.incoming_;
    outgoing_ = other.outgoing_;
    other.incoming_ = -1;
    other.outgoing_ = -1;
  }
  return *this;
}

LivesyncSockets::~LivesyncSockets() { Close(); }

void LivesyncSockets::Close() noexcept {
  if (incoming_ >= 0) close(incoming_);
  if (outgoing_ >= 0) close(outgoing_);
  incoming_ = -1;
  outgoing_ = -1;
}

std::optional<LivesyncSockets> LivesyncSockets::Open(const proto::ListenAddress& listen, std::string* error) {
  if (!listen.ip.IsV4()) {
    // Upstream's wording; the config parser already refuses such addresses.
    if (error != nullptr) *error = "v6 mcast support not yet available.";
    return std::nullopt;
  }
  const std::span<const std::uint8_t, 4> ip = listen.ip.V4Bytes();
  static constexpr std::uint8_t kAny[4] = {0, 0, 0, 0};
  const std::span<const std::uint8_t, 4> any(kAny, 4);

  LivesyncSockets sockets(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), -1);
  if (sockets.incoming_ < 0) {
    Fail(error, "cannot create live sync incoming socket");
    return std::nullopt;
  }
  // Blocking, as upstream's; Run() polls before each receive.
  sockaddr_in in_address = V4Address(any, listen.port);
  if (!SetOption(sockets.incoming_, SOL_SOCKET, SO_REUSEADDR, 1) ||
      bind(sockets.incoming_, reinterpret_cast<const sockaddr*>(&in_address), sizeof(in_address)) != 0) {
    Fail(error, "cannot bind live sync incoming socket " + V4Text(any, listen.port));
    return std::nullopt;
  }
  socklen_t length = sizeof(in_address);
  if (getsockname(sockets.incoming_, reinterpret_cast<sockaddr*>(&in_address), &length) != 0) {
    Fail(error, "cannot read the live sync incoming socket's port");
    return std::nullopt;
  }
  const std::uint16_t port = ntohs(in_address.sin_port);

  ip_mreq membership{};
  std::memcpy(&membership.imr_multiaddr, kLivesyncGroup.data(), 4);
  std::memcpy(&membership.imr_interface, ip.data(), 4);
  if (!SetOption(sockets.incoming_, IPPROTO_IP, IP_ADD_MEMBERSHIP, membership)) {
    Fail(error,
         "cannot make live sync incoming socket join multicast group 224.0.23.5 on " + V4Text(ip, port));
    return std::nullopt;
  }

  sockets.outgoing_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (sockets.outgoing_ < 0) {
    Fail(error, "cannot create live sync outgoing socket");
    return std::nullopt;
  }
  sockaddr_in out_address = V4Address(ip, port);
  if (!SetOption(sockets.outgoing_, SOL_SOCKET, SO_REUSEADDR, 1) ||
      bind(sockets.outgoing_, reinterpret_cast<const sockaddr*>(&out_address), sizeof(out_address)) != 0) {
    Fail(error, "cannot bind live sync outgoing socket " + V4Text(ip, port));
    return std::nullopt;
  }
  in_addr interface_address{};
  std::memcpy(&interface_address, ip.data(), 4);
  if (!SetOption(sockets.outgoing_, IPPROTO_IP, IP_MULTICAST_TTL, static_cast<unsigned char>(1)) ||
      !SetOption(sockets.outgoing_, IPPROTO_IP, IP_MULTICAST_LOOP, static_cast<unsigned char>(0)) ||
      !SetOption(sockets.outgoing_, IPPROTO_IP, IP_MULTICAST_IF, interface_address)) {
    Fail(error, "cannot set multicast options on live sync outgoing socket " + V4Text(ip, port));
    return std::nullopt;
  }
  return sockets;
}

}  // namespace ot::sync
