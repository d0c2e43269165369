// File: config/config_parser.hpp
// opentracker.conf parsing (spec §2.2) through one declarative directive
// table. Pure: text in, the updated Config and diagnostics out.
#pragma once

#include <string_view>
#include <vector>

#include "opentracker/config/config.hpp"

namespace ot::config {

// Applies the directives of one config file, in order, on top of `config`
// (later values win, as upstream). Unknown lines give upstream's
// "Unhandled line in config file: <line>" warning; a bad value of a known
// directive is an error diagnostic (the port refuses to start on it).
void ApplyConfigText(std::string_view text, std::string_view source_name, Config& config,
                     std::vector<Diagnostic>& diagnostics);

}  // namespace ot::config
