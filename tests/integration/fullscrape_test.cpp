// Full scrapes against the real daemon (spec §7, stats_service.cpp, PORT-
// DECISIONS §3): GET /scrape and /stats?mode=tpbs|statedump in every format,
// plain and gzip (inflated here with zlib), HTTP/1.1 chunked and HTTP/1.0
// with a Content-Length or a close-delimited body; tracker.fullscrape off and
// tracker.modest_fullscrapes; and a 100,000-torrent table streamed while
// another thread announces (replies must stay prompt), plus clients that
// leave in the middle of a big dump (the tracker keeps serving and its RSS
// stays bounded).
//
// Replies are read with a streaming reader of this file (the shared client
// re-parses its whole buffer per read, which is quadratic on 7 MB bodies).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "support/bencode_decode.hpp"
#include "support/net_http_client.hpp"
#include "support/net_http_message.hpp"
#include "support/net_socket.hpp"
#include "support/net_udp_client.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using Clock = std::chrono::steady_clock;
using test::Family;
using test::HttpConnection;
using test::ReadOutcome;

constexpr Millis kReply(5000);

std::string UpperHex(std::string_view bytes) {
  static const char* const kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Num(std::uint64_t v) { return std::to_string(v); }

std::optional<std::uint64_t> ParseU64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// Equal bytes, or where they first differ (never both multi-megabyte strings
// in a failure message).
::testing::AssertionResult SameBytes(std::string_view got, std::string_view want) {
  if (got == want) return ::testing::AssertionSuccess();
  std::size_t at = 0;
  while (at < got.size() && at < want.size() && got[at] == want[at]) ++at;
  const std::size_t from = at < 40 ? 0 : at - 40;
  return ::testing::AssertionFailure()
         << "sizes " << got.size() << " vs " << want.size() << ", first difference at byte " << at
         << "\n  got:  " << test::Printable(got.substr(from, 120))
         << "\n  want: " << test::Printable(want.substr(from, 120));
}

// Deterministic uniformly spread 20-byte hashes (splitmix64), so torrents land
// in every shard as real info hashes do.
std::string RandomHash(std::uint64_t seed) {
  std::string h;
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  while (h.size() < 20) {
    x += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (int i = 0; i < 8 && h.size() < 20; ++i) h.push_back(static_cast<char>((z >> (8 * i)) & 0xff));
  }
  return h;
}

// gzip (RFC 1952) -> bytes with zlib's inflate; nullopt unless the data is
// exactly one complete gzip member.
std::optional<std::string> Inflate(std::string_view gz, std::string* error) {
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
    *error = "inflateInit2 failed";
    return std::nullopt;
  }
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  std::vector<char> buffer(1 << 18);
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer.data());
    z.avail_out = static_cast<uInt>(buffer.size());
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer.data(), buffer.size() - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  const bool ended = rc == Z_STREAM_END && z.avail_in == 0;
  if (!ended)
    *error = "inflate: rc " + std::to_string(rc) + ", " + std::to_string(z.avail_in) + " bytes left";
  inflateEnd(&z);
  return ended ? std::optional<std::string>(std::move(out)) : std::nullopt;
}

// ---------------------------------------------------------------------------
// A streaming HTTP response reader (one response per call).

struct Streamed {
  bool complete = false;
  std::string error;
  std::string head;         // status line through the blank line
  std::string status_line;  // without CRLF
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload;  // the body without its framing (still compressed for gzip)
  std::size_t chunks = 0;
  bool chunked = false;
  bool has_length = false;
  bool closed_after = false;  // the server closed within the close wait

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (EqualsIgnoreCase(n, name)) return v;
    }
    return std::nullopt;
  }
  bool Gzip() const { return Header("Content-Encoding").value_or("") == "gzip"; }
  // The content: the payload, inflated when gzip.
  std::optional<std::string> Content(std::string* why) const {
    if (!Gzip()) return payload;
    return Inflate(payload, why);
  }
};

class StreamReader {
 public:
  explicit StreamReader(int fd) : fd_(fd) {}

  // Reads one response within `timeout`; `close_wait` > 0 then waits that
  // long for EOF (closed_after). `stop_after` > 0 returns early once that
  // many payload bytes have arrived (a client that gives up).
  Streamed Read(Millis timeout, Millis close_wait = Millis(0), std::size_t stop_after = 0) {
    Streamed s;
    deadline_ = Clock::now() + timeout;
    std::size_t header_end = std::string::npos;
    while ((header_end = buffer_.find("\r\n\r\n", pos_)) == std::string::npos) {
      if (!Fill()) {
        s.error = "no complete head: " + test::Printable(buffer_.substr(pos_), 200);
        return s;
      }
    }
    s.head = buffer_.substr(pos_, header_end + 4 - pos_);
    pos_ = header_end + 4;
    std::size_t line_end = s.head.find("\r\n");
    s.status_line = s.head.substr(0, line_end);
    for (std::size_t at = line_end + 2; at < s.head.size() - 2;) {
      std::size_t end = s.head.find("\r\n", at);
      std::string line = s.head.substr(at, end - at);
      std::size_t colon = line.find(':');
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      s.headers.emplace_back(line.substr(0, colon), value);
      at = end + 2;
    }
    s.chunked = s.Header("Transfer-Encoding").value_or("") == "chunked";
    std::optional<std::string> length = s.Header("Content-Length");
    s.has_length = length.has_value();
    if (s.chunked) {
      if (!ReadChunks(s, stop_after)) return s;
    } else if (length) {
      std::optional<std::uint64_t> n = ParseU64(*length);
      if (!n) {
        s.error = "bad Content-Length " + *length;
        return s;
      }
      while (buffer_.size() - pos_ < *n) {
        if (stop_after != 0 && buffer_.size() - pos_ >= stop_after) return s;
        if (!Fill()) {
          s.error = "body shorter than its Content-Length";
          return s;
        }
      }
      s.payload = buffer_.substr(pos_, *n);
      pos_ += *n;
    } else {
      // Delimited by the close.
      while (!eof_) {
        if (stop_after != 0 && buffer_.size() - pos_ >= stop_after) return s;
        if (!Fill() && !eof_) {
          s.error = "timeout before the close";
          return s;
        }
      }
      s.payload = buffer_.substr(pos_);
      pos_ = buffer_.size();
      s.closed_after = true;
    }
    s.complete = true;
    Compact();
    if (close_wait.count() > 0 && !s.closed_after) {
      deadline_ = Clock::now() + close_wait;
      while (!eof_ && buffer_.size() == pos_ && Fill()) {
      }
      s.closed_after = eof_ && buffer_.size() == pos_;
    }
    return s;
  }

