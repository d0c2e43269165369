#include "opentracker/config/config.hpp"

#include <string>

namespace ot::config {

std::string FormatDiagnostic(const Diagnostic& diagnostic) {
  std::string out = diagnostic.source;
  // The command line has no line numbers: "command line: <message>".
  if (diagnostic.line > 0) {
    out += ':';
    out += std::to_string(diagnostic.line);
  }
  out += ": ";
  out += diagnostic.message;
  return out;
}

}  // namespace ot::config
