// HTTP framing and routing (spec §3.1, §3.2, §3.4) against the requests
// captured from Debian's opentracker and upstream HEAD, plus every framing
// truncation point and hand-made edge cases. Inputs live in GuardedBuffers,
// so a read past the end crashes.
#include "opentracker/proto/http_request.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "opentracker/proto/query_string.hpp"
#include "support/golden.hpp"
#include "support/guarded_buffer.hpp"

namespace ot::proto {
namespace {

using namespace std::string_literals;
using test::GuardedBuffer;

constexpr std::string_view kStatsPath = "stats";

// Every directory of captured HTTP cases.
constexpr std::string_view kHttpGoldenDirs[] = {
    "http-B-main",
    "http-A-restricted",
    "http-B-cross",
    "http-B-hup",
    "upstream-head-localbuild/http-v4",
    "upstream-head-localbuild/http-v4-cross",
    "upstream-head-localbuild/http-v6",
};

// A literal with embedded NULs, all of it.
template <std::size_t N>
constexpr std::string_view Bytes(const char (&text)[N]) {
  return {text, N - 1};
}

bool IsHeadDir(std::string_view dir) { return dir.find("upstream-head") != std::string_view::npos; }

std::string GoldenRequest(std::string_view dir, const std::string& name) {
  return test::ReadGolden(std::string(dir) + "/" + name + ".req");
}

// "17-ann-peer1-leecher" -> "ann-peer1-leecher": the same case has different
// numbers in the DEB and HEAD runs.
std::string CaseSuffix(const std::string& name) { return name.substr(name.find('-') + 1); }

bool Inside(std::string_view inner, std::string_view outer) {
  if (inner.empty()) return true;
  return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
}

// An oracle written differently from the code under test: the earlier end of
// the first "\n\n" and the first "\r\n\r\n".
std::optional<std::size_t> ReferenceHeaderEnd(std::string_view bytes) {
  std::size_t best = std::string_view::npos;
  if (const std::size_t a = bytes.find("\n\n"); a != std::string_view::npos) best = a + 2;
  if (const std::size_t b = bytes.find("\r\n\r\n"); b != std::string_view::npos) best = std::min(best, b + 4);
  if (best == std::string_view::npos) return std::nullopt;
  return best;
}

HttpParse Parse(const GuardedBuffer& buffer, std::string_view stats_path = kStatsPath) {
  HttpParse parse = ParseHttpRequest(buffer.view(), stats_path);
  EXPECT_TRUE(Inside(parse.request.query, buffer.view()));
  EXPECT_TRUE(Inside(parse.request.x_forwarded_for, buffer.view()));
  return parse;
}

// ------------------------------------------------------- the guard itself

TEST(GuardedBufferDeathTest, ReadingOrWritingOutsideTheCopyCrashes) {
  GuardedBuffer buffer("abc");
  EXPECT_EQ(buffer.view(), "abc");
  EXPECT_DEATH(
      {
        volatile const char* p = buffer.data();
        volatile char c = p[3];
        (void)c;
      },
      "");
  EXPECT_DEATH({ const_cast<volatile char*>(buffer.data())[0] = 'x'; }, "");
  GuardedBuffer empty("");
  EXPECT_TRUE(empty.view().empty());
  EXPECT_NE(empty.data(), nullptr);
  EXPECT_DEATH(
      {
        volatile const char* p = empty.data();
        volatile char c = p[0];
        (void)c;
      },
      "");
  const std::string big(10000, 'z');
  GuardedBuffer pages(big);
  EXPECT_EQ(pages.view(), big);
  EXPECT_EQ(pages.bytes().size(), big.size());
}

// ------------------------------------------------------------------ framing

struct FramingCase {
  std::string_view bytes;
  std::optional<std::size_t> end;
};

const FramingCase kFramingCases[] = {
    {"", std::nullopt},
    {"\n", std::nullopt},
    {"\n\n", 2},
    {"\r\n\r\n", 4},
    {"\r\n\n", 3},     // ends in "\n\n"
    {"\n\r\n", std::nullopt},  // not a terminator on its own
    {"GET / HTTP/1.0\n\r\n", std::nullopt},
    {"GET / HTTP/1.0\n\r\n\r\n", 19},  // "\r\n\r\n" completes at the end
    {"GET / HTTP/1.0\r\n\r\n", 18},
    {"GET / HTTP/1.0\n\n", 16},
    {"GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n", 18},  // the first one
    {"GET /\r\r\n\r\n", 10},
    {"GET /\r\n\r\r\n", std::nullopt},  // CR CR is not part of any terminator
    {"GET /\r\n\r \n\n", 11},
    {"a\n\nb\r\n\r\n", 3},
    {"a\r\n\r\n\n", 5},
    {"GET /\r\n\r", std::nullopt},
    {Bytes("GET /\0\n\n"), 8},  // NUL is just a byte here
};

TEST(FindHeaderEnd, Cases) {
  for (const FramingCase& c : kFramingCases) {
    GuardedBuffer buffer(c.bytes);
    EXPECT_EQ(FindHeaderEnd(buffer.view()), c.end) << testing::PrintToString(std::string(c.bytes));
    EXPECT_EQ(ReferenceHeaderEnd(c.bytes), c.end) << testing::PrintToString(std::string(c.bytes));
  }
}

// Every strict prefix of every captured request needs more bytes; the first
// prefix that holds a terminator gives exactly its length, and longer ones
// keep giving it (pipelined requests, trailing bytes).
TEST(FindHeaderEnd, EveryTruncationPointOfEveryGoldenRequest) {
  std::size_t requests = 0;
  for (std::string_view dir : kHttpGoldenDirs) {
    for (const std::string& name : test::ListGoldenCases(dir)) {
      const std::string request = GoldenRequest(dir, name);
      const std::optional<std::size_t> expected = ReferenceHeaderEnd(request);
      if (name.find("no-terminator") != std::string::npos) {
        EXPECT_FALSE(expected.has_value()) << name;
      } else {
        EXPECT_TRUE(expected.has_value()) << name;
      }
      for (std::size_t size = 0; size <= request.size(); ++size) {
        GuardedBuffer buffer(std::string_view(request).substr(0, size));
        const std::optional<std::size_t> end = FindHeaderEnd(buffer.view());
        if (expected && size >= *expected) {
          ASSERT_EQ(end, expected) << dir << "/" << name << " prefix " << size;
        } else {
          ASSERT_EQ(end, std::nullopt) << dir << "/" << name << " prefix " << size;
        }
      }
      ++requests;
    }
  }
  EXPECT_GT(requests, 280u);
}

TEST(FindHeaderEnd, PipelinedGoldenRequestEndsAfterTheFirst) {
  const std::string request = GoldenRequest("http-B-main", "131-pipelined-two");
  const std::string first = "GET /stats?mode=version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_EQ(request.substr(0, first.size()), first);
  EXPECT_EQ(FindHeaderEnd(request), first.size());
  EXPECT_EQ(FindHeaderEnd(GoldenRequest("http-B-main", "132-crlf-then-lf")),
            std::string_view("GET /stats?mode=version HTTP/1.1\r\n\n").size());
  EXPECT_EQ(FindHeaderEnd(GoldenRequest("http-B-main", "68-ann-lf-only")),
            GoldenRequest("http-B-main", "68-ann-lf-only").size());
}

// The 8192-byte limit belongs to the caller: the oversize goldens do frame.
TEST(FindHeaderEnd, DoesNotEnforceTheSizeLimit) {
  const std::string request = GoldenRequest("http-B-main", "129-large-single-over");
  ASSERT_GT(request.size(), kMaxHttpRequestSize);
  EXPECT_EQ(FindHeaderEnd(request), request.size());
}

// -------------------------------------------------- golden routing outcomes

// What the port's parsers make of a captured request, end to end:
// FindHeaderEnd, the 8192 limit, ParseHttpRequest, then the route's query parser.
enum class Outcome {
  kIncomplete,    // no header end: no reply
  kTooLarge,      // caller's 500
  kParseError,    // 400, not "GET /"
  kNotFound,      // 404
  kRoot,          // 302 (redirect configured in both runs)
  kBadParam,      // 400 kInvalidParameter (request line or query)
  kMissingHash,   // 200 "forgot to send your info_hash"
  kAnnounce,      // announce to the store (whitelist may still refuse it)
  kAnnounceDict,  // compact=0: BEP 3 peers (upstream: 400)
  kStopped,       // stopped announce
  kScrape,
  kFullScrape,
  kStats,         // mode/format keywords and access are judged by the stats code
};

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kIncomplete: return "incomplete";
    case Outcome::kTooLarge: return "too-large";
    case Outcome::kParseError: return "parse-error";
    case Outcome::kNotFound: return "not-found";
    case Outcome::kRoot: return "root";
    case Outcome::kBadParam: return "bad-param";
    case Outcome::kMissingHash: return "missing-hash";
    case Outcome::kAnnounce: return "announce";
    case Outcome::kAnnounceDict: return "announce-dict";
    case Outcome::kStopped: return "stopped";
    case Outcome::kScrape: return "scrape";
    case Outcome::kFullScrape: return "full-scrape";
    case Outcome::kStats: return "stats";
  }
  return "?";
}

