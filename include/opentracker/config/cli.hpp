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

// `args` is argv as given to main: args[0] is the program name and is not
// an option. getopt rules: "-p 6969" and "-p6969", clustered flags ("-vh"),
// "--" ends the options, other non-option words are ignored with a warning.
// -h, -v and usage errors stop at once; config errors are collected and the
// rest of the line is still read (action kConfigError at the end).
CommandLine ParseCommandLine(const std::vector<std::string>& args, const FileReader& read_file);

// The usage line, "Usage: <argv0> [-i ip] [-p port] ...\n" (what a usage
// error prints).
std::string UsageText(const std::string& argv0);
// The whole -h output: the usage line, the help lines (upstream's HEAD
// layout, "\t%-10s%s\n") and the example.
std::string HelpText(const std::string& argv0);

}  // namespace ot::config
