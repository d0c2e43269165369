// File: support/golden.hpp
// Access to the golden bytes captured from real opentracker processes
// (tests/data/golden/, see its README), for any test binary: read a file,
// list a directory's cases, split an HTTP response into head and body.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ot::test {

// Absolute path of `relative` under OT_TEST_DATA_DIR "/golden/".
std::string GoldenPath(std::string_view relative);

// Whole file, e.g. ReadGolden("http-B-main/17-ann-peer1-leecher.resp").
// A missing file is a test failure (ADD_FAILURE) and reads as "".
std::string ReadGolden(std::string_view relative);
// nullopt when the file does not exist (a UDP case without a reply, ...).
std::optional<std::string> TryReadGolden(std::string_view relative);

// The case names ("17-ann-peer1-leecher") of every <case>.req in `dir`
// (e.g. "http-B-main"), in the order they were sent: by leading number.
std::vector<std::string> ListGoldenCases(std::string_view dir);

// A response cut at its first "\r\n\r\n". head holds the status line and
// header lines including that terminator; body is everything after it.
// complete is false (head = everything, body empty) when there is none.
struct HttpResponseParts {
  std::string_view head;
  std::string_view body;
  std::string_view status_line;  // first line without CRLF, e.g. "HTTP/1.0 404 Not Found"
  bool complete = false;
};
HttpResponseParts SplitHttpResponse(std::string_view response);

// Value of the first header `name` (case-insensitive) in `head`, without
// leading blanks; nullopt if absent.
std::optional<std::string_view> HeaderValue(std::string_view head, std::string_view name);

}  // namespace ot::test