Outcome Predict(std::string_view bytes) {
  const std::optional<std::size_t> end = FindHeaderEnd(bytes);
  if (!end) return bytes.size() > kMaxHttpRequestSize ? Outcome::kTooLarge : Outcome::kIncomplete;
  if (*end > kMaxHttpRequestSize) return Outcome::kTooLarge;
  GuardedBuffer buffer(bytes.substr(0, *end));
  const HttpParse parse = Parse(buffer);
  if (!parse.ok) {
    switch (parse.error) {
      case HttpError::kParseError: return Outcome::kParseError;
      case HttpError::kNotFound: return Outcome::kNotFound;
      case HttpError::kInvalidParameter: return Outcome::kBadParam;
      default: ADD_FAILURE() << "unexpected error"; return Outcome::kIncomplete;
    }
  }
  const HttpRequest& request = parse.request;
  switch (request.route) {
    case HttpRoute::kRoot: return Outcome::kRoot;
    case HttpRoute::kAnnounce: {
      const AnnounceQuery query = ParseAnnounceQuery(request.query, {});
      if (query.status == AnnounceQuery::Status::kError) return Outcome::kBadParam;
      if (query.status == AnnounceQuery::Status::kMissingInfoHash) return Outcome::kMissingHash;
      if (query.request.event == AnnounceEvent::kStopped) return Outcome::kStopped;
      return query.request.compact ? Outcome::kAnnounce : Outcome::kAnnounceDict;
    }
    case HttpRoute::kScrape: return ParseScrapeQuery(request.query).ok ? Outcome::kScrape : Outcome::kBadParam;
    case HttpRoute::kFullScrape: return Outcome::kFullScrape;
    case HttpRoute::kStats: return ParseStatsQuery(request.query).ok ? Outcome::kStats : Outcome::kBadParam;
    case HttpRoute::kMetrics: break;
  }
  ADD_FAILURE() << "no golden case routes to /metrics";
  return Outcome::kIncomplete;
}

struct GoldenExpectation {
  Outcome outcome;
  int deb_status;   // status code DEB answered (0: no reply)
  int head_status;  // the same for HEAD
};

