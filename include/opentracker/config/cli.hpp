// File: config/cli.hpp
// The command line (spec §2.1), processed left to right with upstream's
// meaning: -i sets the address for the following -p/-P/-s, and -f files are
// applied where they appear, so "-d X -f conf" lets the file's rootdir win.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "opentracker/config/config.hpp"

namespace ot::config {

// Reads a whole file; nullopt (with errno set) when it cannot be read.
using FileReader = std::function<std::optional<std::string>(const std::string& path)>;

struct CommandLine {
  enum class Action : std::uint8_t {
    kRun,           // start the tracker with `config`
    kPrintHelp,     // -h: usage + help lines to stderr, exit 0
    kPrintVersion,  // -v: version text to stderr, exit 0
    kUsageError,    // unknown flag or bad argument: usage line to stderr, exit 1
    kConfigError,   // an error diagnostic (unreadable -f file, bad value): exit 1
  };
  Action action = Action::kRun;
  Config config;
  std::vector<Diagnostic> diagnostics;
};

CommandLine ParseCommandLine(const std::vector<std::string>& args, const FileReader& read_file);

// "Usage: <argv0> [-i ip] [-p port] ..." and the help lines, upstream's layout.
std::string UsageText(const std::string& argv0);
std::string HelpText(const std::string& argv0);

}  // namespace ot::config
