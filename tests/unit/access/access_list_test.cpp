// Access list file and FIFO line formats (spec §8.1, §8.3) and the sorted set.
#include "opentracker/access/access_list.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/golden.hpp"
#include "support/guarded_buffer.hpp"
#include "support/sanitizers.hpp"

namespace ot::access {
namespace {

using namespace std::string_literals;

InfoHash HashOf(std::uint8_t fill) {
  InfoHash h;
  h.bytes.fill(fill);
  return h;
}

std::string Hex(const InfoHash& h, bool upper = false) {
  static constexpr char kLower[] = "0123456789abcdef";
  static constexpr char kUpper[] = "0123456789ABCDEF";
  const char* digits = upper ? kUpper : kLower;
  std::string s;
  for (std::uint8_t b : h.bytes) {
    s.push_back(digits[b >> 4]);
    s.push_back(digits[b & 15]);
  }
  return s;
}

// The probe's fixture (otprobe_common.py).
InfoHash HashA() {
  InfoHash h;
  for (std::size_t i = 0; i < kInfoHashSize; ++i) h.bytes[i] = static_cast<std::uint8_t>(i + 1);
  return h;
}
InfoHash HashB() {
  InfoHash h;
  for (std::size_t i = 0; i < kInfoHashSize; ++i) h.bytes[i] = static_cast<std::uint8_t>('A' + i);
  return h;
}
const InfoHash kHashC = HashOf(0xaa);
const InfoHash kHashD = HashOf(0xdd);
const InfoHash kHashE = HashOf(0xee);
const InfoHash kHashF = HashOf(0xff);
const InfoHash kHashS = HashOf(0x55);
const InfoHash kHashU = HashOf(0x77);
const InfoHash kHashX = HashOf(0x99);

std::string ToCrlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

bool IsSortedUnique(std::span<const InfoHash> hashes) {
  return std::adjacent_find(hashes.begin(), hashes.end(),
                            [](const InfoHash& a, const InfoHash& b) { return !(a < b); }) == hashes.end();
}

// ---------------------------------------------------------------------------
// The probe's whitelist, as Debian's opentracker read it.
// ---------------------------------------------------------------------------

void ExpectProbeWhitelist(const AccessListParse& parsed, bool with_x) {
  EXPECT_EQ(parsed.accepted_lines, with_x ? 7u : 6u);
  EXPECT_EQ(parsed.rejected_lines, 3u);  // the '#' comment, 41 hex digits (E), leading blank (F)
  EXPECT_EQ(parsed.list.size(), with_x ? 7u : 6u);
  for (const InfoHash& h : {HashA(), HashB(), kHashC, kHashD, kHashS, kHashU}) {
    EXPECT_TRUE(parsed.list.Contains(h)) << Hex(h);
  }
  EXPECT_FALSE(parsed.list.Contains(kHashE));
  EXPECT_FALSE(parsed.list.Contains(kHashF));
  EXPECT_EQ(parsed.list.Contains(kHashX), with_x);
  EXPECT_TRUE(IsSortedUnique(parsed.list.hashes()));
}

TEST(ParseAccessList, GoldenWhitelist) {
  ExpectProbeWhitelist(ParseAccessList(test::ReadGolden("whitelist.txt")), false);
}

TEST(ParseAccessList, GoldenWhitelistAfterHup) {
  ExpectProbeWhitelist(ParseAccessList(test::ReadGolden("whitelist-after-hup.txt")), true);
}

TEST(ParseAccessList, GoldenWhitelistWithCrlf) {
  const std::string text = ToCrlf(test::ReadGolden("whitelist.txt"));
  ASSERT_NE(text.find("\r\n"), std::string::npos);
  ExpectProbeWhitelist(ParseAccessList(text), false);
}

TEST(ParseAccessList, GoldenWhitelistWithoutFinalNewline) {
  std::string text = test::ReadGolden("whitelist.txt");
  ASSERT_EQ(text.back(), '\n');
  text.pop_back();  // the last line is HASH_U's, which must still count
  ExpectProbeWhitelist(ParseAccessList(text), false);
  ExpectProbeWhitelist(ParseAccessList(ToCrlf(text)), false);
}

// Every prefix of the golden file gives exactly the lines that are complete in it.
TEST(ParseAccessList, EveryPrefixOfTheGoldenFile) {
  const std::string text = test::ReadGolden("whitelist.txt");
  const std::vector<std::pair<InfoHash, std::size_t>> line_ends = [&] {
    // hash -> offset just past its 40 digits, in file order
    std::vector<std::pair<InfoHash, std::size_t>> v;
    for (const InfoHash& h : {HashA(), HashB(), kHashC, kHashD, kHashS, kHashU}) {
      std::string hex = Hex(h, h == kHashC);
      const std::size_t at = text.find(hex);
      EXPECT_NE(at, std::string::npos);
      v.emplace_back(h, at + 40);
    }
    return v;
  }();
  const std::size_t e_start = text.find(Hex(kHashE) + "e");
  ASSERT_NE(e_start, std::string::npos);
  for (std::size_t len = 0; len <= text.size(); ++len) {
    const test::GuardedBuffer prefix(std::string_view(text).substr(0, len));  // over-reads crash
    const AccessListParse parsed = ParseAccessList(prefix.view());
    for (const auto& [hash, end] : line_ends) {
      ASSERT_EQ(parsed.list.Contains(hash), len >= end) << "len " << len << " " << Hex(hash);
    }
    // The 41-digit line is a hash only when the text ends right after its 40th digit.
    ASSERT_EQ(parsed.list.Contains(kHashE), len == e_start + 40) << len;
    ASSERT_FALSE(parsed.list.Contains(kHashF)) << len;
  }
}

// ---------------------------------------------------------------------------
// Line rules
// ---------------------------------------------------------------------------

TEST(ParseAccessList, DigitsOfEitherCaseDecode) {
  InfoHash h;
  for (std::size_t i = 0; i < kInfoHashSize; ++i) h.bytes[i] = static_cast<std::uint8_t>(i * 13 + 0x0f);
  const std::string lower = Hex(h);
  const std::string upper = Hex(h, true);
  std::string mixed = lower;
  for (std::size_t i = 0; i < mixed.size(); i += 2) mixed[i] = upper[i];
  for (const std::string& line : {lower, upper, mixed}) {
    const AccessListParse parsed = ParseAccessList(line + "\n");
    ASSERT_EQ(parsed.list.size(), 1u) << line;
    EXPECT_EQ(parsed.list.hashes()[0], h) << line;
  }
  // All sixteen digits, both cases, at every nibble position.
  const AccessListParse all = ParseAccessList("0123456789abcdefABCDEF0123456789abcdef01\n");
  ASSERT_EQ(all.list.size(), 1u);
  const std::uint8_t expected[20] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xab, 0xcd,
                                     0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01};
  EXPECT_TRUE(std::equal(std::begin(expected), std::end(expected), all.list.hashes()[0].bytes.begin()));
}

TEST(ParseAccessList, AnyNonHexByteMayFollowTheFortyDigits) {
  const std::string hex = Hex(kHashD);
  for (int c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const bool is_hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
    std::string line = hex;
    line.push_back(ch);
    line += "rest of the line";
    const AccessListParse parsed = ParseAccessList(line);
    EXPECT_EQ(parsed.list.Contains(kHashD), !is_hex) << c;
    EXPECT_EQ(parsed.accepted_lines + parsed.rejected_lines, c == '\n' ? 2u : 1u) << c;
  }
}

TEST(ParseAccessList, RejectionReasons) {
  const std::string hex = Hex(kHashD);
  const std::string rejected[] = {
      " " + hex,                   // leading blank
      "\t" + hex,                  // leading tab
      "#" + hex,                   // comment
      "# " + hex,                  // comment
      hex + "e",                   // 41 digits
      hex + "0123456789",          // 50 digits
      hex.substr(0, 39),           // 39 digits at the end of the text
      hex.substr(0, 39) + " ",     // 39 digits and a blank
      hex.substr(0, 39) + "g",     // 39 digits and a non-hex letter
      "0x" + hex,                  // prefix
      "+" + hex,                   // sign
      "\r" + hex,                  // CR first is not blank-then-hash
      std::string(1, '\0') + hex,  // NUL first
      "g" + hex.substr(1),         // non-hex first digit
  };
  for (const std::string& line : rejected) {
    for (const std::string& ending : {std::string(), std::string("\n"), std::string("\r\n")}) {
      const AccessListParse parsed = ParseAccessList(line + ending);
      EXPECT_EQ(parsed.list.size(), 0u) << line;
      EXPECT_EQ(parsed.accepted_lines, 0u) << line;
      EXPECT_EQ(parsed.rejected_lines, 1u) << line;
    }
  }
  // A non-hex byte at each of the 40 positions.
  for (std::size_t i = 0; i < 40; ++i) {
    std::string line = hex;
    line[i] = 'z';
    const AccessListParse parsed = ParseAccessList(line + "\n");
    EXPECT_EQ(parsed.accepted_lines, 0u) << i;
    EXPECT_EQ(parsed.rejected_lines, 1u) << i;
  }
}

TEST(ParseAccessList, BlankLinesAreNotCounted) {
  const std::string hex = Hex(kHashC);
  const AccessListParse parsed = ParseAccessList("\n\n  \n\t\n\r\n \r\n" + hex + "\n\n");
  EXPECT_EQ(parsed.accepted_lines, 1u);
  EXPECT_EQ(parsed.rejected_lines, 0u);
  EXPECT_TRUE(parsed.list.Contains(kHashC));

  const AccessListParse empty = ParseAccessList("");
  EXPECT_EQ(empty.accepted_lines + empty.rejected_lines, 0u);
  EXPECT_EQ(empty.list.size(), 0u);
}

TEST(ParseAccessList, LinesAreSplitOnlyAtLf) {
  // A lone CR does not end a line: the second hash here is part of the first line's comment.
  const std::string text = Hex(kHashC) + "\r" + Hex(kHashD) + "\n" + Hex(kHashS);
  const AccessListParse parsed = ParseAccessList(text);
  EXPECT_EQ(parsed.accepted_lines, 2u);
  EXPECT_TRUE(parsed.list.Contains(kHashC));
  EXPECT_FALSE(parsed.list.Contains(kHashD));
  EXPECT_TRUE(parsed.list.Contains(kHashS));
}

TEST(ParseAccessList, DuplicatesCountAsLinesButNotAsEntries) {
  const std::string text =
      Hex(kHashC) + "\n" + Hex(kHashC, true) + "\n" + Hex(kHashD) + "\n" + Hex(kHashC) + " again\n";
  const AccessListParse parsed = ParseAccessList(text);
  EXPECT_EQ(parsed.accepted_lines, 4u);
  EXPECT_EQ(parsed.list.size(), 2u);
  EXPECT_TRUE(IsSortedUnique(parsed.list.hashes()));
}

TEST(ParseAccessList, BinaryJunkNeverFailsAndOnlyYieldsLineStartHashes) {
  std::mt19937_64 rng(0xacce55);
  for (int iteration = 0; iteration < 300; ++iteration) {
    std::string text(rng() % 4096, '\0');
    for (char& c : text) c = static_cast<char>(rng());
    // Salt some runs with hex digits and newlines so hashes do occur.
    if (iteration % 2) {
      for (std::size_t i = 0; i + 41 < text.size(); i += 1 + rng() % 200) {
        const std::string hex = Hex(HashOf(static_cast<std::uint8_t>(rng())));
        text.replace(i, 40, hex);
        text[i + 40] = (rng() % 2) ? '\n' : static_cast<char>(rng());
        if (i > 0 && rng() % 2) text[i - 1] = '\n';
      }
    }
    const AccessListParse parsed = ParseAccessList(text);
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    ASSERT_LE(parsed.accepted_lines + parsed.rejected_lines, lines);
    ASSERT_LE(parsed.list.size(), parsed.accepted_lines);
    ASSERT_TRUE(IsSortedUnique(parsed.list.hashes()));
    // Each entry is spelt, in some case mix, at the start of the text or right after a LF.
    std::string lowered = text;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c + 32) : c; });
    for (const InfoHash& h : parsed.list.hashes()) {
      const std::string hex = Hex(h);
      const bool at_start = lowered.compare(0, 40, hex) == 0;
      ASSERT_TRUE(at_start || lowered.find("\n" + hex) != std::string::npos) << Hex(h);
    }
  }
}