// Keyed by case name without its number. The status columns are checked
// against the captured .resp files, so this table is itself verified.
const std::map<std::string, GoldenExpectation>& Expectations() {
  using O = Outcome;
  static const std::map<std::string, GoldenExpectation> table = {
      {"root-redirect", {O::kRoot, 302, 302}},
      {"root-many-slashes", {O::kRoot, 302, 302}},
      {"root-query-only", {O::kNotFound, 404, 404}},
      {"not-found", {O::kNotFound, 404, 404}},
      {"not-found-favicon", {O::kNotFound, 404, 404}},
      {"method-post", {O::kParseError, 400, 400}},
      {"method-head", {O::kParseError, 400, 400}},
      {"lowercase-get", {O::kParseError, 400, 400}},
      {"garbage", {O::kParseError, 400, 400}},
      {"path-bad-char", {O::kNotFound, 404, 404}},
      {"path-equals", {O::kNotFound, 404, 404}},
      {"path-bad-percent", {O::kNotFound, 404, 404}},
      {"path-encoded-a", {O::kAnnounce, 200, 200}},
      {"announce-no-query", {O::kBadParam, 400, 400}},
      {"announce-no-infohash", {O::kMissingHash, 200, 200}},
      {"announce-empty-query", {O::kMissingHash, 200, 200}},
      {"ann-peer1-leecher", {O::kAnnounce, 200, 200}},
      {"ann-peer2-seeder", {O::kAnnounce, 200, 200}},
      {"ann-peer3-leecher", {O::kAnnounce, 200, 200}},
      {"ann-peer1-completed-but-left", {O::kAnnounce, 200, 200}},
      {"ann-peer1-completed", {O::kAnnounce, 200, 200}},
      {"ann-peer1-completed-again", {O::kAnnounce, 200, 200}},
      {"ann-event-started", {O::kAnnounce, 200, 200}},
      {"ann-event-unknown", {O::kAnnounce, 200, 200}},
      {"ann-numwant-0", {O::kAnnounce, 200, 200}},
      {"ann-numwant-1", {O::kAnnounce, 200, 200}},
      {"ann-numwant-2", {O::kAnnounce, 200, 200}},
      {"ann-numwant-neg", {O::kAnnounce, 200, 200}},
      {"ann-numwant-huge", {O::kAnnounce, 200, 200}},
      {"ann-numwant-junk", {O::kBadParam, 400, 400}},
      {"ann-numwant-empty", {O::kBadParam, 400, 400}},
      // Port decision (PORT-DECISIONS §4): compact=0 gets dictionary peers.
      {"ann-compact-0", {O::kAnnounceDict, 400, 400}},
      {"ann-compact-junk", {O::kBadParam, 400, 400}},
      {"ann-compact6", {O::kAnnounce, 200, 200}},
      {"ann-no-peer-id-param", {O::kAnnounce, 200, 200}},
      {"ann-peer-id-short", {O::kBadParam, 400, 400}},
      {"ann-hash-short", {O::kBadParam, 400, 400}},
      {"ann-hash-long", {O::kBadParam, 400, 400}},
      {"ann-hash-twice", {O::kBadParam, 400, 400}},
      {"ann-hash-bad-escape", {O::kBadParam, 400, 400}},
      {"ann-hash-plain-ascii", {O::kAnnounce, 200, 200}},
      {"ann-hash-lowercase-escapes", {O::kAnnounce, 200, 200}},
      {"ann-plus-not-space", {O::kAnnounce, 200, 200}},  // DEB: not whitelisted
      {"ann-port-70000", {O::kBadParam, 400, 400}},
      {"ann-port-neg", {O::kAnnounce, 200, 200}},
      {"ann-port-junk", {O::kBadParam, 400, 400}},
      {"ann-port-missing", {O::kAnnounce, 200, 200}},
      {"ann-left-junk", {O::kAnnounce, 200, 200}},
      {"ann-left-2pow32", {O::kAnnounce, 200, 200}},
      {"ann-left-empty", {O::kBadParam, 400, 400}},
      {"ann-left-missing", {O::kAnnounce, 200, 200}},
      {"ann-ip-param", {O::kAnnounce, 200, 200}},       // ip= off in both runs
      {"ann-ip-param-junk", {O::kAnnounce, 200, 200}},  // ip= off in both runs
      {"ann-unknown-param-junk-escape", {O::kAnnounce, 200, 200}},
      {"ann-bad-char-in-unknown", {O::kBadParam, 400, 400}},
      {"ann-param-no-value", {O::kAnnounce, 200, 200}},
      {"ann-not-whitelisted", {O::kAnnounce, 200, 200}},
      {"ann-rejected-41hex", {O::kAnnounce, 200, 200}},
      {"ann-rejected-leading-blank", {O::kAnnounce, 200, 200}},
      {"ann-space-before-query", {O::kAnnounce, 200, 200}},
      {"ann-short-path-a", {O::kAnnounce, 200, 200}},
      {"ann-php", {O::kAnnounce, 200, 200}},
      {"ann-double-slash", {O::kAnnounce, 200, 200}},
      {"ann-passkey-path", {O::kAnnounce, 200, 200}},
      {"ann-passkey-path-2", {O::kNotFound, 404, 404}},
      {"ann-http10-no-host", {O::kAnnounce, 200, 200}},
      {"ann-no-version", {O::kAnnounce, 200, 200}},
      {"ann-lf-only", {O::kAnnounce, 200, 200}},
      {"ann-peer2-stopped", {O::kStopped, 200, 200}},
      {"ann-stopped-unknown-torrent", {O::kStopped, 200, 200}},
      {"ann-stopped-not-whitelisted", {O::kStopped, 200, 200}},
      {"ann-after-stop", {O::kAnnounce, 200, 200}},
      {"scrape-one", {O::kScrape, 200, 200}},
      {"scrape-three", {O::kScrape, 200, 200}},
      {"scrape-dup", {O::kScrape, 200, 200}},
      {"scrape-not-whitelisted", {O::kScrape, 200, 200}},
      {"scrape-none", {O::kBadParam, 400, 400}},
      {"scrape-empty-query", {O::kBadParam, 400, 400}},
      {"scrape-short-hash", {O::kBadParam, 400, 400}},
      {"scrape-php", {O::kScrape, 200, 200}},
      {"scrape-sc", {O::kScrape, 200, 200}},
      {"scrape-space-before-query", {O::kScrape, 200, 200}},
      {"scrape-no-version-no-query", {O::kBadParam, 400, 400}},
      {"scrape-65-hashes", {O::kScrape, 200, 200}},
      {"fullscrape-plain", {O::kFullScrape, 200, 200}},
      {"fullscrape-gzip", {O::kFullScrape, 200, 200}},
      {"fullscrape-gzip-in-ua", {O::kFullScrape, 200, 200}},
      {"fullscrape-http10", {O::kFullScrape, 200, 200}},
      {"stats-noargs", {O::kStats, 200, 200}},
      {"stats-mode-peer", {O::kStats, 200, 200}},
      {"stats-mode-conn", {O::kStats, 200, 200}},
      {"stats-mode-scrp", {O::kStats, 200, 200}},
      {"stats-mode-udp4", {O::kStats, 200, 200}},
      {"stats-mode-tcp4", {O::kStats, 200, 200}},
      {"stats-mode-torr", {O::kStats, 200, 200}},
      {"stats-mode-fscr", {O::kStats, 200, 200}},
      {"stats-mode-s24s", {O::kStats, 200, 200}},
      {"stats-mode-herr", {O::kStats, 200, 200}},
      {"stats-mode-completed", {O::kStats, 200, 200}},
      {"stats-mode-top10", {O::kStats, 200, 200}},
      {"stats-mode-top100", {O::kStats, 200, 200}},
      {"stats-mode-renew", {O::kStats, 200, 200}},
      {"stats-mode-syncs", {O::kStats, 200, 200}},
      {"stats-mode-version", {O::kStats, 200, 200}},
      {"stats-mode-everything", {O::kStats, 200, 200}},
      {"stats-mode-woodpeckers", {O::kStats, 500, 0}},
      {"stats-mode-fulllog", {O::kStats, 500, 0}},
      {"stats-mode-busy", {O::kStats, 500, 500}},
      {"stats-mode-numwants", {O::kStats, 400, 400}},  // unknown keyword, judged by the stats code
      {"stats-mode-unknown", {O::kStats, 400, 400}},
      {"stats-mode-empty", {O::kStats, 400, 400}},
      {"stats-unknown-param", {O::kStats, 200, 200}},
      {"stats-infohash-param", {O::kStats, 200, 400}},  // has_info_hash: HEAD's 400
      {"stats-format-bad", {O::kStats, 400, 400}},
      {"stats-tpbs-txt", {O::kStats, 200, 200}},
      {"stats-tpbs-txtp", {O::kStats, 200, 200}},
      {"stats-tpbs-bin", {O::kStats, 200, 200}},
      {"stats-tpbs-url", {O::kStats, 200, 200}},
      {"stats-tpbs-ben", {O::kStats, 200, 200}},
      {"stats-tpbs-txt-gzip", {O::kStats, 200, 200}},
      {"stats-statedump", {O::kStats, 200, 200}},
      {"stats-tpbs-noformat", {O::kStats, 0, 0}},
      {"stats-path-wrong", {O::kNotFound, 404, 404}},
      {"stats-path-prefix", {O::kNotFound, 404, 404}},
      {"split-request", {O::kStats, 200, 200}},
      {"split-request-many", {O::kStats, 200, 200}},
      {"oversize-split", {O::kTooLarge, 500, 500}},
      {"large-single-under", {O::kStats, 200, 200}},
      {"large-single-over", {O::kTooLarge, 500, 500}},
      {"keepalive-requested", {O::kStats, 200, 200}},
      {"pipelined-two", {O::kStats, 200, 200}},
      {"crlf-then-lf", {O::kStats, 200, 200}},
      {"no-terminator", {O::kIncomplete, 0, 0}},
      {"stats-default-not-blessed", {O::kStats, 403, -1}},
      {"stats-version-not-blessed", {O::kStats, 403, -1}},
      {"announce-works-anyway", {O::kAnnounce, 200, -1}},
      {"cross-http-announce-udp-torrent", {O::kAnnounce, 200, 200}},
      {"cross-scrape-udp-torrent", {O::kScrape, 200, 200}},
      {"cross-stats-udp4", {O::kStats, 200, 200}},
      {"cross-stats-conn", {O::kStats, 200, 200}},
      {"cross-stats-completed", {O::kStats, 200, 200}},
      {"cross-stats-renew", {O::kStats, 200, 200}},
      {"cross-stats-herr", {O::kStats, 200, 200}},
      {"cross-stats-everything", {O::kStats, 200, 200}},
      {"cross-stats-top10", {O::kStats, 200, 200}},
      {"cross-stats-statedump", {O::kStats, 200, 200}},
      {"cross-fullscrape", {O::kFullScrape, 200, 200}},
      {"hup-pre-announce-x", {O::kAnnounce, 200, -1}},
      {"hup-post-announce-x", {O::kAnnounce, 200, -1}},
      {"state-scrape", {O::kScrape, -1, 200}},
      {"state-fullscrape", {O::kFullScrape, -1, 200}},
      {"state-statedump", {O::kStats, -1, 200}},
      {"state-announce", {O::kAnnounce, -1, 200}},
      {"v6-announce-leecher", {O::kAnnounce, -1, 200}},
      {"v6-announce-seeder", {O::kAnnounce, -1, 200}},
      {"v6-announce-numwant-0", {O::kAnnounce, -1, 200}},
      {"v6-announce-numwant-2", {O::kAnnounce, -1, 200}},
      {"v6-scrape", {O::kScrape, -1, 200}},
      {"v6-stopped", {O::kStopped, -1, 200}},
  };
  return table;
}