  std::size_t received() const { return received_; }

 private:
  // One recv into the buffer before the deadline; false on timeout or EOF.
  bool Fill() {
    if (eof_) return false;
    auto left = std::chrono::duration_cast<Millis>(deadline_ - Clock::now());
    if (left.count() <= 0 || test::PollFd(fd_, POLLIN, left) == 0) return false;
    char chunk[1 << 16];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    received_ += static_cast<std::size_t>(n);
    return true;
  }
  void Compact() {
    if (pos_ > (1u << 20)) {
      buffer_.erase(0, pos_);
      pos_ = 0;
    }
  }
  bool ReadChunks(Streamed& s, std::size_t stop_after) {
    for (;;) {
      std::size_t line_end;
      while ((line_end = buffer_.find("\r\n", pos_)) == std::string::npos) {
        if (!Fill()) {
          s.error = "incomplete chunk size line after " + Num(s.payload.size()) + " bytes";
          return false;
        }
      }
      const std::string size_text = buffer_.substr(pos_, line_end - pos_);
      std::size_t size = 0;
      bool ok = !size_text.empty() && size_text.size() <= 8;
      for (char c : size_text) {
        const bool lower_hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        ok = ok && lower_hex;
        size = size * 16 + static_cast<std::size_t>(c <= '9' ? c - '0' : c - 'a' + 10);
      }
      if (!ok) {
        s.error = "bad chunk size line '" + test::Printable(size_text) + "'";
        return false;
      }
      while (buffer_.size() < line_end + 2 + size + 2) {
        if (!Fill()) {
          s.error = "incomplete chunk of " + Num(size) + " bytes";
          return false;
        }
      }
      if (buffer_.compare(line_end + 2 + size, 2, "\r\n") != 0) {
        s.error = "chunk not followed by CRLF";
        return false;
      }
      s.payload.append(buffer_, line_end + 2, size);
      pos_ = line_end + 2 + size + 2;
      Compact();
      if (size == 0) return true;  // "0\r\n\r\n": no trailers
      ++s.chunks;
      if (stop_after != 0 && s.payload.size() >= stop_after) return false;
    }
  }

  int fd_;
  std::string buffer_;
  std::size_t pos_ = 0;
  std::size_t received_ = 0;
  bool eof_ = false;
  Clock::time_point deadline_;
};

// One request on a fresh connection from `source` (a loopback address).
struct Fetched {
  Streamed reply;
  bool connected = false;
};
Fetched Fetch(std::uint16_t port, const std::string& request, const std::string& source = "127.0.0.1",
              Millis close_wait = Millis(0), Millis timeout = kReply) {
  Fetched f;
  const bool v6 = source.find(':') != std::string::npos;
  test::Fd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  int rc = -1;
  if (v6) {
    sockaddr_in6 remote{};
    remote.sin6_family = AF_INET6;
    remote.sin6_port = htons(port);
    ::inet_pton(AF_INET6, "::1", &remote.sin6_addr);
    rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&remote), sizeof remote);
  } else {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) == 0)
      rc = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&remote), sizeof remote);
  }
  f.connected = rc == 0;
  if (!f.connected || !test::SendAll(fd.get(), request)) {
    f.reply.error = "connect/send from " + source + " failed";
    return f;
  }
  StreamReader reader(fd.get());
  f.reply = reader.Read(timeout, close_wait);
  return f;
}

std::string FullScrapeRequest(std::string_view version = "HTTP/1.1", std::string_view headers = "") {
  return GetRequest("/scrape", version, headers);
}

// ---------------------------------------------------------------------------
// Expected dumps.

struct Entry {
  std::string hash;
  std::uint64_t seeders = 0, leechers = 0, downloaded = 0;
};

enum class Format { kBencode, kText, kTextPlus, kBinary, kUrl };

std::string UrlEncoded(std::string_view hash) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : hash) {
    const bool kept = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                      b == '$' || b == '/' || b == '.' || b == '=' || b == '~' || b == '-' || b == '_';
    if (kept) {
      out.push_back(static_cast<char>(b));
    } else {
      out.push_back('%');
      out.push_back(kDigits[b >> 4]);
      out.push_back(kDigits[b & 15]);
    }
  }
  return out;
}

