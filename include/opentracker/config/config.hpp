// File: config/config.hpp
// The whole configuration as one value: built from the command line and the
// config files it names (config_parser.hpp, cli.hpp), then handed to app/,
// which binds sockets, drops privileges and starts threads from it. Nothing
// here opens sockets or files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "opentracker/core/net_mask.hpp"
#include "opentracker/core/types.hpp"
#include "opentracker/proto/ip_text.hpp"

namespace ot::config {

inline constexpr std::uint16_t kDefaultPort = 6969;
inline constexpr std::uint16_t kDefaultLivesyncPort = 9696;

enum class SocketKind : std::uint8_t { kTcp, kUdp };

struct Listener {
  SocketKind kind = SocketKind::kTcp;
  proto::ListenAddress address;
  // UDP only: 0 = served by the reactor thread; N = N receive threads, each
  // with its own SO_REUSEPORT socket (listen.udp.workers before the line).
  std::uint32_t udp_workers = 0;
  friend bool operator==(const Listener&, const Listener&) = default;
};

enum class AccessMode : std::uint8_t { kOpen, kWhitelist, kBlacklist };

struct Config {
  // Sockets in the order given. Empty after all options and files: the app
  // binds TCP and UDP on default_ip:6969 (upstream's rule).
  std::vector<Listener> listeners;
  IpAddress default_ip{};  // "::" (dual stack) unless -i changed it
  // listen.udp.workers as last set: copied into UDP listeners added after it
  // (config lines or -P), upstream's g_udp_workers.
  std::uint32_t udp_workers = 0;

  std::optional<std::string> rootdir;  // -d / tracker.rootdir: chroot as root, chdir otherwise
  std::string user = "nobody";         // -u / tracker.user: only used when started as root
  std::string redirect_url;            // -r / tracker.redirect_url; empty: "GET /" is 404
  std::string stats_path = "stats";    // access.stats_path, no leading slash

  AccessMode access_mode = AccessMode::kOpen;
  std::string access_list_path;        // -w / -b / access.whitelist / access.blacklist
  std::string fifo_add_path;           // access.fifo_add
  std::string fifo_delete_path;        // access.fifo_delete

  // Blessed networks per permission; -A adds to all of them.
  std::vector<NetMask> stats_networks;     // access.stats
  std::vector<NetMask> proxy_networks;     // access.proxy
  std::vector<NetMask> livesync_networks;  // livesync.cluster.node_ip

  std::optional<proto::ListenAddress> livesync_listen;  // livesync.cluster.listen / -s

  std::string statefile_to_load;  // -l FILE: read once at start-up
  std::string statefile;          // tracker.statefile: read at start-up, written on SIGINT/SIGTERM

  bool ip_from_query = false;       // tracker.ip_from_query
  bool fullscrape = true;           // tracker.fullscrape
  bool modest_fullscrapes = false;  // tracker.modest_fullscrapes
  bool syslog = false;              // tracker.syslog
  bool spot_woodpeckers = false;    // tracker.woodpeckers
  bool log_numwant = false;         // tracker.log_numwant
  bool fulllog_networks = false;    // tracker.fulllog

  std::uint32_t udp_connection_id_lifetime_seconds = 1800;  // udp.connection_id_lifetime (>= 120)
  std::uint64_t max_torrents = 0;  // tracker.max_torrents, 0 = no cap
  std::uint64_t max_peers = 0;     // tracker.max_peers, 0 = no cap

  friend bool operator==(const Config&, const Config&) = default;
};

struct Diagnostic {
  enum class Severity : std::uint8_t { kWarning, kError };
  Severity severity = Severity::kWarning;
  std::string source;  // file name, or "command line"
  int line = 0;        // 1-based; 0 for the command line
  std::string message; // upstream's text where upstream has one
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// "opentracker.conf:12: Unhandled line in config file: bogus.option 1"
std::string FormatDiagnostic(const Diagnostic& diagnostic);

}  // namespace ot::config