int StatusCode(std::string_view response) {
  if (response.empty()) return 0;
  if (response.size() < 12 || response.substr(0, 5) != "HTTP/") return -2;
  return std::stoi(std::string(response.substr(9, 3)));
}

// The body a 200 must have for the outcome (where the parser decides it).
void CheckBodyKind(Outcome outcome, std::string_view body, const std::string& where) {
  constexpr std::string_view kForgot =
      "d14:failure reason80:Your client forgot to send your torrent's info_hash. Please upgrade your client.e";
  switch (outcome) {
    case Outcome::kMissingHash:
      EXPECT_EQ(body, kForgot) << where;
      break;
    case Outcome::kAnnounce:
      EXPECT_TRUE((body.starts_with("d8:completei") && body.find("10:downloadedi") != std::string_view::npos) ||
                  body.starts_with("d14:failure reason63:Requested download is not authorized"))
          << where;
      break;
    case Outcome::kStopped:
      EXPECT_TRUE(body.starts_with("d8:completei")) << where;
      EXPECT_EQ(body.find("10:downloaded"), std::string_view::npos) << where;
      break;
    case Outcome::kScrape:
      EXPECT_TRUE(body.starts_with("d5:filesd")) << where;
      break;
    default:
      break;
  }
}

TEST(ParseHttpRequestGolden, EveryCapturedRequestGetsTheCapturedOutcome) {
  std::size_t checked = 0;
  for (std::string_view dir : kHttpGoldenDirs) {
    for (const std::string& name : test::ListGoldenCases(dir)) {
      const std::string where = std::string(dir) + "/" + name;
      const auto it = Expectations().find(CaseSuffix(name));
      if (it == Expectations().end()) {
        ADD_FAILURE() << "no expectation for " << where;
        continue;
      }
      const GoldenExpectation& expected = it->second;
      const std::string request = GoldenRequest(dir, name);
      const std::string response = test::ReadGolden(std::string(dir) + "/" + name + ".resp");
      EXPECT_EQ(OutcomeName(Predict(request)), OutcomeName(expected.outcome)) << where;
      const int status = IsHeadDir(dir) ? expected.head_status : expected.deb_status;
      EXPECT_EQ(StatusCode(response), status) << where;
      if (status == 200) CheckBodyKind(expected.outcome, test::SplitHttpResponse(response).body, where);
      ++checked;
    }
  }
  EXPECT_GT(checked, 280u);
}

