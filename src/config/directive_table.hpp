// The one table of config directives (redis static_configs[], nginx
// ngx_command_t): keyword, how repeats behave, and the function that parses
// the value into its Config field. config_parser.cpp dispatches through it;
// cli.cpp uses the setters below for the flags that share a directive's
// rules (-w/-b, -s, -A, -p/-P); the sample-config test checks the
// documentation against it. Private to the config module.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "opentracker/config/config.hpp"

namespace ot::config::internal {

// What a second occurrence of a directive does.
enum class Repeat : std::uint8_t {
  kLastWins,     // replaces the earlier value (upstream's set_config_option)
  kAccumulates,  // adds another listener / network
  kOnce,         // a second one is an error (livesync.cluster.listen)
};

// Outcome of applying one value. `message` is empty for a plain bad value,
// which is reported with upstream's "Parse error in config file: <line>".
struct ApplyResult {
  bool ok = true;
  std::string_view message;

  static constexpr ApplyResult Ok() noexcept { return {}; }
  static constexpr ApplyResult ParseError() noexcept { return {false, {}}; }
  static constexpr ApplyResult Error(std::string_view text) noexcept { return {false, text}; }
};

// Parses `value` (leading blanks already skipped, trailing ones stripped,
// never empty) into `config`. On failure `config` is left unchanged.
using ApplyFunction = ApplyResult (*)(std::string_view value, Config& config);

struct Directive {
  std::string_view keyword;  // exactly as in opentracker.conf.sample, case-sensitive
  Repeat repeat;
  ApplyFunction apply;
};

// Every directive the port accepts, in upstream's order, then the port's own.
std::span<const Directive> Directives() noexcept;

// nullptr when `keyword` is not a directive (upstream's "Unhandled line").
const Directive* FindDirective(std::string_view keyword) noexcept;

inline constexpr std::string_view kMutuallyExclusiveLists =
    "access.whitelist and access.blacklist are mutually exclusive";
inline constexpr std::string_view kLivesyncTwice = "Livesync listen ip specified twice.";
inline constexpr std::string_view kLivesyncNotV4 = "v6 mcast support not yet available.";

// Shared by directives and flags.
// Adds a listener; UDP ones take config.udp_workers as it is now.
void AddListener(Config& config, SocketKind kind, const proto::ListenAddress& address);
// access.whitelist / -w and access.blacklist / -b: a path for `mode`; the other mode already chosen is an
// error.
ApplyResult SetAccessList(Config& config, AccessMode mode, std::string_view path);
// livesync.cluster.listen / -s: IPv4 only, at most once (ot_livesync.c's checks, in its order).
ApplyResult SetLivesyncListen(Config& config, const proto::ListenAddress& address);
// -A: the network is blessed for stats, proxy and livesync alike.
void BlessForEverything(Config& config, const NetMask& net);

}  // namespace ot::config::internal