// 1,000,000 lines (the size of a big public tracker's list) with the debug build.
TEST(ParseAccessList, MillionLinesParseQuickly) {
  constexpr std::size_t kLines = 1'000'000;
  std::mt19937_64 rng(0xb16);
  // Generated with raw pointers: this test runs in the -O0 build too.
  std::vector<InfoHash> expected(kLines);
  std::string text(kLines * 41, '\n');
  static constexpr char kDigits[] = "0123456789abcdef";
  char* out = text.data();
  for (std::size_t line = 0; line < kLines; ++line, ++out) {
    std::uint8_t* bytes = expected.data()[line].bytes.data();
    const std::uint64_t r[3] = {rng(), rng(), rng()};
    std::memcpy(bytes, r, kInfoHashSize);
    for (std::size_t i = 0; i < kInfoHashSize; ++i) {
      *out++ = kDigits[bytes[i] >> 4];
      *out++ = kDigits[bytes[i] & 15];
    }
  }

  const auto start = std::chrono::steady_clock::now();
  const AccessListParse parsed = ParseAccessList(text);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("parsed %zu lines in %.3f s\n", kLines, seconds);

  EXPECT_EQ(parsed.accepted_lines, kLines);
  EXPECT_EQ(parsed.rejected_lines, 0u);
  ASSERT_EQ(parsed.list.size(), kLines);  // 160 random bits: no duplicates
  for (std::size_t i = 0; i < kLines; i += 9973) EXPECT_TRUE(parsed.list.Contains(expected[i])) << i;
  InfoHash absent = expected[0];
  absent.bytes[19] ^= 1;
  EXPECT_FALSE(parsed.list.Contains(absent));
  // Sanitizers slow this down several times; the bound is for the plain debug build.
  if (!test::kUnderAddressSanitizer) {
    EXPECT_LT(seconds, 1.0);
  }
}

