// opentracker: parse the command line (and the config files it names) into
// one Config value, then hand it to the daemon.
#include <cerrno>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app/files.hpp"
#include "app/wiring.hpp"
#include "opentracker/config/cli.hpp"

namespace {

void PrintDiagnostics(const std::vector<ot::config::Diagnostic>& diagnostics) {
  for (const ot::config::Diagnostic& d : diagnostics) {
    std::string line = ot::config::FormatDiagnostic(d) + "\n";
    std::fputs(line.c_str(), stderr);
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv, argv + argc);
    ot::config::CommandLine cli = ot::config::ParseCommandLine(args, ot::app::ReadWholeFile);
    const std::string argv0 = args.empty() ? "opentracker" : args[0];
    switch (cli.action) {
      case ot::config::CommandLine::Action::kPrintHelp:
        std::fputs(ot::config::HelpText(argv0).c_str(), stderr);
        return 0;
      case ot::config::CommandLine::Action::kPrintVersion:
        for (int i = 0; i < 14; ++i) std::fputs("$Source$: $Revision$\n", stderr);
        return 0;
      case ot::config::CommandLine::Action::kUsageError:
        PrintDiagnostics(cli.diagnostics);
        std::fputs(ot::config::UsageText(argv0).c_str(), stderr);
        return 1;
      case ot::config::CommandLine::Action::kConfigError:
        PrintDiagnostics(cli.diagnostics);
        return 1;
      case ot::config::CommandLine::Action::kRun:
        break;
    }
    PrintDiagnostics(cli.diagnostics);
    return ot::app::RunDaemon(cli.config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "opentracker: %s\n", e.what());
    return 1;
  }
}