// The exact error for the requests the router itself refuses.
TEST(ParseHttpRequestGolden, RouterErrors) {
  struct Case {
    std::string_view name;
    HttpError error;
  };
  const Case cases[] = {
      {"03-root-query-only", HttpError::kNotFound},     {"04-not-found", HttpError::kNotFound},
      {"05-not-found-favicon", HttpError::kNotFound},   {"06-method-post", HttpError::kParseError},
      {"07-method-head", HttpError::kParseError},       {"08-lowercase-get", HttpError::kParseError},
      {"09-garbage", HttpError::kParseError},           {"10-path-bad-char", HttpError::kNotFound},
      {"11-path-equals", HttpError::kNotFound},         {"12-path-bad-percent", HttpError::kNotFound},
      {"14-announce-no-query", HttpError::kInvalidParameter},
      {"65-ann-passkey-path-2", HttpError::kNotFound},
      {"83-scrape-no-version-no-query", HttpError::kInvalidParameter},
      {"123-stats-path-wrong", HttpError::kNotFound},   {"124-stats-path-prefix", HttpError::kNotFound},
  };
  for (const Case& c : cases) {
    const std::string request = GoldenRequest("http-B-main", std::string(c.name));
    GuardedBuffer buffer(request);
    const HttpParse parse = Parse(buffer);
    EXPECT_FALSE(parse.ok) << c.name;
    EXPECT_EQ(parse.error, c.error) << c.name;
  }
  // Announce/scrape without a query keep their route for the error counters.
  GuardedBuffer announce(GoldenRequest("http-B-main", "14-announce-no-query"));
  EXPECT_EQ(Parse(announce).request.route, HttpRoute::kAnnounce);
  GuardedBuffer scrape(GoldenRequest("http-B-main", "83-scrape-no-version-no-query"));
  EXPECT_EQ(Parse(scrape).request.route, HttpRoute::kScrape);
}

TEST(ParseHttpRequestGolden, RoutesQueriesVersionsAndHeaders) {
  struct Case {
    std::string_view dir;
    std::string_view name;
    HttpRoute route;
    std::string_view query_prefix;  // compared with the start of the query
    std::size_t query_size;         // 0: no query
    HttpVersion version;
    bool accept_gzip;
  };
  const Case cases[] = {
      {"http-B-main", "01-root-redirect", HttpRoute::kRoot, "", 0, HttpVersion::k10, false},
      {"http-B-main", "02-root-many-slashes", HttpRoute::kRoot, "", 0, HttpVersion::k10, false},
      {"http-B-main", "13-path-encoded-a", HttpRoute::kAnnounce, "info_hash=%01%02", 192, HttpVersion::k11, false},
      {"http-B-main", "15-announce-no-infohash", HttpRoute::kAnnounce, "port=6881&left=0", 16, HttpVersion::k11,
       false},
      {"http-B-main", "16-announce-empty-query", HttpRoute::kAnnounce, "", 0, HttpVersion::k11, false},
      {"http-B-main", "60-ann-space-before-query", HttpRoute::kAnnounce, "info_hash=%01", 190, HttpVersion::k11,
       false},
      {"http-B-main", "66-ann-http10-no-host", HttpRoute::kAnnounce, "info_hash=", 190, HttpVersion::k10, false},
      {"http-B-main", "67-ann-no-version", HttpRoute::kAnnounce, "info_hash=", 190, HttpVersion::kNone, false},
      {"http-B-main", "68-ann-lf-only", HttpRoute::kAnnounce, "info_hash=", 190, HttpVersion::k11, false},
      {"http-B-main", "82-scrape-space-before-query", HttpRoute::kScrape, "info_hash=", 70, HttpVersion::k11,
       false},
      {"http-B-main", "85-fullscrape-plain", HttpRoute::kFullScrape, "", 0, HttpVersion::k11, false},
      {"http-B-main", "86-fullscrape-gzip", HttpRoute::kFullScrape, "", 0, HttpVersion::k11, true},
      // Port decision: "gzip" in User-Agent no longer means gzip.
      {"http-B-main", "87-fullscrape-gzip-in-ua", HttpRoute::kFullScrape, "", 0, HttpVersion::k11, false},
      {"http-B-main", "88-fullscrape-http10", HttpRoute::kFullScrape, "", 0, HttpVersion::k10, false},
      {"http-B-main", "89-stats-noargs", HttpRoute::kStats, "", 0, HttpVersion::k11, false},
      {"http-B-main", "112-stats-unknown-param", HttpRoute::kStats, "foo=bar&mode=torr", 17, HttpVersion::k11,
       false},
      {"http-B-main", "120-stats-tpbs-txt-gzip", HttpRoute::kStats, "mode=tpbs&format=txt", 20, HttpVersion::k11,
       true},
      {"http-B-main", "132-crlf-then-lf", HttpRoute::kStats, "mode=version", 12, HttpVersion::k11, false},
  };
  for (const Case& c : cases) {
    const std::string bytes = GoldenRequest(c.dir, std::string(c.name));
    const std::optional<std::size_t> end = FindHeaderEnd(bytes);
    ASSERT_TRUE(end.has_value()) << c.name;
    GuardedBuffer buffer(std::string_view(bytes).substr(0, *end));
    const HttpParse parse = Parse(buffer);
    ASSERT_TRUE(parse.ok) << c.name;
    const HttpRequest& r = parse.request;
    EXPECT_EQ(r.route, c.route) << c.name;
    EXPECT_EQ(r.query.size(), c.query_size) << c.name;
    EXPECT_TRUE(r.query.starts_with(c.query_prefix)) << c.name << ": " << r.query;
    EXPECT_EQ(r.version, c.version) << c.name;
    EXPECT_EQ(r.accept_gzip, c.accept_gzip) << c.name;
    EXPECT_FALSE(r.connection_close) << c.name;
    EXPECT_TRUE(r.x_forwarded_for.empty()) << c.name;
  }
  // "/announce?" has a query, an empty one.
  GuardedBuffer empty(GoldenRequest("http-B-main", "16-announce-empty-query"));
  EXPECT_TRUE(Parse(empty).request.has_query);
  GuardedBuffer none(GoldenRequest("http-B-main", "89-stats-noargs"));
  EXPECT_FALSE(Parse(none).request.has_query);
}

// Every prefix of every captured request (the reactor may call the router on
// any framed block): no read past the end, views stay inside.
TEST(ParseHttpRequestGolden, EveryPrefixStaysInsideItsBuffer) {
  for (std::string_view dir : kHttpGoldenDirs) {
    for (const std::string& name : test::ListGoldenCases(dir)) {
      const std::string request = GoldenRequest(dir, name);
      // The padded requests only repeat one header byte; sample them.
      const std::size_t step = request.size() > 1024 ? 97 : 1;
      for (std::size_t size = 0; size <= request.size(); size += step) {
        GuardedBuffer buffer(std::string_view(request).substr(0, size));
        const HttpParse parse = Parse(buffer);
        if (parse.ok && parse.request.has_query) {
          GuardedBuffer query(parse.request.query);
          (void)ParseAnnounceQuery(query.view(), {});
          (void)ParseScrapeQuery(query.view());
          (void)ParseStatsQuery(query.view());
        }
      }
    }
  }
}

