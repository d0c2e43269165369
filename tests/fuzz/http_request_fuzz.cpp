// Fuzz target for proto/http_request: framing, routing and header reading on
// arbitrary bytes, then the query parser of the route. Checks the framing
// contract (the length ends in a terminator and no shorter prefix has one),
// that every view lies inside the input, the routing invariants of spec
// §3.2, and the parsers' result bounds. Round trips of the query parsers are
// in query_string_fuzz.cpp.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "opentracker/proto/http_reply.hpp"
#include "opentracker/proto/http_request.hpp"
#include "opentracker/proto/query_string.hpp"

namespace {

using namespace ot;
using namespace ot::proto;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool Inside(std::string_view inner, std::string_view outer) {
  if (inner.empty()) return true;
  return inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size();
}

bool IsHardTerminator(char c) { return c == '\0' || c == '\r' || c == '\n' || c == ' '; }

void CheckFraming(std::string_view input) {
  const std::optional<std::size_t> end = FindHeaderEnd(input);
  if (!end) {
    Check(input.find("\n\n") == std::string_view::npos && input.find("\r\n\r\n") == std::string_view::npos);
    return;
  }
  const std::size_t n = *end;
  Check(n >= 2 && n <= input.size());
  Check(input[n - 1] == '\n');
  Check(input[n - 2] == '\n' || (n >= 4 && input.substr(n - 4, 4) == "\r\n\r\n"));
  Check(!FindHeaderEnd(input.substr(0, n - 1)).has_value());
  Check(FindHeaderEnd(input.substr(0, n)) == end);
}

void CheckQueryParsers(std::string_view query) {
  for (bool parse_ip : {false, true}) {
    const AnnounceQuery announce = ParseAnnounceQuery(query, AnnounceQueryOptions{parse_ip});
    if (announce.status == AnnounceQuery::Status::kError) Check(announce.error == HttpError::kInvalidParameter);
    if (announce.status != AnnounceQuery::Status::kError) {
      Check(announce.request.numwant <= kMaxNumwantHttp);
      Check(parse_ip || !announce.request.ip_param.has_value());
      Check(query.find("info_hash") != std::string_view::npos || query.find('%') != std::string_view::npos ||
            announce.status == AnnounceQuery::Status::kMissingInfoHash);
    }
  }
  const ScrapeQuery scrape = ParseScrapeQuery(query);
  Check(scrape.request.count <= kMaxHttpScrapeHashes);
  Check(scrape.ok == (scrape.request.count > 0));
  const StatsQuery stats = ParseStatsQuery(query);
  Check(stats.Mode().size() <= sizeof(stats.mode) && stats.Format().size() <= sizeof(stats.format));
  if (stats.mode_size <= sizeof(stats.mode)) Check(stats.Mode().size() == stats.mode_size);
  Check(stats.has_mode || stats.mode_size == 0);
}

void CheckRequest(std::string_view request) {
  const HttpParse parse = ParseHttpRequest(request, "stats");
  const HttpRequest& r = parse.request;
  Check(Inside(r.query, request) && Inside(r.x_forwarded_for, request));
  Check(r.has_query || r.query.empty());
  for (char c : r.query) Check(!IsHardTerminator(c));
  for (char c : r.x_forwarded_for) Check(c != ',' && c != ' ' && c != '\t' && c != '\r' && c != '\n');
  if (r.query.find("gzip") != std::string_view::npos) Check(r.accept_gzip);

  const bool get = request.substr(0, 5) == "GET /";
  if (!parse.ok) {
    Check(parse.error == HttpError::kParseError || parse.error == HttpError::kNotFound ||
          parse.error == HttpError::kInvalidParameter);
    Check((parse.error == HttpError::kParseError) == !get);
    if (parse.error == HttpError::kInvalidParameter) {
      Check(r.route == HttpRoute::kAnnounce || r.route == HttpRoute::kScrape);
    }
    Check(!r.has_query);
  } else {
    Check(get);
    if (r.has_query) Check(r.route != HttpRoute::kRoot && r.route != HttpRoute::kFullScrape);
    if (r.route == HttpRoute::kAnnounce || r.route == HttpRoute::kScrape) Check(r.has_query);
    if (r.route == HttpRoute::kFullScrape) Check(request.find("scrape HTTP/") != std::string_view::npos);
    if (r.has_query) CheckQueryParsers(r.query);
  }

  // The error reply for whatever was decided is well formed.
  std::string reply;
  AppendErrorResponse(parse.error, parse.request.connection_close ? CloseAfter::kYes : CloseAfter::kNo, reply);
  const std::size_t head_end = reply.find("\r\n\r\n");
  Check(reply.starts_with("HTTP/1.0 ") && head_end != std::string::npos && reply.ends_with("</title>\n"));
  const std::string body = reply.substr(head_end + 4);
  Check(reply.find("Content-Length: " + std::to_string(body.size()) + "\r\n") != std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckFraming(input);
  const std::optional<std::size_t> end = FindHeaderEnd(input);
  // The reactor only routes framed blocks, but the router must cope with any.
  CheckRequest(end ? input.substr(0, *end) : input);
  if (end && *end < size) CheckRequest(input);
  return 0;
}
