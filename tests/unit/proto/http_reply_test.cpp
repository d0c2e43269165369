// Reply writers against the captured replies of Debian's opentracker and
// upstream HEAD: every announce, stopped, failure, scrape and full-scrape
// body is decoded, rebuilt from its values and written again, byte for byte,
// with its whole response where the header is the synchronous one.
#include "opentracker/proto/http_reply.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/golden.hpp"

namespace ot::proto {
namespace {

using namespace std::string_literals;

constexpr std::string_view kHttpGoldenDirs[] = {
    "http-B-main",
    "http-A-restricted",
    "http-B-cross",
    "http-B-hup",
    "upstream-head-localbuild/http-v4",
    "upstream-head-localbuild/http-v4-cross",
    "upstream-head-localbuild/http-v6",
};

// ------------------------------------------------ a small bencode reader

struct BNode {
  enum class Kind { kInteger, kString, kList, kDict };
  Kind kind = Kind::kInteger;
  std::int64_t integer = 0;
  std::string string;
  std::vector<BNode> list;
  // Dictionary entries in order, duplicates kept (keys[i] -> values[i]). Two
  // vectors, since a pair cannot hold the incomplete BNode.
  std::vector<std::string> keys;
  std::vector<BNode> values;

  const BNode* Find(std::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return &values[i];
    }
    return nullptr;
  }
};

bool DecodeInto(std::string_view& in, BNode& out, int depth) {
  if (in.empty() || depth > 8) return false;
  const char c = in.front();
  if (c == 'i') {
    const std::size_t end = in.find('e');
    if (end == std::string_view::npos || end < 2) return false;
    out.kind = BNode::Kind::kInteger;
    out.integer = std::stoll(std::string(in.substr(1, end - 1)));
    in.remove_prefix(end + 1);
    return true;
  }
  if (c >= '0' && c <= '9') {
    const std::size_t colon = in.find(':');
    if (colon == std::string_view::npos) return false;
    const std::size_t size = std::stoull(std::string(in.substr(0, colon)));
    if (in.size() < colon + 1 + size) return false;
    out.kind = BNode::Kind::kString;
    out.string = std::string(in.substr(colon + 1, size));
    in.remove_prefix(colon + 1 + size);
    return true;
  }
  if (c == 'l' || c == 'd') {
    out.kind = c == 'l' ? BNode::Kind::kList : BNode::Kind::kDict;
    in.remove_prefix(1);
    while (!in.empty() && in.front() != 'e') {
      if (c == 'l') {
        out.list.emplace_back();
        if (!DecodeInto(in, out.list.back(), depth + 1)) return false;
      } else {
        BNode key;
        if (!DecodeInto(in, key, depth + 1) || key.kind != BNode::Kind::kString) return false;
        out.keys.push_back(key.string);
        out.values.emplace_back();
        if (!DecodeInto(in, out.values.back(), depth + 1)) return false;
      }
    }
    if (in.empty()) return false;
    in.remove_prefix(1);
    return true;
  }
  return false;
}

std::optional<BNode> Decode(std::string_view bytes) {
  BNode node;
  if (!DecodeInto(bytes, node, 0) || !bytes.empty()) return std::nullopt;
  return node;
}

std::uint32_t IntOf(const BNode& dict, std::string_view key) {
  const BNode* value = dict.Find(key);
  EXPECT_NE(value, nullptr) << key;
  return value ? static_cast<std::uint32_t>(value->integer) : 0;
}

std::span<const std::uint8_t> AsBytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// --------------------------------------------- decoding captured responses

// HEAD streams full scrapes as chunks: join them.
std::optional<std::string> Dechunk(std::string_view body) {
  std::string out;
  for (;;) {
    const std::size_t line_end = body.find("\r\n");
    if (line_end == std::string_view::npos) return std::nullopt;
    const std::size_t size = std::stoul(std::string(body.substr(0, line_end)), nullptr, 16);
    body.remove_prefix(line_end + 2);
    if (size == 0) return body == "\r\n" ? std::optional<std::string>(out) : std::nullopt;
    if (body.size() < size + 2 || body.substr(size, 2) != "\r\n") return std::nullopt;
    out.append(body.substr(0, size));
    body.remove_prefix(size + 2);
  }
}

std::optional<std::string> Gunzip(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, 31) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char chunk[4096];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof(chunk);
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(chunk, sizeof(chunk) - stream.avail_out);
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) return std::nullopt;
  return out;
}

