// opentracker.conf lines as opentracker.c's parse_configfile reads them
// (spec §2.2), dispatched through the directive table. Differences from
// upstream, all toward refusing to start on a broken file: a bad value is
// an error instead of an ignored line, and a line longer than upstream's
// 511-character fgets buffer is an error instead of being split in two.
#include "opentracker/config/config_parser.hpp"

#include <string>

#include "config/directive_table.hpp"

namespace ot::config {
namespace {

constexpr std::size_t kMaxLineLength = 511;  // upstream reads lines into char[512]

// C isspace in the "C" locale, which is what upstream's checks use.
bool IsSpace(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view SkipLeadingSpace(std::string_view text) noexcept {
  std::size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) ++i;
  return text.substr(i);
}

std::string_view StripTrailingSpace(std::string_view text) noexcept {
  std::size_t n = text.size();
  while (n > 0 && IsSpace(text[n - 1])) --n;
  return text.substr(0, n);
}

void Report(Diagnostic::Severity severity, std::string_view source, int line, std::string message,
            std::vector<Diagnostic>& diagnostics) {
  Diagnostic diagnostic;
  diagnostic.severity = severity;
  diagnostic.source = std::string(source);
  diagnostic.line = line;
  diagnostic.message = std::move(message);
  diagnostics.push_back(std::move(diagnostic));
}

void ApplyLine(std::string_view raw, std::string_view source, int line_number, Config& config,
               std::vector<Diagnostic>& diagnostics) {
  if (raw.size() > kMaxLineLength) {
    Report(Diagnostic::Severity::kError, source, line_number,
           "Line too long in config file: more than " + std::to_string(kMaxLineLength) + " characters",
           diagnostics);
    return;
  }
  const std::string_view content = StripTrailingSpace(SkipLeadingSpace(raw));
  if (content.empty() || content.front() == '#') return;
  // Upstream prints its whole buffer: leading blanks kept, trailing ones cut.
  const std::string_view printed = StripTrailingSpace(raw);

  std::size_t keyword_end = 0;
  while (keyword_end < content.size() && !IsSpace(content[keyword_end])) ++keyword_end;
  // A keyword must be followed by a blank and a value; "tracker.user" alone is unknown.
  const internal::Directive* directive =
      keyword_end < content.size() ? internal::FindDirective(content.substr(0, keyword_end)) : nullptr;
  if (directive == nullptr) {
    Report(Diagnostic::Severity::kWarning, source, line_number,
           "Unhandled line in config file: " + std::string(printed), diagnostics);
    return;
  }
  const std::string_view value = SkipLeadingSpace(content.substr(keyword_end));
  const internal::ApplyResult result = directive->apply(value, config);
  if (result.ok) return;
  Report(Diagnostic::Severity::kError, source, line_number,
         result.message.empty() ? "Parse error in config file: " + std::string(printed)
                                : std::string(result.message),
         diagnostics);
}

}  // namespace

void ApplyConfigText(std::string_view text, std::string_view source_name, Config& config,
                     std::vector<Diagnostic>& diagnostics) {
  int line_number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    const std::size_t length = (end == std::string_view::npos ? text.size() : end) - pos;
    ++line_number;
    ApplyLine(text.substr(pos, length), source_name, line_number, config, diagnostics);
    pos += length + 1;
  }
}

}  // namespace ot::config
