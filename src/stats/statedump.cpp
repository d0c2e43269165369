// The state file line format and its strict reader (spec §10.1). Upstream's
// reader (ot_opentracker.c) scans 40 hex digits leniently and then two
// numbers; this one accepts exactly the lines its writer produces, in either
// hex case, and counts the rest instead of guessing.
#include "opentracker/stats/statedump.hpp"

#include "stats/text_format.hpp"

namespace ot::stats {

namespace {

constexpr std::size_t kHexLength = 2 * kInfoHashSize;

int HexValue(char ch) noexcept {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  return -1;
}

// 1+ digits with a value below 2^32, all of `text`.
bool ParseU32(std::string_view text, std::uint32_t& value) noexcept {
  if (text.empty()) return false;
  std::uint64_t v = 0;
  for (const char ch : text) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(ch - '0');
    if (v > 0xffffffffu) return false;
  }
  value = static_cast<std::uint32_t>(v);
  return true;
}

// One line without its terminator.
bool ParseLine(std::string_view line, StatedumpRecord& record) noexcept {
  if (line.size() < kHexLength + 4 || line[kHexLength] != ':') return false;
  for (std::size_t i = 0; i < kInfoHashSize; ++i) {
    const int high = HexValue(line[2 * i]);
    const int low = HexValue(line[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    record.info_hash.bytes[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  const std::string_view numbers = line.substr(kHexLength + 1);
  const std::size_t colon = numbers.find(':');
  if (colon == std::string_view::npos) return false;
  return ParseU32(numbers.substr(0, colon), record.base_minutes) &&
         ParseU32(numbers.substr(colon + 1), record.downloaded);
}

}  // namespace

void AppendStatedumpLine(const StatedumpRecord& record, std::string& out) {
  internal::AppendHash(record.info_hash, out);
  out.push_back(':');
  internal::AppendDecimal(record.base_minutes, out);
  out.push_back(':');
  internal::AppendDecimal(record.downloaded, out);
  out.push_back('\n');
}

std::size_t ParseStatedump(std::string_view text,
                           const std::function<void(const StatedumpRecord&)>& on_record) {
  std::size_t malformed = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    StatedumpRecord record;
    if (ParseLine(line, record)) {
      if (on_record) on_record(record);
    } else {
      ++malformed;
    }
  }
  return malformed;
}

}  // namespace ot::stats