struct CapturedReply {
  std::string where;
  std::string response;
  test::HttpResponseParts parts;
  std::string body;  // de-chunked and inflated
};

std::vector<CapturedReply> AllCapturedReplies() {
  std::vector<CapturedReply> replies;
  for (std::string_view dir : kHttpGoldenDirs) {
    for (const std::string& name : test::ListGoldenCases(dir)) {
      CapturedReply reply;
      reply.where = std::string(dir) + "/" + name;
      reply.response = test::ReadGolden(reply.where + ".resp");
      if (reply.response.empty()) continue;
      replies.push_back(std::move(reply));
    }
  }
  for (CapturedReply& reply : replies) {
    reply.parts = test::SplitHttpResponse(reply.response);
    EXPECT_TRUE(reply.parts.complete) << reply.where;
    std::string body(reply.parts.body);
    const auto transfer = test::HeaderValue(reply.parts.head, "Transfer-Encoding");
    if (transfer && *transfer == "chunked") {
      std::optional<std::string> joined = Dechunk(body);
      EXPECT_TRUE(joined.has_value()) << reply.where;
      body = joined.value_or("");
    }
    const auto encoding = test::HeaderValue(reply.parts.head, "Content-Encoding");
    if (encoding && *encoding == "gzip") {
      std::optional<std::string> plain = Gunzip(body);
      EXPECT_TRUE(plain.has_value()) << reply.where;
      body = plain.value_or("");
    }
    reply.body = std::move(body);
  }
  return replies;
}

const std::vector<CapturedReply>& Replies() {
  static const std::vector<CapturedReply> replies = AllCapturedReplies();
  return replies;
}

bool IsSyncOk(const CapturedReply& reply) {
  return reply.response.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ");
}

// "...12:min intervali<n>e" ends here; DEB writes "5:peers" right after it.
std::size_t AfterMinInterval(std::string_view body) {
  const std::size_t at = body.find("12:min intervali");
  return at == std::string_view::npos ? at : body.find('e', at + 16) + 1;
}

// ------------------------------------------------------- announce bodies

TEST(AppendAnnounceBodyGolden, EveryCapturedAnnounceReply) {
  std::size_t announces = 0;
  std::size_t with_v6 = 0;
  for (const CapturedReply& reply : Replies()) {
    if (!IsSyncOk(reply) || !reply.body.starts_with("d8:completei")) continue;
    const std::optional<BNode> dict = Decode(reply.body);
    ASSERT_TRUE(dict.has_value()) << reply.where;
    if (dict->Find("downloaded") == nullptr) continue;  // stopped, below
    AnnounceReply values;
    values.counts.seeders = IntOf(*dict, "complete");
    values.counts.leechers = IntOf(*dict, "incomplete");
    values.counts.downloaded = IntOf(*dict, "downloaded");
    values.interval = IntOf(*dict, "interval");
    EXPECT_EQ(IntOf(*dict, "min interval"), values.interval / 2) << reply.where;
    EXPECT_GE(values.interval, 1620u) << reply.where;
    EXPECT_LE(values.interval, 1979u) << reply.where;
    const BNode* peers = dict->Find("peers");
    const BNode* peers6 = dict->Find("peers6");
    if (peers) values.peers4 = AsBytes(peers->string);
    if (peers6) values.peers6 = AsBytes(peers6->string);

    std::string expected = reply.body;
    if (peers == nullptr) {
      // HEAD leaves out "5:peers" when no v4 peer is returned (numwant=0);
      // the port always writes it, as DEB does.
      EXPECT_TRUE(reply.where.find("upstream-head") != std::string::npos) << reply.where;
      expected.insert(AfterMinInterval(expected), "5:peers0:");
    }
    std::string body;
    AppendAnnounceBody(values, true, body);
    EXPECT_EQ(body, expected) << reply.where;

    std::string response;
    AppendOkResponse(body, CloseAfter::kNo, response);
    if (peers != nullptr) {
      EXPECT_EQ(response, reply.response) << reply.where;
    }
    ++announces;
    if (peers6) ++with_v6;
  }
  EXPECT_GE(announces, 80u);
  EXPECT_GE(with_v6, 3u);
}

