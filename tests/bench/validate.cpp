#include "validate.hpp"

#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace ot::bench {

namespace {

std::uint32_t Be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

bool Fail(ErrorKind* kind, ErrorKind k) noexcept {
  *kind = k;
  return false;
}

// The 8-byte header every BEP 15 reply starts with: action and our transaction id. An error reply for
// this request is reported as such whatever was asked.
bool CheckUdpHeader(const std::uint8_t* p, std::size_t n, std::uint32_t action, std::uint32_t txid,
                    ErrorKind* kind) noexcept {
  if (n < 8) return Fail(kind, ErrorKind::kShort);
  if (Be32(p + 4) != txid) return Fail(kind, ErrorKind::kTxid);
  const std::uint32_t got = Be32(p);
  if (got == 3) return Fail(kind, ErrorKind::kErrorReply);
  if (got != action) return Fail(kind, ErrorKind::kAction);
  return true;
}

// A cursor over bencoded bytes. Integers are canonical decimal (no leading zeros, no "-0"), string
// lengths fit the input; nesting is bounded so hostile input cannot recurse deeply.
class BencodeReader {
 public:
  explicit BencodeReader(std::string_view s) noexcept : p_(s.data()), end_(s.data() + s.size()) {}
  bool AtEnd() const noexcept { return p_ == end_; }
  char Peek() const noexcept { return p_ < end_ ? *p_ : '\0'; }
  bool Expect(char c) noexcept {
    if (p_ >= end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool ReadInt(std::int64_t* out) noexcept {
    if (!Expect('i')) return false;
    bool negative = Expect('-');
    const char* digits = p_;
    std::int64_t v = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      if (v > (INT64_MAX - 9) / 10) return false;
      v = v * 10 + (*p_++ - '0');
    }
    const std::size_t count = static_cast<std::size_t>(p_ - digits);
    if (count == 0 || (count > 1 && *digits == '0') || (negative && v == 0)) return false;
    if (!Expect('e')) return false;
    *out = negative ? -v : v;
    return true;
  }
  bool ReadString(std::string_view* out) noexcept {
    std::size_t length = 0;
    const char* digits = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      if (length > (1u << 30)) return false;
      length = length * 10 + static_cast<std::size_t>(*p_++ - '0');
    }
    if (p_ == digits || (p_ - digits > 1 && *digits == '0')) return false;
    if (!Expect(':')) return false;
    if (static_cast<std::size_t>(end_ - p_) < length) return false;
    *out = std::string_view(p_, length);
    p_ += length;
    return true;
  }
  bool Skip(int depth = 0) noexcept {
    if (depth > 32) return false;
    const char c = Peek();
    if (c == 'i') {
      std::int64_t ignored;
      return ReadInt(&ignored);
    }
    if (c >= '0' && c <= '9') {
      std::string_view ignored;
      return ReadString(&ignored);
    }
    if (c == 'l' || c == 'd') {
      ++p_;
      while (Peek() != 'e') {
        if (AtEnd()) return false;
        if (c == 'd') {
          std::string_view key;
          if (!ReadString(&key)) return false;
        }
        if (!Skip(depth + 1)) return false;
      }
      ++p_;
      return true;
    }
    return false;
  }

