// Fuzz target for proto/query_string: the announce, scrape and stats walks
// on arbitrary query bytes. Invariants: the walk ends at the first hard
// terminator (what follows never matters), a query routed out of a request
// is the raw query, and every successful parse survives a round trip through
// a canonical re-encoding (all bytes %XX-escaped) with the same result.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "opentracker/proto/http_request.hpp"
#include "opentracker/proto/ip_text.hpp"
#include "opentracker/proto/query_string.hpp"

namespace {

using namespace ot;
using namespace ot::proto;

void Check(bool ok) {
  if (!ok) std::abort();
}

void AppendEscaped(const std::uint8_t* bytes, std::size_t size, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back('%');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
}

bool SameAnnounce(const AnnounceQuery& a, const AnnounceQuery& b) {
  if (a.status != b.status || a.error != b.error) return false;
  if (a.status == AnnounceQuery::Status::kError) return true;
  const AnnounceRequest& x = a.request;
  const AnnounceRequest& y = b.request;
  return x.info_hash == y.info_hash && x.peer_id == y.peer_id && x.port == y.port && x.seeding == y.seeding &&
         x.event == y.event && x.numwant == y.numwant && x.compact == y.compact && x.ip_param == y.ip_param;
}

std::string_view UpToTerminator(std::string_view query) {
  std::size_t end = 0;
  while (end < query.size() && query[end] != '\0' && query[end] != '\r' && query[end] != '\n' && query[end] != ' ')
    ++end;
  return query.substr(0, end);
}

std::string_view EventText(AnnounceEvent event) {
  switch (event) {
    case AnnounceEvent::kStarted: return "started";
    case AnnounceEvent::kCompleted: return "completed";
    case AnnounceEvent::kStopped: return "stopped";
    case AnnounceEvent::kNone: break;
  }
  return "paused";
}

void CheckAnnounce(std::string_view query, bool parse_ip) {
  const AnnounceQueryOptions options{parse_ip};
  const AnnounceQuery parsed = ParseAnnounceQuery(query, options);
  Check(SameAnnounce(parsed, ParseAnnounceQuery(UpToTerminator(query), options)));
  if (parsed.status != AnnounceQuery::Status::kOk) return;

  const AnnounceRequest& r = parsed.request;
  std::string canonical = "info_hash=";
  AppendEscaped(r.info_hash.bytes.data(), r.info_hash.bytes.size(), canonical);
  if (r.peer_id) {
    canonical += "&peer_id=";
    AppendEscaped(r.peer_id->data(), r.peer_id->size(), canonical);
  }
  canonical += "&port=" + std::to_string(r.port);
  canonical += r.seeding ? "&left=0" : "&left=1";
  canonical += "&event=";
  canonical += EventText(r.event);
  canonical += "&numwant=" + std::to_string(r.numwant);
  if (!r.compact) canonical += "&compact=0";
  if (r.ip_param) canonical += "&ip=" + FormatIp(*r.ip_param);
  canonical += "&uploaded=%zz&&flag";
  Check(SameAnnounce(parsed, ParseAnnounceQuery(canonical, options)));
}

void CheckScrape(std::string_view query) {
  const ScrapeQuery parsed = ParseScrapeQuery(query);
  Check(parsed.request.count <= kMaxHttpScrapeHashes && parsed.ok == (parsed.request.count > 0));
  const ScrapeQuery cut = ParseScrapeQuery(UpToTerminator(query));
  Check(cut.ok == parsed.ok && cut.request.count == parsed.request.count);
  if (!parsed.ok) return;
  std::string canonical = "x=1";
  for (std::size_t i = 0; i < parsed.request.count; ++i) {
    canonical += "&info_hash=";
    AppendEscaped(parsed.request.hashes[i].bytes.data(), kInfoHashSize, canonical);
  }
  const ScrapeQuery again = ParseScrapeQuery(canonical);
  Check(again.ok && again.request.count == parsed.request.count);
  for (std::size_t i = 0; i < parsed.request.count; ++i) {
    Check(again.request.hashes[i] == parsed.request.hashes[i] && cut.request.hashes[i] == parsed.request.hashes[i]);
  }
}

void CheckStats(std::string_view query) {
  const StatsQuery parsed = ParseStatsQuery(query);
  const StatsQuery cut = ParseStatsQuery(UpToTerminator(query));
  Check(cut.ok == parsed.ok && cut.has_mode == parsed.has_mode && cut.mode_size == parsed.mode_size &&
        cut.Mode() == parsed.Mode() && cut.Format() == parsed.Format() && cut.has_info_hash == parsed.has_info_hash);
  if (!parsed.ok) return;
  std::string canonical = "x=%zz";
  if (parsed.has_info_hash) canonical += "&info_hash=1";
  const std::string_view mode = parsed.Mode();
  const std::string_view format = parsed.Format();
  if (parsed.has_mode && parsed.mode_size <= sizeof(parsed.mode)) {
    canonical += "&mode=";
    AppendEscaped(reinterpret_cast<const std::uint8_t*>(mode.data()), mode.size(), canonical);
  }
  if (parsed.has_format && parsed.format_size <= sizeof(parsed.format)) {
    canonical += "&format=";
    AppendEscaped(reinterpret_cast<const std::uint8_t*>(format.data()), format.size(), canonical);
  }
  const StatsQuery again = ParseStatsQuery(canonical);
  Check(again.ok && again.Mode() == mode && again.Format() == format && again.has_info_hash == parsed.has_info_hash);
}

// Routed out of a request line, the query is the raw bytes up to a terminator.
void CheckRouted(std::string_view query) {
  std::string request = "GET /announce?";
  request.append(query);
  request += " HTTP/1.1\r\n\r\n";
  const HttpParse parse = ParseHttpRequest(request, "stats");
  Check(parse.ok && parse.request.route == HttpRoute::kAnnounce && parse.request.has_query);
  const std::string_view expected = UpToTerminator(query);
  Check(parse.request.query == expected && parse.request.query.data() == request.data() + 14);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  CheckAnnounce(query, false);
  CheckAnnounce(query, true);
  CheckScrape(query);
  CheckStats(query);
  CheckRouted(query);
  return 0;
}
