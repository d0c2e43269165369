// Fuzz target for stats/statedump: the strict state file reader. Checks that
// every non-empty line is either a record or counted as malformed, that the
// records are exactly those an independent std::from_chars reader accepts,
// in file order, and that writing a record and reading it back gives it again.
//
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "opentracker/stats/statedump.hpp"

namespace {

using ot::stats::StatedumpRecord;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool ReadU32(std::string_view s, std::uint32_t& v) {
  if (!AllDigits(s)) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// The same rules, written differently: split on ':' first, then check parts.
bool ReferenceLine(std::string_view line, StatedumpRecord& out) {
  const std::size_t first = line.find(':');
  if (first != 40) return false;
  const std::size_t second = line.find(':', first + 1);
  if (second == std::string_view::npos) return false;
  for (std::size_t i = 0; i < 20; ++i) {
    const char pair[2] = {line[2 * i], line[2 * i + 1]};
    for (char c : pair) {
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) return false;
    }
    unsigned byte = 0;
    const auto r = std::from_chars(pair, pair + 2, byte, 16);
    if (r.ec != std::errc() || r.ptr != pair + 2) return false;
    out.info_hash.bytes[i] = static_cast<std::uint8_t>(byte);
  }
  return ReadU32(line.substr(first + 1, second - first - 1), out.base_minutes) &&
         ReadU32(line.substr(second + 1), out.downloaded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string copy(reinterpret_cast<const char*>(data), size);  // exact size for ASan
  const std::string_view text(copy);

  std::vector<StatedumpRecord> records;
  const std::size_t malformed =
      ot::stats::ParseStatedump(text, [&records](const StatedumpRecord& r) { records.push_back(r); });

  std::vector<StatedumpRecord> expected;
  std::size_t expected_malformed = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    StatedumpRecord r;
    if (ReferenceLine(line, r)) {
      expected.push_back(r);
    } else {
      ++expected_malformed;
    }
  }
  Check(malformed == expected_malformed);
  Check(records == expected);

  // Writing the records and reading them back gives them again, nothing malformed.
  std::string written;
  for (const StatedumpRecord& r : records) ot::stats::AppendStatedumpLine(r, written);
  std::vector<StatedumpRecord> again;
  Check(ot::stats::ParseStatedump(written, [&again](const StatedumpRecord& r) { again.push_back(r); }) == 0);
  Check(again == records);
  return 0;
}