 private:
  const char* p_;
  const char* end_;
};

bool EqualsNoCase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool ContainsNoCase(std::string_view haystack, std::string_view needle) noexcept {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (EqualsNoCase(haystack.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

const char* ErrorName(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kShort:
      return "short";
    case ErrorKind::kAction:
      return "action";
    case ErrorKind::kTxid:
      return "txid";
    case ErrorKind::kLength:
      return "length";
    case ErrorKind::kCounts:
      return "counts";
    case ErrorKind::kErrorReply:
      return "error_reply";
    case ErrorKind::kHttpStatus:
      return "http_status";
    case ErrorKind::kHttpFraming:
      return "http_framing";
    case ErrorKind::kBencode:
      return "bencode";
    case ErrorKind::kScrapeEntries:
      return "scrape_entries";
    case ErrorKind::kGzip:
      return "gzip";
    case ErrorKind::kSocket:
      return "socket";
    case ErrorKind::kCount:
      break;
  }
  return "?";
}

bool CheckUdpConnect(const std::uint8_t* p, std::size_t n, std::uint32_t txid, std::uint64_t* connection_id,
                     ErrorKind* kind) noexcept {
  if (!CheckUdpHeader(p, n, 0, txid, kind)) return false;
  if (n != 16) return Fail(kind, ErrorKind::kLength);
  std::memcpy(connection_id, p + 8, 8);  // opaque: sent back as received
  return true;
}

bool CheckUdpAnnounce(const std::uint8_t* p, std::size_t n, std::uint32_t txid, std::uint32_t numwant,
                      bool stopped, ErrorKind* kind) noexcept {
  if (!CheckUdpHeader(p, n, 1, txid, kind)) return false;
  if (n < 20 || (n - 20) % 6 != 0) return Fail(kind, ErrorKind::kLength);
  const std::uint32_t interval = Be32(p + 8);
  const std::uint64_t leechers = Be32(p + 12);
  const std::uint64_t seeders = Be32(p + 16);
  const std::uint64_t peers = (n - 20) / 6;
  if (interval == 0 || peers > numwant || peers > leechers + seeders) return Fail(kind, ErrorKind::kCounts);
  if (stopped ? peers != 0 : leechers + seeders == 0) return Fail(kind, ErrorKind::kCounts);
  return true;
}

bool CheckUdpScrape(const std::uint8_t* p, std::size_t n, std::uint32_t txid, int hashes,
                    ErrorKind* kind) noexcept {
  if (!CheckUdpHeader(p, n, 2, txid, kind)) return false;
  if (n != 8 + 12 * static_cast<std::size_t>(hashes)) return Fail(kind, ErrorKind::kLength);
  for (int i = 0; i < hashes; ++i) {
    // seeders, completed, leechers: a count near 2^32 is a wrapped or uninitialised value.
    for (int f = 0; f < 3; ++f) {
      if (Be32(p + 8 + 12 * i + 4 * f) > 0x7fffffffu) return Fail(kind, ErrorKind::kCounts);
    }
  }
  return true;
}

int ParseHttpHead(std::string_view buffer, HttpHead* head) noexcept {
  const std::size_t end = buffer.find("\r\n\r\n");
  if (end == std::string_view::npos) return buffer.size() > 65536 ? -1 : 0;
  *head = HttpHead{};
  head->header_length = end + 4;
  std::string_view lines = buffer.substr(0, end + 2);
  std::size_t eol = lines.find("\r\n");
  const std::string_view status_line = lines.substr(0, eol);
  lines.remove_prefix(eol + 2);
  // "HTTP/1.x NNN reason"
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') return -1;
  const bool http10 = status_line[7] == '0';
  int status = 0;
  for (int i = 9; i < 12; ++i) {
    const char c = status_line[static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return -1;
    status = status * 10 + (c - '0');
  }
  if (status_line.size() > 12 && status_line[12] != ' ') return -1;
  head->status = status;
  head->close = http10;
  while (!lines.empty()) {
    eol = lines.find("\r\n");
    const std::string_view line = lines.substr(0, eol);
    lines.remove_prefix(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return -1;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsNoCase(name, "content-length")) {
      if (value.empty() || value.size() > 12) return -1;
      std::size_t v = 0;
      for (char c : value) {
        if (c < '0' || c > '9') return -1;
        v = v * 10 + static_cast<std::size_t>(c - '0');
      }
      if (head->content_length != HttpHead::kNoLength && head->content_length != v) return -1;
      head->content_length = v;
    } else if (EqualsNoCase(name, "transfer-encoding")) {
      head->chunked = ContainsNoCase(value, "chunked");
    } else if (EqualsNoCase(name, "connection")) {
      if (ContainsNoCase(value, "close")) head->close = true;
      if (ContainsNoCase(value, "keep-alive")) head->close = false;
    } else if (EqualsNoCase(name, "content-encoding")) {
      head->gzip = ContainsNoCase(value, "gzip");
    }
  }
  if (head->chunked) head->content_length = HttpHead::kNoLength;  // RFC 9112 6.3: chunked wins
  return 1;
}

bool CheckBencodedAnnounce(std::string_view body, std::uint32_t numwant, bool stopped,
                           ErrorKind* kind) noexcept {
  BencodeReader r(body);
  if (!r.Expect('d')) return Fail(kind, ErrorKind::kBencode);
  std::int64_t complete = -1, incomplete = -1, interval = -1;
  std::size_t peers4 = 0, peers6 = 0;
  bool have_peers = false;
  std::string_view previous_key;
  bool first = true;
  while (r.Peek() != 'e') {
    std::string_view key;
    if (!r.ReadString(&key)) return Fail(kind, ErrorKind::kBencode);
    if (!first && !(previous_key < key)) return Fail(kind, ErrorKind::kBencode);  // keys sorted, unique
    first = false;
    previous_key = key;
    if (key == "failure reason") return Fail(kind, ErrorKind::kErrorReply);
    if (key == "complete" || key == "incomplete" || key == "interval" || key == "min interval" ||
        key == "downloaded") {
      std::int64_t v;
      if (!r.ReadInt(&v) || v < 0) return Fail(kind, ErrorKind::kBencode);
      if (key == "complete") complete = v;
      if (key == "incomplete") incomplete = v;
      if (key == "interval") interval = v;
    } else if (key == "peers" || key == "peers6") {
      std::string_view v;
      if (!r.ReadString(&v)) return Fail(kind, ErrorKind::kBencode);  // compact=1 was asked for
      const std::size_t record = key == "peers" ? 6 : 18;
      if (v.size() % record != 0) return Fail(kind, ErrorKind::kLength);
      (key == "peers" ? peers4 : peers6) = v.size() / record;
      if (key == "peers") have_peers = true;
    } else if (!r.Skip()) {
      return Fail(kind, ErrorKind::kBencode);
    }
  }
  if (!r.Expect('e') || !r.AtEnd()) return Fail(kind, ErrorKind::kBencode);
  if (complete < 0 || incomplete < 0 || interval <= 0 || !have_peers) return Fail(kind, ErrorKind::kBencode);
  const std::uint64_t peers = peers4 + peers6;
  const std::uint64_t swarm = static_cast<std::uint64_t>(complete + incomplete);
  if (peers > numwant || peers > swarm) return Fail(kind, ErrorKind::kCounts);
  if (stopped ? peers != 0 : swarm == 0) return Fail(kind, ErrorKind::kCounts);
  return true;
}

bool CheckBencodedScrape(std::string_view body, const ScrapeSpec& spec, ErrorKind* kind) noexcept {
  BencodeReader r(body);
  std::string_view key;
  if (!r.Expect('d') || !r.ReadString(&key) || key != "files" || !r.Expect('d')) {
    return Fail(kind, ErrorKind::kBencode);
  }
  Hash wanted[kMaxScrapeHashes];
  for (int i = 0; i < spec.count; ++i) wanted[i] = InfoHashOf(spec.torrents[i]);
  int next = 0;  // entries must follow request order
  while (r.Peek() != 'e') {
    std::string_view hash;
    if (!r.ReadString(&hash) || hash.size() != 20) return Fail(kind, ErrorKind::kBencode);
    while (next < spec.count && std::memcmp(wanted[next].data(), hash.data(), 20) != 0) ++next;
    if (next == spec.count) return Fail(kind, ErrorKind::kScrapeEntries);
    ++next;
    if (!r.Expect('d')) return Fail(kind, ErrorKind::kBencode);
    int fields = 0;
    while (r.Peek() != 'e') {
      std::string_view name;
      std::int64_t v;
      if (!r.ReadString(&name)) return Fail(kind, ErrorKind::kBencode);
      if (name == "complete" || name == "downloaded" || name == "incomplete") {
        if (!r.ReadInt(&v) || v < 0) return Fail(kind, ErrorKind::kBencode);
        ++fields;
      } else if (!r.Skip()) {
        return Fail(kind, ErrorKind::kBencode);
      }
    }
    r.Expect('e');
    if (fields != 3) return Fail(kind, ErrorKind::kBencode);
  }
  r.Expect('e');
  while (r.Peek() != 'e') {  // other top-level keys after "files" (e.g. "flags") are allowed
    if (!r.ReadString(&key) || !r.Skip()) return Fail(kind, ErrorKind::kBencode);
  }
  if (!r.Expect('e') || !r.AtEnd()) return Fail(kind, ErrorKind::kBencode);
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Self test: the validators must accept what opentracker sends (spec examples) and reject corruptions of
// it, or the benchmark would count wrong things.

namespace {

int g_failures = 0;

void Expect(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "self-test FAILED: %s\n", what);
    ++g_failures;
  }
}

std::vector<std::uint8_t> Bytes(std::initializer_list<std::uint32_t> words) {
  std::vector<std::uint8_t> out;
  for (std::uint32_t w : words) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(w >> s));
  }
  return out;
}

std::string AnnounceBody(const std::string& peers, int complete, int incomplete) {
  return "d8:completei" + std::to_string(complete) + "e10:downloadedi0e10:incompletei" +
         std::to_string(incomplete) + "e8:intervali1761e12:min intervali880e5:peers" +
         std::to_string(peers.size()) + ":" + peers + "e";
}

void TestUdp() {
  ErrorKind k;
  std::uint64_t id = 0;
  auto connect = Bytes({0, 0x1234, 0xdeadbeef, 0xcafef00d});
  Expect(CheckUdpConnect(connect.data(), connect.size(), 0x1234, &id, &k), "udp connect ok");
  Expect(!CheckUdpConnect(connect.data(), connect.size(), 0x1235, &id, &k) && k == ErrorKind::kTxid,
         "udp connect txid");
  Expect(!CheckUdpConnect(connect.data(), 15, 0x1234, &id, &k) && k == ErrorKind::kLength,
         "udp connect short");
  // Announce with two peers, one leecher one seeder (spec §4.4).
  auto announce = Bytes({1, 7, 1761, 1, 1});
  const std::uint8_t peers[12] = {127, 0, 0, 1, 0x1a, 0xe1, 127, 0, 0, 1, 0x1b, 0x58};
  announce.insert(announce.end(), peers, peers + 12);
  Expect(CheckUdpAnnounce(announce.data(), announce.size(), 7, 30, false, &k), "udp announce ok");
  Expect(!CheckUdpAnnounce(announce.data(), announce.size(), 7, 1, false, &k) && k == ErrorKind::kCounts,
         "udp announce more peers than numwant");
  for (std::size_t n = 0; n < announce.size(); ++n) {
    if (n == 20 || n == 26) continue;  // valid lengths with 0 and 1 peers
    Expect(!CheckUdpAnnounce(announce.data(), n, 7, 30, false, &k), "udp announce truncated");
  }
  auto no_swarm = Bytes({1, 7, 1761, 0, 0});
  no_swarm.insert(no_swarm.end(), peers, peers + 6);
  Expect(!CheckUdpAnnounce(no_swarm.data(), no_swarm.size(), 7, 30, false, &k) && k == ErrorKind::kCounts,
         "udp announce peers without swarm");
  auto stopped = Bytes({1, 7, 1761, 0, 0});
  Expect(CheckUdpAnnounce(stopped.data(), stopped.size(), 7, 30, true, &k), "udp stopped ok");
  Expect(!CheckUdpAnnounce(stopped.data(), stopped.size(), 7, 30, false, &k),
         "udp empty swarm after announce");
  auto not_authorised = Bytes({1, 7});  // DEB's 8-byte reply for a hash outside the whitelist
  Expect(!CheckUdpAnnounce(not_authorised.data(), 8, 7, 30, false, &k) && k == ErrorKind::kLength,
         "udp 8-byte announce reply");
  auto error = Bytes({3, 7});
  const char text[] = "Connection ID missmatch.";
  error.insert(error.end(), text, text + sizeof(text));
  Expect(!CheckUdpAnnounce(error.data(), error.size(), 7, 30, false, &k) && k == ErrorKind::kErrorReply,
         "udp error reply");
  auto scrape = Bytes({2, 9, 1, 5, 2, 0, 0, 0});
  Expect(CheckUdpScrape(scrape.data(), scrape.size(), 9, 2, &k), "udp scrape ok");
  Expect(!CheckUdpScrape(scrape.data(), scrape.size(), 9, 3, &k) && k == ErrorKind::kLength,
         "udp scrape count");
  Expect(!CheckUdpScrape(scrape.data(), scrape.size(), 9, 1, &k), "udp scrape extra entry");
}

void TestHttp() {
  HttpHead h;
  const std::string ok =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nd5:filesdee";
  Expect(ParseHttpHead(ok, &h) == 1 && h.status == 200 && h.content_length == 11 && !h.close &&
             h.header_length == ok.size() - 11,
         "http head ok");
  for (std::size_t n = 0; n < h.header_length; ++n) {
    HttpHead partial;
    Expect(ParseHttpHead(std::string_view(ok).substr(0, n), &partial) == 0, "http head partial");
  }
  Expect(ParseHttpHead("HTTP/1.0 404 Not Found\r\nContent-Length: 25\r\n\r\n", &h) == 1 && h.status == 404 &&
             h.close,
         "http 1.0 closes");
  Expect(
      ParseHttpHead("HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n", &h) == 1 &&
          h.close && h.chunked && h.content_length == HttpHead::kNoLength,
      "http chunked close");
  Expect(ParseHttpHead("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", &h) == -1, "http bad length");
  Expect(ParseHttpHead("HTTP/1.1 2000 OK\r\n\r\n", &h) == -1, "http bad status");
  Expect(ParseHttpHead("garbage\r\n\r\n", &h) == -1, "http garbage");

  ErrorKind k;
  const std::string two(12, 'x');
  const std::string body = AnnounceBody(two, 0, 2);  // the worked example of spec §3.5 (DEB)
  Expect(CheckBencodedAnnounce(body, 30, false, &k), "announce ok");
  Expect(!CheckBencodedAnnounce(body, 1, false, &k) && k == ErrorKind::kCounts, "announce > numwant");
  Expect(!CheckBencodedAnnounce(AnnounceBody(two, 1, 0), 30, false, &k) && k == ErrorKind::kCounts,
         "announce > swarm");
  Expect(!CheckBencodedAnnounce(AnnounceBody(std::string(7, 'x'), 5, 5), 30, false, &k) &&
             k == ErrorKind::kLength,
         "announce odd peers");
  for (std::size_t n = 0; n < body.size(); ++n) {
    Expect(!CheckBencodedAnnounce(std::string_view(body).substr(0, n), 30, false, &k), "announce truncated");
  }
  Expect(!CheckBencodedAnnounce(body + "x", 30, false, &k), "announce trailing bytes");
  Expect(!CheckBencodedAnnounce("d14:failure reason63:Requested download is not authorized for use with this "
                                "tracker.e",
                                30, false, &k) &&
             k == ErrorKind::kErrorReply,
         "announce failure reason");
  Expect(CheckBencodedAnnounce("d8:completei0e10:incompletei0e8:intervali1800e12:min intervali900e5:peers0:e",
                               30, true, &k),
         "stopped ok");
  Expect(!CheckBencodedAnnounce("d8:completei1e10:incompletei0e8:intervali1800e12:min intervali900ee", 30,
                                false, &k),
         "announce without peers");
  Expect(
      !CheckBencodedAnnounce("d10:incompletei0e8:completei1e8:intervali1800e5:peers6:abcdefe", 30, false, &k),
      "announce unsorted keys");
  Expect(!CheckBencodedAnnounce("d8:completei01e10:incompletei0e8:intervali1800e5:peers6:abcdefe", 30, false,
                                &k),
         "announce non-canonical int");
  Expect(CheckBencodedAnnounce("d8:completei1e10:incompletei0e8:intervali1800e5:peers0:6:peers618:" +
                                   std::string(18, 'y') + "e",
                               30, false, &k),
         "announce peers6");

  ScrapeSpec spec;
  spec.count = 3;
  spec.torrents[0] = 5;
  spec.torrents[1] = 9;
  spec.torrents[2] = 77;
  auto entry = [](std::uint64_t t) {
    const Hash hash = InfoHashOf(t);
    return "20:" + std::string(reinterpret_cast<const char*>(hash.data()), 20) +
           "d8:completei3e10:downloadedi1e10:incompletei0ee";
  };
  Expect(CheckBencodedScrape("d5:filesd" + entry(5) + entry(9) + entry(77) + "ee", spec, &k), "scrape ok");
  Expect(CheckBencodedScrape("d5:filesd" + entry(5) + entry(77) + "ee", spec, &k), "scrape unknown omitted");
  Expect(CheckBencodedScrape("d5:filesdee", spec, &k), "scrape empty");
  Expect(!CheckBencodedScrape("d5:filesd" + entry(9) + entry(5) + "ee", spec, &k) &&
             k == ErrorKind::kScrapeEntries,
         "scrape out of order");
  Expect(!CheckBencodedScrape("d5:filesd" + entry(5) + entry(5) + "ee", spec, &k), "scrape duplicate");
  Expect(!CheckBencodedScrape("d5:filesd" + entry(6) + "ee", spec, &k), "scrape foreign hash");
  const std::string full = "d5:filesd" + entry(5) + "ee";
  for (std::size_t n = 0; n < full.size(); ++n) {
    Expect(!CheckBencodedScrape(std::string_view(full).substr(0, n), spec, &k), "scrape truncated");
  }

  ChunkedDecoder d;
  std::string out;
  const std::string chunked = "5\r\nhello\r\n1;ext\r\n!\r\n0\r\n\r\n";
  for (char c : chunked) {  // byte by byte: every state boundary
    Expect(d.Feed(&c, 1, [&](const char* p, std::size_t n) { out.append(p, n); }), "chunked feed");
  }
  Expect(d.Done() && out == "hello!", "chunked decode");
  ChunkedDecoder bad;
  Expect(!bad.Feed("5\r\nhelloX", 9, [](const char*, std::size_t) {}), "chunked bad terminator");
}

void TestWorkload() {
  // Swarm sizes: they add up, never increase with rank, are at least 1, and follow r^-s at the top.
  const SwarmTable swarms(1'000'000, 2'000'000, 1.0);
  Expect(swarms.memberships() == 2'000'000 && swarms.torrents() == 1'000'000, "swarm totals");
  bool monotone = true;
  for (std::uint64_t t = 1; t < swarms.torrents(); ++t) monotone &= swarms.SizeOf(t) <= swarms.SizeOf(t - 1);
  Expect(monotone && swarms.SizeOf(swarms.torrents() - 1) >= 1, "swarm sizes non-increasing, >= 1");
  const double top = static_cast<double>(swarms.SizeOf(0));
  Expect(std::abs(static_cast<double>(swarms.SizeOf(9)) - top / 10) <= 2 &&
             std::abs(static_cast<double>(swarms.SizeOf(99)) - top / 100) <= 2,
         "swarm sizes follow 1/r");
  Expect(swarms.TorrentOf(0) == 0 && swarms.TorrentOf(swarms.SizeOf(0) - 1) == 0 &&
             swarms.TorrentOf(swarms.SizeOf(0)) == 1 && swarms.TorrentOf(1'999'999) == 999'999,
         "membership to torrent");
  const SwarmTable flat(1000, 1000, 1.0);
  Expect(flat.SizeOf(0) == 1 && flat.SizeOf(999) == 1, "one member each");
  const SwarmTable odd(7, 100, 0.8);
  std::uint64_t sum = 0;
  for (std::uint64_t t = 0; t < 7; ++t) sum += odd.SizeOf(t);
  Expect(sum == 100 && odd.memberships() == 100, "odd sizes add up");
  // Announces pick memberships uniformly: torrent 0's share is its size over all memberships.
  WorkloadOptions wo;
  const PeerSpace space31(wo.peers, PeerSpace::MinAddresses(wo.peers));
  const Workload w(wo, space31);
  Rng rng(42);
  const int draws = 400'000;
  int hits0 = 0;
  for (int i = 0; i < draws; ++i) {
    const AnnounceSpec a = w.Announce(rng, static_cast<std::uint32_t>(i % 31));
    hits0 += a.torrent == 0;
    if (space31.AddressOf(a.peer) != static_cast<std::uint32_t>(i % 31)) {
      Expect(false, "announce peer on its address");
      break;
    }
  }
  const double expected = draws * top / 2e6;
  Expect(std::abs(hits0 - expected) < 5 * std::sqrt(expected), "torrent 0 share");
  Expect(InfoHashHex(0).size() == 40 && InfoHashHex(0) != InfoHashHex(1), "hash hex");
  // Preload covers every torrent and peer; the per-address cursors partition max(T, P) announces.
  struct Shape {
    std::uint64_t torrents, peers;
    std::uint32_t addresses;
  };
  for (const Shape& shape : {Shape{1000, 2000, 7}, Shape{3000, 1000, 4}, Shape{10, 10, 3}}) {
    const std::uint64_t torrents = shape.torrents, peers = shape.peers;
    const std::uint32_t addresses = shape.addresses;
    PeerSpace space(peers, addresses);
    std::set<std::uint64_t> seen_t, seen_p;
    std::set<std::pair<std::uint64_t, std::uint64_t>> pairs;
    std::uint64_t total = 0;
    for (std::uint32_t a = 0; a < addresses; ++a) {
      PreloadCursor c(torrents, space, a);
      const SwarmTable table(torrents, std::max(torrents, peers), 1.0);
      std::uint64_t k, count = 0;
      while (c.Next(&k)) {
        const std::uint64_t t = table.TorrentOf(k), p = k % peers;
        Expect(space.AddressOf(p) == a, "preload address");
        seen_t.insert(t);
        seen_p.insert(p);
        pairs.insert({t, p});
        ++count;
      }
      Expect(count == c.Total(), "preload total");
      total += count;
    }
    Expect(total == std::max(torrents, peers) && pairs.size() == total, "preload count");
    Expect(seen_t.size() == torrents && seen_p.size() == peers, "preload coverage");
  }
  PeerSpace big(2'000'000, PeerSpace::MinAddresses(2'000'000));
  Expect(1'999'999 / big.addresses() + 1 <= 65535 && big.PortOf(1'999'999) >= 1 && big.PortOf(0) == 1,
         "ports fit");
  Rng r2(1);
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t p = big.PeerAt(5, r2);
    Expect(p < 2'000'000 && big.AddressOf(p) == 5, "peer at address");
  }
}

}  // namespace

int SelfTest() {
  g_failures = 0;
  TestUdp();
  TestHttp();
  TestWorkload();
  if (g_failures == 0) std::printf("self-test passed\n");
  return g_failures == 0 ? 0 : 1;
}

}  // namespace ot::bench
