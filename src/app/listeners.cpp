#include "app/listeners.hpp"

#include <unistd.h>

#include <cerrno>

#include "app/log.hpp"
#include "opentracker/net/sockets.hpp"

namespace ot::app {

void Sockets::CloseAll() {
  for (int fd : tcp) close(fd);
  for (UdpGroup& g : udp) {
    for (int fd : g.fds) close(fd);
  }
  tcp.clear();
  udp.clear();
}

namespace {

bool OpenListener(const config::Listener& l, Sockets& sockets, std::string* error) {
  if (l.kind == config::SocketKind::kTcp) {
    int fd = net::OpenTcpListener(l.address.ip, l.address.port, error);
    if (fd < 0) return false;
    sockets.tcp.push_back(fd);
    return true;
  }
  UdpGroup group;
  group.workers = l.udp_workers;
  group.fds = net::OpenUdpSockets(l.address.ip, l.address.port, l.udp_workers == 0 ? 1 : l.udp_workers,
                                  l.udp_workers != 0, error);
  if (group.fds.empty()) return false;
  sockets.udp.push_back(std::move(group));
  return true;
}

std::vector<config::Listener> ListenersOf(const config::Config& config) {
  if (!config.listeners.empty()) return config.listeners;
  std::vector<config::Listener> defaults;
  for (config::SocketKind kind : {config::SocketKind::kTcp, config::SocketKind::kUdp}) {
    config::Listener l;
    l.kind = kind;
    l.address = proto::ListenAddress{config.default_ip, config::kDefaultPort};
    defaults.push_back(l);
  }
  return defaults;
}

}  // namespace

bool OpenSockets(const config::Config& config, Sockets& sockets, std::string* error) {
  const bool implicit_any = config.listeners.empty() && config.default_ip == IpAddress{};
  for (config::Listener l : ListenersOf(config)) {
    if (OpenListener(l, sockets, error)) continue;
    if (implicit_any && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
      LogWarning("no IPv6 on this machine (" + *error + "); listening on 0.0.0.0 instead");
      l.address.ip = IpAddress::FromV4(0, 0, 0, 0);
      if (OpenListener(l, sockets, error)) continue;
    }
    sockets.CloseAll();
    return false;
  }
  return true;
}

}  // namespace ot::app
