// The command line as opentracker.c's main() reads it with getopt
// (":i:p:A:P:d:u:r:s:f:l:v" + "w:"/"b:" + "h"), every WANT_*-dependent
// flag always on. Flags act at once on the Config being built; binding is
// left to app/. Stricter than upstream: -p/-P/-s ports above 65535 and
// trailing junk after -i/-A values are usage errors (quirk 23).
#include "opentracker/config/cli.hpp"

#include <cerrno>
#include <cstring>
#include <string_view>

#include "config/directive_table.hpp"
#include "opentracker/config/config_parser.hpp"
#include "opentracker/proto/ip_text.hpp"

namespace ot::config {
namespace {

constexpr std::string_view kCommandLine = "command line";

// Flags taking an argument, then the flags without one.
constexpr std::string_view kFlagsWithArgument = "ipAPdursflwb";
constexpr std::string_view kFlagsWithoutArgument = "vh";

// Decimal digits only. Upstream's scan_ushort stopped before overflowing,
// so "70000" became port 7000 (quirk 23); here it is an error.
std::optional<std::uint16_t> ParsePort(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
    if (value > 65535) return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

void Report(CommandLine& result, Diagnostic::Severity severity, std::string message) {
  Diagnostic diagnostic;
  diagnostic.severity = severity;
  diagnostic.source = std::string(kCommandLine);
  diagnostic.line = 0;
  diagnostic.message = std::move(message);
  result.diagnostics.push_back(std::move(diagnostic));
}

void ReportIfFailed(CommandLine& result, const internal::ApplyResult& applied) {
  if (!applied.ok) Report(result, Diagnostic::Severity::kError, std::string(applied.message));
}

// Applies one flag. Returns false when parsing must stop with result.action
// already set (usage error, -h, -v).
bool ApplyFlag(char flag, const std::string& argument, const FileReader& read_file, CommandLine& result) {
  Config& config = result.config;
  switch (flag) {
    case 'i': {
      const std::optional<IpAddress> ip = proto::ParseIpAddress(argument);
      if (!ip) break;
      config.default_ip = *ip;
      return true;
    }
    case 'p':
    case 'P': {
      const std::optional<std::uint16_t> port = ParsePort(argument);
      if (!port) break;
      internal::AddListener(config, flag == 'p' ? SocketKind::kTcp : SocketKind::kUdp,
                            proto::ListenAddress{config.default_ip, *port});
      return true;
    }
    case 's': {
      const std::optional<std::uint16_t> port = ParsePort(argument);
      if (!port) break;
      ReportIfFailed(result,
                     internal::SetLivesyncListen(config, proto::ListenAddress{config.default_ip, *port}));
      return true;
    }
    case 'A': {
      const std::optional<NetMask> net = proto::ParseNetMask(argument);
      if (!net) break;
      internal::BlessForEverything(config, *net);
      return true;
    }
    case 'r':
      config.redirect_url = argument;
      return true;
    case 'd':
      config.rootdir = argument;
      return true;
    case 'u':
      config.user = argument;
      return true;
    case 'l':
      config.statefile_to_load = argument;
      return true;
    case 'w':
    case 'b':
      ReportIfFailed(result,
                     internal::SetAccessList(
                         config, flag == 'w' ? AccessMode::kWhitelist : AccessMode::kBlacklist, argument));
      return true;
    case 'f': {
      errno = 0;
      const std::optional<std::string> text = read_file(argument);
      if (!text) {
        const int error = errno;
        Report(result, Diagnostic::Severity::kError,
               "Can't open config file: " + argument + ": " + std::strerror(error));
        return true;
      }
      // Applied right here, so later flags override the file and earlier ones are overridden by it.
      ApplyConfigText(*text, argument, config, result.diagnostics);
      return true;
    }
    case 'v':
      result.action = CommandLine::Action::kPrintVersion;
      return false;
    case 'h':
      result.action = CommandLine::Action::kPrintHelp;
      return false;
    default:
      break;
  }
  result.action = CommandLine::Action::kUsageError;
  return false;
}

bool HasErrors(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.severity == Diagnostic::Severity::kError) return true;
  }
  return false;
}

void AppendHelpLine(std::string& out, std::string_view option, std::string_view description) {
  // printf("\t%-10s%s\n"): options longer than 10 run into their text, as upstream's do.
  out += '\t';
  out += option;
  if (option.size() < 10) out.append(10 - option.size(), ' ');
  out += description;
  out += '\n';
}

}  // namespace

