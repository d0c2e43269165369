// File: tests/support/net_http_message.hpp
// Parsing of raw HTTP/1.x response bytes as a test client sees them: status
// line, headers in wire order, framing (Content-Length or chunked), de-chunking
// and gunzip (zlib). Pure functions over bytes; used by net_http_client and by
// tests that compare replies with golden bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ot::test {

struct HttpResponse {
  std::string raw;                                           // exactly the bytes of this response
  std::string head;                                          // status line + headers + the blank line
  std::string status_line;                                   // "HTTP/1.1 200 OK" (no CRLF)
  int status = 0;                                            // 200
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, in order
  std::string body;                                          // wire body (chunk framing included)
  bool chunked = false;                                      // Transfer-Encoding: chunked
  bool gzip = false;                                         // Content-Encoding: gzip
  std::string payload;                                       // body de-chunked (still compressed when gzip)
  std::string content;                                       // payload, inflated when gzip

  // First header with this name (case-insensitive).
  std::optional<std::string> Header(std::string_view name) const;
  // "Name: value" lines in order, for comparisons.
  std::vector<std::string> HeaderLines() const;
};

enum class ParseStatus { kComplete, kNeedMore, kInvalid };

struct ParseResult {
  ParseStatus status = ParseStatus::kNeedMore;
  std::size_t consumed = 0;  // bytes of `buffer` that form the response
  HttpResponse response;     // valid when kComplete
  std::string error;         // why, when kInvalid
};

// Parses one response from the start of `buffer`. A response without
// Content-Length and without chunked encoding ends at EOF, so it is complete
// only when `at_eof`. Content is de-chunked and gunzipped; a gzip body that does
// not inflate makes the result kInvalid.
ParseResult ParseHttpResponse(std::string_view buffer, bool at_eof);

// Chunked body -> payload. On success `consumed` is the length of the framing
// through the terminating "0\r\n\r\n" (trailers allowed). nullopt when
// incomplete (`*incomplete` true) or malformed.
std::optional<std::string> Dechunk(std::string_view body, std::size_t* consumed, bool* incomplete);

// One gzip member (RFC 1952) -> inflated bytes; nullopt unless the stream ends
// exactly at the end of `data`.
std::optional<std::string> Gunzip(std::string_view data);

// Request helpers: the HTTP version token of a request line ("HTTP/1.1", or ""
// when the line has none) and the request target ("/stats?mode=version").
std::string RequestVersion(std::string_view request);
std::string RequestTarget(std::string_view request);

// Printable rendering of bytes for failure messages (\r \n \xNN), truncated.
std::string Printable(std::string_view bytes, std::size_t max = 600);

}  // namespace ot::test
