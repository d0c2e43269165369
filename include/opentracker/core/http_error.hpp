// File: core/http_error.hpp
// Upstream's internal HTTP error codes (ot_http.h), in upstream's order. The
// order matters: /stats?mode=herr and mode=everything list counters by index.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ot {

enum class HttpError : std::uint8_t {
  kRedirect = 0,          // 302 Found (counted like an error upstream)
  kParseError,            // 400: request does not start with "GET /"
  kInvalidParameter,      // 400: bad or missing parameter, bad query syntax
  kInvalidCompact,        // 400: compact=0 upstream (the port answers BEP 3 peers instead)
  kNotModest,             // 402 Payment Required: modest full scrape limit
  kPaymentRequired,       // never generated, kept for the counter layout
  kAccessDenied,          // 403 Access Denied: stats from a non-blessed address
  kNotFound,              // 404 Not Found
  kServerError,           // 500 Internal Server Error
};
inline constexpr std::size_t kHttpErrorCount = 9;

}  // namespace ot
