// Full scrape, tpbs and statedump records (spec §7.1, §10.1) against the
// dumps DEB and HEAD sent in the golden captures (gunzipped / de-chunked),
// rendered from the torrents those trackers held.
#include "opentracker/stats/scrape_formats.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "opentracker/stats/statedump.hpp"
#include "stats_test_data.hpp"

namespace ot::stats {
namespace {

using namespace test_data;

std::string Dump(DumpFormat format, const std::vector<Torrent>& torrents) {
  std::string out;
  AppendDumpPrefix(format, out);
  for (const Torrent& t : torrents) AppendDumpRecord(format, t.hash, t.counts, t.base_minutes, out);
  AppendDumpSuffix(format, out);
  return out;
}

TEST(DumpFormatTest, Keywords) {
  EXPECT_EQ(ParseDumpFormat("ben"), DumpFormat::kBencode);
  EXPECT_EQ(ParseDumpFormat("txt"), DumpFormat::kText);
  EXPECT_EQ(ParseDumpFormat("txtp"), DumpFormat::kTextPlus);
  EXPECT_EQ(ParseDumpFormat("bin"), DumpFormat::kBinary);
  EXPECT_EQ(ParseDumpFormat("url"), DumpFormat::kUrl);
  for (std::string_view bad :
       {"", "xml", "BEN", "Txt", "txtpp", "tx", "be", "statedump", "bencode", "url "}) {
    EXPECT_FALSE(ParseDumpFormat(bad).has_value()) << bad;
  }
}

struct DumpGolden {
  const char* golden;
  DumpFormat format;
  std::vector<Torrent> (*torrents)();
};

class DumpGoldenTest : public testing::TestWithParam<DumpGolden> {};

TEST_P(DumpGoldenTest, ContentIsByteExact) {
  const DumpGolden& c = GetParam();
  const std::string golden = GoldenContent(c.golden);
  ASSERT_FALSE(golden.empty());
  EXPECT_EQ(Dump(c.format, c.torrents()), golden);
}

INSTANTIATE_TEST_SUITE_P(
    Deb, DumpGoldenTest,
    testing::Values(
        DumpGolden{"http-B-main/85-fullscrape-plain.resp", DumpFormat::kBencode, DebMainTorrents},
        DumpGolden{"http-B-main/86-fullscrape-gzip.resp", DumpFormat::kBencode, DebMainTorrents},
        DumpGolden{"http-B-main/88-fullscrape-http10.resp", DumpFormat::kBencode, DebMainTorrents},
        DumpGolden{"http-B-main/115-stats-tpbs-txt.resp", DumpFormat::kText, DebMainTorrents},
        DumpGolden{"http-B-main/116-stats-tpbs-txtp.resp", DumpFormat::kTextPlus, DebMainTorrents},
        DumpGolden{"http-B-main/117-stats-tpbs-bin.resp", DumpFormat::kBinary, DebMainTorrents},
        DumpGolden{"http-B-main/118-stats-tpbs-url.resp", DumpFormat::kUrl, DebMainTorrents},
        DumpGolden{"http-B-main/119-stats-tpbs-ben.resp", DumpFormat::kBencode, DebMainTorrents},
        DumpGolden{"http-B-main/120-stats-tpbs-txt-gzip.resp", DumpFormat::kText, DebMainTorrents},
        DumpGolden{"http-B-main/121-stats-statedump.resp", DumpFormat::kStatedump, DebMainTorrents},
        DumpGolden{"http-B-cross/509-cross-stats-statedump.resp", DumpFormat::kStatedump, DebCrossTorrents},
        DumpGolden{"http-B-cross/510-cross-fullscrape.resp", DumpFormat::kBencode, DebCrossTorrents}));

INSTANTIATE_TEST_SUITE_P(
    Head, DumpGoldenTest,
    testing::Values(DumpGolden{"upstream-head-localbuild/http-v4/89-fullscrape-plain.resp",
                               DumpFormat::kBencode, HeadMainTorrents},
                    DumpGolden{"upstream-head-localbuild/http-v4/119-stats-tpbs-txt.resp", DumpFormat::kText,
                               HeadMainTorrents},
                    DumpGolden{"upstream-head-localbuild/http-v4/120-stats-tpbs-txtp.resp",
                               DumpFormat::kTextPlus, HeadMainTorrents},
                    DumpGolden{"upstream-head-localbuild/http-v4/121-stats-tpbs-bin.resp",
                               DumpFormat::kBinary, HeadMainTorrents},
                    DumpGolden{"upstream-head-localbuild/http-v4/122-stats-tpbs-url.resp", DumpFormat::kUrl,
                               HeadMainTorrents},
                    DumpGolden{"upstream-head-localbuild/http-v4/123-stats-tpbs-ben.resp",
                               DumpFormat::kBencode, HeadMainTorrents},
                    DumpGolden{"upstream-head-localbuild/http-v4/124-stats-tpbs-txt-gzip.resp",
                               DumpFormat::kText, HeadMainTorrents},
                    DumpGolden{"upstream-head-localbuild/http-v4/125-stats-statedump.resp",
                               DumpFormat::kStatedump, HeadMainTorrents},
                    DumpGolden{"upstream-head-localbuild/http-v4-cross/509-cross-stats-statedump.resp",
                               DumpFormat::kStatedump, HeadCrossTorrents},
                    DumpGolden{"upstream-head-localbuild/http-v4-cross/510-cross-fullscrape.resp",
                               DumpFormat::kBencode, HeadCrossTorrents}));

TEST(DumpFormatTest, EmptyTracker) {
  EXPECT_EQ(Dump(DumpFormat::kBencode, {}), "d5:filesdee");
  for (DumpFormat f : {DumpFormat::kText, DumpFormat::kTextPlus, DumpFormat::kBinary, DumpFormat::kUrl,
                       DumpFormat::kStatedump}) {
    EXPECT_EQ(Dump(f, {}), "");
  }
  // DEB's state dump right after a restore that restored nothing (http-C-statefile 702).
  EXPECT_EQ(GoldenContent("http-C-statefile/702-state-statedump.resp"), Dump(DumpFormat::kStatedump, {}));
}

TEST(DumpFormatTest, EveryFieldOfOneRecord) {
  const InfoHash hash = H0102();
  const SwarmCounts counts{4294967295u, 7, 123};
  const std::uint32_t base = 29930382;
  std::string out;
  AppendDumpRecord(DumpFormat::kBencode, hash, counts, base, out);
  EXPECT_EQ(out, "20:" + std::string(reinterpret_cast<const char*>(hash.bytes.data()), 20) +
                     "d8:completei4294967295e10:downloadedi123e10:incompletei7ee");
  out.clear();
  AppendDumpRecord(DumpFormat::kText, hash, counts, base, out);
  EXPECT_EQ(out, "0102030405060708090A0B0C0D0E0F1011121314:4294967295:7\n");
  out.clear();
  AppendDumpRecord(DumpFormat::kTextPlus, hash, counts, base, out);
  EXPECT_EQ(out, "0102030405060708090A0B0C0D0E0F1011121314:4294967295:7:123\n");
  out.clear();
  AppendDumpRecord(DumpFormat::kBinary, hash, counts, base, out);
  ASSERT_EQ(out.size(), 28u);
  EXPECT_EQ(out.substr(0, 20), std::string(reinterpret_cast<const char*>(hash.bytes.data()), 20));
  EXPECT_EQ(out.substr(20), std::string("\xff\xff\xff\xff\x00\x00\x00\x07", 8));
  out.clear();
  AppendDumpRecord(DumpFormat::kBinary, hash, {0x01020304, 0xa0b0c0d0, 5}, base, out);
  EXPECT_EQ(out.substr(20), "\x01\x02\x03\x04\xa0\xb0\xc0\xd0");
  out.clear();
  AppendDumpRecord(DumpFormat::kStatedump, hash, counts, base, out);
  EXPECT_EQ(out, "0102030405060708090A0B0C0D0E0F1011121314:29930382:123\n");
  out = "keep";
  AppendDumpRecord(DumpFormat::kText, Filled(0xab), {}, 0, out);
  EXPECT_EQ(out, "keepABABABABABABABABABABABABABABABABABABABAB:0:0\n");
}

TEST(DumpFormatTest, UrlEncodingOfEveryByte) {
  const std::string kept = "$-./0123456789=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~";
  for (int b = 0; b < 256; ++b) {
    InfoHash hash = Filled(static_cast<std::uint8_t>(b));
    std::string out;
    AppendDumpRecord(DumpFormat::kUrl, hash, {2, 3, 4}, 0, out);
    std::string piece;
    if (kept.find(static_cast<char>(b)) != std::string::npos) {
      piece = std::string(1, static_cast<char>(b));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      piece = std::string{'%', kHex[b >> 4], kHex[b & 15]};
    }
    std::string expected;
    for (int i = 0; i < 20; ++i) expected += piece;
    EXPECT_EQ(out, expected + ":2:3\n") << b;
  }
}

TEST(DumpFormatTest, RecordSizeBound) {
  const SwarmCounts max{std::numeric_limits<std::uint32_t>::max(), std::numeric_limits<std::uint32_t>::max(),
                        std::numeric_limits<std::uint32_t>::max()};
  for (DumpFormat f : {DumpFormat::kBencode, DumpFormat::kText, DumpFormat::kTextPlus, DumpFormat::kBinary,
                       DumpFormat::kUrl, DumpFormat::kStatedump}) {
    std::string out;
    AppendDumpRecord(f, Filled(0x00), max, std::numeric_limits<std::uint32_t>::max(), out);
    EXPECT_LE(out.size(), kMaxDumpRecordSize);
    std::string prefix;
    std::string suffix;
    AppendDumpPrefix(f, prefix);
    AppendDumpSuffix(f, suffix);
    EXPECT_EQ(prefix.empty(), f != DumpFormat::kBencode);
    EXPECT_EQ(suffix.empty(), f != DumpFormat::kBencode);
  }
}

}  // namespace
}  // namespace ot::stats
