// Fuzz target for access/access_list: the file parser and the FIFO line parser
// on arbitrary bytes, checked against a direct reading of the rules and each other.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "opentracker/access/access_list.hpp"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// The 40 leading digits of `line` spell `hash` (either case).
bool Spells(std::string_view line, const ot::InfoHash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  if (line.size() < 40) return false;
  for (std::size_t i = 0; i < 20; ++i) {
    const char hi = static_cast<char>(std::tolower(static_cast<unsigned char>(line[2 * i])));
    const char lo = static_cast<char>(std::tolower(static_cast<unsigned char>(line[2 * i + 1])));
    if (hi != kDigits[hash.bytes[i] >> 4] || lo != kDigits[hash.bytes[i] & 15]) return false;
  }
  return true;
}

bool FileRuleAccepts(std::string_view line) {
  if (line.size() < 40) return false;
  for (std::size_t i = 0; i < 40; ++i) {
    if (!IsHex(line[i])) return false;
  }
  return line.size() == 40 || !IsHex(line[40]);
}

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exact-size heap copy so ASan sees any read past the text.
  const std::string owned(reinterpret_cast<const char*>(data), size);
  const std::string_view text(owned);
  const ot::access::AccessListParse parsed = ot::access::ParseAccessList(text);
  const ot::access::AccessList& list = parsed.list;

  // Sorted, unique, and every entry found by Contains().
  const auto hashes = list.hashes();
  Check(hashes.size() == list.size());
  Check(list.size() <= parsed.accepted_lines);
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    Check(list.Contains(hashes[i]));
    if (i > 0) Check(hashes[i - 1] < hashes[i]);
  }

  // Line by line: the counts match the rules, every accepted line is in the list,
  // and the stricter FIFO rule never accepts what the file rule refuses.
  std::size_t accepted = 0, rejected = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    const bool file_ok = FileRuleAccepts(line);
    if (file_ok) {
      ++accepted;
    } else if (!IsBlank(line)) {
      ++rejected;
    }
    const auto fifo = ot::access::ParseAccessListLine(line);
    if (fifo) {
      Check(file_ok);
      Check(Spells(line, *fifo));
      Check(list.Contains(*fifo));
    }
  }
  Check(parsed.accepted_lines == accepted);
  Check(parsed.rejected_lines == rejected);

  // The whole input as one FIFO line.
  const auto whole = ot::access::ParseAccessListLine(text);
  if (whole) {
    Check(Spells(text, *whole));
    Check(text.size() == 40 || std::string_view(" \t\r\n#").find(text[40]) != std::string_view::npos);
  } else if (text.size() >= 40 && FileRuleAccepts(text.substr(0, 40))) {
    Check(text.size() > 40 && std::string_view(" \t\r\n#").find(text[40]) == std::string_view::npos);
  }
  return 0;
}
