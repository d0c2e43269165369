#include "config/directive_table.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <string>
#include <type_traits>

#include "opentracker/proto/ip_text.hpp"

namespace ot::config::internal {
namespace {

// Decimal digits only (no sign, no blanks, no junk after), within [min, max].
template <typename T>
std::optional<T> ParseNumber(std::string_view text, T min, T max) noexcept {
  if (text.empty() || text.front() < '0' || text.front() > '9') return std::nullopt;
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(std::string_view text) noexcept {
  if (text == "on" || text == "yes" || text == "true" || text == "1") return true;
  if (text == "off" || text == "no" || text == "false" || text == "0") return false;
  return std::nullopt;
}

// String values are taken verbatim: the rest of the line (upstream's
// set_config_option keeps inner blanks too).
template <std::string Config::*kField>
ApplyResult SetString(std::string_view value, Config& config) {
  config.*kField = std::string(value);
  return ApplyResult::Ok();
}

template <std::optional<std::string> Config::*kField>
ApplyResult SetOptionalString(std::string_view value, Config& config) {
  config.*kField = std::string(value);
  return ApplyResult::Ok();
}

template <bool Config::*kField>
ApplyResult SetBool(std::string_view value, Config& config) {
  const std::optional<bool> parsed = ParseBool(value);
  if (!parsed) return ApplyResult::ParseError();
  config.*kField = *parsed;
  return ApplyResult::Ok();
}

template <auto kField, auto kMin, auto kMax>
ApplyResult SetNumber(std::string_view value, Config& config) {
  using T = std::remove_reference_t<decltype(config.*kField)>;
  const std::optional<T> parsed = ParseNumber<T>(value, kMin, kMax);
  if (!parsed) return ApplyResult::ParseError();
  config.*kField = *parsed;
  return ApplyResult::Ok();
}

template <std::vector<NetMask> Config::*kField>
ApplyResult AddNet(std::string_view value, Config& config) {
  const std::optional<NetMask> net = proto::ParseNetMask(value);
  if (!net) return ApplyResult::ParseError();
  (config.*kField).push_back(*net);
  return ApplyResult::Ok();
}

// listen.tcp_udp binds TCP first, then UDP, as opentracker.c does.
template <bool kTcp, bool kUdp>
ApplyResult Listen(std::string_view value, Config& config) {
  const std::optional<proto::ListenAddress> address = proto::ParseListenAddress(value, kDefaultPort);
  if (!address) return ApplyResult::ParseError();
  if (kTcp) AddListener(config, SocketKind::kTcp, *address);
  if (kUdp) AddListener(config, SocketKind::kUdp, *address);
  return ApplyResult::Ok();
}

template <AccessMode kMode>
ApplyResult AccessList(std::string_view value, Config& config) {
  return SetAccessList(config, kMode, value);
}

ApplyResult LivesyncListen(std::string_view value, Config& config) {
  const std::optional<proto::ListenAddress> address = proto::ParseListenAddress(value, kDefaultLivesyncPort);
  if (!address) return ApplyResult::ParseError();
  return SetLivesyncListen(config, *address);
}

constexpr std::uint32_t kMinConnectionIdLifetime = 120;  // BEP 15: an id is good for at least 2 minutes
constexpr std::uint32_t kMaxConnectionIdLifetime = 86400;
constexpr std::uint32_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

constexpr auto kDirectives = std::to_array<Directive>({
    // Upstream's directives, in opentracker.c's order (only shared
    // prefixes could make it matter, and the keyword must end in a blank).
    {"tracker.rootdir", Repeat::kLastWins, &SetOptionalString<&Config::rootdir>},
    {"tracker.user", Repeat::kLastWins, &SetString<&Config::user>},
    {"listen.tcp_udp", Repeat::kAccumulates, &Listen<true, true>},
    {"listen.tcp", Repeat::kAccumulates, &Listen<true, false>},
    {"listen.udp", Repeat::kAccumulates, &Listen<false, true>},
    {"listen.udp.workers", Repeat::kLastWins, &SetNumber<&Config::udp_workers, 0u, kMaxU32>},
    {"access.whitelist", Repeat::kLastWins, &AccessList<AccessMode::kWhitelist>},
    {"access.blacklist", Repeat::kLastWins, &AccessList<AccessMode::kBlacklist>},
    {"access.fifo_add", Repeat::kLastWins, &SetString<&Config::fifo_add_path>},
    {"access.fifo_delete", Repeat::kLastWins, &SetString<&Config::fifo_delete_path>},
    {"access.stats", Repeat::kAccumulates, &AddNet<&Config::stats_networks>},
    {"access.stats_path", Repeat::kLastWins, &SetString<&Config::stats_path>},
    {"access.proxy", Repeat::kAccumulates, &AddNet<&Config::proxy_networks>},
    {"tracker.redirect_url", Repeat::kLastWins, &SetString<&Config::redirect_url>},
    {"livesync.cluster.node_ip", Repeat::kAccumulates, &AddNet<&Config::livesync_networks>},
    {"livesync.cluster.listen", Repeat::kOnce, &LivesyncListen},
    // The port's own: upstream's compile-time WANT_* switches and new limits.
    {"tracker.statefile", Repeat::kLastWins, &SetString<&Config::statefile>},
    {"tracker.ip_from_query", Repeat::kLastWins, &SetBool<&Config::ip_from_query>},
    {"tracker.fullscrape", Repeat::kLastWins, &SetBool<&Config::fullscrape>},
    {"tracker.modest_fullscrapes", Repeat::kLastWins, &SetBool<&Config::modest_fullscrapes>},
    {"tracker.syslog", Repeat::kLastWins, &SetBool<&Config::syslog>},
    {"tracker.woodpeckers", Repeat::kLastWins, &SetBool<&Config::spot_woodpeckers>},
    {"tracker.log_numwant", Repeat::kLastWins, &SetBool<&Config::log_numwant>},
    {"tracker.fulllog", Repeat::kLastWins, &SetBool<&Config::fulllog_networks>},
    {"udp.connection_id_lifetime", Repeat::kLastWins,
     &SetNumber<&Config::udp_connection_id_lifetime_seconds, kMinConnectionIdLifetime,
                kMaxConnectionIdLifetime>},
    {"tracker.max_torrents", Repeat::kLastWins, &SetNumber<&Config::max_torrents, std::uint64_t{0}, kMaxU64>},
    {"tracker.max_peers", Repeat::kLastWins, &SetNumber<&Config::max_peers, std::uint64_t{0}, kMaxU64>},
});

}  // namespace

std::span<const Directive> Directives() noexcept { return kDirectives; }

const Directive* FindDirective(std::string_view keyword) noexcept {
  for (const Directive& directive : kDirectives) {
    if (directive.keyword == keyword) return &directive;
  }
  return nullptr;
}

void AddListener(Config& config, SocketKind kind, const proto::ListenAddress& address) {
  Listener listener;
  listener.kind = kind;
  listener.address = address;
  listener.udp_workers = kind == SocketKind::kUdp ? config.udp_workers : 0;
  config.listeners.push_back(listener);
}

ApplyResult SetAccessList(Config& config, AccessMode mode, std::string_view path) {
  // Upstream made this a compile-time choice (#error for both); here the
  // second kind named, from any file or flag, stops the start.
  if (config.access_mode != AccessMode::kOpen && config.access_mode != mode) {
    return ApplyResult::Error(kMutuallyExclusiveLists);
  }
  config.access_mode = mode;
  config.access_list_path = std::string(path);
  return ApplyResult::Ok();
}

ApplyResult SetLivesyncListen(Config& config, const proto::ListenAddress& address) {
  if (!address.ip.IsV4()) return ApplyResult::Error(kLivesyncNotV4);
  if (config.livesync_listen) return ApplyResult::Error(kLivesyncTwice);
  config.livesync_listen = address;
  return ApplyResult::Ok();
}

void BlessForEverything(Config& config, const NetMask& net) {
  config.stats_networks.push_back(net);
  config.proxy_networks.push_back(net);
  config.livesync_networks.push_back(net);
}

}  // namespace ot::config::internal