// The one HEAD reply the port deliberately writes differently.
TEST(AppendAnnounceBodyGolden, HeadNumwantZeroGetsTheDebPeersKey) {
  const std::string captured = test::ReadGolden("upstream-head-localbuild/http-v6/802-v6-announce-numwant-0.resp");
  ASSERT_EQ(test::SplitHttpResponse(captured).body,
            "d8:completei2e10:downloadedi1e10:incompletei4e8:intervali1871e12:min intervali935ee");
  AnnounceReply values;
  values.counts = {2, 4, 1};
  values.interval = 1871;
  std::string body;
  AppendAnnounceBody(values, true, body);
  EXPECT_EQ(body, "d8:completei2e10:downloadedi1e10:incompletei4e8:intervali1871e12:min intervali935e5:peers0:e");
  // ... which is DEB's numwant=0 reply.
  const std::string deb = test::ReadGolden("http-B-main/25-ann-numwant-0.resp");
  EXPECT_TRUE(test::SplitHttpResponse(deb).body.ends_with("5:peers0:e"));
}

TEST(AppendAnnounceBodyGolden, StoppedReplies) {
  std::size_t stopped = 0;
  std::size_t v6 = 0;
  for (const CapturedReply& reply : Replies()) {
    if (!IsSyncOk(reply) || !reply.body.starts_with("d8:completei")) continue;
    const std::optional<BNode> dict = Decode(reply.body);
    ASSERT_TRUE(dict.has_value()) << reply.where;
    if (dict->Find("downloaded") != nullptr) continue;
    SwarmCounts counts;
    counts.seeders = IntOf(*dict, "complete");
    counts.leechers = IntOf(*dict, "incomplete");
    const std::uint32_t interval = IntOf(*dict, "interval");
    EXPECT_EQ(IntOf(*dict, "min interval"), interval / 2) << reply.where;
    const BNode* peers6 = dict->Find("peers6");
    const Family family = peers6 != nullptr ? Family::kV6 : Family::kV4;
    const BNode* peers = peers6 != nullptr ? peers6 : dict->Find("peers");
    ASSERT_NE(peers, nullptr) << reply.where;
    EXPECT_TRUE(peers->string.empty()) << reply.where;
    std::string body;
    AppendStoppedBody(counts, interval, family, body);
    EXPECT_EQ(body, reply.body) << reply.where;
    std::string response;
    AppendOkResponse(body, CloseAfter::kNo, response);
    EXPECT_EQ(response, reply.response) << reply.where;
    ++stopped;
    if (family == Family::kV6) ++v6;
  }
  EXPECT_GE(stopped, 7u);
  EXPECT_EQ(v6, 1u);  // 805-v6-stopped: "6:peers60:"
}

TEST(AppendFailureBodyGolden, EveryCapturedFailureReason) {
  std::size_t forgot = 0;
  std::size_t refused = 0;
  for (const CapturedReply& reply : Replies()) {
    if (!IsSyncOk(reply) || !reply.body.starts_with("d14:failure reason")) continue;
    const std::optional<BNode> dict = Decode(reply.body);
    ASSERT_TRUE(dict.has_value()) << reply.where;
    const BNode* reason = dict->Find("failure reason");
    ASSERT_NE(reason, nullptr);
    if (reason->string == kFailureNoInfoHash) {
      ++forgot;
    } else {
      EXPECT_EQ(reason->string, kFailureNotAuthorized) << reply.where;
      ++refused;
    }
    std::string body;
    AppendFailureBody(reason->string == kFailureNoInfoHash ? kFailureNoInfoHash : kFailureNotAuthorized, body);
    EXPECT_EQ(body, reply.body) << reply.where;
    std::string response;
    AppendOkResponse(body, CloseAfter::kNo, response);
    EXPECT_EQ(response, reply.response) << reply.where;
  }
  EXPECT_GE(forgot, 4u);
  EXPECT_GE(refused, 5u);
}