// ---------------------------------------------------------------------------
// FIFO lines
// ---------------------------------------------------------------------------

TEST(ParseAccessListLine, AcceptsAHashEndedByEolBlankOrComment) {
  const std::string hex = Hex(kHashD);
  for (const std::string& suffix :
       {std::string(), std::string("\n"), std::string("\r\n"), std::string(" comment"), std::string("\tx"),
        std::string("#comment"), std::string("# c\n"), std::string("\r")}) {
    const auto h = ParseAccessListLine(hex + suffix);
    ASSERT_TRUE(h.has_value()) << suffix;
    EXPECT_EQ(*h, kHashD);
  }
  EXPECT_EQ(ParseAccessListLine(Hex(kHashC, true) + "\n"), kHashC);
  EXPECT_EQ(ParseAccessListLine(Hex(HashA()) + "\n"), HashA());
}

TEST(ParseAccessListLine, RejectsEverythingElse) {
  const std::string hex = Hex(kHashD);
  const std::string bad[] = {
      "",
      "\n",
      " " + hex,
      "\t" + hex,
      "#" + hex,
      hex + "e",
      hex + "0",
      hex + "x",
      hex + ",",
      hex + ";",
      hex + "\0"s,
      hex + "-",
      hex.substr(0, 39),
      hex.substr(0, 39) + "\n",
      "0x" + hex,
      "g" + hex.substr(1),
  };
  for (const std::string& line : bad) EXPECT_FALSE(ParseAccessListLine(line).has_value()) << line;
  for (std::size_t i = 0; i < 40; ++i) {
    std::string line = hex + "\n";
    line[i] = '\n';
    EXPECT_FALSE(ParseAccessListLine(line).has_value()) << i;
    line[i] = 'G';
    EXPECT_FALSE(ParseAccessListLine(line).has_value()) << i;
  }
  // Every prefix shorter than 40 digits.
  for (std::size_t len = 0; len < 40; ++len) {
    EXPECT_FALSE(ParseAccessListLine(hex.substr(0, len)).has_value()) << len;
  }
}

