// File: proto/http_request.hpp
// Pure HTTP request framing and routing, following upstream's ot_http.c rules
// (spec §3.1-§3.4). Bytes in, views out: no sockets, clocks, globals or
// allocation. The reactor frames with FindHeaderEnd; the HTTP service routes
// with ParseHttpRequest and then parses the query for the route.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "opentracker/core/http_error.hpp"

namespace ot::proto {

// Upstream's request limit, headers included; longer requests get 500.
inline constexpr std::size_t kMaxHttpRequestSize = 8192;

// Length of the header block, terminator included, if `buffer` holds one:
// the first "\n\n" or "\r\n\r\n" ("\r\n\n" counts, as it ends in "\n\n").
// nullopt means more bytes are needed.
std::optional<std::size_t> FindHeaderEnd(std::string_view buffer) noexcept;

enum class HttpRoute : std::uint8_t {
  kRoot,        // empty path ended by blank/CR/LF/NUL: 302 if a redirect URL is set, else 404
  kAnnounce,    // decoded path starts with 'a' (or '?', reachable only through %3F)
  kScrape,      // decoded path starts with "sc"
  kFullScrape,  // raw path is exactly "scrape" followed by " HTTP/"
  kStats,       // decoded path equals the stats path
  kMetrics,     // decoded path equals "metrics" (port addition, Prometheus)
};

enum class HttpVersion : std::uint8_t { kNone, k10, k11 };

struct HttpRequest {
  HttpRoute route = HttpRoute::kRoot;
  // Raw (undecoded) query after '?', up to the next blank/CR/LF/NUL. For
  // announce/scrape it also honours the "/announce ?query" client-bug
  // workaround. Empty with has_query=false when there is no '?'.
  std::string_view query;
  bool has_query = false;
  HttpVersion version = HttpVersion::kNone;
  bool connection_close = false;  // a "Connection: close" header (case-insensitive)
  // gzip acceptance for full scrapes: an Accept-Encoding header naming gzip,
  // or "gzip" in the query (old scripts). zstd likewise.
  bool accept_gzip = false;
  // First address-looking token of X-Forwarded-For, raw; empty if absent.
  std::string_view x_forwarded_for;
};

struct HttpParse {
  // With ok=false, `error` is the upstream error to answer (400/404/...).
  bool ok = false;
  HttpError error = HttpError::kNotFound;
  HttpRequest request;
};

// Routes one complete request (`request` is exactly the header block that
// FindHeaderEnd measured). `stats_path` has no leading slash ("stats" by
// default). Views in the result point into `request`.
HttpParse ParseHttpRequest(std::string_view request, std::string_view stats_path) noexcept;

}  // namespace ot::proto