// ----------------------------------------------------------- scrape bodies

std::vector<ScrapeEntry> EntriesOf(const BNode& dict, const std::string& where) {
  std::vector<ScrapeEntry> entries;
  const BNode* files = dict.Find("files");
  EXPECT_NE(files, nullptr) << where;
  if (files == nullptr) return entries;
  for (std::size_t i = 0; i < files->keys.size(); ++i) {
    const std::string& hash = files->keys[i];
    const BNode& counts = files->values[i];
    EXPECT_EQ(hash.size(), kInfoHashSize) << where;
    ScrapeEntry entry;
    std::memcpy(entry.info_hash.bytes.data(), hash.data(), std::min(hash.size(), kInfoHashSize));
    entry.counts.seeders = IntOf(counts, "complete");
    entry.counts.downloaded = IntOf(counts, "downloaded");
    entry.counts.leechers = IntOf(counts, "incomplete");
    entries.push_back(entry);
  }
  return entries;
}

TEST(AppendScrapeBodyGolden, EveryCapturedScrapeAndFullScrape) {
  std::size_t scrapes = 0;
  std::size_t full_scrapes = 0;
  std::size_t largest = 0;
  for (const CapturedReply& reply : Replies()) {
    if (!reply.parts.status_line.ends_with("200 OK") || !reply.body.starts_with("d5:filesd")) continue;
    const std::optional<BNode> dict = Decode(reply.body);
    ASSERT_TRUE(dict.has_value()) << reply.where;
    const std::vector<ScrapeEntry> entries = EntriesOf(*dict, reply.where);
    std::string body;
    AppendScrapeBody(entries, body);
    EXPECT_EQ(body, reply.body) << reply.where;
    // Entry by entry, as a streamed full scrape writes them.
    std::string streamed = "d5:filesd";
    for (const ScrapeEntry& entry : entries) AppendScrapeEntry(entry, streamed);
    streamed += "ee";
    EXPECT_EQ(streamed, reply.body) << reply.where;
    largest = std::max(largest, entries.size());
    if (IsSyncOk(reply)) {
      std::string response;
      AppendOkResponse(body, CloseAfter::kNo, response);
      EXPECT_EQ(response, reply.response) << reply.where;
      ++scrapes;
    } else {
      ++full_scrapes;  // async header (DEB HTTP/1.0, HEAD chunked): not this writer's
    }
  }
  EXPECT_GE(scrapes, 16u);
  EXPECT_GE(full_scrapes, 8u);
  EXPECT_EQ(largest, 64u);  // the 65-hash scrape, with duplicate keys
}

TEST(AppendScrapeBody, Empty) {
  std::string body;
  AppendScrapeBody({}, body);
  EXPECT_EQ(body, "d5:filesdee");
  EXPECT_EQ(test::SplitHttpResponse(test::ReadGolden("http-B-main/76-scrape-not-whitelisted.resp")).body, body);
}

// Every synchronous 200 captured, stats included, has exactly this header.
TEST(AppendOkResponseGolden, EverySynchronousReply) {
  std::size_t checked = 0;
  for (const CapturedReply& reply : Replies()) {
    if (!IsSyncOk(reply)) continue;
    std::string response;
    AppendOkResponse(reply.parts.body, CloseAfter::kNo, response);
    EXPECT_EQ(response, reply.response) << reply.where;
    ++checked;
  }
  EXPECT_GE(checked, 150u);
}

// ------------------------------------------------------------ error replies

std::optional<HttpError> ErrorForCode(int code) {
  switch (code) {
    case 400: return HttpError::kInvalidParameter;
    case 402: return HttpError::kNotModest;
    case 403: return HttpError::kAccessDenied;
    case 404: return HttpError::kNotFound;
    case 500: return HttpError::kServerError;
    default: return std::nullopt;
  }
}

