// Config text and command lines. Input: the first line (up to '\n') is a
// command line, words split at blanks; the rest is the text of "c.conf",
// which the command line may name with -f. Invariants: no crash, line
// numbers inside the file, only the known message texts, applying the file
// line by line equals applying it whole, and the result of a run is
// consistent with its diagnostics.
#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "opentracker/config/cli.hpp"
#include "opentracker/config/config_parser.hpp"

namespace {

using ot::config::Config;
using ot::config::Diagnostic;

void Check(bool condition) {
  if (!condition) std::abort();
}

bool StartsWith(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

bool KnownMessage(const Diagnostic& d) {
  if (d.severity == Diagnostic::Severity::kWarning) {
    return StartsWith(d.message, "Unhandled line in config file: ") ||
           StartsWith(d.message, "Ignored command line argument: ");
  }
  return StartsWith(d.message, "Parse error in config file: ") ||
         StartsWith(d.message, "Line too long in config file: ") ||
         StartsWith(d.message, "Can't open config file: ") ||
         d.message == "access.whitelist and access.blacklist are mutually exclusive" ||
         d.message == "Livesync listen ip specified twice." ||
         d.message == "v6 mcast support not yet available.";
}

void CheckFile(std::string_view text) {
  Config whole;
  std::vector<Diagnostic> whole_diagnostics;
  ot::config::ApplyConfigText(text, "c.conf", whole, whole_diagnostics);

  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  if (!text.empty() && text.back() != '\n') ++lines;
  int previous = 0;
  for (const Diagnostic& d : whole_diagnostics) {
    Check(d.source == "c.conf");
    Check(d.line > previous && static_cast<std::size_t>(d.line) <= lines);  // at most one per line, in order
    previous = d.line;
    Check(KnownMessage(d));
    Check(!ot::config::FormatDiagnostic(d).empty());
  }
  // Lines are independent except through the Config they build.
  Config by_line;
  std::vector<Diagnostic> line_diagnostics;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    const std::size_t length = (end == std::string_view::npos ? text.size() : end) - pos;
    ot::config::ApplyConfigText(text.substr(pos, length), "c.conf", by_line, line_diagnostics);
    pos += length + 1;
  }
  Check(by_line == whole);
  Check(line_diagnostics.size() == whole_diagnostics.size());
  for (std::size_t i = 0; i < line_diagnostics.size(); ++i) {
    Check(line_diagnostics[i].message == whole_diagnostics[i].message);
    Check(line_diagnostics[i].severity == whole_diagnostics[i].severity);
  }
  // Listeners: at most two per line; UDP workers are only on UDP listeners.
  Check(whole.listeners.size() <= 2 * lines);
  for (const ot::config::Listener& l : whole.listeners) {
    Check(l.kind == ot::config::SocketKind::kUdp || l.udp_workers == 0);
  }
  Check(whole.udp_connection_id_lifetime_seconds >= 120 && whole.udp_connection_id_lifetime_seconds <= 86400);
  if (whole.livesync_listen) Check(whole.livesync_listen->ip.IsV4());
  Check(whole.access_mode != ot::config::AccessMode::kOpen || whole.access_list_path.empty());
}

void CheckCommandLine(std::string_view words, std::string_view file) {
  std::vector<std::string> args = {"opentracker"};
  std::size_t pos = 0;
  while (pos < words.size() && args.size() < 64) {
    while (pos < words.size() && words[pos] == ' ') ++pos;
    const std::size_t end = std::min(words.find(' ', pos), words.size());
    if (end > pos) args.emplace_back(words.substr(pos, end - pos));
    pos = end;
  }
  int reads = 0;
  const ot::config::FileReader reader = [&](const std::string& path) -> std::optional<std::string> {
    ++reads;
    if (path != "c.conf" || reads > 4) {
      errno = ENOENT;
      return std::nullopt;
    }
    return std::string(file);
  };
  const ot::config::CommandLine cl = ot::config::ParseCommandLine(args, reader);
  bool errors = false;
  for (const Diagnostic& d : cl.diagnostics) {
    Check(KnownMessage(d));
    errors |= d.severity == Diagnostic::Severity::kError;
    if (d.source == "command line") Check(d.line == 0);
  }
  using Action = ot::config::CommandLine::Action;
  if (cl.action == Action::kRun) Check(!errors);
  if (cl.action == Action::kConfigError) Check(errors);
  if (cl.config.livesync_listen) Check(cl.config.livesync_listen->ip.IsV4());
  Check(cl.config.access_mode != ot::config::AccessMode::kOpen || cl.config.access_list_path.empty());
  Check(StartsWith(ot::config::UsageText(args[0]), "Usage: opentracker "));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  const std::string_view words = input.substr(0, newline == std::string_view::npos ? input.size() : newline);
  const std::string_view file =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  CheckFile(input);
  CheckFile(file);
  CheckCommandLine(words, file);
  return 0;
}
