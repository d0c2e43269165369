// Whole-file reads for config, access lists and state files.
#pragma once

#include <optional>
#include <string>

namespace ot::app {

// nullopt with errno set when the file cannot be read.
std::optional<std::string> ReadWholeFile(const std::string& path);

}  // namespace ot::app