std::string WithConnectionClose(std::string_view response) {
  const std::size_t end = response.find("\r\n\r\n");
  std::string out(response.substr(0, end + 2));
  out += "Connection: close\r\n";
  out += response.substr(end + 2);
  return out;
}

TEST(AppendErrorResponseGolden, EveryCapturedError) {
  std::map<int, std::size_t> seen;
  for (const CapturedReply& reply : Replies()) {
    if (!reply.response.starts_with("HTTP/1.0 ")) continue;
    const int code = std::stoi(reply.response.substr(9, 3));
    if (code == 200 || code == 302) continue;
    const std::optional<HttpError> error = ErrorForCode(code);
    ASSERT_TRUE(error.has_value()) << reply.where;
    std::string response;
    AppendErrorResponse(*error, CloseAfter::kNo, response);
    EXPECT_EQ(response, reply.response) << reply.where;
    std::string closing;
    AppendErrorResponse(*error, CloseAfter::kYes, closing);
    EXPECT_EQ(closing, WithConnectionClose(reply.response)) << reply.where;
    ++seen[code];
  }
  EXPECT_GE(seen[400], 40u);
  EXPECT_GE(seen[403], 2u);
  EXPECT_GE(seen[404], 18u);
  EXPECT_GE(seen[500], 8u);
  // All three 400 kinds share one text (ot_http.c).
  const std::string bad = test::ReadGolden("http-B-main/06-method-post.resp");
  for (HttpError error : {HttpError::kParseError, HttpError::kInvalidParameter, HttpError::kInvalidCompact}) {
    std::string response;
    AppendErrorResponse(error, CloseAfter::kNo, response);
    EXPECT_EQ(response, bad);
  }
}

TEST(AppendErrorResponse, EveryError) {
  struct Case {
    HttpError error;
    int code;
    std::string_view reason;
  };
  const Case cases[] = {
      {HttpError::kRedirect, 302, "Found"},
      {HttpError::kParseError, 400, "Invalid Request"},
      {HttpError::kInvalidParameter, 400, "Invalid Request"},
      {HttpError::kInvalidCompact, 400, "Invalid Request"},
      {HttpError::kNotModest, 402, "Payment Required"},
      {HttpError::kPaymentRequired, 403, "Not Modest"},  // never generated; upstream's table slot
      {HttpError::kAccessDenied, 403, "Access Denied"},
      {HttpError::kNotFound, 404, "Not Found"},
      {HttpError::kServerError, 500, "Internal Server Error"},
  };
  static_assert(std::size(cases) == kHttpErrorCount);
  for (const Case& c : cases) {
    const HttpStatusText status = StatusTextOf(c.error);
    EXPECT_EQ(status.code, c.code);
    EXPECT_EQ(status.reason, c.reason);
    const std::string body = "<title>"s + std::string(c.reason) + "</title>\n";
    const std::string head = "HTTP/1.0 " + std::to_string(c.code) + " " + std::string(c.reason) +
                             "\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(body.size());
    std::string response = "prefix";
    AppendErrorResponse(c.error, CloseAfter::kNo, response);
    EXPECT_EQ(response, "prefix" + head + "\r\n\r\n" + body);
    response.clear();
    AppendErrorResponse(c.error, CloseAfter::kYes, response);
    EXPECT_EQ(response, head + "\r\nConnection: close\r\n\r\n" + body);
  }
  // Content-Length 25 for "<title>Not Found</title>\n" (spec §3.7).
  std::string not_found;
  AppendErrorResponse(HttpError::kNotFound, CloseAfter::kNo, not_found);
  EXPECT_NE(not_found.find("Content-Length: 25\r\n"), std::string::npos);
}