// ---------------------------------------------------------- hand-made cases

struct RouteCase {
  std::string_view request;
  bool ok;
  HttpError error;  // when !ok
  HttpRoute route;  // when ok
  std::string_view query;
  bool has_query;
};

constexpr HttpError kNoError = HttpError::kNotFound;

const RouteCase kRouteCases[] = {
    // §3.2.1: exactly "GET /".
    {"GET /", true, kNoError, HttpRoute::kRoot, "", false},
    {"GET ", false, HttpError::kParseError, HttpRoute::kRoot, "", false},
    {"GET", false, HttpError::kParseError, HttpRoute::kRoot, "", false},
    {"", false, HttpError::kParseError, HttpRoute::kRoot, "", false},
    {"GET  /announce?a HTTP/1.1\r\n\r\n", false, HttpError::kParseError, HttpRoute::kRoot, "", false},
    {"Get /announce?a HTTP/1.1\r\n\r\n", false, HttpError::kParseError, HttpRoute::kRoot, "", false},
    {"GET\t/announce?a\r\n\r\n", false, HttpError::kParseError, HttpRoute::kRoot, "", false},
    // §3.2.3: empty path.
    {"GET / HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kRoot, "", false},
    {"GET /\r\n\r\n", true, kNoError, HttpRoute::kRoot, "", false},
    {"GET /\n\n", true, kNoError, HttpRoute::kRoot, "", false},
    {Bytes("GET /\0 HTTP/1.1\r\n\r\n"), true, kNoError, HttpRoute::kRoot, "", false},
    {"GET ///// HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kRoot, "", false},
    {"GET /? HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET //?info_hash=x HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    // Path class errors are 404, whatever the path.
    {"GET /ann#ounce?x HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /a&b?x HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /a@b?x HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /a=b?x HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /a\tb?x HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /a\x80?x HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /stats\x7f HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /a%4?x HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /a%g1?x HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /a%", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /a%6", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /%zzannounce HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    // §3.2.4: routing on the decoded path.
    {"GET /a?x=1 HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "x=1", true},
    {"GET /announce.php?x=1 HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "x=1", true},
    {"GET /%61?x=1 HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "x=1", true},
    {"GET /%3F?x=1 HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "x=1", true},
    {"GET /%3f%3f?x=1 HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "x=1", true},
    {"GET /A?x=1 HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /sc?x=1 HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kScrape, "x=1", true},
    {"GET /scrape.php?x=1 HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kScrape, "x=1", true},
    {"GET /%73c?x=1 HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kScrape, "x=1", true},
    {"GET /s?x=1 HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /s HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    // Full scrape: an undecoded "scrape" followed by " HTTP/".
    {"GET /scrape HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kFullScrape, "", false},
    {"GET /scrape HTTP/", true, kNoError, HttpRoute::kFullScrape, "", false},
    {"GET ///scrape HTTP/1.0\r\n\r\n", true, kNoError, HttpRoute::kFullScrape, "", false},
    {"GET /scrape HTTP", false, HttpError::kInvalidParameter, HttpRoute::kScrape, "", false},
    {"GET /%73crape HTTP/1.1\r\n\r\n", false, HttpError::kInvalidParameter, HttpRoute::kScrape, "", false},
    {"GET /scrape  HTTP/1.1\r\n\r\n", false, HttpError::kInvalidParameter, HttpRoute::kScrape, "", false},
    {"GET /scrape?x HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kScrape, "x", true},
    {"GET /scrapes HTTP/1.1\r\n\r\n", false, HttpError::kInvalidParameter, HttpRoute::kScrape, "", false},
    // Stats and metrics: exact decoded match, query optional.
    {"GET /stats HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kStats, "", false},
    {"GET /stats?mode=peer HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kStats, "mode=peer", true},
    {"GET /%73tats?mode=peer HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kStats, "mode=peer", true},
    {"GET //stats\r\n\r\n", true, kNoError, HttpRoute::kStats, "", false},
    {"GET /stats", true, kNoError, HttpRoute::kStats, "", false},
    {"GET /stats? HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kStats, "", true},
    {"GET /stat HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /statss HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /Stats HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    // No client-bug workaround for stats: the query after a blank is not read.
    {"GET /stats ?mode=torr HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kStats, "", false},
    {"GET /metrics HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kMetrics, "", false},
    {"GET /metrics?x=1 HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kMetrics, "x=1", true},
    {"GET /metric HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    {"GET /metricsx HTTP/1.1\r\n\r\n", false, HttpError::kNotFound, HttpRoute::kRoot, "", false},
    // §3.2.5: "announce ?query" workaround, on the same line only.
    {"GET /announce ?info_hash=x HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "info_hash=x", true},
    {"GET /announce HTTP/1.1?info_hash=x\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "info_hash=x", true},
    {"GET /announce\r?x=1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "x=1", true},
    {"GET /announce HTTP/1.1\r\nX: ?x=1\r\n\r\n", false, HttpError::kInvalidParameter, HttpRoute::kAnnounce, "",
     false},
    {"GET /announce\r\n\r\n", false, HttpError::kInvalidParameter, HttpRoute::kAnnounce, "", false},
    {"GET /announce", false, HttpError::kInvalidParameter, HttpRoute::kAnnounce, "", false},
    {"GET /announce HTTP/1.1", false, HttpError::kInvalidParameter, HttpRoute::kAnnounce, "", false},
    {"GET /scrape ?info_hash=x HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kScrape, "info_hash=x", true},
    {"GET /sc HTTP/1.1\r\n\r\n", false, HttpError::kInvalidParameter, HttpRoute::kScrape, "", false},
    // The query: raw bytes after '?' up to a blank, CR, LF or NUL.
    {"GET /a?x=%zz&y=\"# HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "x=%zz&y=\"#", true},
    {"GET /a?x=1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "x=1", true},
    {"GET /a?x=1\n\n", true, kNoError, HttpRoute::kAnnounce, "x=1", true},
    {Bytes("GET /a?x=1\0y HTTP/1.1\r\n\r\n"), true, kNoError, HttpRoute::kAnnounce, "x=1", true},
    {"GET /a?x=1", true, kNoError, HttpRoute::kAnnounce, "x=1", true},
    {"GET /a?", true, kNoError, HttpRoute::kAnnounce, "", true},
    {"GET /a?? HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "?", true},
    {"GET /a?x=1\tz HTTP/1.1\r\n\r\n", true, kNoError, HttpRoute::kAnnounce, "x=1\tz", true},
};

TEST(ParseHttpRequest, Routing) {
  for (const RouteCase& c : kRouteCases) {
    GuardedBuffer buffer(c.request);
    const HttpParse parse = Parse(buffer);
    const std::string label = testing::PrintToString(std::string(c.request));
    EXPECT_EQ(parse.ok, c.ok) << label;
    if (c.ok) {
      EXPECT_EQ(parse.request.route, c.route) << label;
    } else {
      EXPECT_EQ(parse.error, c.error) << label;
      if (c.error == HttpError::kInvalidParameter) {
        EXPECT_EQ(parse.request.route, c.route) << label;
      }
    }
    EXPECT_EQ(parse.request.query, c.query) << label;
    EXPECT_EQ(parse.request.has_query, c.has_query) << label;
  }
}

TEST(ParseHttpRequest, StatsPathIsConfigurable) {
  struct Case {
    std::string_view stats_path;
    std::string_view request;
    bool ok;
    HttpRoute route;
  };
  const Case cases[] = {
      {"stats", "GET /stats HTTP/1.1\r\n\r\n", true, HttpRoute::kStats},
      {"secret", "GET /stats HTTP/1.1\r\n\r\n", false, HttpRoute::kRoot},
      {"secret", "GET /secret?mode=conn HTTP/1.1\r\n\r\n", true, HttpRoute::kStats},
      {"secret", "GET /secre HTTP/1.1\r\n\r\n", false, HttpRoute::kRoot},
      {"secret", "GET /%73ecret HTTP/1.1\r\n\r\n", true, HttpRoute::kStats},
      {"my/stats", "GET /my/stats HTTP/1.1\r\n\r\n", true, HttpRoute::kStats},
      {"my/stats", "GET /my%2Fstats HTTP/1.1\r\n\r\n", true, HttpRoute::kStats},
      // A stats path starting with 'a' or "sc" is unreachable (quirk 2).
      {"admin", "GET /admin HTTP/1.1\r\n\r\n", false, HttpRoute::kAnnounce},
      {"scores", "GET /scores?x HTTP/1.1\r\n\r\n", true, HttpRoute::kScrape},
      // The stats path wins over /metrics when they are equal.
      {"metrics", "GET /metrics HTTP/1.1\r\n\r\n", true, HttpRoute::kStats},
      {"", "GET /metrics HTTP/1.1\r\n\r\n", true, HttpRoute::kMetrics},
      {"", "GET / HTTP/1.1\r\n\r\n", true, HttpRoute::kRoot},
  };
  for (const Case& c : cases) {
    GuardedBuffer buffer(c.request);
    const HttpParse parse = Parse(buffer, c.stats_path);
    EXPECT_EQ(parse.ok, c.ok) << c.stats_path << " " << c.request;
    EXPECT_EQ(parse.request.route, c.route) << c.stats_path << " " << c.request;
  }
}

TEST(ParseHttpRequest, Version) {
  struct Case {
    std::string_view request;
    HttpVersion version;
  };
  const Case cases[] = {
      {"GET /stats HTTP/1.1\r\n\r\n", HttpVersion::k11},
      {"GET /stats HTTP/1.0\r\n\r\n", HttpVersion::k10},
      {"GET /stats HTTP/1.1\n\n", HttpVersion::k11},
      {"GET /stats\r\n\r\n", HttpVersion::kNone},
      {"GET /stats HTTP/2.0\r\n\r\n", HttpVersion::kNone},
      {"GET /stats HTTP/1.\r\n\r\n", HttpVersion::kNone},
      {"GET /stats HTTP/1.1", HttpVersion::k11},
      {"GET /stats HTTP/1.", HttpVersion::kNone},
      {"GET /stats http/1.1\r\n\r\n", HttpVersion::kNone},
      {"GET /stats\r\nX: HTTP/1.1\r\n\r\n", HttpVersion::kNone},  // only the request line counts
      {"GET /announce?info_hash=x HTTP/1.0\r\n\r\n", HttpVersion::k10},
      {"GET /announce ?info_hash=x HTTP/1.0\r\n\r\n", HttpVersion::k10},
      {"GET /announce HTTP/1.0?info_hash=x\r\n\r\n", HttpVersion::k10},
      {"GET / HTTP/1.1\r\n\r\n", HttpVersion::k11},
      {"GET /nothing HTTP/1.1\r\n\r\n", HttpVersion::k11},      // known for error replies too
      {"GET /bad\"path HTTP/1.0\r\n\r\n", HttpVersion::k10},
      {"POST /stats HTTP/1.1\r\n\r\n", HttpVersion::k11},
  };
  for (const Case& c : cases) {
    GuardedBuffer buffer(c.request);
    EXPECT_EQ(Parse(buffer).request.version, c.version) << c.request;
  }
}

TEST(ParseHttpRequest, ConnectionClose) {
  struct Case {
    std::string_view headers;  // after "GET /stats HTTP/1.1\r\n"
    bool close;
  };
  const Case cases[] = {
      {"\r\n", false},
      {"Connection: close\r\n\r\n", true},
      {"connection: CLOSE\r\n\r\n", true},
      {"CONNECTION:close\r\n\r\n", true},
      {"Connection:\tclose \r\n\r\n", true},
      {"Connection: keep-alive\r\n\r\n", false},
      {"Connection: keep-alive, close\r\n\r\n", true},
      {"Connection: Upgrade,Close\r\n\r\n", true},
      {"Connection: closed\r\n\r\n", false},
      {"Connection: close-ish\r\n\r\n", false},
      {"Connection : close\r\n\r\n", false},  // no blank before the colon
      {"X-Connection: close\r\n\r\n", false},
      {"Host: x\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n", true},
      {"Host: x\nConnection: close\n\n", true},
      {"\r\nConnection: close\r\n\r\n", false},  // after the end of the header block
  };
  for (const Case& c : cases) {
    const std::string request = "GET /stats HTTP/1.1\r\n"s + std::string(c.headers);
    GuardedBuffer buffer(request);
    EXPECT_EQ(Parse(buffer).request.connection_close, c.close) << c.headers;
  }
  // The request line itself is not a header.
  GuardedBuffer line("GET /Connection: close\r\n\r\n");
  EXPECT_FALSE(Parse(line).request.connection_close);
}

TEST(ParseHttpRequest, AcceptGzip) {
  struct Case {
    std::string_view header;  // Accept-Encoding value; "-" for no header
    bool gzip;
  };
  const Case cases[] = {
      {"-", false},
      {"", false},
      {"gzip", true},
      {"GZIP", true},
      {"x-gzip", true},
      {"gzip, deflate", true},
      {"deflate, gzip", true},
      {"deflate,gzip;q=0.5", true},
      {"br;q=1.0, gzip;q=0.8, *;q=0.1", true},
      {"gzip;q=0", false},
      {"gzip; q=0", false},
      {"gzip;q=0.0", false},
      {"gzip;q=0.000", false},
      {"gzip;q=0.001", true},
      {"gzip;Q=1", true},
      {"gzip;q=1.000", true},
      {"gzip;q=1.5", false},     // malformed qvalue refuses
      {"gzip;q=0.0001", false},  // more than three decimals
      {"gzip;q=", false},
      {"gzip;q=abc", false},
      {"gzip;level=1", true},    // other parameters are ignored
      {"*", true},
      {"*;q=0", false},
      {"identity", false},
      {"deflate, br", false},
      {"gzipper", false},
      {"gzip;q=0, *", false},    // an explicit refusal beats the wildcard
      {"x-gzip;q=0, gzip", true},
      {"zstd, gzip;q=0.1", true},
  };
  for (const Case& c : cases) {
    std::string request = "GET /scrape HTTP/1.1\r\nHost: x\r\n";
    if (c.header != "-") request += "Accept-Encoding: " + std::string(c.header) + "\r\n";
    request += "\r\n";
    GuardedBuffer buffer(request);
    const HttpParse parse = Parse(buffer);
    EXPECT_EQ(parse.request.route, HttpRoute::kFullScrape);
    EXPECT_EQ(parse.request.accept_gzip, c.gzip) << c.header;
  }
  // Two headers form one list.
  GuardedBuffer two("GET /scrape HTTP/1.1\r\nAccept-Encoding: br\r\naccept-encoding: gzip\r\n\r\n");
  EXPECT_TRUE(Parse(two).request.accept_gzip);
  // "gzip" elsewhere in the headers no longer counts (upstream's substring test).
  GuardedBuffer ua("GET /scrape HTTP/1.1\r\nUser-Agent: gzip\r\nX-Gzip: gzip\r\n\r\n");
  EXPECT_FALSE(Parse(ua).request.accept_gzip);
  // ... but it does in the query, for old scripts.
  GuardedBuffer query("GET /stats?mode=tpbs&format=txt&gzip=1 HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(Parse(query).request.accept_gzip);
  GuardedBuffer query_value("GET /stats?mode=tpbs&format=txt&compression=gzip HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(Parse(query_value).request.accept_gzip);
  GuardedBuffer path_only("GET /stats HTTP/1.1\r\nX: y\r\n\r\ngzip");
  EXPECT_FALSE(Parse(path_only).request.accept_gzip);
}

TEST(ParseHttpRequest, XForwardedFor) {
  struct Case {
    std::string_view headers;
    std::string_view forwarded;
  };
  const Case cases[] = {
      {"\r\n", ""},
      {"X-Forwarded-For: 10.0.0.1\r\n\r\n", "10.0.0.1"},
      {"x-forwarded-for:10.0.0.1\r\n\r\n", "10.0.0.1"},
      {"X-FORWARDED-FOR: \t 10.0.0.1 \r\n\r\n", "10.0.0.1"},
      {"X-Forwarded-For: 10.0.0.1, 10.0.0.2\r\n\r\n", "10.0.0.1"},
      {"X-Forwarded-For: 10.0.0.1,10.0.0.2\r\n\r\n", "10.0.0.1"},
      {"X-Forwarded-For: 2001:db8::1\r\n\r\n", "2001:db8::1"},
      {"X-Forwarded-For: 10.0.0.1\tx\r\n\r\n", "10.0.0.1"},
      {"X-Forwarded-For: \r\n\r\n", ""},
      {"X-Forwarded-For: junk\r\n\r\n", "junk"},
      {"X-Forwarded-For : 10.0.0.1\r\n\r\n", ""},  // blank before the colon
      {"X-Forwarded-Form: 10.0.0.1\r\n\r\n", ""},
      {"X-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\n\r\n", "10.0.0.1"},
      {"Host: x\nX-Forwarded-For: 10.0.0.3\n\n", "10.0.0.3"},
      {"X-Forwarded-For: 10.0.0.4", "10.0.0.4"},  // unterminated block, still bounded
  };
  for (const Case& c : cases) {
    const std::string request = "GET /announce?info_hash=x HTTP/1.1\r\n"s + std::string(c.headers);
    GuardedBuffer buffer(request);
    const HttpParse parse = Parse(buffer);
    EXPECT_EQ(parse.request.x_forwarded_for, c.forwarded) << c.headers;
  }
}

// Headers are read whatever the route, so the reply to an error can still
// honour "Connection: close".
TEST(ParseHttpRequest, HeadersAreReadForErrorsToo) {
  GuardedBuffer not_found("GET /nothing HTTP/1.1\r\nConnection: close\r\n\r\n");
  HttpParse parse = Parse(not_found);
  EXPECT_FALSE(parse.ok);
  EXPECT_TRUE(parse.request.connection_close);
  GuardedBuffer bad("POST /announce HTTP/1.1\r\nConnection: close\r\n\r\n");
  parse = Parse(bad);
  EXPECT_EQ(parse.error, HttpError::kParseError);
  EXPECT_TRUE(parse.request.connection_close);
}

TEST(ParseHttpRequest, QueryViewPointsIntoTheRequest) {
  const std::string request = "GET /announce?info_hash=abc&port=1 HTTP/1.1\r\n\r\n";
  GuardedBuffer buffer(request);
  const HttpParse parse = Parse(buffer);
  ASSERT_TRUE(parse.ok);
  EXPECT_EQ(parse.request.query.data(), buffer.data() + 14);
  EXPECT_EQ(parse.request.query, "info_hash=abc&port=1");
}

// A long path or query costs no memory and parses to the end.
TEST(ParseHttpRequest, LongPathsAndQueries) {
  std::string path(kMaxHttpRequestSize, 'a');
  GuardedBuffer announce("GET /" + path + "?x=1 HTTP/1.1\r\n\r\n");
  HttpParse parse = Parse(announce);
  EXPECT_TRUE(parse.ok);
  EXPECT_EQ(parse.request.query, "x=1");
  std::string stats_like = "stats" + std::string(5000, 's');
  GuardedBuffer long_stats("GET /" + stats_like + " HTTP/1.1\r\n\r\n");
  EXPECT_FALSE(Parse(long_stats).ok);
  EXPECT_TRUE(Parse(long_stats, stats_like).ok);
}

}  // namespace
}  // namespace ot::proto
