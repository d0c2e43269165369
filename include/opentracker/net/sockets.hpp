// File: net/sockets.hpp
// Opening the listening sockets from configured addresses, and converting
// between socket addresses and the tracker's IpAddress. Called by app/
// before privileges are dropped; failures come back as one line of text.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "opentracker/core/types.hpp"

namespace ot::net {

// A TCP listener (SO_REUSEADDR, not SO_REUSEPORT, so a port held by anyone
// else is reported as in use). IPv6 sockets are dual-stack (IPV6_V6ONLY=0).
// Returns the fd, or -1 with `error` set to e.g. "cannot bind TCP [::]:6969: Address already in use".
int OpenTcpListener(const IpAddress& ip, std::uint16_t port, std::string* error);

// `count` UDP sockets on one address. With count > 1 they share the port
// through SO_REUSEPORT (one per receive thread); a probe bind first makes
// sure nobody else holds it. All have packet-info enabled so replies leave
// from the address the client contacted. Empty vector + `error` on failure.
std::vector<int> OpenUdpSockets(const IpAddress& ip, std::uint16_t port, std::size_t count, bool blocking,
                                std::string* error);

// Human-readable "ip:port" / "[ip]:port" of a bound socket's local address.
std::string LocalEndpointText(int fd);

void ToIpAndPort(const sockaddr_storage& address, IpAddress* ip, std::uint16_t* port) noexcept;
socklen_t FromIpAndPort(const IpAddress& ip, std::uint16_t port, int socket_family, sockaddr_storage* out) noexcept;

}  // namespace ot::net