TEST(AppendRedirectResponseGolden, Captured302) {
  std::size_t checked = 0;
  for (const CapturedReply& reply : Replies()) {
    if (!reply.response.starts_with("HTTP/1.0 302 ")) continue;
    const auto location = test::HeaderValue(reply.parts.head, "Location");
    ASSERT_TRUE(location.has_value()) << reply.where;
    EXPECT_EQ(*location, "https://tracker.example.invalid/");
    std::string response;
    AppendRedirectResponse(*location, CloseAfter::kNo, response);
    EXPECT_EQ(response, reply.response) << reply.where;
    std::string closing;
    AppendRedirectResponse(*location, CloseAfter::kYes, closing);
    EXPECT_EQ(closing, WithConnectionClose(reply.response)) << reply.where;
    ++checked;
  }
  EXPECT_EQ(checked, 4u);  // root and many slashes, DEB and HEAD
  std::string response;
  AppendRedirectResponse("http://x/", CloseAfter::kNo, response);
  EXPECT_EQ(response, "HTTP/1.0 302 Found\r\nContent-Length: 0\r\nLocation: http://x/\r\n\r\n");
}

// ------------------------------------------------------------- by hand

TEST(AppendOkResponse, ConnectionCloseIsTheLastHeader) {
  std::string response = "x";
  AppendOkResponse("abc", CloseAfter::kYes, response);
  EXPECT_EQ(response, "xHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
  response.clear();
  AppendOkResponse("", CloseAfter::kNo, response);
  EXPECT_EQ(response, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n");
  const std::string big(8112, 'b');
  response.clear();
  AppendOkResponse(big, CloseAfter::kNo, response);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8112\r\n\r\nbbb"));
  EXPECT_EQ(response.size(), 67 + big.size());
}

std::string Peer4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port) {
  return {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d),
          static_cast<char>(port >> 8), static_cast<char>(port & 0xff)};
}

std::string Peer6(std::string_view sixteen, std::uint16_t port) {
  std::string out(sixteen);
  out.push_back(static_cast<char>(port >> 8));
  out.push_back(static_cast<char>(port & 0xff));
  return out;
}

TEST(AppendAnnounceBody, Compact) {
  const std::string v4 = Peer4(127, 0, 0, 1, 6881) + Peer4(10, 0, 0, 2, 80);
  const std::string v6 = Peer6(std::string(15, '\0') + "\x01", 6882);
  AnnounceReply reply;
  reply.counts = {1, 3, 2};
  reply.interval = 1801;
  reply.peers4 = AsBytes(v4);
  reply.peers6 = AsBytes(v6);
  std::string body;
  AppendAnnounceBody(reply, true, body);
  EXPECT_EQ(body, "d8:completei1e10:downloadedi2e10:incompletei3e8:intervali1801e12:min intervali900e5:peers12:" + v4 +
                      "6:peers618:" + v6 + "e");
  // No peers at all: "5:peers0:" (DEB) and no peers6 key.
  AnnounceReply empty;
  body.clear();
  AppendAnnounceBody(empty, true, body);
  EXPECT_EQ(body, "d8:completei0e10:downloadedi0e10:incompletei0e8:intervali1800e12:min intervali900e5:peers0:e");
  // Only v6 peers.
  AnnounceReply only6;
  only6.peers6 = AsBytes(v6);
  body.clear();
  AppendAnnounceBody(only6, true, body);
  EXPECT_TRUE(body.ends_with("5:peers0:6:peers618:" + v6 + "e"));
}

