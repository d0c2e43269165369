// Access list text formats (spec §8.1, §8.3) and the sorted hash set.
#include "opentracker/access/access_list.hpp"

#include "opentracker/core/hash_search.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace ot::access {
namespace {

constexpr std::size_t kHexDigits = 2 * kInfoHashSize;

// -1 for non-hex bytes. Our own table rather than scan_fromhex, so the fuzzer sees the logic.
constexpr std::array<std::int8_t, 256> kHexValue = [] {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (int c = 0; c < 10; ++c) table['0' + c] = static_cast<std::int8_t>(c);
  for (int c = 0; c < 6; ++c) {
    table['a' + c] = static_cast<std::int8_t>(10 + c);
    table['A' + c] = static_cast<std::int8_t>(10 + c);
  }
  return table;
}();

int HexValue(char c) noexcept { return kHexValue[static_cast<unsigned char>(c)]; }

// Decodes the 40 hex digits `line` starts with; false if it is shorter or one is not hex.
// Plain pointer code: the debug build (-O0) loads million-line lists in the tests.
bool DecodeLeadingHash(std::string_view line, InfoHash& hash) noexcept {
  if (line.size() < kHexDigits) return false;
  const auto* digit = reinterpret_cast<const unsigned char*>(line.data());
  const std::int8_t* value = kHexValue.data();
  std::uint8_t* out = hash.bytes.data();
  for (std::size_t i = 0; i < kInfoHashSize; ++i, digit += 2) {
    const int high = value[digit[0]];
    const int low = value[digit[1]];
    if ((high | low) < 0) return false;
    out[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return true;
}

bool IsBlank(std::string_view line) noexcept {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

int CompareHashes(const void* a, const void* b) noexcept { return std::memcmp(a, b, kInfoHashSize); }

bool HashEqual(const InfoHash& a, const InfoHash& b) noexcept {
  return std::memcmp(a.bytes.data(), b.bytes.data(), kInfoHashSize) == 0;
}

}  // namespace

AccessList::AccessList(std::vector<InfoHash> hashes) : hashes_(std::move(hashes)) {
  // memcmp order is InfoHash's operator<=> (bytewise, unsigned). qsort rather than
  // std::sort because its loop is libc's optimised code even in the -O0 debug build,
  // where std::sort's iterator layers make a million-entry list take several times longer.
  static_assert(sizeof(InfoHash) == kInfoHashSize);
  if (!hashes_.empty()) std::qsort(hashes_.data(), hashes_.size(), sizeof(InfoHash), CompareHashes);
  hashes_.erase(std::unique(hashes_.begin(), hashes_.end(), HashEqual), hashes_.end());
  hashes_.shrink_to_fit();
}

bool AccessList::Contains(const InfoHash& hash) const noexcept {
  std::size_t i = HashLowerBound(hashes_.data(), hashes_.size(), hash, [](const InfoHash& h) -> const InfoHash& {
    return h;
  });
  return i < hashes_.size() && hashes_[i] == hash;
}

AccessListParse ParseAccessList(std::string_view text) {
  AccessListParse result;
  std::vector<InfoHash> hashes;
  // Upstream reserves one entry per 41 bytes: a hash and its newline.
  hashes.reserve(text.size() / (kHexDigits + 1) + 1);
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;

    InfoHash hash;
    // The 41st byte must not be hex, so a 41-digit line is refused rather than truncated
    // (as ot_accesslist.c); whatever follows a non-hex byte is a comment.
    if (DecodeLeadingHash(line, hash) && (line.size() == kHexDigits || HexValue(line[kHexDigits]) < 0)) {
      hashes.push_back(hash);
      ++result.accepted_lines;
    } else if (!IsBlank(line)) {
      ++result.rejected_lines;
    }
  }
  result.list = AccessList(std::move(hashes));
  return result;
}

std::optional<InfoHash> ParseAccessListLine(std::string_view line) noexcept {
  InfoHash hash;
  if (!DecodeLeadingHash(line, hash)) return std::nullopt;
  if (line.size() == kHexDigits) return hash;
  // Upstream's FIFO reader only required 41 bytes; the intended rule (spec §8.3) is a
  // hash that ends where the line, a blank or a comment begins.
  switch (line[kHexDigits]) {
    case '\n':
    case '\r':
    case ' ':
    case '\t':
    case '#':
      return hash;
    default:
      return std::nullopt;
  }
}

}  // namespace ot::access