void PutBe32(std::string& out, std::uint64_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// `entries` sorted by hash.
std::string ExpectedDump(const std::vector<Entry>& entries, Format format) {
  std::string out;
  out.reserve(entries.size() * 72 + 16);
  if (format == Format::kBencode) out += "d5:filesd";
  for (const Entry& e : entries) {
    switch (format) {
      case Format::kBencode:
        out += "20:" + e.hash + "d8:completei" + Num(e.seeders) + "e10:downloadedi" + Num(e.downloaded) +
               "e10:incompletei" + Num(e.leechers) + "ee";
        break;
      case Format::kText:
        out += UpperHex(e.hash) + ":" + Num(e.seeders) + ":" + Num(e.leechers) + "\n";
        break;
      case Format::kTextPlus:
        out +=
            UpperHex(e.hash) + ":" + Num(e.seeders) + ":" + Num(e.leechers) + ":" + Num(e.downloaded) + "\n";
        break;
      case Format::kBinary:
        out += e.hash;
        PutBe32(out, e.seeders);
        PutBe32(out, e.leechers);
        break;
      case Format::kUrl:
        out += UrlEncoded(e.hash) + ":" + Num(e.seeders) + ":" + Num(e.leechers) + "\n";
        break;
    }
  }
  if (format == Format::kBencode) out += "ee";
  return out;
}

// Checks a bencoded full scrape by decoding it: exactly `entries`, keys in
// hash order, each with complete/downloaded/incomplete.
::testing::AssertionResult DecodesTo(const std::string& content, const std::vector<Entry>& entries) {
  std::optional<test::BValue> root = test::BDecodeAll(content);
  if (!root || !root->IsDict()) return ::testing::AssertionFailure() << "not one bencoded dictionary";
  if (root->Keys() != std::vector<std::string>{"files"})
    return ::testing::AssertionFailure() << "keys != [files]";
  const test::BValue& files = *root->Find("files");
  if (!files.IsDict()) return ::testing::AssertionFailure() << "files is not a dictionary";
  if (files.dict_keys.size() != entries.size())
    return ::testing::AssertionFailure() << files.dict_keys.size() << " entries, want " << entries.size();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (files.dict_keys[i] != e.hash)
      return ::testing::AssertionFailure() << "entry " << i << " is " << UpperHex(files.dict_keys[i])
                                           << ", want " << UpperHex(e.hash) << " (hash order)";
    const test::BValue& v = files.dict_values[i];
    if (!v.IsDict() || v.Keys() != std::vector<std::string>{"complete", "downloaded", "incomplete"})
      return ::testing::AssertionFailure() << "entry " << i << " keys";
    if (v.Find("complete")->integer != static_cast<std::int64_t>(e.seeders) ||
        v.Find("downloaded")->integer != static_cast<std::int64_t>(e.downloaded) ||
        v.Find("incomplete")->integer != static_cast<std::int64_t>(e.leechers))
      return ::testing::AssertionFailure() << "entry " << i << " (" << UpperHex(e.hash) << ") counts";
  }
  return ::testing::AssertionSuccess();
}

