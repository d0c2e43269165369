// /metrics in the Prometheus text exposition format (0.0.4): a port addition
// (PORT-DECISIONS §4). Every scalar counter of the X-macro list must have a
// row in kCounterSeries (checked at compile time), so a new counter cannot be
// forgotten here.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "opentracker/stats/render.hpp"
#include "stats/text_format.hpp"

namespace ot::stats {

namespace {

using internal::AppendDecimal;

enum class Family : std::uint8_t {
  kRequests,
  kTcpConnections,
  kHttpRequestsReceived,
  kUdpPackets,
  kUdpMismatches,
  kUdpErrors,
  kCompleted,
  kFullScrapes,
  kFullScrapeBytes,
  kLivesyncReceived,
  kPeersDropped,
  kTorrentsRefused,
  kAnnounceEvents,
  kTorrentsAdded,
  kTorrentsRemoved,
  kCount
};

struct FamilyInfo {
  std::string_view name;
  std::string_view help;
};

// In Family order; all are counters.
constexpr std::array<FamilyInfo, static_cast<std::size_t>(Family::kCount)> kFamilies{{
    {"opentracker_requests_total", "Announce, scrape and connect requests answered, by protocol and kind."},
    {"opentracker_tcp_connections_total", "TCP connections accepted."},
    {"opentracker_http_requests_received_total", "HTTP requests received."},
    {"opentracker_udp_packets_total", "Non-empty UDP datagrams received, garbage included."},
    {"opentracker_udp_connection_id_mismatches_total", "UDP connection id errors sent."},
    {"opentracker_udp_errors_total", "UDP error replies other than connection id mismatches."},
    {"opentracker_completed_total", "Completed events accepted."},
    {"opentracker_full_scrapes_total", "Full scrapes sent."},
    {"opentracker_full_scrape_bytes_total", "Bytes of full scrapes sent."},
    {"opentracker_livesync_peers_received_total", "Peer records received through live sync."},
    {"opentracker_peers_dropped_total", "New peers refused by tracker.max_peers."},
    {"opentracker_torrents_refused_total", "New torrents refused by tracker.max_torrents."},
    {"opentracker_announce_events_total", "Announces with a started or stopped event answered."},
    {"opentracker_torrents_added_total", "Torrents created."},
    {"opentracker_torrents_removed_total", "Torrents removed (expired or no longer allowed)."},
}};

struct CounterSeries {
  Counter counter;
  Family family;
  std::string_view labels;  // inside the braces, or empty
};

// One row per scalar counter, in Counter order.
constexpr std::array<CounterSeries, kScalarCounterCount> kCounterSeries{{
    {Counter::kTcpAccepts, Family::kTcpConnections, ""},
    {Counter::kTcpAnnounces, Family::kRequests, R"(protocol="http",kind="announce")"},
    {Counter::kTcpScrapes, Family::kRequests, R"(protocol="http",kind="scrape")"},
    {Counter::kTcpRequests, Family::kHttpRequestsReceived, ""},
    {Counter::kUdpPackets, Family::kUdpPackets, ""},
    {Counter::kUdpConnects, Family::kRequests, R"(protocol="udp",kind="connect")"},
    {Counter::kUdpAnnounces, Family::kRequests, R"(protocol="udp",kind="announce")"},
    {Counter::kUdpScrapes, Family::kRequests, R"(protocol="udp",kind="scrape")"},
    {Counter::kUdpMismatches, Family::kUdpMismatches, ""},
    {Counter::kUdpErrors, Family::kUdpErrors, ""},
    {Counter::kCompleted, Family::kCompleted, ""},
    {Counter::kFullScrapes, Family::kFullScrapes, ""},
    {Counter::kFullScrapeBytes, Family::kFullScrapeBytes, ""},
    {Counter::kLivesyncReceived, Family::kLivesyncReceived, ""},
    {Counter::kPeersDropped, Family::kPeersDropped, ""},
    {Counter::kTorrentsRefused, Family::kTorrentsRefused, ""},
    {Counter::kStartedEvents, Family::kAnnounceEvents, R"(event="started")"},
    {Counter::kStoppedEvents, Family::kAnnounceEvents, R"(event="stopped")"},
    {Counter::kTorrentsAdded, Family::kTorrentsAdded, ""},
    {Counter::kTorrentsRemoved, Family::kTorrentsRemoved, ""},
}};

constexpr bool SeriesInCounterOrder() {
  for (std::size_t i = 0; i < kCounterSeries.size(); ++i) {
    if (static_cast<std::size_t>(kCounterSeries[i].counter) != i) return false;
  }
  return true;
}
static_assert(SeriesInCounterOrder(), "kCounterSeries needs one row per counter, in Counter order");

void AppendHeader(std::string_view name, std::string_view type, std::string_view help, std::string& out) {
  out += "# HELP ";
  out += name;
  out.push_back(' ');
  out += help;
  out += "\n# TYPE ";
  out += name;
  out.push_back(' ');
  out += type;
  out.push_back('\n');
}

// A label value with \, " and newline escaped, as the format requires.
void AppendLabelValue(std::string_view value, std::string& out) {
  for (const char ch : value) {
    if (ch == '\\' || ch == '"') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (ch == '\n') {
      out += "\\n";
    } else {
      out.push_back(ch);
    }
  }
}

void AppendSample(std::string_view name, std::string_view labels, std::uint64_t value, std::string& out) {
  out += name;
  if (!labels.empty()) {
    out.push_back('{');
    out += labels;
    out.push_back('}');
  }
  out.push_back(' ');
  AppendDecimal(value, out);
  out.push_back('\n');
}

void AppendGauge(std::string_view name, std::string_view help, std::uint64_t value, std::string& out) {
  AppendHeader(name, "gauge", help, out);
  AppendSample(name, "", value, out);
}

}  // namespace

void RenderPrometheus(const StatsContext& context, const StoreSnapshot& store, std::string& out) {
  const CounterSnapshot& c = context.counters;

  AppendHeader("opentracker_build_info", "gauge", "The tracker's version; the value is always 1.", out);
  out += "opentracker_build_info{version=\"";
  AppendLabelValue(context.version, out);
  out += "\"} 1\n";
  AppendGauge("opentracker_uptime_seconds", "Seconds since the tracker started.", context.uptime_seconds,
              out);
  AppendGauge("opentracker_torrents", "Torrents in the store.", context.torrent_count, out);
  AppendGauge("opentracker_peers", "Peers of all torrents.", store.peers, out);
  AppendGauge("opentracker_seeders", "Seeders of all torrents.", store.seeders, out);
  AppendGauge("opentracker_downloaded", "Sum of the stored torrents' downloaded counts.", store.completed,
              out);
  AppendGauge("opentracker_open_connections", "HTTP connections open now.", context.open_connections, out);
  AppendGauge("opentracker_queued_jobs", "Worker jobs waiting.", context.queued_jobs, out);

  // A family's samples must be contiguous, so group the rows by family.
  for (std::size_t f = 0; f < kFamilies.size(); ++f) {
    AppendHeader(kFamilies[f].name, "counter", kFamilies[f].help, out);
    for (const CounterSeries& series : kCounterSeries) {
      if (static_cast<std::size_t>(series.family) == f) {
        AppendSample(kFamilies[f].name, series.labels, c[series.counter], out);
      }
    }
  }

  AppendHeader("opentracker_http_errors_total", "counter", "HTTP error replies, by status code and reason.",
               out);
  for (std::size_t i = 0; i < kHttpErrorCount; ++i) {
    // "404 Not found" -> code="404",name="Not found"
    const std::string_view full = HttpErrorName(static_cast<HttpError>(i));
    const std::size_t space = full.find(' ');
    out += "opentracker_http_errors_total{code=\"";
    AppendLabelValue(full.substr(0, space), out);
    out += "\",name=\"";
    AppendLabelValue(space == std::string_view::npos ? std::string_view() : full.substr(space + 1), out);
    out += "\"} ";
    AppendDecimal(c.http_errors[i], out);
    out.push_back('\n');
  }

  AppendHeader("opentracker_renewals_total", "counter",
               "Re-announces of known peers, by the peer's previous age in minutes.", out);
  for (std::size_t age = 0; age < kRenewBuckets; ++age) {
    out += "opentracker_renewals_total{age_minutes=\"";
    AppendDecimal(age, out);
    out += "\"} ";
    AppendDecimal(c.renew[age], out);
    out.push_back('\n');
  }
}

}  // namespace ot::stats
