// Binding the configured listeners (before privileges are dropped), with
// upstream's default when none is configured.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "opentracker/config/config.hpp"

namespace ot::app {

struct UdpGroup {
  std::vector<int> fds;
  std::uint32_t workers = 0;  // 0: the reactor serves the single socket
};

struct Sockets {
  std::vector<int> tcp;
  std::vector<UdpGroup> udp;

  void CloseAll();
};

// With nothing configured, upstream binds TCP and UDP on the current -i
// address, port 6969; "::" is dual stack. A machine without IPv6 gets 0.0.0.0.
// False with `error` (one line) when a socket cannot be bound; nothing stays open then.
bool OpenSockets(const config::Config& config, Sockets& sockets, std::string* error);

}  // namespace ot::app
