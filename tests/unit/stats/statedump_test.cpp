// The state file (spec §10.1): writer format, strict reader, round trips,
// every malformed-line reason, every truncation point, and the files the
// golden runs restored from (state-input.txt) or dumped.
#include "opentracker/stats/statedump.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "opentracker/stats/scrape_formats.hpp"
#include "stats_test_data.hpp"

namespace ot::stats {
namespace {

using namespace test_data;

struct Parsed {
  std::vector<StatedumpRecord> records;
  std::size_t malformed = 0;
};

Parsed Parse(std::string_view text) {
  Parsed p;
  p.malformed = ParseStatedump(text, [&p](const StatedumpRecord& r) { p.records.push_back(r); });
  return p;
}

constexpr std::string_view kHash = "0102030405060708090A0B0C0D0E0F1011121314";

TEST(StatedumpWriteTest, LineLayout) {
  std::string out = "x";
  AppendStatedumpLine({H0102(), 29930382, 1}, out);
  EXPECT_EQ(out, "x0102030405060708090A0B0C0D0E0F1011121314:29930382:1\n");
  out.clear();
  AppendStatedumpLine({Filled(0xff), 4294967295u, 0}, out);
  EXPECT_EQ(out, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF:4294967295:0\n");
  // The dump format writes the same line.
  std::string dump;
  AppendDumpRecord(DumpFormat::kStatedump, Filled(0xff), {9, 9, 0}, 4294967295u, dump);
  EXPECT_EQ(dump, out);
}

TEST(StatedumpParseTest, RoundTripOfRandomRecords) {
  std::mt19937 rng(12345);
  std::vector<StatedumpRecord> written;
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    StatedumpRecord r;
    for (auto& b : r.info_hash.bytes) b = static_cast<std::uint8_t>(rng());
    r.base_minutes = (i % 7 == 0) ? (i % 2 ? 0u : 4294967295u) : static_cast<std::uint32_t>(rng());
    r.downloaded = (i % 5 == 0) ? 0u : static_cast<std::uint32_t>(rng() % (i % 3 ? 100 : 4294967295u));
    written.push_back(r);
    if (i % 2) {
      AppendStatedumpLine(r, text);
    } else {
      AppendDumpRecord(DumpFormat::kStatedump, r.info_hash, {1, 2, r.downloaded}, r.base_minutes, text);
    }
  }
  const Parsed p = Parse(text);
  EXPECT_EQ(p.malformed, 0u);
  EXPECT_EQ(p.records, written);
}

TEST(StatedumpParseTest, GoldenDumpsParseBackToTheTorrents) {
  const std::pair<const char*, std::vector<Torrent> (*)()> cases[] = {
      {"http-B-main/121-stats-statedump.resp", DebMainTorrents},
      {"http-B-cross/509-cross-stats-statedump.resp", DebCrossTorrents},
      {"upstream-head-localbuild/http-v4/125-stats-statedump.resp", HeadMainTorrents},
      {"upstream-head-localbuild/http-v4-cross/509-cross-stats-statedump.resp", HeadCrossTorrents},
  };
  for (const auto& [golden, torrents] : cases) {
    const Parsed p = Parse(GoldenContent(golden));
    EXPECT_EQ(p.malformed, 0u) << golden;
    std::vector<StatedumpRecord> expected;
    for (const Torrent& t : torrents()) expected.push_back({t.hash, t.base_minutes, t.counts.downloaded});
    EXPECT_EQ(p.records, expected) << golden;
  }
}

TEST(StatedumpParseTest, GoldenStateInputFiles) {
  // DEB's -l input: three good lines, a junk line and one without downloaded.
  const Parsed deb = Parse(ot::test::ReadGolden("state-input.txt"));
  ASSERT_EQ(deb.records.size(), 3u);
  EXPECT_EQ(deb.malformed, 2u);
  EXPECT_EQ(deb.records[0], (StatedumpRecord{Filled(0x55), 29930373, 7}));
  EXPECT_EQ(deb.records[1], (StatedumpRecord{Filled(0x77), 29930283, 0}));
  EXPECT_EQ(deb.records[2], (StatedumpRecord{Filled(0x99), 29930373, 3}));

  const Parsed head = Parse(ot::test::ReadGolden("upstream-head-localbuild/state-input.txt"));
  EXPECT_EQ(head.malformed, 0u);
  ASSERT_EQ(head.records.size(), 2u);
  EXPECT_EQ(head.records[0], (StatedumpRecord{Filled(0x55), 29930374, 7}));
  EXPECT_EQ(head.records[1], (StatedumpRecord{Filled(0x77), 29930284, 0}));
}

TEST(StatedumpParseTest, HexOfEitherCase) {
  const Parsed p =
      Parse("0102030405060708090a0b0c0d0e0f1011121314:1:2\nAbCdEfabcdefABCDEF0123456789aBcDeF012345:3:4\n");
  EXPECT_EQ(p.malformed, 0u);
  ASSERT_EQ(p.records.size(), 2u);
  EXPECT_EQ(p.records[0].info_hash, H0102());
  const std::uint8_t second[20] = {0xab, 0xcd, 0xef, 0xab, 0xcd, 0xef, 0xab, 0xcd, 0xef, 0x01,
                                   0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45};
  EXPECT_EQ(p.records[1].info_hash, InfoHash::FromBytes(second));
}

TEST(StatedumpParseTest, LineEndings) {
  const std::string line = std::string(kHash) + ":10:20";
  for (const std::string& text : {line, line + "\n", line + "\r\n", "\n" + line,
                                  "\r\n\r\n" + line + "\r\n\r\n", "\n\n" + line + "\n\n\n"}) {
    const Parsed p = Parse(text);
    EXPECT_EQ(p.malformed, 0u) << text;
    ASSERT_EQ(p.records.size(), 1u) << text;
    EXPECT_EQ(p.records[0], (StatedumpRecord{H0102(), 10, 20}));
  }
  // Mixed endings, several lines, no final newline.
  const Parsed p = Parse(line + "\r\n" + line + "\n" + line);
  EXPECT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.malformed, 0u);
  // Only one CR belongs to the terminator; a bare CR in the middle is junk.
  EXPECT_EQ(Parse(line + "\r\r\n").malformed, 1u);
  EXPECT_EQ(Parse(line + "\r" + line + "\n").malformed, 1u);
}

TEST(StatedumpParseTest, EmptyInputsAndEmptyLines) {
  for (std::string_view text : {"", "\n", "\r\n", "\n\n\n", "\r\n\n\r\n", "\r"}) {
    const Parsed p = Parse(text);
    EXPECT_EQ(p.malformed, 0u);
    EXPECT_TRUE(p.records.empty());
  }
}

TEST(StatedumpParseTest, EveryMalformedReason) {
  const std::string h(kHash);
  const std::vector<std::string> bad = {
      // hash too short or too long
      h.substr(0, 39) + ":1:2",
      h + "1:1:2",
      h.substr(0, 38) + ":1:2",
      ":1:2",
      // fields missing
      h,
      h + ":",
      h + ":1",
      h + ":1:",
      h + "::1",
      h + "::",
      h + ":1:2:",
      h + ":1:2:3",
      // not decimal
      h + ":+1:2",
      h + ":-1:2",
      h + ":1:-2",
      h + ": 1:2",
      h + ":1 :2",
      h + ":1:2 ",
      h + ":1:2\t",
      h + ":0x1:2",
      h + ":1:2a",
      h + ":1a:2",
      h + ":1:" + std::string(1, '\0'),
      // 32-bit overflow
      h + ":4294967296:1",
      h + ":1:4294967296",
      h + ":99999999999999999999:1",
      h + ":1:18446744073709551617",
      // junk
      "this line is junk and ignored",
      " ",
      "\t",
      "#comment",
      " " + h + ":1:2",
      h + " :1:2",
  };
  for (const std::string& line : bad) {
    const Parsed p = Parse(line + "\n");
    EXPECT_EQ(p.malformed, 1u) << line;
    EXPECT_TRUE(p.records.empty()) << line;
  }
  // Largest values and leading zeros are fine.
  const Parsed ok =
      Parse(h + ":4294967295:0004294967295\n" + h + ":0:0\n" + h + ":00000000000000000000001:2\n");
  EXPECT_EQ(ok.malformed, 0u);
  ASSERT_EQ(ok.records.size(), 3u);
  EXPECT_EQ(ok.records[0], (StatedumpRecord{H0102(), 4294967295u, 4294967295u}));
  EXPECT_EQ(ok.records[1], (StatedumpRecord{H0102(), 0, 0}));
  EXPECT_EQ(ok.records[2], (StatedumpRecord{H0102(), 1, 2}));
}

TEST(StatedumpParseTest, NonHexAtEveryHashPosition) {
  // Upstream would decode "1g" as 0x0f or keep a stale byte; the port skips the line.
  const std::string good = std::string(kHash) + ":1:2\n";
  for (std::size_t i = 0; i < 40; ++i) {
    for (char ch : {'g', 'G', 'z', ' ', ':', '\0', '\xff', '-', '/', '@', '`'}) {
      std::string line = good;
      line[i] = ch;
      const Parsed p = Parse(line);
      EXPECT_EQ(p.malformed, 1u) << i << " " << static_cast<int>(ch);
      EXPECT_TRUE(p.records.empty());
    }
  }
}

TEST(StatedumpParseTest, EveryTruncationPoint) {
  const std::string line = std::string(kHash) + ":12:34";  // 46 bytes
  for (std::size_t len = 0; len <= line.size(); ++len) {
    const std::string prefix = line.substr(0, len);
    for (const std::string& text : {prefix, prefix + "\n", prefix + "\r\n"}) {
      const Parsed p = Parse(text);
      if (len == 0) {
        EXPECT_EQ(p.malformed, 0u);
        EXPECT_TRUE(p.records.empty());
      } else if (len <= 44) {  // up to "HASH:12:" a field is missing
        EXPECT_EQ(p.malformed, 1u) << len;
        EXPECT_TRUE(p.records.empty()) << len;
      } else {
        EXPECT_EQ(p.malformed, 0u) << len;
        ASSERT_EQ(p.records.size(), 1u) << len;
        EXPECT_EQ(p.records[0], (StatedumpRecord{H0102(), 12, len == 45 ? 3u : 34u}));
      }
    }
  }
}

TEST(StatedumpParseTest, GoodLinesAmongJunkKeepFileOrder) {
  std::string text;
  std::vector<StatedumpRecord> expected;
  for (std::uint32_t i = 0; i < 50; ++i) {
    const StatedumpRecord r{Filled(static_cast<std::uint8_t>(i)), i * 1000, i};
    AppendStatedumpLine(r, text);
    expected.push_back(r);
    if (i % 3 == 0) text += "garbage " + std::to_string(i) + "\r\n";
    if (i % 4 == 0) text += "\n";
  }
  const Parsed p = Parse(text);
  EXPECT_EQ(p.records, expected);
  EXPECT_EQ(p.malformed, 17u);
}

TEST(StatedumpParseTest, HugeInputsAreLinear) {
  // 10 MB without a newline is one malformed line.
  std::string junk(10 * 1024 * 1024, 'A');
  EXPECT_EQ(Parse(junk).malformed, 1u);
  // 200k good lines.
  std::string text;
  for (std::uint32_t i = 0; i < 200000; ++i)
    AppendStatedumpLine({Filled(static_cast<std::uint8_t>(i)), i, i}, text);
  std::size_t count = 0;
  EXPECT_EQ(ParseStatedump(text, [&count](const StatedumpRecord&) { ++count; }), 0u);
  EXPECT_EQ(count, 200000u);
  // Many newlines only.
  EXPECT_EQ(Parse(std::string(1 << 20, '\n')).malformed, 0u);
}

TEST(StatedumpParseTest, EmptyCallbackAndThrowingCallback) {
  const std::string text = std::string(kHash) + ":1:2\njunk\n";
  EXPECT_EQ(ParseStatedump(text, {}), 1u);
  EXPECT_THROW(ParseStatedump(text, [](const StatedumpRecord&) { throw std::runtime_error("stop"); }),
               std::runtime_error);
}

}  // namespace
}  // namespace ot::stats
