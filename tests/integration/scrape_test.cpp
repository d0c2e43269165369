// Scrape against the real daemon: HTTP multi-scrape (order, unknown and
// duplicate hashes, the 64 cap, errors), UDP scrape (zeros, the 75 cap, a
// partial trailing hash), full scrapes with and without gzip and their HTTP
// framing, and (port) scrape counts over both families.
#include <gtest/gtest.h>

#include "support/net_udp_client.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using test::Family;

class ScrapeTest : public ::testing::Test {
 protected:
  void StartTracker(const std::vector<std::string>& hashes, bool dual_stack = false) {
    tracker_ = std::make_unique<TrackerProcess>(WhitelistedTracker(hashes, dual_stack));
    ASSERT_TRUE(tracker_->Start());
  }
  void TearDown() override {
    if (tracker_) {
      EXPECT_TRUE(tracker_->Stop());
    }
  }
  void AnnounceHttp(const std::string& hash, int port, const std::string& left, Family f = Family::kV4,
                    const std::string& extra = "") {
    AnnounceParams p;
    p.info_hash = hash;
    p.port = std::to_string(port);
    p.left = left;
    p.extra = extra;
    test::Exchange ex = Request(*tracker_, AnnounceRequest(p), f);
    ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse);
    ASSERT_EQ(ex.read.response.content.find("failure"), std::string::npos) << ex.read.response.content;
  }
  std::unique_ptr<TrackerProcess> tracker_;
};

std::string FileEntry(const std::string& hash, int complete, int downloaded, int incomplete) {
  return "20:" + hash + "d8:completei" + std::to_string(complete) + "e10:downloadedi" +
         std::to_string(downloaded) + "e10:incompletei" + std::to_string(incomplete) + "ee";
}

TEST_F(ScrapeTest, HttpMultiScrapeKeepsOrderOmitsUnknownAndRepeatsDuplicates) {
  const std::string a = TestHash(201), b = TestHash(202), unknown = TestHash(203);
  StartTracker({a, b, unknown});
  AnnounceHttp(a, 8001, "0", Family::kV4, "&event=completed");
  AnnounceHttp(a, 8002, "10");
  AnnounceHttp(b, 8003, "10");
  test::Exchange ex = Request(*tracker_, ScrapeRequest({b, unknown, a, b}));
  ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_EQ(ex.read.response.status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(ex.read.response.content,
            "d5:filesd" + FileEntry(b, 0, 0, 1) + FileEntry(a, 1, 1, 1) + FileEntry(b, 0, 0, 1) + "ee");
  test::Exchange none = Request(*tracker_, ScrapeRequest({unknown}));
  ASSERT_EQ(none.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_EQ(none.read.response.content, "d5:filesdee");
}

TEST_F(ScrapeTest, HttpScrapeAnswersAtMost64Hashes) {
  std::vector<std::string> hashes;
  for (std::uint32_t i = 0; i < 66; ++i) hashes.push_back(TestHash(300 + i));
  StartTracker(hashes);
  for (std::size_t i = 0; i < hashes.size(); ++i) AnnounceHttp(hashes[i], 8100 + static_cast<int>(i), "10");
  test::Exchange ex = Request(*tracker_, ScrapeRequest(hashes));
  ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse);
  std::string want = "d5:filesd";
  for (std::size_t i = 0; i < 64; ++i) want += FileEntry(hashes[i], 0, 0, 1);
  EXPECT_EQ(ex.read.response.content, want + "ee") << "the first 64, in request order";
}

TEST_F(ScrapeTest, HttpScrapeWithoutOrWithBadInfoHashIs400) {
  StartTracker({TestHash(210)});
  for (const std::string& target : {std::string("/scrape?foo=bar"), std::string("/scrape?"),
                                    "/scrape?info_hash=" + Pct(TestHash(210).substr(0, 19)),
                                    "/scrape?info_hash=%zz" + Pct(TestHash(210).substr(1))}) {
    test::Exchange ex = Request(*tracker_, GetRequest(target));
    ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse) << target;
    EXPECT_EQ(ex.read.response.status_line, "HTTP/1.0 400 Invalid Request") << target;
  }
}

TEST_F(ScrapeTest, UdpScrapeGivesZerosForUnknownAndCapsAt75) {
  const std::string known = TestHash(220);
  StartTracker({known});
  AnnounceHttp(known, 8201, "0");
  test::UdpClient c(Family::kV4);
  ASSERT_TRUE(c.Send(test::UdpConnectPacket(1), tracker_->Port()));
  auto conn = c.Receive(Millis(2000));
  ASSERT_TRUE(conn && conn->size() == 16);
  std::uint64_t id = test::GetU64(*conn, 8);
  std::string hashes = known + TestHash(221);
  for (int i = 0; i < 78; ++i) hashes += known;
  ASSERT_TRUE(c.Send(test::UdpScrapePacket(id, 0x3030, hashes), tracker_->Port()));
  auto r = c.Receive(Millis(2000));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 8u + 75u * 12u) << "at most 75 hashes (908 bytes)";
  EXPECT_EQ(test::GetU32(*r, 0), 2u);
  EXPECT_EQ(test::GetU32(*r, 4), 0x3030u);
  std::string triple;
  test::PutU32(triple, 1);
  test::PutU32(triple, 0);
  test::PutU32(triple, 0);
  EXPECT_EQ(r->substr(8, 12), triple);
  EXPECT_EQ(r->substr(20, 12), std::string(12, '\0')) << "unknown hash: zeros";
  for (std::size_t i = 2; i < 75; ++i) EXPECT_EQ(r->substr(8 + 12 * i, 12), triple) << i;
}