// ---------------------------------------------------------------------------
// AccessList
// ---------------------------------------------------------------------------

TEST(AccessList, EmptyContainsNothing) {
  const AccessList list;
  EXPECT_EQ(list.size(), 0u);
  EXPECT_TRUE(list.empty());
  EXPECT_TRUE(list.hashes().empty());
  EXPECT_FALSE(list.Contains(InfoHash{}));
  EXPECT_FALSE(list.Contains(kHashC));
}

TEST(AccessList, SortsRemovesDuplicatesAndFindsEveryMember) {
  std::mt19937_64 rng(7);
  std::vector<InfoHash> input;
  for (int i = 0; i < 2000; ++i) {
    InfoHash h;
    for (auto& b : h.bytes) b = static_cast<std::uint8_t>(rng() % 4);  // small alphabet: close neighbours
    input.push_back(h);
    if (i % 3 == 0) input.push_back(h);
  }
  std::vector<InfoHash> reference = input;
  std::sort(reference.begin(), reference.end());
  reference.erase(std::unique(reference.begin(), reference.end()), reference.end());

  const AccessList list(input);
  ASSERT_EQ(list.size(), reference.size());
  EXPECT_TRUE(std::equal(reference.begin(), reference.end(), list.hashes().begin()));
  for (const InfoHash& h : input) EXPECT_TRUE(list.Contains(h));
  for (int i = 0; i < 2000; ++i) {
    InfoHash h;
    for (auto& b : h.bytes) b = static_cast<std::uint8_t>(rng() % 5);
    EXPECT_EQ(list.Contains(h), std::binary_search(reference.begin(), reference.end(), h));
  }
  // Extremes of the byte order (unsigned comparison).
  const AccessList edges({HashOf(0xff), HashOf(0x00), HashOf(0x80), HashOf(0x7f)});
  ASSERT_EQ(edges.size(), 4u);
  EXPECT_EQ(edges.hashes()[0], HashOf(0x00));
  EXPECT_EQ(edges.hashes()[1], HashOf(0x7f));
  EXPECT_EQ(edges.hashes()[2], HashOf(0x80));
  EXPECT_EQ(edges.hashes()[3], HashOf(0xff));
  for (std::uint8_t b : {0x00, 0x7f, 0x80, 0xff}) EXPECT_TRUE(edges.Contains(HashOf(b)));
  for (std::uint8_t b : {0x01, 0x7e, 0x81, 0xfe}) EXPECT_FALSE(edges.Contains(HashOf(b)));
}

}  // namespace
}  // namespace ot::access