std::uint32_t NowMinutes() {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::minutes>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// ---------------------------------------------------------------------------
// A tracker with a small known table, filled over HTTP and UDP, both families.

class FullScrapeTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (tracker_) {
      EXPECT_TRUE(tracker_->Stop());
    }
  }

  void Start(std::vector<std::string> extra_lines = {}, std::vector<std::string> extra_args = {},
             std::map<std::string, std::string> files = {}) {
    v6_ = DualStackAvailable();
    TrackerOptions o;
    o.config_lines = ListenLines(v6_);
    for (auto& l : extra_lines) o.config_lines.push_back(std::move(l));
    o.extra_args = std::move(extra_args);
    o.files = std::move(files);
    o.ready_timeout = Millis(30000);
    tracker_ = std::make_unique<TrackerProcess>(o);
    started_minute_ = NowMinutes();
    ASSERT_TRUE(tracker_->Start());
  }

  // 40 torrents with random hashes; seeders, leechers and completions vary;
  // announces rotate over HTTP v4/v6 and UDP v4/v6.
  void FillSmallTable() {
    test::UdpClient udp4(Family::kV4);
    std::unique_ptr<test::UdpClient> udp6;
    ASSERT_TRUE(udp4.Open());
    const std::uint64_t id4 = UdpConnect(udp4);
    std::uint64_t id6 = 0;
    if (v6_) {
      udp6 = std::make_unique<test::UdpClient>(Family::kV6);
      id6 = UdpConnect(*udp6);
    }
    HttpConnection http4("127.0.0.1", tracker_->Port());
    ASSERT_TRUE(http4.Connected());
    std::unique_ptr<HttpConnection> http6;
    if (v6_) http6 = std::make_unique<HttpConnection>("::1", tracker_->Port());
    for (std::uint64_t k = 0; k < 40; ++k) {
      Entry e;
      e.hash = RandomHash(1000 + k);
      e.seeders = k % 3;
      e.leechers = (k / 3) % 3;
      if (e.seeders + e.leechers == 0) e.leechers = 2;
      for (std::uint64_t j = 0; j < e.seeders + e.leechers; ++j) {
        const bool seeder = j < e.seeders;
        const bool completes = seeder && (k % 2 == 0 || j == 1);
        if (completes) ++e.downloaded;
        const auto port = static_cast<std::uint16_t>(30000 + k * 8 + j);
        std::uint64_t channel = (k + j) % 4;
        if (!v6_) channel &= 2;  // v4 only: HTTP v4 (0) or UDP v4 (2)
        if (channel == 0 || channel == 1) {
          HttpConnection& c = channel == 0 ? http4 : *http6;
          AnnounceParams p;
          p.info_hash = e.hash;
          p.port = Num(port);
          p.left = seeder ? "0" : "512";
          if (completes) p.extra = "&event=completed";
          ASSERT_TRUE(c.Send(AnnounceRequest(p)));
          test::ReadResult r = c.ReadResponse(kReply);
          ASSERT_EQ(r.outcome, ReadOutcome::kResponse);
          AnnounceReply reply = DecodeAnnounce(r.response.content);
          ASSERT_TRUE(reply.error.empty() && reply.failure.empty()) << test::Printable(r.response.raw);
        } else {
          test::UdpClient& c = channel == 2 ? udp4 : *udp6;
          test::UdpAnnounce a;
          a.connection_id = channel == 2 ? id4 : id6;
          a.transaction_id = static_cast<std::uint32_t>(k * 100 + j);
          a.info_hash = e.hash;
          a.port = port;
          a.left = seeder ? 0 : 512;
          a.event = completes ? 1 : 2;
          ASSERT_TRUE(c.Send(test::UdpAnnouncePacket(a), tracker_->Port()));
          auto r = c.Receive(kReply);
          ASSERT_TRUE(r);
          ASSERT_TRUE(DecodeUdpAnnounce(*r, c.family()).ok) << test::Printable(*r);
        }
      }
      table_.push_back(e);
    }
    std::sort(table_.begin(), table_.end(), [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
  }

  std::uint64_t UdpConnect(test::UdpClient& c) {
    EXPECT_TRUE(c.Send(test::UdpConnectPacket(99), tracker_->Port()));
    auto r = c.Receive(kReply);
    if (!r || r->size() != 16) {
      ADD_FAILURE() << "no connect reply";
      return 0;
    }
    return test::GetU64(*r, 8);
  }

  std::string Content(const Streamed& s) {
    std::string error;
    std::optional<std::string> c = s.Content(&error);
    EXPECT_TRUE(c) << error;
    return c.value_or("");
  }

  std::unique_ptr<TrackerProcess> tracker_;
  bool v6_ = false;
  std::uint32_t started_minute_ = 0;
  std::vector<Entry> table_;  // sorted by hash
};

using FullScrape = FullScrapeTest;

const std::string kGzipHeader("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);

TEST_F(FullScrape, Http11PlainAndGzipAreChunkedAndDecodeToTheTable) {
  OT_SKIP_UNLESS_PORT("chunked HTTP/1.1 and Accept-Encoding are the port's (HEAD-like) framing");
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_NO_FATAL_FAILURE(FillSmallTable());
  const std::string want = ExpectedDump(table_, Format::kBencode);

  Fetched plain = Fetch(tracker_->Port(), FullScrapeRequest());
  ASSERT_TRUE(plain.reply.complete) << plain.reply.error;
  EXPECT_EQ(
      plain.reply.head,
      "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_GE(plain.reply.chunks, 1u);
  EXPECT_TRUE(DecodesTo(plain.reply.payload, table_));
  EXPECT_TRUE(SameBytes(plain.reply.payload, want));

  for (const std::string accept : {"gzip", "x-gzip, identity", "deflate, gzip;q=0.5", "*"}) {
    Fetched gz =
        Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.1", "Accept-Encoding: " + accept + "\r\n"));
    ASSERT_TRUE(gz.reply.complete) << accept << ": " << gz.reply.error;
    EXPECT_EQ(gz.reply.head,
              "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Encoding: gzip\r\n"
              "Transfer-Encoding: chunked\r\n\r\n")
        << accept;
    EXPECT_EQ(gz.reply.payload.substr(0, 10), kGzipHeader) << "mtime 0, OS 3";
    EXPECT_TRUE(SameBytes(Content(gz.reply), want)) << accept;
  }
  // An explicit refusal wins over the wildcard.
  for (const std::string accept : {"gzip;q=0", "identity", "*;q=0", "gzip;q=0, *"}) {
    Fetched no =
        Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.1", "Accept-Encoding: " + accept + "\r\n"));
    ASSERT_TRUE(no.reply.complete) << accept;
    EXPECT_FALSE(no.reply.Gzip()) << accept;
    EXPECT_TRUE(SameBytes(no.reply.payload, want)) << accept;
  }
}

TEST_F(FullScrape, Http10GetsContentLengthAndTheClose) {
  OT_SKIP_UNLESS_PORT("the port's HTTP/1.0 dump framing");
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_NO_FATAL_FAILURE(FillSmallTable());
  const std::string want = ExpectedDump(table_, Format::kBencode);
  Fetched plain = Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.0"), "127.0.0.1", Millis(3000));
  ASSERT_TRUE(plain.reply.complete) << plain.reply.error;
  EXPECT_EQ(plain.reply.head, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                                  Num(want.size()) + "\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(SameBytes(plain.reply.payload, want));
  EXPECT_TRUE(plain.reply.closed_after);

  Fetched gz = Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.0", "Accept-Encoding: gzip\r\n"),
                     "127.0.0.1", Millis(3000));
  ASSERT_TRUE(gz.reply.complete) << gz.reply.error;
  EXPECT_EQ(gz.reply.head,
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
            "Content-Length: " +
                Num(gz.reply.payload.size()) + "\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(SameBytes(Content(gz.reply), want));
  EXPECT_TRUE(gz.reply.closed_after);
}

// After a chunked full scrape the HTTP/1.1 connection stays usable.
TEST_F(FullScrape, KeepAliveConnectionServesTheNextRequest) {
  OT_SKIP_UNLESS_PORT("keep-alive is the port's");
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_NO_FATAL_FAILURE(FillSmallTable());
  HttpConnection c("127.0.0.1", tracker_->Port());
  ASSERT_TRUE(c.Connected());
  StreamReader reader(c.fd());
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(c.Send(FullScrapeRequest()));
    Streamed s = reader.Read(kReply);
    ASSERT_TRUE(s.complete) << "round " << round << ": " << s.error;
    EXPECT_TRUE(SameBytes(s.payload, ExpectedDump(table_, Format::kBencode)));
    ASSERT_TRUE(c.Send(ScrapeRequest({table_[0].hash})));
    Streamed scrape = reader.Read(kReply);
    ASSERT_TRUE(scrape.complete) << "round " << round
                                 << ": the scrape after the full scrape got no reply: " << scrape.error;
    EXPECT_EQ(scrape.payload, ExpectedDump({table_[0]}, Format::kBencode));
  }
}

TEST_F(FullScrape, TpbsInEveryFormatAndStatedump) {
  OT_SKIP_UNLESS_PORT("tpbs without format and the statedump framing are the port's");
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_NO_FATAL_FAILURE(FillSmallTable());
  struct Case {
    std::string query;
    Format format;
  };
  const std::vector<Case> cases = {
      {"mode=tpbs&format=ben", Format::kBencode}, {"mode=tpbs", Format::kBencode},
      {"mode=tpbs&format=txt", Format::kText},    {"mode=tpbs&format=txtp", Format::kTextPlus},
      {"mode=tpbs&format=bin", Format::kBinary},  {"mode=tpbs&format=url", Format::kUrl}};
  for (const Case& c : cases) {
    const std::string want = ExpectedDump(table_, c.format);
    Fetched f = Fetch(tracker_->Port(), GetRequest("/stats?" + c.query));
    ASSERT_TRUE(f.reply.complete) << c.query << ": " << f.reply.error;
    EXPECT_EQ(
        f.reply.head,
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        << c.query;
    EXPECT_TRUE(SameBytes(f.reply.payload, want)) << c.query;
    // gzip by header or, for old scripts, by "gzip" in the query.
    for (const std::string& request :
         {GetRequest("/stats?" + c.query, "HTTP/1.1", "Accept-Encoding: gzip\r\n"),
          GetRequest("/stats?" + c.query + "&gzip=1")}) {
      Fetched gz = Fetch(tracker_->Port(), request);
      ASSERT_TRUE(gz.reply.complete) << request << gz.reply.error;
      EXPECT_TRUE(gz.reply.Gzip()) << request;
      EXPECT_TRUE(SameBytes(Content(gz.reply), want)) << request;
    }
    // HTTP/1.0: a Content-Length.
    Fetched old = Fetch(tracker_->Port(), GetRequest("/stats?" + c.query, "HTTP/1.0"));
    ASSERT_TRUE(old.reply.complete) << c.query;
    EXPECT_EQ(old.reply.status_line, "HTTP/1.0 200 OK");
    EXPECT_EQ(old.reply.Header("Content-Length"), Num(want.size()));
    EXPECT_TRUE(SameBytes(old.reply.payload, want)) << c.query;
  }
  EXPECT_EQ(Fetch(tracker_->Port(), GetRequest("/stats?mode=tpbs&format=statedump")).reply.status_line,
            "HTTP/1.0 400 Invalid Request");

  // statedump: "<HASH>:<minute of last activity>:<downloaded>\n" in hash order.
  Fetched dump = Fetch(tracker_->Port(), GetRequest("/stats?mode=statedump"));
  ASSERT_TRUE(dump.reply.complete) << dump.reply.error;
  EXPECT_TRUE(dump.reply.chunked);
  const std::uint32_t now_minute = NowMinutes();
  std::string rebuilt;
  std::size_t at = 0;
  for (const Entry& e : table_) {
    const std::size_t nl = dump.reply.payload.find('\n', at);
    ASSERT_NE(nl, std::string::npos);
    const std::string line = dump.reply.payload.substr(at, nl - at);
    at = nl + 1;
    const std::string prefix = UpperHex(e.hash) + ":";
    ASSERT_EQ(line.substr(0, 41), prefix) << line;
    const std::size_t colon = line.find(':', 41);
    ASSERT_NE(colon, std::string::npos) << line;
    std::optional<std::uint64_t> minute = ParseU64(line.substr(41, colon - 41));
    ASSERT_TRUE(minute) << line;
    EXPECT_GE(*minute, started_minute_) << line;
    EXPECT_LE(*minute, now_minute) << line;
    EXPECT_EQ(line.substr(colon + 1), Num(e.downloaded)) << line;
  }
  EXPECT_EQ(at, dump.reply.payload.size()) << "one line per torrent";
}

TEST_F(FullScrape, SwitchedOffGetsA400) {
  OT_SKIP_UNLESS_PORT("tracker.fullscrape is the port's switch");
  ASSERT_NO_FATAL_FAILURE(Start({"tracker.fullscrape off"}));
  ASSERT_TRUE(ServesAnnounce(*tracker_, TestHash(1)));
  for (const char* version : {"HTTP/1.1", "HTTP/1.0"}) {
    test::Exchange ex = Request(*tracker_, FullScrapeRequest(version));
    ASSERT_EQ(ex.read.outcome, ReadOutcome::kResponse);
    EXPECT_EQ(ex.read.response.raw,
              "HTTP/1.0 400 Invalid Request\r\nContent-Type: text/html\r\nContent-Length: 31\r\nConnection: "
              "close\r\n\r\n<title>Invalid Request</title>\n")
        << version;
  }
  // A scrape with an info_hash still works.
  test::Exchange ex = Request(*tracker_, ScrapeRequest({TestHash(1)}));
  ASSERT_EQ(ex.read.outcome, ReadOutcome::kResponse);
  EXPECT_EQ(ex.read.response.content, ExpectedDump({{TestHash(1), 1, 0, 0}}, Format::kBencode));
  test::Exchange herr = Request(*tracker_, GetRequest("/stats?mode=herr"));
  EXPECT_NE(herr.read.response.content.find("400 PAR 2\n"), std::string::npos) << herr.read.response.content;
  test::Exchange fscr = Request(*tracker_, GetRequest("/stats?mode=fscr"));
  EXPECT_EQ(fscr.read.response.content.substr(0, 4), "0\n0\n");
}

TEST_F(FullScrape, ModestGives402ToASecondScrapeFromTheSameAddress) {
  OT_SKIP_UNLESS_PORT("tracker.modest_fullscrapes is the port's switch");
  ASSERT_NO_FATAL_FAILURE(Start({"tracker.modest_fullscrapes on"}));
  ASSERT_NO_FATAL_FAILURE(FillSmallTable());
  const std::string want = ExpectedDump(table_, Format::kBencode);
  const std::string k402 =
      "HTTP/1.0 402 Payment Required\r\nContent-Type: text/html\r\nContent-Length: 32\r\nConnection: "
      "close\r\n\r\n<title>Payment Required</title>\n";
  Fetched first = Fetch(tracker_->Port(), FullScrapeRequest());
  ASSERT_TRUE(first.reply.complete) << first.reply.error;
  EXPECT_TRUE(SameBytes(first.reply.payload, want));
  Fetched second = Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.0"));
  ASSERT_TRUE(second.reply.complete) << second.reply.error;
  EXPECT_EQ(second.reply.head + second.reply.payload, k402);
  // Another address is another client.
  Fetched other = Fetch(tracker_->Port(), FullScrapeRequest(), "127.0.0.2");
  ASSERT_TRUE(other.reply.complete) << other.reply.error;
  EXPECT_EQ(other.reply.status_line, "HTTP/1.1 200 OK");
  EXPECT_TRUE(SameBytes(other.reply.payload, want));
  Fetched other_again = Fetch(tracker_->Port(), FullScrapeRequest(), "127.0.0.2");
  EXPECT_EQ(other_again.reply.head + other_again.reply.payload, k402);
  int served = 2;
  if (v6_) {
    Fetched six = Fetch(tracker_->Port(), FullScrapeRequest(), "::1");
    ASSERT_TRUE(six.reply.complete) << six.reply.error;
    EXPECT_TRUE(SameBytes(six.reply.payload, want));
    ++served;
  }
  // Normal scrapes are not limited.
  for (int i = 0; i < 3; ++i) {
    test::Exchange ex = Request(*tracker_, ScrapeRequest({table_[1].hash}));
    EXPECT_EQ(ex.read.response.status, 200);
  }
  test::Exchange herr = Request(*tracker_, GetRequest("/stats?mode=herr"));
  EXPECT_NE(herr.read.response.content.find("402 NMD 2\n"), std::string::npos) << herr.read.response.content;
  test::Exchange fscr = Request(*tracker_, GetRequest("/stats?mode=fscr"));
  EXPECT_EQ(fscr.read.response.content.substr(0, fscr.read.response.content.find('\n')), Num(1000 * served));
  // Upstream's stderr line per full scrape served: "[<minutes>] scrp:  <ip> - FULL SCRAPE".
  const std::string err = tracker_->Stderr();
  for (const std::string ip : {"127.0.0.1", "127.0.0.2"}) {
    const std::string line = "] scrp:  " + ip + " - FULL SCRAPE\n";
    std::size_t n = 0;
    for (std::size_t at = err.find(line); at != std::string::npos; at = err.find(line, at + 1)) ++n;
    EXPECT_EQ(n, 1u) << ip << "\n" << err;
  }
}

// True when `binary` is built with AddressSanitizer.
bool BinaryHasAsan(const std::string& binary) {
  std::ifstream in(binary, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.find("__asan_init") != std::string::npos;
}

// ---------------------------------------------------------------------------
// 100,000 torrents: preloaded with -l from a generated statedump, then some
// peers over UDP.

constexpr std::size_t kBigTorrents = 100000;
constexpr std::size_t kBigWithPeers = 300;

class FullScrapeBig : public FullScrapeTest {
 protected:
  void StartBig() {
    const std::uint32_t minute = NowMinutes();
    std::vector<Entry> entries(kBigTorrents);
    std::string dump;
    dump.reserve(kBigTorrents * 56);
    for (std::size_t i = 0; i < kBigTorrents; ++i) {
      entries[i].hash = RandomHash(5000000 + i);
      entries[i].downloaded = 1 + i % 9;  // > 0: kept a day without peers
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
    for (const Entry& e : entries)
      dump += UpperHex(e.hash) + ":" + Num(minute) + ":" + Num(e.downloaded) + "\n";
    ASSERT_NO_FATAL_FAILURE(Start({}, {"-l", "{DIR}/big-state.txt"}, {{"big-state.txt", dump}}));
    ASSERT_NE(tracker_->Stderr().find("restored " + Num(kBigTorrents) + " torrents"), std::string::npos)
        << tracker_->Describe();

    // Peers on the first 300 torrents in hash order: a v4 seeder on each of
    // the first 200, a leecher (v6 where there is ::1) on 100..299.
    udp4_ = std::make_unique<test::UdpClient>(Family::kV4);
    ASSERT_TRUE(udp4_->Open());
    id4_ = UdpConnect(*udp4_);
    std::unique_ptr<test::UdpClient> udp6;
    std::uint64_t id6 = 0;
    if (v6_) {
      udp6 = std::make_unique<test::UdpClient>(Family::kV6);
      id6 = UdpConnect(*udp6);
    }
    for (std::size_t i = 0; i < kBigWithPeers; ++i) {
      if (i < 200) {
        ASSERT_TRUE(UdpAnnounce(*udp4_, id4_, entries[i].hash, 40000, true, 2).has_value()) << i;
        ++entries[i].seeders;
      }
      if (i >= 100) {
        test::UdpClient& c = v6_ ? *udp6 : *udp4_;
        ASSERT_TRUE(UdpAnnounce(c, v6_ ? id6 : id4_, entries[i].hash, 40001, false, 2).has_value()) << i;
        ++entries[i].leechers;
      }
    }
    table_ = std::move(entries);
    want_plain_ = ExpectedDump(table_, Format::kBencode);
  }

  // One announce; the reply's round-trip time, or nullopt when it did not
  // come within `timeout`.
  std::optional<Millis> UdpAnnounce(test::UdpClient& c, std::uint64_t id, const std::string& hash,
                                    std::uint16_t port, bool seeder, std::uint32_t event,
                                    Millis timeout = Millis(2000)) {
    test::UdpAnnounce a;
    a.connection_id = id;
    a.transaction_id = ++txid_;
    a.info_hash = hash;
    a.port = port;
    a.left = seeder ? 0 : 4096;
    a.event = event;
    a.numwant = 10;
    const auto start = Clock::now();
    if (!c.Send(test::UdpAnnouncePacket(a), tracker_->Port())) return std::nullopt;
    const auto deadline = start + timeout;
    for (int i = 0; i < 100; ++i) {
      auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto r = c.Receive(left);
      if (!r) return std::nullopt;
      UdpAnnounceReply reply = DecodeUdpAnnounce(*r, c.family());
      if (reply.ok && reply.transaction_id == a.transaction_id)
        return std::chrono::duration_cast<Millis>(Clock::now() - start);
    }
    return std::nullopt;
  }

  long RssKb() const {
    std::ifstream status("/proc/" + std::to_string(tracker_->Pid()) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    }
    return -1;
  }

  // Waits (bounded) until `busy` reports only the asking connection open
  // and no job queued.
  ::testing::AssertionResult SettlesToIdle() {
    std::string last;
    const auto deadline = Clock::now() + Millis(8000);
    for (int i = 0; i < 400 && Clock::now() < deadline; ++i) {
      test::Exchange ex = Request(*tracker_, GetRequest("/stats?mode=busy", "HTTP/1.0"));
      last = ex.read.response.content;
      if (last.rfind("1\n0\n", 0) == 0) return ::testing::AssertionSuccess();
      std::this_thread::sleep_for(Millis(20));
    }
    return ::testing::AssertionFailure() << "open connections / queued jobs did not settle: " << last;
  }

  std::unique_ptr<test::UdpClient> udp4_;
  std::uint64_t id4_ = 0;
  std::atomic<std::uint32_t> txid_{0};
  std::string want_plain_;
};

// Announces on another thread all through several big dumps: every reply
// comes promptly, and each dump is exact.
TEST_F(FullScrapeBig, HundredThousandTorrentsStreamWhileAnnouncesStayPrompt) {
  OT_SKIP_UNLESS_PORT("the port streams dumps from worker threads");
  ASSERT_NO_FATAL_FAILURE(StartBig());

  std::atomic<bool> stop{false};
  std::vector<Millis> latencies;
  std::size_t lost = 0;
  std::thread announcer([&] {
    test::UdpClient udp(Family::kV4);
    const std::uint64_t id = UdpConnect(udp);
    HttpConnection http("127.0.0.1", tracker_->Port());
    for (std::size_t n = 0; n < 1000000 && !stop.load(); ++n) {
      // Re-announces of the existing seeders: the counts never change.
      const Entry& e = table_[n % 200];
      std::optional<Millis> rtt;
      if (n % 2 == 0) {
        rtt = UdpAnnounce(udp, id, e.hash, 40000, true, 0, Millis(1000));
      } else {
        AnnounceParams p;
        p.info_hash = e.hash;
        p.port = "40000";
        p.left = "0";
        p.extra = "&numwant=10";
        const auto start = Clock::now();
        if (http.Send(AnnounceRequest(p))) {
          test::ReadResult r = http.ReadResponse(Millis(1000));
          if (r.outcome == ReadOutcome::kResponse && DecodeAnnounce(r.response.content).failure.empty() &&
              r.response.status == 200)
            rtt = std::chrono::duration_cast<Millis>(Clock::now() - start);
        }
        if (!rtt) http = HttpConnection("127.0.0.1", tracker_->Port());
      }
      if (rtt) {
        latencies.push_back(*rtt);
      } else {
        ++lost;
      }
    }
  });

  const auto dumps_start = Clock::now();
  for (int round = 0; round < 2; ++round) {
    Fetched plain = Fetch(tracker_->Port(), FullScrapeRequest(), "127.0.0.1", Millis(0), Millis(30000));
    ASSERT_TRUE(plain.reply.complete) << plain.reply.error;
    EXPECT_TRUE(plain.reply.chunked);
    EXPECT_GT(plain.reply.chunks, 5u) << "a 7 MB dump is streamed in pieces";
    EXPECT_TRUE(SameBytes(plain.reply.payload, want_plain_)) << "round " << round;
    if (round == 0) {
      EXPECT_TRUE(DecodesTo(plain.reply.payload, table_));
    }

    Fetched gz = Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.1", "Accept-Encoding: gzip\r\n"),
                       "127.0.0.1", Millis(0), Millis(30000));
    ASSERT_TRUE(gz.reply.complete) << gz.reply.error;
    EXPECT_TRUE(gz.reply.Gzip() && gz.reply.chunked);
    EXPECT_TRUE(SameBytes(Content(gz.reply), want_plain_)) << "gzip, round " << round;

    // HTTP/1.0: too big for one piece, so the body ends with the close.
    Fetched old = Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.0", "Accept-Encoding: gzip\r\n"),
                        "127.0.0.1", Millis(0), Millis(30000));
    ASSERT_TRUE(old.reply.complete) << old.reply.error;
    EXPECT_EQ(old.reply.head,
              "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
              "Connection: close\r\n\r\n");
    EXPECT_TRUE(old.reply.closed_after);
    EXPECT_TRUE(SameBytes(Content(old.reply), want_plain_)) << "HTTP/1.0 gzip, round " << round;
  }
  const auto dumps_time = Clock::now() - dumps_start;
  stop.store(true);
  announcer.join();

  ASSERT_GT(latencies.size(), 20u) << "the announcer barely ran";
  std::sort(latencies.begin(), latencies.end());
  const Millis p99 = latencies[latencies.size() * 99 / 100];
  const Millis max = latencies.back();
  std::printf(
      "[ FullScrapeBig ] 6 dumps in %lld ms; %zu announces during them: p50 %lld ms, p99 %lld ms, max %lld "
      "ms\n",
      static_cast<long long>(std::chrono::duration_cast<Millis>(dumps_time).count()), latencies.size(),
      static_cast<long long>(latencies[latencies.size() / 2].count()), static_cast<long long>(p99.count()),
      static_cast<long long>(max.count()));
  EXPECT_EQ(lost, 0u) << "announces without a reply within 1 s";
  EXPECT_LT(p99, Millis(200));
  EXPECT_LT(max, Millis(1000));
}

// Clients that give up in the middle of a big dump (FIN or RST) or stall
// without reading: the tracker keeps serving, cancels their jobs, and does
// not hold their dumps in memory.
TEST_F(FullScrapeBig, ClientsLeavingMidScrapeDoNotGrowTheTracker) {
  OT_SKIP_UNLESS_PORT("the port cancels dump jobs of departed clients");
  // An AddressSanitizer build keeps freed memory in quarantine, which would
  // read as growth: this tracker runs without it.
  const char* asan_options = std::getenv("ASAN_OPTIONS");
  const std::string saved = asan_options != nullptr ? asan_options : "";
  const bool asan = BinaryHasAsan(TrackerBinary());
  if (asan) ::setenv("ASAN_OPTIONS", (saved + (saved.empty() ? "" : ":") + "quarantine_size_mb=0").c_str(), 1);
  StartBig();
  if (asan) ::setenv("ASAN_OPTIONS", saved.c_str(), 1);
  if (HasFatalFailure()) return;
  // Warm up: one complete plain and one gzip dump reach the steady state.
  // (Connection: close throughout, so only departures can leave
  // connections behind; keep-alive has its own test.)
  const std::string close = "Connection: close\r\n";
  ASSERT_TRUE(
      SameBytes(Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.1", close)).reply.payload, want_plain_));
  ASSERT_TRUE(Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.1", close + "Accept-Encoding: gzip\r\n"))
                  .reply.complete);
  ASSERT_TRUE(SettlesToIdle());
  const long rss_before = RssKb();
  ASSERT_GT(rss_before, 0);

  for (int round = 0; round < 12; ++round) {
    HttpConnection c("127.0.0.1", tracker_->Port(), Millis(3000), 16 * 1024);
    ASSERT_TRUE(c.Connected());
    const bool gzip = round % 3 == 1;
    const std::string version = round % 3 == 2 ? "HTTP/1.0" : "HTTP/1.1";
    ASSERT_TRUE(c.Send(FullScrapeRequest(version, gzip ? "Accept-Encoding: gzip\r\n" : "")));
    StreamReader reader(c.fd());
    Streamed partial = reader.Read(kReply, Millis(0), 64 * 1024);
    EXPECT_FALSE(partial.complete) << "round " << round << " stopped early on purpose";
    EXPECT_GE(reader.received(), 64u * 1024) << "round " << round << ": " << partial.error;
    if (round % 2 == 0) {
      c.CloseWithReset();
    } else {
      c.Close();
    }
  }
  // Clients that stop reading and stay: their dumps must not pile up in the
  // tracker (7 MB each without back-pressure) while others are served.
  std::vector<std::unique_ptr<HttpConnection>> stalled;
  for (int i = 0; i < 6; ++i) {
    stalled.push_back(std::make_unique<HttpConnection>("127.0.0.1", tracker_->Port(), Millis(3000), 4096));
    ASSERT_TRUE(stalled.back()->Connected());
    ASSERT_TRUE(stalled.back()->Send(FullScrapeRequest()));
  }
  Fetched meanwhile = Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.1", close));
  EXPECT_TRUE(SameBytes(meanwhile.reply.payload, want_plain_)) << "served while other clients stall";
  EXPECT_TRUE(UdpAnnounce(*udp4_, id4_, table_[0].hash, 40000, true, 0).has_value());
  // Once no job is queued, whatever the stalled dumps hold is in memory.
  std::string busy;
  const auto deadline = Clock::now() + Millis(8000);
  for (int i = 0; i < 400 && Clock::now() < deadline; ++i) {
    busy = Request(*tracker_, GetRequest("/stats?mode=busy", "HTTP/1.0")).read.response.content;
    if (busy.rfind("7\n0\n", 0) == 0) break;
    std::this_thread::sleep_for(Millis(20));
  }
  EXPECT_EQ(busy.substr(0, 4), "7\n0\n") << "6 stalled clients and the asking one, no job queued: " << busy;
  const long rss_stalled = RssKb();
  for (auto& c : stalled) c->CloseWithReset();
  stalled.clear();

  ASSERT_TRUE(SettlesToIdle()) << "connections or jobs of departed clients linger";
  const long rss_after = RssKb();
  std::printf("[ FullScrapeBig ] RSS: %ld kB before, %ld kB with 6 stalled clients, %ld kB after all left\n",
              rss_before, rss_stalled, rss_after);
  // A 7 MB dump kept per departed or stalled client would add 40-80 MB;
  // allow 24 MB of allocator slack.
  EXPECT_LT(rss_after, rss_before + 24 * 1024);
  EXPECT_LT(rss_stalled, rss_before + 24 * 1024);
  // And it still serves exact dumps.
  EXPECT_TRUE(
      SameBytes(Fetch(tracker_->Port(), FullScrapeRequest("HTTP/1.1", close)).reply.payload, want_plain_));
}

}  // namespace
}  // namespace ot::integration
