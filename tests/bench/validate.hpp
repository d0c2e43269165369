#pragma once
// Reply validation for ot-loadgen: every reply a tracker sends is checked before it counts as a response,
// so a tracker that answers fast with garbage does not win a benchmark. Pure functions over bytes (no
// sockets, no clocks). BEP 15 layouts and the bencoded HTTP bodies are those of opentracker-spec §3.5,
// §3.6, §4 and §7; checks are plausibility checks that hold for any correct tracker, not golden bytes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "workload.hpp"

namespace ot::bench {

enum class ErrorKind : int {
  kShort,          // datagram shorter than a header
  kAction,         // wrong action for the request
  kTxid,           // transaction id belongs to no request of this socket
  kLength,         // length does not fit the layout (peer records, scrape entries)
  kCounts,         // implausible counts: peers > numwant, peers > seeders + leechers, ...
  kErrorReply,     // a BEP 15 error (action 3) or a bencoded failure reason
  kHttpStatus,     // HTTP status other than 200
  kHttpFraming,    // status line, headers, Content-Length or chunking malformed, or early close
  kBencode,        // body is not the expected bencoded dictionary
  kScrapeEntries,  // scrape lists a hash not asked for, out of order, or too many
  kGzip,           // full scrape body is not a gzip stream
  kSocket,         // connect/send/recv failed
  kCount
};
const char* ErrorName(ErrorKind kind) noexcept;

// BEP 15. Each returns true for a valid reply to the request described; otherwise false with *kind set.
// An action 3 reply with the right transaction id is kErrorReply.
bool CheckUdpConnect(const std::uint8_t* p, std::size_t n, std::uint32_t txid, std::uint64_t* connection_id,
                     ErrorKind* kind) noexcept;
bool CheckUdpAnnounce(const std::uint8_t* p, std::size_t n, std::uint32_t txid, std::uint32_t numwant,
                      bool stopped, ErrorKind* kind) noexcept;
bool CheckUdpScrape(const std::uint8_t* p, std::size_t n, std::uint32_t txid, int hashes,
                    ErrorKind* kind) noexcept;

// A parsed HTTP response head.
struct HttpHead {
  int status = 0;
  std::size_t header_length = 0;           // through the blank line
  std::size_t content_length = kNoLength;  // kNoLength: none given
  bool chunked = false;
  bool close = false;  // Connection: close, or HTTP/1.0 without keep-alive
  bool gzip = false;   // Content-Encoding: gzip
  static constexpr std::size_t kNoLength = static_cast<std::size_t>(-1);
};
// 1: head complete (*head filled); 0: need more bytes; -1: malformed.
int ParseHttpHead(std::string_view buffer, HttpHead* head) noexcept;

// Bencoded announce body (§3.5): a dictionary with ascending keys, integers `complete`, `incomplete`,
// `interval` (> 0), compact `peers` (6-byte records; `peers6` 18-byte records optional), at most numwant
// peers and no more than seeders + leechers; a non-stopped announce counts at least the announcer.
bool CheckBencodedAnnounce(std::string_view body, std::uint32_t numwant, bool stopped,
                           ErrorKind* kind) noexcept;
// Bencoded scrape body (§3.6): `files` maps 20-byte hashes to {complete, downloaded, incomplete}; the
// hashes are a subsequence of those asked for, in order (unknown torrents are left out).
bool CheckBencodedScrape(std::string_view body, const ScrapeSpec& spec, ErrorKind* kind) noexcept;

// Incremental de-chunking of a Transfer-Encoding: chunked body, for full scrapes of many megabytes that are
// counted, not kept. Feed() consumes bytes; Done() after the last chunk (the trailer is not required).
class ChunkedDecoder {
 public:
  // Consumes [p, p + n); calls sink(data, size) for body bytes. Returns false on a framing error.
  template <typename Sink>
  bool Feed(const char* p, std::size_t n, Sink&& sink);
  bool Done() const noexcept { return state_ == State::kDone; }

 private:
  enum class State { kSize, kSizeLineEnd, kData, kDataCr, kDataLf, kDone };
  State state_ = State::kSize;
  std::uint64_t remaining_ = 0;
  int digits_ = 0;
};

template <typename Sink>
bool ChunkedDecoder::Feed(const char* p, std::size_t n, Sink&& sink) {
  std::size_t i = 0;
  while (i < n && state_ != State::kDone) {
    const char c = p[i];
    switch (state_) {
      case State::kSize: {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v >= 0) {
          if (++digits_ > 15) return false;
          remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(v);
        } else if (c == '\r' || c == ';') {
          if (digits_ == 0) return false;
          state_ = State::kSizeLineEnd;
        } else {
          return false;
        }
        ++i;
        break;
      }
      case State::kSizeLineEnd:  // skips chunk extensions up to LF
        if (c == '\n') state_ = remaining_ == 0 ? State::kDone : State::kData;
        ++i;
        break;
      case State::kData: {
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, n - i));
        sink(p + i, take);
        i += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        if (c != '\r') return false;
        state_ = State::kDataLf;
        ++i;
        break;
      case State::kDataLf:
        if (c != '\n') return false;
        state_ = State::kSize;
        digits_ = 0;
        ++i;
        break;
      case State::kDone:
        break;
    }
  }
  return true;
}

// Runs the built-in checks of the validators and the workload model; prints failures. 0 when all pass.
int SelfTest();

}  // namespace ot::bench
