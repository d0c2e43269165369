// Query walks for announce, scrape and stats (spec §3.3, §3.5, §3.6, §6):
// the captured announce/scrape/stats requests field by field, then every
// key, integer rule and byte class by hand. Queries live in GuardedBuffers.
#include "opentracker/proto/query_string.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "opentracker/proto/http_request.hpp"
#include "opentracker/proto/ip_text.hpp"
#include "support/golden.hpp"
#include "support/guarded_buffer.hpp"

namespace ot::proto {
namespace {

using namespace std::string_literals;
using test::GuardedBuffer;
using Status = AnnounceQuery::Status;

// %01..%14, the probes' HASH_A, and its raw bytes.
constexpr std::string_view kHashAEncoded = "%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14";
const std::string kHashA = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14";
const std::string kHashQuery = "info_hash="s + std::string(kHashAEncoded);

template <std::size_t N>
constexpr std::string_view Bytes(const char (&text)[N]) {
  return {text, N - 1};
}

std::string HashText(const InfoHash& hash) {
  return std::string(reinterpret_cast<const char*>(hash.bytes.data()), hash.bytes.size());
}

std::string IdText(const PeerId& id) { return std::string(reinterpret_cast<const char*>(id.data()), id.size()); }

AnnounceQuery Announce(std::string_view query, bool parse_ip = false) {
  GuardedBuffer buffer(query);
  return ParseAnnounceQuery(buffer.view(), AnnounceQueryOptions{parse_ip});
}

ScrapeQuery Scrape(std::string_view query) {
  GuardedBuffer buffer(query);
  return ParseScrapeQuery(buffer.view());
}

StatsQuery Stats(std::string_view query) {
  GuardedBuffer buffer(query);
  return ParseStatsQuery(buffer.view());
}

// The routed query of a captured request.
std::string GoldenQuery(const std::string& relative) {
  const std::string request = test::ReadGolden(relative);
  const std::optional<std::size_t> end = FindHeaderEnd(request);
  EXPECT_TRUE(end.has_value()) << relative;
  const HttpParse parse = ParseHttpRequest(std::string_view(request).substr(0, end.value_or(0)), "stats");
  EXPECT_TRUE(parse.ok) << relative;
  return std::string(parse.request.query);
}

// ------------------------------------------------------- golden: announce

struct GoldenAnnounce {
  std::string_view name;
  std::string_view hash;  // raw bytes; "A" for HASH_A, "B" for HASH_B (= "ABCDEFGHIJKLMNOPQRST")
  std::optional<std::string_view> peer_id;
  std::uint16_t port;
  bool seeding;
  AnnounceEvent event;
  std::uint32_t numwant;
  bool compact;
};

constexpr std::string_view kPid1 = "-PR0001-000000000001";
constexpr std::string_view kPid2 = "-PR0001-000000000002";
constexpr std::string_view kPid3 = "-PR0001-000000000003";
constexpr auto kNone = AnnounceEvent::kNone;

const GoldenAnnounce kGoldenAnnounces[] = {
    {"13-path-encoded-a", "A", kPid3, 7000, false, kNone, 50, true},
    {"17-ann-peer1-leecher", "A", kPid1, 6881, false, kNone, 50, true},
    {"18-ann-peer2-seeder", "A", kPid2, 6882, true, kNone, 50, true},
    {"19-ann-peer3-leecher", "A", kPid3, 6883, false, kNone, 50, true},
    {"20-ann-peer1-completed-but-left", "A", kPid1, 6881, false, AnnounceEvent::kCompleted, 50, true},
    {"21-ann-peer1-completed", "A", kPid1, 6881, true, AnnounceEvent::kCompleted, 50, true},
    {"23-ann-event-started", "A", kPid3, 6883, false, AnnounceEvent::kStarted, 50, true},
    {"24-ann-event-unknown", "A", kPid3, 6883, false, kNone, 50, true},
    {"25-ann-numwant-0", "A", kPid3, 6883, false, kNone, 0, true},
    {"26-ann-numwant-1", "A", kPid3, 6883, false, kNone, 1, true},
    {"27-ann-numwant-2", "A", kPid3, 6883, false, kNone, 2, true},
    {"28-ann-numwant-neg", "A", kPid3, 6883, false, kNone, 50, true},
    {"29-ann-numwant-huge", "A", kPid3, 6883, false, kNone, 200, true},
    {"32-ann-compact-0", "A", kPid3, 6883, false, kNone, 50, false},
    {"34-ann-compact6", "A", kPid3, 6883, false, kNone, 50, true},
    {"35-ann-no-peer-id-param", "A", std::nullopt, 6884, false, kNone, 50, true},
    {"41-ann-hash-plain-ascii", "B", kPid1, 6885, true, kNone, 50, true},
    {"42-ann-hash-lowercase-escapes",
     "\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd\xdd", kPid1, 6886, true, kNone,
     50, true},
    {"43-ann-plus-not-space", "ABCDEFGHIJKLMNOPQR+T", std::nullopt, 1, false, kNone, 50, true},
    {"45-ann-port-neg", "B", kPid2, 65535, false, kNone, 50, true},
    {"47-ann-port-missing", "B", kPid3, 0, false, kNone, 50, true},
    {"48-ann-left-junk", "B", kPid1, 6887, true, kNone, 50, true},
    {"49-ann-left-2pow32", "B", kPid1, 6888, true, kNone, 50, true},
    {"51-ann-left-missing", "B", kPid1, 6890, false, kNone, 50, true},
    {"52-ann-ip-param", "B", kPid1, 6891, false, kNone, 50, true},
    {"53-ann-ip-param-junk", "B", kPid1, 6892, false, kNone, 50, true},
    {"54-ann-unknown-param-junk-escape", "B", kPid1, 6893, false, kNone, 50, true},
    {"56-ann-param-no-value", "B", kPid1, 6895, false, kNone, 50, true},
    {"57-ann-not-whitelisted", "\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99\x99",
     kPid1, 6881, false, kNone, 50, true},
    {"60-ann-space-before-query", "A", kPid3, 6883, false, kNone, 50, true},
    {"67-ann-no-version", "A", kPid3, 6883, false, kNone, 50, true},
    {"69-ann-peer2-stopped", "A", kPid2, 6882, true, AnnounceEvent::kStopped, 50, true},
    {"70-ann-stopped-unknown-torrent",
     "\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77\x77", kPid2, 6882, true,
     AnnounceEvent::kStopped, 50, true},
};

TEST(ParseAnnounceQueryGolden, Fields) {
  for (const GoldenAnnounce& c : kGoldenAnnounces) {
    const std::string query = GoldenQuery("http-B-main/"s + std::string(c.name) + ".req");
    const AnnounceQuery parsed = Announce(query);
    ASSERT_EQ(parsed.status, Status::kOk) << c.name;
    const AnnounceRequest& r = parsed.request;
    const std::string hash = c.hash == "A" ? kHashA : c.hash == "B" ? "ABCDEFGHIJKLMNOPQRST" : std::string(c.hash);
    EXPECT_EQ(HashText(r.info_hash), hash) << c.name;
    EXPECT_EQ(r.peer_id.has_value(), c.peer_id.has_value()) << c.name;
    if (r.peer_id && c.peer_id) {
      EXPECT_EQ(IdText(*r.peer_id), *c.peer_id) << c.name;
    }
    EXPECT_EQ(r.port, c.port) << c.name;
    EXPECT_EQ(r.seeding, c.seeding) << c.name;
    EXPECT_EQ(r.event, c.event) << c.name;
    EXPECT_EQ(r.numwant, c.numwant) << c.name;
    EXPECT_EQ(r.compact, c.compact) << c.name;
    EXPECT_FALSE(r.ip_param.has_value()) << c.name;
  }
}

TEST(ParseAnnounceQueryGolden, Errors) {
  const std::string_view cases[] = {
      "30-ann-numwant-junk", "31-ann-numwant-empty", "33-ann-compact-junk",  "36-ann-peer-id-short",
      "37-ann-hash-short",   "38-ann-hash-long",     "39-ann-hash-twice",    "40-ann-hash-bad-escape",
      "44-ann-port-70000",   "46-ann-port-junk",     "50-ann-left-empty",    "55-ann-bad-char-in-unknown",
  };
  for (std::string_view name : cases) {
    const AnnounceQuery parsed = Announce(GoldenQuery("http-B-main/"s + std::string(name) + ".req"));
    EXPECT_EQ(parsed.status, Status::kError) << name;
    EXPECT_EQ(parsed.error, HttpError::kInvalidParameter) << name;
  }
  for (std::string_view name : {"15-announce-no-infohash", "16-announce-empty-query"}) {
    EXPECT_EQ(Announce(GoldenQuery("http-B-main/"s + std::string(name) + ".req")).status, Status::kMissingInfoHash)
        << name;
  }
}

// ip= with tracker.ip_from_query on (neither capture had it compiled in).
TEST(ParseAnnounceQueryGolden, IpParameterWhenEnabled) {
  const AnnounceQuery good = Announce(GoldenQuery("http-B-main/52-ann-ip-param.req"), true);
  ASSERT_EQ(good.status, Status::kOk);
  ASSERT_TRUE(good.request.ip_param.has_value());
  EXPECT_EQ(*good.request.ip_param, IpAddress::FromV4(10, 11, 12, 13));
  const AnnounceQuery junk = Announce(GoldenQuery("http-B-main/53-ann-ip-param-junk.req"), true);
  EXPECT_EQ(junk.status, Status::kError);
}

TEST(ParseAnnounceQueryGolden, HeadV6Cases) {
  const AnnounceQuery stopped = Announce(GoldenQuery("upstream-head-localbuild/http-v6/805-v6-stopped.req"));
  ASSERT_EQ(stopped.status, Status::kOk);
  EXPECT_EQ(stopped.request.event, AnnounceEvent::kStopped);
  EXPECT_TRUE(stopped.request.seeding);
  const AnnounceQuery none = Announce(GoldenQuery("upstream-head-localbuild/http-v6/802-v6-announce-numwant-0.req"));
  ASSERT_EQ(none.status, Status::kOk);
  EXPECT_EQ(none.request.numwant, 0u);
  EXPECT_EQ(none.request.port, 6882);
}

// --------------------------------------------------------- announce, by hand

struct AnnounceCase {
  std::string_view query;  // appended to a valid info_hash unless it starts with '!'
  Status status;
};

// Error rules of §3.3 and §3.5, one byte class or integer rule at a time.
const AnnounceCase kAnnounceStatusCases[] = {
    // Integers: empty, junk, range.
    {"&port=", Status::kError},
    {"&port", Status::kError},
    {"&port&left=1", Status::kError},
    {"&port=1a", Status::kError},
    {"&port=a1", Status::kError},
    {"&port=+1", Status::kError},
    {"&port=--1", Status::kError},
    {"&port=1-", Status::kError},
    {"&port=1 ", Status::kOk},  // a blank is a terminator: the walk ends there
    {"&port=65535", Status::kOk},
    {"&port=65536", Status::kError},
    {"&port=-", Status::kOk},
    {"&port=%36%38%38%31", Status::kOk},
    {"&port=%zz", Status::kError},
    {"&port=1#", Status::kError},
    {"&port=1\x01", Status::kError},
    {"&numwant=", Status::kError},
    {"&numwant", Status::kError},
    {"&numwant=x", Status::kError},
    {"&numwant=-", Status::kOk},
    {"&compact=", Status::kError},
    {"&compact", Status::kError},
    {"&compact=yes", Status::kError},
    {"&compact6=", Status::kError},
    {"&compact6=x", Status::kError},
    {"&compact=0", Status::kOk},  // port decision: not an error
    {"&compact6=0", Status::kOk},
    {"&left=", Status::kError},
    {"&left", Status::kError},
    {"&left&port=1", Status::kError},
    {"&left=abc", Status::kOk},
    {"&left=%zz", Status::kError},
    // info_hash and peer_id: exactly 20 decoded bytes.
    {"!info_hash=", Status::kError},
    {"!info_hash", Status::kError},
    {"!info_hash&port=1", Status::kError},
    {"!info_hash=0123456789012345678", Status::kError},
    {"!info_hash=012345678901234567890", Status::kError},
    {"!info_hash=01234567890123456789", Status::kOk},
    {"!info_hash=??????????@@@@@@@@@@", Status::kOk},
    {"!info_hash=%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00", Status::kOk},
    {"!info_hash=0123456789012345678%", Status::kError},
    {"!info_hash=0123456789012345678%4", Status::kError},
    {"&info_hash=01234567890123456789", Status::kError},  // the second one
    {"&info_hash=", Status::kError},
    {"&peer_id=", Status::kError},
    {"&peer_id", Status::kError},
    {"&peer_id=0123456789012345678", Status::kError},
    {"&peer_id=012345678901234567890", Status::kError},
    {"&peer_id=01234567890123456789&peer_id=abcdefghijabcdefghij", Status::kOk},
    // event: a parse error is 400, any other value is ignored.
    {"&event=", Status::kOk},
    {"&event", Status::kOk},
    {"&event&port=1", Status::kOk},
    {"&event=paused", Status::kOk},
    {"&event=%zz", Status::kError},
    {"&event=a#", Status::kError},
    {"&event=a\x7f", Status::kError},
    // Keys: class errors are 400, unknown or empty keys are skipped.
    {"&in#fo=1", Status::kError},
    {"&a@b=1", Status::kError},
    {"&a\x01=1", Status::kError},
    {"&a\x80=1", Status::kError},
    {"&a%zz=1", Status::kError},
    {"&=1", Status::kOk},
    {"&&&", Status::kOk},
    {"&=&=", Status::kOk},
    {"&flag", Status::kOk},
    {"&flag&", Status::kOk},
    {"&a?b=1", Status::kOk},
    // Unknown values are skipped undecoded, except for class-X bytes.
    {"&key=%zz", Status::kOk},
    {"&key=%", Status::kOk},
    {"&key=a=b?c@d", Status::kOk},
    {"&key=a#b", Status::kError},
    {"&key=a\"b", Status::kError},
    {"&key=a$b", Status::kError},
    {"&key=[", Status::kError},
    {"&key=\\", Status::kError},
    {"&key=]", Status::kError},
    {"&key=^", Status::kError},
    {"&key=`", Status::kError},
    {"&key={", Status::kError},
    {"&key=|", Status::kError},
    {"&key=}", Status::kError},
    {"&key=a\x01" "b", Status::kOk},  // other Z bytes end the value like '&'
    {"&key=a\x7f" "b", Status::kOk},
    {"&key=a\xff" "b", Status::kOk},
    {"&key=a\x01#", Status::kError},  // ... and the next key scan still sees the '#'
    {"&ip=junk", Status::kOk},      // ip= is an unknown key unless enabled
    {"&ip=%zz", Status::kOk},
    // No info_hash at all.
    {"!", Status::kMissingInfoHash},
    {"!port=1&left=0", Status::kMissingInfoHash},
    {"!info%5Fhash2=01234567890123456789", Status::kMissingInfoHash},
    {"!INFO_HASH=01234567890123456789", Status::kMissingInfoHash},
    {"!info_hash_=01234567890123456789", Status::kMissingInfoHash},
    {"!port=x", Status::kError},  // errors come first
    {"!&&", Status::kMissingInfoHash},
};

TEST(ParseAnnounceQuery, StatusRules) {
  for (const AnnounceCase& c : kAnnounceStatusCases) {
    const std::string query =
        c.query.starts_with('!') ? std::string(c.query.substr(1)) : kHashQuery + std::string(c.query);
    const AnnounceQuery parsed = Announce(query);
    EXPECT_EQ(parsed.status, c.status) << testing::PrintToString(query);
    if (parsed.status == Status::kError) {
      EXPECT_EQ(parsed.error, HttpError::kInvalidParameter);
    }
  }
}

TEST(ParseAnnounceQuery, Defaults) {
  const AnnounceQuery parsed = Announce(kHashQuery);
  ASSERT_EQ(parsed.status, Status::kOk);
  const AnnounceRequest& r = parsed.request;
  EXPECT_EQ(HashText(r.info_hash), kHashA);
  EXPECT_FALSE(r.peer_id.has_value());
  EXPECT_EQ(r.port, 0);
  EXPECT_FALSE(r.seeding);
  EXPECT_EQ(r.event, AnnounceEvent::kNone);
  EXPECT_EQ(r.numwant, kDefaultNumwant);
  EXPECT_TRUE(r.compact);
  EXPECT_FALSE(r.ip_param.has_value());
}

TEST(ParseAnnounceQuery, Port) {
  struct Case {
    std::string_view value;
    std::uint16_t port;
  };
  const Case cases[] = {
      {"0", 0},          {"6881", 6881},   {"65535", 65535}, {"-1", 65535},  {"-65535", 1},
      {"-65536", 0},     {"-70000", 61072}, {"-", 0},        {"00080", 80},  {"%31", 1},
      // 32-bit wrap without overflow check: 2^32 + 1 is 1, 2^31 is negative.
      {"4294967297", 1}, {"2147483648", 0}, {"4294967295", 65535},
  };
  for (const Case& c : cases) {
    const AnnounceQuery parsed = Announce(kHashQuery + "&port=" + std::string(c.value));
    ASSERT_EQ(parsed.status, Status::kOk) << c.value;
    EXPECT_EQ(parsed.request.port, c.port) << c.value;
  }
  EXPECT_EQ(Announce(kHashQuery + "&port=1&port=2").request.port, 2);  // the last wins
}

TEST(ParseAnnounceQuery, Left) {
  struct Case {
    std::string_view query;
    bool seeding;
  };
  const Case cases[] = {
      {"&left=0", true},          {"&left=00", true},          {"&left=-0", true},     {"&left=-", true},
      {"&left=1", false},         {"&left=-1", false},         {"&left=abc", true},    {"&left=1abc", true},
      {"&left=4294967296", true}, {"&left=8589934592", true},  {"&left=4294967297", false},
      {"&left=0&left=5", true},  // flags are OR'ed
      {"&left=5&left=0", true},   {"&left=5&left=6", false},   {"&left=%30", true},
  };
  for (const Case& c : cases) {
    const AnnounceQuery parsed = Announce(kHashQuery + std::string(c.query));
    ASSERT_EQ(parsed.status, Status::kOk) << c.query;
    EXPECT_EQ(parsed.request.seeding, c.seeding) << c.query;
  }
}

TEST(ParseAnnounceQuery, Numwant) {
  struct Case {
    std::string_view value;
    std::uint32_t numwant;
  };
  const Case cases[] = {
      {"0", 0},           {"1", 1},       {"199", 199},          {"200", 200}, {"201", 200},
      {"100000", 200},    {"-1", 50},     {"-5", 50},            {"-", 0},     {"-0", 0},
      {"4294967295", 50},  // wraps to -1
      {"2147483647", 200}, {"4294967298", 2}, {"%32", 2},
  };
  for (const Case& c : cases) {
    const AnnounceQuery parsed = Announce(kHashQuery + "&numwant=" + std::string(c.value));
    ASSERT_EQ(parsed.status, Status::kOk) << c.value;
    EXPECT_EQ(parsed.request.numwant, c.numwant) << c.value;
  }
  EXPECT_EQ(Announce(kHashQuery + "&numwant=5&numwant=7").request.numwant, 7u);
}

TEST(ParseAnnounceQuery, Compact) {
  struct Case {
    std::string_view query;
    bool compact;
  };
  const Case cases[] = {
      {"&compact=1", true},           {"&compact=0", false},          {"&compact=00", false},
      {"&compact=-", false},          {"&compact=-0", false},         {"&compact=5", true},
      {"&compact=-1", true},          {"&compact6=0", false},         {"&compact6=1", true},
      {"&compact=4294967296", false},  // wraps to 0
      {"&compact=0&compact=1", false},  // other values never switch it back
      {"&compact=1&compact6=0", false},
  };
  for (const Case& c : cases) {
    const AnnounceQuery parsed = Announce(kHashQuery + std::string(c.query));
    ASSERT_EQ(parsed.status, Status::kOk) << c.query;
    EXPECT_EQ(parsed.request.compact, c.compact) << c.query;
  }
}

TEST(ParseAnnounceQuery, Event) {
  struct Case {
    std::string_view query;
    AnnounceEvent event;
  };
  const Case cases[] = {
      {"&event=completed", AnnounceEvent::kCompleted},
      {"&event=stopped", AnnounceEvent::kStopped},
      {"&event=started", AnnounceEvent::kStarted},
      {"&event=%63ompleted", AnnounceEvent::kCompleted},
      {"&event=COMPLETED", AnnounceEvent::kNone},
      {"&event=complete", AnnounceEvent::kNone},
      {"&event=completed%00", AnnounceEvent::kNone},
      {"&event=completedcompletedcompleted", AnnounceEvent::kNone},
      {"&event=", AnnounceEvent::kNone},
      {"&event", AnnounceEvent::kNone},
      {"&event=paused", AnnounceEvent::kNone},
      // Upstream ORs the flags and honours STOPPED first.
      {"&event=completed&event=stopped", AnnounceEvent::kStopped},
      {"&event=stopped&event=completed", AnnounceEvent::kStopped},
      {"&event=stopped&event=started", AnnounceEvent::kStopped},
      {"&event=completed&event=started", AnnounceEvent::kCompleted},
      {"&event=started&event=completed", AnnounceEvent::kCompleted},
      {"&event=completed&event=paused", AnnounceEvent::kCompleted},
  };
  for (const Case& c : cases) {
    const AnnounceQuery parsed = Announce(kHashQuery + std::string(c.query));
    ASSERT_EQ(parsed.status, Status::kOk) << c.query;
    EXPECT_EQ(parsed.request.event, c.event) << c.query;
  }
}

TEST(ParseAnnounceQuery, InfoHashAndPeerIdBytes) {
  const AnnounceQuery decoded = Announce("info%5Fhash=%26%3D%3f%25%2B+ABCDEFGHIJKLMN&peer%5Fid=%00" +
                                         std::string(19, 'p'));
  ASSERT_EQ(decoded.status, Status::kOk);
  EXPECT_EQ(HashText(decoded.request.info_hash), "&=?%++ABCDEFGHIJKLMN");  // '+' is not a space
  ASSERT_TRUE(decoded.request.peer_id.has_value());
  EXPECT_EQ(IdText(*decoded.request.peer_id), std::string(1, '\0') + std::string(19, 'p'));
  // Class B and C bytes are plain value bytes.
  EXPECT_EQ(Announce("info_hash=" + std::string(20, '=')).status, Status::kOk);
  EXPECT_EQ(Announce("info_hash=" + std::string(21, '=')).status, Status::kError);
  EXPECT_EQ(HashText(Announce("info_hash=" + std::string(20, '=')).request.info_hash), std::string(20, '='));
  // The key after the hash may come first.
  const AnnounceQuery reordered = Announce("port=5&" + kHashQuery);
  ASSERT_EQ(reordered.status, Status::kOk);
  EXPECT_EQ(reordered.request.port, 5);
  // The last peer_id wins.
  const AnnounceQuery two_ids =
      Announce(kHashQuery + "&peer_id=01234567890123456789&peer_id=abcdefghijabcdefghij");
  ASSERT_TRUE(two_ids.request.peer_id.has_value());
  EXPECT_EQ(IdText(*two_ids.request.peer_id), "abcdefghijabcdefghij");
}

// A hard terminator inside the view ends the walk: what follows is not read.
TEST(ParseAnnounceQuery, TerminatorEndsTheWalk) {
  for (char terminator : {' ', '\r', '\n', '\0'}) {
    std::string query = kHashQuery + "&port=7" + terminator + "&port=x#";
    const AnnounceQuery parsed = Announce(query);
    ASSERT_EQ(parsed.status, Status::kOk) << int{terminator};
    EXPECT_EQ(parsed.request.port, 7);
  }
  // A known key cut by a terminator has an empty value: 400.
  EXPECT_EQ(Announce(kHashQuery + "&port r").status, Status::kError);
  // An unknown value's skip stops at a terminator too.
  EXPECT_EQ(Announce(kHashQuery + "&key=a b#").status, Status::kOk);
}

// Other Z bytes in an unknown value act as '&': the next key is read.
TEST(ParseAnnounceQuery, ControlByteSeparatesAfterAnUnknownValue) {
  const AnnounceQuery parsed = Announce("key=a\x01" + kHashQuery + "&x=1\x02" "port=9");
  ASSERT_EQ(parsed.status, Status::kOk);
  EXPECT_EQ(HashText(parsed.request.info_hash), kHashA);
  EXPECT_EQ(parsed.request.port, 9);
  // In a known value the same byte is an error.
  EXPECT_EQ(Announce(kHashQuery + "&port=9\x01").status, Status::kError);
}

TEST(ParseAnnounceQuery, IpParameter) {
  struct Case {
    std::string_view value;
    std::optional<std::string_view> ip;  // FormatIp of the result; nullopt: 400
  };
  const Case cases[] = {
      {"10.11.12.13", "10.11.12.13"},
      {"%31%30.0.0.1", "10.0.0.1"},
      {"::1", "::1"},
      {"2001:db8::7", "2001:db8::7"},
      {"10.1.2.3xyz", "10.1.2.3"},  // scan_ip6 is a prefix match
      {"notanip", std::nullopt},
      {"", std::nullopt},
      {"%zz", std::nullopt},
      {"10.1.2.3#", std::nullopt},
  };
  for (const Case& c : cases) {
    const AnnounceQuery parsed = Announce(kHashQuery + "&ip=" + std::string(c.value), true);
    if (!c.ip) {
      EXPECT_EQ(parsed.status, Status::kError) << c.value;
      continue;
    }
    ASSERT_EQ(parsed.status, Status::kOk) << c.value;
    ASSERT_TRUE(parsed.request.ip_param.has_value()) << c.value;
    EXPECT_EQ(FormatIp(*parsed.request.ip_param), *c.ip) << c.value;
  }
  EXPECT_EQ(Announce(kHashQuery + "&ip", true).status, Status::kError);
  // A value longer than any address is judged on its start.
  const AnnounceQuery long_value = Announce(kHashQuery + "&ip=10.0.0.1" + std::string(5000, 'x'), true);
  ASSERT_EQ(long_value.status, Status::kOk);
  EXPECT_EQ(*long_value.request.ip_param, IpAddress::FromV4(10, 0, 0, 1));
  // The last ip= wins.
  const AnnounceQuery two = Announce(kHashQuery + "&ip=10.0.0.1&ip=10.0.0.2", true);
  EXPECT_EQ(*two.request.ip_param, IpAddress::FromV4(10, 0, 0, 2));
  // Off: never read.
  EXPECT_FALSE(Announce(kHashQuery + "&ip=10.0.0.1").request.ip_param.has_value());
}

TEST(ParseAnnounceQuery, EveryTruncationPointStaysInBounds) {
  const std::string query = kHashQuery + "&peer_id=%2D%50%52%30%30%30%31%2D" + std::string(12, '0') +
                            "&port=6881&uploaded=0&downloaded=0&left=100&compact=1&event=completed&numwant=%35"
                            "&ip=10.0.0.1&key=%zz";
  for (std::size_t size = 0; size <= query.size(); ++size) {
    const AnnounceQuery parsed = Announce(std::string_view(query).substr(0, size), size % 2 == 0);
    if (size == query.size()) {
      EXPECT_EQ(parsed.status, Status::kOk);
    }
  }
}

// ------------------------------------------------------------------ scrape

TEST(ParseScrapeQueryGolden, Hashes) {
  struct Case {
    std::string_view file;
    std::size_t count;
  };
  const Case cases[] = {
      {"http-B-main/73-scrape-one.req", 1},       {"http-B-main/74-scrape-three.req", 3},
      {"http-B-main/75-scrape-dup.req", 2},       {"http-B-main/76-scrape-not-whitelisted.req", 1},
      {"http-B-main/80-scrape-php.req", 1},       {"http-B-main/81-scrape-sc.req", 1},
      {"http-B-main/82-scrape-space-before-query.req", 1},
      {"http-B-main/84-scrape-65-hashes.req", 64},  // the 65th is checked and dropped
      {"upstream-head-localbuild/http-v6/804-v6-scrape.req", 1},
  };
  for (const Case& c : cases) {
    const ScrapeQuery parsed = Scrape(GoldenQuery(std::string(c.file)));
    ASSERT_TRUE(parsed.ok) << c.file;
    EXPECT_EQ(parsed.request.count, c.count) << c.file;
    EXPECT_EQ(HashText(parsed.request.hashes[0]), c.file.find("not-whitelisted") != std::string_view::npos
                                                       ? std::string(20, '\x99')
                                                       : kHashA)
        << c.file;
  }
  const ScrapeQuery three = Scrape(GoldenQuery("http-B-main/74-scrape-three.req"));
  EXPECT_EQ(HashText(three.request.hashes[1]), std::string(20, '\x77'));
  EXPECT_EQ(HashText(three.request.hashes[2]), "ABCDEFGHIJKLMNOPQRST");
  const ScrapeQuery dup = Scrape(GoldenQuery("http-B-main/75-scrape-dup.req"));
  EXPECT_EQ(dup.request.hashes[0], dup.request.hashes[1]);
  for (std::string_view file : {"http-B-main/77-scrape-none.req", "http-B-main/78-scrape-empty-query.req",
                                "http-B-main/79-scrape-short-hash.req"}) {
    EXPECT_FALSE(Scrape(GoldenQuery(std::string(file))).ok) << file;
  }
}

std::string HashN(int n) {
  std::string hash(20, 'h');
  hash[0] = static_cast<char>('A' + n % 26);
  hash[1] = static_cast<char>('A' + n / 26);
  return hash;
}

TEST(ParseScrapeQuery, Limit) {
  for (int total : {1, 63, 64, 65, 100}) {
    std::string query;
    for (int i = 0; i < total; ++i) query += (i ? "&info_hash=" : "info_hash=") + HashN(i);
    const ScrapeQuery parsed = Scrape(query);
    ASSERT_TRUE(parsed.ok) << total;
    EXPECT_EQ(parsed.request.count, std::min<std::size_t>(total, kMaxHttpScrapeHashes)) << total;
    for (std::size_t i = 0; i < parsed.request.count; ++i) {
      EXPECT_EQ(HashText(parsed.request.hashes[i]), HashN(static_cast<int>(i))) << total << " " << i;
    }
    // A bad hash beyond the limit still fails the request.
    EXPECT_FALSE(Scrape(query + "&info_hash=short").ok) << total;
  }
}

TEST(ParseScrapeQuery, Rules) {
  struct Case {
    std::string_view query;
    bool ok;
  };
  const Case cases[] = {
      {"", false},
      {"foo=bar", false},
      {"info_hash=", false},
      {"info_hash", false},
      {"info_hash&info_hash=01234567890123456789", false},
      {"info_hash=0123456789012345678", false},
      {"info_hash=012345678901234567890", false},
      {"info_hash=01234567890123456789", true},
      {"info%5fhash=01234567890123456789", true},
      {"info_hash=01234567890123456789&", true},
      {"&&info_hash=01234567890123456789&&", true},
      {"info_hash=01234567890123456789&x=%zz", true},
      {"info_hash=01234567890123456789&x=#", false},
      {"info_hash=01234567890123456789&a@b", false},
      {"info_hash=0123456789012345678%zz", false},
      {"info_hash=0123456789012345678#", false},
      {"info_hash=0123456789012345678\x01", false},
      {"x=1\x01info_hash=01234567890123456789", true},
      {"info_hash=01234567890123456789 info_hash=bad", true},
      {"port=1&left=x&info_hash=01234567890123456789", true},  // others are skipped
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Scrape(c.query).ok, c.ok) << testing::PrintToString(std::string(c.query));
  }
}

TEST(ParseScrapeQuery, EveryTruncationPointStaysInBounds) {
  std::string query;
  for (int i = 0; i < 3; ++i) query += "info_hash=" + std::string(kHashAEncoded) + "&x=%zz&";
  for (std::size_t size = 0; size <= query.size(); ++size) (void)Scrape(std::string_view(query).substr(0, size));
}

// ------------------------------------------------------------------- stats

TEST(ParseStatsQueryGolden, Parameters) {
  struct Case {
    std::string_view file;
    bool has_mode;
    std::string_view mode;
    bool has_format;
    std::string_view format;
    bool has_info_hash;
  };
  const Case cases[] = {
      {"http-B-main/89-stats-noargs.req", false, "", false, "", false},
      {"http-B-main/90-stats-mode-peer.req", true, "peer", false, "", false},
      {"http-B-main/99-stats-mode-completed.req", true, "completed", false, "", false},
      {"http-B-main/105-stats-mode-everything.req", true, "everything", false, "", false},
      {"http-B-main/106-stats-mode-woodpeckers.req", true, "woodpeckers", false, "", false},
      {"http-B-main/110-stats-mode-unknown.req", true, "bogus", false, "", false},
      {"http-B-main/111-stats-mode-empty.req", true, "", false, "", false},
      {"http-B-main/112-stats-unknown-param.req", true, "torr", false, "", false},
      {"http-B-main/113-stats-infohash-param.req", false, "", false, "", true},
      {"http-B-main/114-stats-format-bad.req", true, "tpbs", true, "xml", false},
      {"http-B-main/115-stats-tpbs-txt.req", true, "tpbs", true, "txt", false},
      {"http-B-main/116-stats-tpbs-txtp.req", true, "tpbs", true, "txtp", false},
      {"http-B-main/121-stats-statedump.req", true, "statedump", false, "", false},
  };
  for (const Case& c : cases) {
    const StatsQuery parsed = Stats(GoldenQuery(std::string(c.file)));
    ASSERT_TRUE(parsed.ok) << c.file;
    EXPECT_EQ(parsed.has_mode, c.has_mode) << c.file;
    EXPECT_EQ(parsed.Mode(), c.mode) << c.file;
    EXPECT_EQ(parsed.has_format, c.has_format) << c.file;
    EXPECT_EQ(parsed.Format(), c.format) << c.file;
    EXPECT_EQ(parsed.has_info_hash, c.has_info_hash) << c.file;
  }
}

TEST(ParseStatsQuery, Rules) {
  struct Case {
    std::string_view query;
    bool ok;
    std::string_view mode;
    std::string_view format;
  };
  const Case cases[] = {
      {"", true, "", ""},
      {"mode=a&mode=b", true, "b", ""},
      {"format=txt&mode=tpbs&format=bin", true, "tpbs", "bin"},
      {"mode=%74orr", true, "torr", ""},
      {"mode=%zz", false, "", ""},
      {"mode=a#b", false, "", ""},
      {"mode=a\x01", false, "", ""},
      {"format=%", false, "", ""},
      {"x=a#b", false, "", ""},
      {"x=%zz&mode=conn", true, "conn", ""},
      {"a@b=1", false, "", ""},
      {"mode&format=txt", true, "", "txt"},
      {"mode=peer&mode", true, "", ""},
      {"mode=top10 junk", true, "top10", ""},
      {"info_hash=%zz&mode=conn", true, "conn", ""},
      {"MODE=conn", true, "", ""},
      {"mode=a=b?c", true, "a=b?c", ""},
  };
  for (const Case& c : cases) {
    const StatsQuery parsed = Stats(c.query);
    EXPECT_EQ(parsed.ok, c.ok) << c.query;
    if (!c.ok) continue;
    EXPECT_EQ(parsed.Mode(), c.mode) << c.query;
    EXPECT_EQ(parsed.Format(), c.format) << c.query;
  }
  EXPECT_TRUE(Stats("mode&x=1").has_mode);
  EXPECT_FALSE(Stats("x=1").has_mode);
  EXPECT_TRUE(Stats("info_hash&mode=conn").has_info_hash);
  EXPECT_TRUE(Stats("info%5Fhash=x").has_info_hash);
}

TEST(ParseStatsQuery, LongValuesAreFlagged) {
  const std::string sixteen(16, 'm');
  StatsQuery parsed = Stats("mode=" + sixteen);
  ASSERT_TRUE(parsed.ok);
  EXPECT_EQ(parsed.mode_size, 16u);
  EXPECT_EQ(parsed.Mode(), sixteen);
  parsed = Stats("mode=" + sixteen + "m&format=" + std::string(1000, 'f'));
  ASSERT_TRUE(parsed.ok);
  EXPECT_EQ(parsed.mode_size, 17u);
  EXPECT_EQ(parsed.Mode(), "");  // never a valid mode
  EXPECT_EQ(parsed.format_size, 1000u);
  EXPECT_EQ(parsed.Format(), "");
  // A later short value replaces the long one.
  parsed = Stats("mode=" + std::string(40, 'x') + "&mode=conn");
  EXPECT_EQ(parsed.Mode(), "conn");
  EXPECT_EQ(parsed.mode_size, 4u);
}

TEST(ParseStatsQuery, EveryTruncationPointStaysInBounds) {
  const std::string query = "mode=tpbs&format=%74xt&info_hash=%zz&x=1";
  for (std::size_t size = 0; size <= query.size(); ++size) (void)Stats(std::string_view(query).substr(0, size));
}

}  // namespace
}  // namespace ot::proto