CommandLine ParseCommandLine(const std::vector<std::string>& args, const FileReader& read_file) {
  CommandLine result;
  bool options_ended = false;
  for (std::size_t index = 1; index < args.size(); ++index) {
    const std::string& word = args[index];
    if (options_ended || word.size() < 2 || word[0] != '-') {
      // GNU getopt moves such words to the end and upstream never looks at them.
      Report(result, Diagnostic::Severity::kWarning, "Ignored command line argument: " + word);
      continue;
    }
    if (word == "--") {
      options_ended = true;
      continue;
    }
    // A cluster of flags, "-vh", where a flag taking an argument ends it:
    // the rest of the word ("-p6969") or else the next word ("-p 6969").
    for (std::size_t at = 1; at < word.size(); ++at) {
      const char flag = word[at];
      std::string argument;
      if (kFlagsWithArgument.find(flag) != std::string_view::npos) {
        if (at + 1 < word.size()) {
          argument = word.substr(at + 1);
        } else if (index + 1 < args.size()) {
          argument = args[++index];
        } else {
          result.action = CommandLine::Action::kUsageError;  // getopt's ':' for a missing argument
          return result;
        }
        at = word.size();
      } else if (kFlagsWithoutArgument.find(flag) == std::string_view::npos) {
        result.action = CommandLine::Action::kUsageError;
        return result;
      }
      if (!ApplyFlag(flag, argument, read_file, result)) return result;
    }
  }
  result.action =
      HasErrors(result.diagnostics) ? CommandLine::Action::kConfigError : CommandLine::Action::kRun;
  return result;
}

std::string UsageText(const std::string& argv0) {
  return "Usage: " + argv0 +
         " [-i ip] [-p port] [-P port] [-r redirect] [-d dir] [-u user] [-A ip[/bits]] [-f config]"
         " [-s livesyncport] [-l statefile] [-w whitelistfile] [-b blacklistfile] [-v] [-h]\n";
}

std::string HelpText(const std::string& argv0) {
  std::string out = UsageText(argv0);
  // HEAD's lines, with the defaults that hold here (quirk 22), then the
  // flags every build of the port has.
  AppendHelpLine(out, "-f config", "include and execute the config file");
  AppendHelpLine(out, "-i ip",
                 "specify ip to bind to with next -[pPs] (default: :: i.e. any, dual stack, overrides "
                 "preceding ones)");
  AppendHelpLine(out, "-p port", "do bind to tcp port (default: 6969, you may specify more than one)");
  AppendHelpLine(out, "-P port", "do bind to udp port (default: 6969, you may specify more than one)");
  AppendHelpLine(out, "-r redirecturl", "specify url where / should be redirected to (default none)");
  AppendHelpLine(out, "-d dir", "specify directory to chroot to (as root) or chdir to (default: none)");
  AppendHelpLine(out, "-u user",
                 "specify user under whose privileges opentracker should run (default: \"nobody\")");
  AppendHelpLine(out, "-A ip[/bits]",
                 "bless an ip address or net as admin address (e.g. to allow syncs from this address)");
  AppendHelpLine(out, "-s port",
                 "do live sync on this port at the last -i ip (must be IPv4; the usual port is 9696)");
  AppendHelpLine(out, "-l file", "load torrents from a state file (as written by /stats?mode=statedump)");
  AppendHelpLine(out, "-w file", "specify whitelist file.");
  AppendHelpLine(out, "-b file", "specify blacklist file.");
  AppendHelpLine(out, "-v", "print the version and exit");
  AppendHelpLine(out, "-h", "print this help and exit");
  out +=
      "\nExample:   ./opentracker -i 127.0.0.1 -p 6969 -P 6969 -f ./opentracker.conf -i 10.1.1.23 -p 2710 -p "
      "80\n"
      "           Here -i 127.0.0.1 selects the ip address for the next -p 6969 and -P 6969.\n"
      "           If no port is bound from config file or command line, the last address given\n"
      "           (or :: if none is set) will be used on port 6969.\n";
  return out;
}

}  // namespace ot::config
