// File: proto/query_string.hpp
// Upstream's URL query rules (spec §3.3, ot_http.c scan_urlencoded_query):
// byte classes, %XY decoding of known keys only, '+' left alone, fixed
// 32-bit wrapping integers. Each parser takes the raw query from
// HttpRequest::query and returns a value; nothing is allocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "opentracker/core/http_error.hpp"
#include "opentracker/core/requests.hpp"
#include "opentracker/core/types.hpp"

namespace ot::proto {

struct AnnounceQueryOptions {
  bool parse_ip = false;      // tracker.ip_from_query: honour and validate ip=
  bool parse_lognet = false;  // tracker.fulllog: recognise lognet=
};

struct AnnounceQuery {
  enum class Status : std::uint8_t {
    kOk,
    kMissingInfoHash,  // answered with the "forgot to send your info_hash" failure reason
    kError,            // answered with `error` (400)
  };
  Status status = Status::kError;
  HttpError error = HttpError::kInvalidParameter;
  AnnounceRequest request;  // numwant clamped for HTTP (default 50, cap 200, negative -> 50)
  // lognet=<ip[/bits]> or lognet=-... (WANT_FULLLOG_NETWORKS), decoded; the
  // request then manages the request log instead of announcing.
  bool has_lognet = false;
  char lognet[64] = {};
  std::size_t lognet_size = 0;  // > sizeof(lognet): too long (400)
  std::string_view Lognet() const noexcept { return {lognet, lognet_size <= sizeof(lognet) ? lognet_size : 0}; }
};

AnnounceQuery ParseAnnounceQuery(std::string_view query, const AnnounceQueryOptions& options) noexcept;

struct ScrapeQuery {
  bool ok = false;  // false: 400 (no info_hash, bad hash, bad syntax)
  ScrapeRequest request;  // at most kMaxHttpScrapeHashes; further hashes are checked, then ignored
};

ScrapeQuery ParseScrapeQuery(std::string_view query) noexcept;

// The stats URL's parameters, decoded. Values longer than the buffers are
// kept truncated-and-flagged as invalid (no mode or format is that long).
struct StatsQuery {
  bool ok = false;              // false: query syntax error -> 400
  bool has_mode = false;
  bool has_format = false;
  bool has_info_hash = false;   // HEAD answers 400 (a client using the stats URL as its announce URL)
  char mode[16] = {};
  std::size_t mode_size = 0;    // > sizeof(mode) means "too long", never a valid mode
  char format[16] = {};
  std::size_t format_size = 0;

  std::string_view Mode() const noexcept { return {mode, mode_size <= sizeof(mode) ? mode_size : 0}; }
  std::string_view Format() const noexcept {
    return {format, format_size <= sizeof(format) ? format_size : 0};
  }
};

StatsQuery ParseStatsQuery(std::string_view query) noexcept;

}  // namespace ot::proto