// PORT-DECISIONS §3: a partial trailing hash is ignored; upstream answers it
// from stale buffer bytes (12 more bytes).
TEST_F(ScrapeTest, UdpScrapePartialTrailingHash) {
  const std::string known = TestHash(230);
  StartTracker({known});
  test::UdpClient c(Family::kV4);
  ASSERT_TRUE(c.Send(test::UdpConnectPacket(1), tracker_->Port()));
  auto conn = c.Receive(Millis(2000));
  ASSERT_TRUE(conn && conn->size() == 16);
  ASSERT_TRUE(
      c.Send(test::UdpScrapePacket(test::GetU64(*conn, 8), 7, known + known.substr(0, 5)), tracker_->Port()));
  auto r = c.Receive(Millis(2000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), IsPort() ? 20u : 32u);
}

struct FullScrape {
  test::HttpResponse response;
  bool closed = false;
};

// `expect_close`: wait up to 2 s for the server to close; otherwise check
// briefly that it has not.
FullScrape GetFullScrape(const TrackerProcess& t, const std::string& version, const std::string& headers,
                         bool expect_close) {
  FullScrape out;
  test::Exchange ex =
      Request(t, GetRequest("/scrape", version, headers), Family::kV4, Millis(expect_close ? 2000 : 200));
  EXPECT_EQ(ex.read.outcome, test::ReadOutcome::kResponse)
      << ex.read.error << test::Printable(ex.read.partial);
  out.response = ex.read.response;
  out.closed = ex.after == test::CloseOutcome::kClosed || ex.after == test::CloseOutcome::kReset;
  return out;
}

TEST_F(ScrapeTest, FullScrapeListsEveryTorrentInHashOrderWithFraming) {
  const std::string h1 = std::string(20, '\x10'), h2 = std::string(20, '\x80'), h3 = std::string(20, '\x30');
  StartTracker({h1, h2, h3});
  AnnounceHttp(h2, 8301, "0");
  AnnounceHttp(h1, 8302, "10");
  AnnounceHttp(h3, 8303, "0", Family::kV4, "&event=completed");
  const std::string want =
      "d5:filesd" + FileEntry(h1, 0, 0, 1) + FileEntry(h3, 1, 1, 0) + FileEntry(h2, 1, 0, 0) + "ee";

  FullScrape plain = GetFullScrape(*tracker_, "HTTP/1.1", "", IsReference());
  EXPECT_EQ(plain.response.content, want) << "sorted by info hash";
  EXPECT_FALSE(plain.response.gzip);
  if (IsPort()) {
    EXPECT_EQ(
        plain.response.head,
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
    EXPECT_FALSE(plain.closed) << "HTTP/1.1 200: the connection stays open";
  } else {
    EXPECT_EQ(plain.response.status_line, "HTTP/1.0 200 OK");
    EXPECT_TRUE(plain.closed);
  }

  FullScrape gz = GetFullScrape(*tracker_, "HTTP/1.1", "Accept-Encoding: gzip\r\n", IsReference());
  EXPECT_TRUE(gz.response.gzip);
  EXPECT_EQ(gz.response.payload.substr(0, 10), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10))
      << "gzip header: mtime 0, OS 3";
  EXPECT_EQ(gz.response.content, want) << "same content after gunzip";
  if (IsPort()) {
    EXPECT_TRUE(gz.response.chunked);
  }

  FullScrape h10 = GetFullScrape(*tracker_, "HTTP/1.0", "", true);
  EXPECT_EQ(h10.response.content, want);
  EXPECT_TRUE(h10.closed);
  EXPECT_FALSE(h10.response.chunked) << "no chunked encoding for HTTP/1.0";
  EXPECT_TRUE(h10.response.Header("Content-Length").has_value());
  if (IsPort()) {
    EXPECT_EQ(h10.response.Header("Connection").value_or(""), "close");
  }
}

// PORT-DECISIONS §3: gzip is chosen by Accept-Encoding, not any "gzip" text.
TEST_F(ScrapeTest, FullScrapeIgnoresGzipOutsideAcceptEncoding) {
  OT_SKIP_UNLESS_PORT("upstream gzips when 'gzip' appears anywhere in the request");
  StartTracker({TestHash(240)});
  AnnounceHttp(TestHash(240), 8401, "0");
  FullScrape ua = GetFullScrape(*tracker_, "HTTP/1.1", "User-Agent: gzipper/1.0\r\n", false);
  EXPECT_FALSE(ua.response.gzip);
  EXPECT_EQ(ua.response.content, "d5:filesd" + FileEntry(TestHash(240), 1, 0, 0) + "ee");
}

TEST_F(ScrapeTest, ScrapeCountsBothFamilies) {
  OT_SKIP_UNLESS_DUAL_STACK();
  const std::string h = TestHash(250);
  StartTracker({h}, true);
  AnnounceHttp(h, 8501, "0", Family::kV4);
  AnnounceHttp(h, 8502, "10", Family::kV6);
  AnnounceHttp(h, 8503, "0", Family::kV6, "&event=completed");
  for (Family f : {Family::kV4, Family::kV6}) {
    test::Exchange ex = Request(*tracker_, ScrapeRequest({h}), f);
    ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse);
    EXPECT_EQ(ex.read.response.content, "d5:filesd" + FileEntry(h, 2, 1, 1) + "ee") << test::LoopbackText(f);
  }
}

}  // namespace
}  // namespace ot::integration
