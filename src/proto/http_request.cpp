// HTTP framing and routing as ot_http.c (http_handle_request) does it, over a
// read-only view: spec §3.1, §3.2, §3.4, plus the headers the port reads
// (Connection, Accept-Encoding, X-Forwarded-For).
#include "opentracker/proto/http_request.hpp"

#include <cstring>

#include "proto/url_classes.hpp"

namespace ot::proto {
namespace {

using internal::ScanResult;
using internal::ScanStatus;
using internal::UrlCursor;

constexpr std::string_view kRequestPrefix = "GET /";
constexpr std::string_view kMetricsPath = "metrics";
constexpr std::string_view kFullScrapeRaw = "scrape HTTP/";

// Follows the decoded path byte by byte: the router only needs its first two
// bytes and whether it equals the stats or metrics path, so nothing is stored.
struct PathMatcher {
  std::string_view stats_path;
  std::size_t size = 0;
  std::uint8_t first[2] = {0, 0};
  bool stats_prefix = true;
  bool metrics_prefix = true;

  void operator()(std::uint8_t c) noexcept {
    if (size < 2) first[size] = c;
    stats_prefix = stats_prefix && size < stats_path.size() && static_cast<std::uint8_t>(stats_path[size]) == c;
    metrics_prefix =
        metrics_prefix && size < kMetricsPath.size() && static_cast<std::uint8_t>(kMetricsPath[size]) == c;
    ++size;
  }
  bool IsStats() const noexcept { return stats_prefix && size == stats_path.size(); }
  bool IsMetrics() const noexcept { return metrics_prefix && size == kMetricsPath.size(); }
};

char LowerAscii(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

bool IsOws(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view text) noexcept {
  while (!text.empty() && IsOws(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsOws(text.back())) text.remove_suffix(1);
  return text;
}

// Calls `each(element)` for every comma-separated element, trimmed.
template <class Each>
void ForEachListElement(std::string_view list, Each&& each) noexcept {
  for (;;) {
    const std::size_t comma = list.find(',');
    each(TrimOws(list.substr(0, comma)));
    if (comma == std::string_view::npos) return;
    list.remove_prefix(comma + 1);
  }
}

// RFC 9110 qvalue: "0" ["." 0*3DIGIT] or "1" ["." 0*3"0"]. nullopt if malformed.
std::optional<bool> QValueIsPositive(std::string_view q) noexcept {
  if (q.empty() || (q[0] != '0' && q[0] != '1')) return std::nullopt;
  const bool one = q[0] == '1';
  if (q.size() == 1) return one;
  if (q[1] != '.' || q.size() > 5) return std::nullopt;
  bool nonzero = false;
  for (char c : q.substr(2)) {
    if (c < '0' || c > '9' || (one && c != '0')) return std::nullopt;
    nonzero = nonzero || c != '0';
  }
  return one || nonzero;
}

// Accept-Encoding, parsed rather than grepped (PORT-DECISIONS §3): an explicit
// gzip/x-gzip entry decides; otherwise "*" does. A malformed q refuses.
struct GzipAcceptance {
  bool explicit_seen = false;
  bool explicit_ok = false;
  bool wildcard_ok = false;

  void Add(std::string_view header_value) noexcept {
    ForEachListElement(header_value, [this](std::string_view element) {
      const std::size_t semicolon = element.find(';');
      const std::string_view coding = TrimOws(element.substr(0, semicolon));
      bool acceptable = true;
      if (semicolon != std::string_view::npos) {
        std::string_view params = element.substr(semicolon + 1);
        for (;;) {
          const std::size_t next = params.find(';');
          const std::string_view param = TrimOws(params.substr(0, next));
          const std::size_t equals = param.find('=');
          if (equals != std::string_view::npos && EqualsIgnoreCase(TrimOws(param.substr(0, equals)), "q")) {
            acceptable = QValueIsPositive(TrimOws(param.substr(equals + 1))).value_or(false);
          }
          if (next == std::string_view::npos) break;
          params.remove_prefix(next + 1);
        }
      }
      if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) {
        explicit_seen = true;
        explicit_ok = explicit_ok || acceptable;
      } else if (coding == "*") {
        wildcard_ok = wildcard_ok || acceptable;
      }
    });
  }
  bool Accepts() const noexcept { return explicit_seen ? explicit_ok : wildcard_ok; }
};

// Reads the header lines after the request line, up to the blank line.
void ParseHeaders(std::string_view request, HttpRequest& out) noexcept {
  std::size_t line_start = request.find('\n');
  if (line_start == std::string_view::npos) return;
  ++line_start;
  GzipAcceptance gzip;
  bool forwarded_seen = false;
  while (line_start < request.size()) {
    const std::size_t lf = request.find('\n', line_start);
    std::string_view line =
        request.substr(line_start, lf == std::string_view::npos ? std::string_view::npos : lf - line_start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    // As ot_http.c's http_header: the colon must follow the name directly.
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      const std::string_view name = line.substr(0, colon);
      const std::string_view value = line.substr(colon + 1);
      if (EqualsIgnoreCase(name, "Connection")) {
        ForEachListElement(value, [&out](std::string_view token) {
          if (EqualsIgnoreCase(token, "close")) out.connection_close = true;
        });
      } else if (EqualsIgnoreCase(name, "Accept-Encoding")) {
        gzip.Add(value);
      } else if (!forwarded_seen && EqualsIgnoreCase(name, "X-Forwarded-For")) {
        forwarded_seen = true;
        std::size_t begin = 0;
        while (begin < value.size() && IsOws(value[begin])) ++begin;
        std::size_t end = begin;
        while (end < value.size() && value[end] != ',' && value[end] != ' ' && value[end] != '\t' &&
               value[end] != '\r' && value[end] != '\n') {
          ++end;
        }
        out.x_forwarded_for = value.substr(begin, end - begin);
      }
    }
    if (lf == std::string_view::npos) break;
    line_start = lf + 1;
  }
  out.accept_gzip = out.accept_gzip || gzip.Accepts();
}

// The first " HTTP/1.0" or " HTTP/1.1" on the request line. A raw path or
// query holds no blank, so this is the token after the path and query, also
// for "GET /announce HTTP/1.1?query" and "GET /announce ?query HTTP/1.1".
HttpVersion FindVersion(std::string_view request) noexcept {
  std::string_view line = request.substr(0, request.find('\n'));
  for (std::size_t at = line.find(" HTTP/1."); at != std::string_view::npos; at = line.find(" HTTP/1.", at + 1)) {
    if (at + 9 > line.size()) break;
    if (line[at + 8] == '1') return HttpVersion::k11;
    if (line[at + 8] == '0') return HttpVersion::k10;
  }
  return HttpVersion::kNone;
}

// From `begin` up to the next hard terminator or the end.
std::string_view QueryFrom(std::string_view request, std::size_t begin) noexcept {
  std::size_t end = begin;
  while (end < request.size() && !internal::IsHardTerminator(static_cast<std::uint8_t>(request[end]))) ++end;
  return request.substr(begin, end - begin);
}

}  // namespace

std::optional<std::size_t> FindHeaderEnd(std::string_view buffer) noexcept {
  const char* const data = buffer.data();
  const std::size_t size = buffer.size();
  std::size_t i = 0;
  while (i < size) {
    const void* hit = std::memchr(data + i, '\n', size - i);
    if (hit == nullptr) break;
    i = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
    if (i + 1 < size && data[i + 1] == '\n') return i + 2;
    if (i >= 1 && i + 2 < size && data[i - 1] == '\r' && data[i + 1] == '\r' && data[i + 2] == '\n') return i + 3;
    ++i;
  }
  return std::nullopt;
}

HttpParse ParseHttpRequest(std::string_view request, std::string_view stats_path) noexcept {
  HttpParse result;
  HttpRequest& out = result.request;
  out.version = FindVersion(request);
  ParseHeaders(request, out);

  if (request.substr(0, kRequestPrefix.size()) != kRequestPrefix) {
    result.error = HttpError::kParseError;
    return result;
  }
  std::size_t path_begin = kRequestPrefix.size() - 1;
  while (path_begin < request.size() && request[path_begin] == '/') ++path_begin;

  UrlCursor cursor(request, path_begin);
  PathMatcher path{stats_path};
  const ScanResult scan = internal::ScanUrlEncoded(cursor, internal::kInPath, path);
  if (scan.status == ScanStatus::kEnd) {  // "GET / ", "GET ////\r\n": 302 or 404, the caller's choice
    out.route = HttpRoute::kRoot;
    result.ok = true;
    return result;
  }
  // A class error anywhere in the path, or "GET /?...", is 404 (ot_http.c).
  if (scan.status == ScanStatus::kError || path.size == 0) {
    result.error = HttpError::kNotFound;
    return result;
  }
  const bool ended_at_question = scan.stop == '?';

  if (path.first[0] == 'a' || path.first[0] == '?') {
    out.route = HttpRoute::kAnnounce;
  } else if (!ended_at_question && request.substr(path_begin, kFullScrapeRaw.size()) == kFullScrapeRaw) {
    // Upstream compares the in-place-decoded buffer with "scrape HTTP/", which
    // only matches an undecoded "scrape" followed by the blank and version.
    out.route = HttpRoute::kFullScrape;
  } else if (path.size >= 2 && path.first[0] == 's' && path.first[1] == 'c') {
    out.route = HttpRoute::kScrape;
  } else if (path.IsStats()) {
    out.route = HttpRoute::kStats;
  } else if (path.IsMetrics()) {
    out.route = HttpRoute::kMetrics;
  } else {
    result.error = HttpError::kNotFound;
    return result;
  }

  std::size_t query_begin = cursor.pos();
  bool has_query = ended_at_question;
  if (!has_query && (out.route == HttpRoute::kAnnounce || out.route == HttpRoute::kScrape)) {
    // ot_http.c's workaround for clients sending "announce ?info_hash=...":
    // look for '?' on the rest of the line.
    std::size_t at = query_begin;
    while (at < request.size() && request[at] != '?' && request[at] != '\n') ++at;
    if (at >= request.size() || request[at] != '?') {
      result.error = HttpError::kInvalidParameter;
      return result;
    }
    query_begin = at + 1;
    has_query = true;
  }
  if (has_query) {
    out.has_query = true;
    out.query = QueryFrom(request, query_begin);
    // Old scripts ask for gzip in the query string (HEAD's tpbs check).
    if (out.query.find("gzip") != std::string_view::npos) out.accept_gzip = true;
  }
  result.ok = true;
  return result;
}

}  // namespace ot::proto