TEST(AppendAnnounceBody, DictionaryPeersForCompactZero) {
  const std::string v4 = Peer4(127, 0, 0, 1, 6881) + Peer4(10, 0, 0, 2, 80);
  const std::string v6 = Peer6("\x20\x01\x0d\xb8" + std::string(11, '\0') + "\x07", 65535);
  AnnounceReply reply;
  reply.counts = {1, 3, 2};
  reply.interval = 1801;
  reply.peers4 = AsBytes(v4);
  reply.peers6 = AsBytes(v6);
  std::string body;
  AppendAnnounceBody(reply, false, body);
  EXPECT_EQ(body,
            "d8:completei1e10:downloadedi2e10:incompletei3e8:intervali1801e12:min intervali900e5:peersl"
            "d2:ip9:127.0.0.14:porti6881ee"
            "d2:ip8:10.0.0.24:porti80ee"
            "d2:ip11:2001:db8::74:porti65535ee"
            "ee");
  const std::optional<BNode> dict = Decode(body);
  ASSERT_TRUE(dict.has_value());
  const BNode* peers = dict->Find("peers");
  ASSERT_NE(peers, nullptr);
  ASSERT_EQ(peers->kind, BNode::Kind::kList);
  ASSERT_EQ(peers->list.size(), 3u);
  EXPECT_EQ(peers->list[0].Find("ip")->string, "127.0.0.1");
  EXPECT_EQ(peers->list[2].Find("port")->integer, 65535);
  EXPECT_EQ(dict->Find("peers6"), nullptr);

  AnnounceReply empty;
  body.clear();
  AppendAnnounceBody(empty, false, body);
  EXPECT_EQ(body, "d8:completei0e10:downloadedi0e10:incompletei0e8:intervali1800e12:min intervali900e5:peerslee");
}

TEST(AppendAnnounceBody, PartialTrailingRecordsAreNotWritten) {
  const std::string v4 = Peer4(1, 2, 3, 4, 5) + "\x01\x02\x03";
  const std::string v6 = std::string(20, '\x01');
  AnnounceReply reply;
  reply.peers4 = AsBytes(v4);
  reply.peers6 = AsBytes(v6);
  std::string body;
  AppendAnnounceBody(reply, true, body);
  EXPECT_TRUE(body.ends_with("5:peers6:" + v4.substr(0, 6) + "6:peers618:" + v6.substr(0, 18) + "e"));
  body.clear();
  AppendAnnounceBody(reply, false, body);
  const std::optional<BNode> dict = Decode(body);
  ASSERT_TRUE(dict.has_value());
  EXPECT_EQ(dict->Find("peers")->list.size(), 2u);  // one v4 and one v6 peer
}

TEST(AppendAnnounceBody, LargeNumbers) {
  AnnounceReply reply;
  reply.counts = {4294967295u, 4294967294u, 4294967293u};
  reply.interval = 4294967295u;
  std::string body;
  AppendAnnounceBody(reply, true, body);
  EXPECT_EQ(body,
            "d8:completei4294967295e10:downloadedi4294967293e10:incompletei4294967294e8:intervali4294967295e"
            "12:min intervali2147483647e5:peers0:e");
}

TEST(AppendStoppedBody, BothFamilies) {
  std::string body = "keep";
  AppendStoppedBody({1, 3, 99}, 1784, Family::kV4, body);
  EXPECT_EQ(body, "keepd8:completei1e10:incompletei3e8:intervali1784e12:min intervali892e5:peers0:e");
  body.clear();
  AppendStoppedBody({0, 0, 0}, 1779, Family::kV6, body);
  EXPECT_EQ(body, "d8:completei0e10:incompletei0e8:intervali1779e12:min intervali889e6:peers60:e");
}

TEST(AppendFailureBody, Texts) {
  std::string body;
  AppendFailureBody(kFailureNoInfoHash, body);
  EXPECT_EQ(body,
            "d14:failure reason80:Your client forgot to send your torrent's info_hash. Please upgrade your client.e");
  body.clear();
  AppendFailureBody(kFailureNotAuthorized, body);
  EXPECT_EQ(body, "d14:failure reason63:Requested download is not authorized for use with this tracker.e");
  body.clear();
  AppendFailureBody("", body);
  EXPECT_EQ(body, "d14:failure reason0:e");
}

TEST(AppendScrapeEntry, Layout) {
  ScrapeEntry entry;
  for (std::size_t i = 0; i < kInfoHashSize; ++i) entry.info_hash.bytes[i] = static_cast<std::uint8_t>(i + 1);
  entry.counts = {1, 3, 1};
  std::string out;
  AppendScrapeEntry(entry, out);
  EXPECT_EQ(out, "20:" + std::string("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14") +
                     "d8:completei1e10:downloadedi1e10:incompletei3ee");
}

}  // namespace
}  // namespace ot::proto
