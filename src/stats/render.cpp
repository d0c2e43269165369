// The /stats mode table and the line-oriented modes (MRTG blocks, herr,
// renew, version, top lists, networks, numwants, fulllog). Layouts follow
// ot_stats.c; render.hpp documents where and why the port differs.
#include "opentracker/stats/render.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "stats/render_internal.hpp"
#include "stats/text_format.hpp"

namespace ot::stats {

namespace {

using internal::AppendDecimal;

struct ModeKeyword {
  std::string_view keyword;
  StatsMode mode;
};

// In StatsMode order, so StatsModeKeyword can index it.
constexpr std::array<ModeKeyword, 25> kModeKeywords{{
    {"peer", StatsMode::kPeer},
    {"conn", StatsMode::kConn},
    {"scrp", StatsMode::kScrp},
    {"udp4", StatsMode::kUdp4},
    {"tcp4", StatsMode::kTcp4},
    {"torr", StatsMode::kTorr},
    {"fscr", StatsMode::kFscr},
    {"completed", StatsMode::kCompleted},
    {"syncs", StatsMode::kSyncs},
    {"herr", StatsMode::kHerr},
    {"renew", StatsMode::kRenew},
    {"version", StatsMode::kVersion},
    {"top5", StatsMode::kTop5},
    {"top10", StatsMode::kTop10},
    {"top100", StatsMode::kTop100},
    {"s24s", StatsMode::kS24s},
    {"everything", StatsMode::kEverything},
    {"busy", StatsMode::kBusy},
    {"startstop", StatsMode::kStartStop},
    {"toraddrem", StatsMode::kTorAddRem},
    {"woodpeckers", StatsMode::kWoodpeckers},
    {"fulllog", StatsMode::kFulllog},
    {"numwants", StatsMode::kNumwants},
    {"tpbs", StatsMode::kTpbs},
    {"statedump", StatsMode::kStatedump},
}};

constexpr bool KeywordsInModeOrder() {
  for (std::size_t i = 0; i < kModeKeywords.size(); ++i) {
    if (static_cast<std::size_t>(kModeKeywords[i].mode) != i) return false;
  }
  return static_cast<std::size_t>(StatsMode::kStatedump) + 1 == kModeKeywords.size();
}
static_assert(KeywordsInModeOrder());

constexpr std::size_t kNetworksShown = 128;  // stats_slash24s_txt( r, 128 ), woodpeckers too

// events_per_time in ot_stats.c: integer rate, an uptime of 0 counts as 1.
std::uint64_t Per(std::uint64_t events, std::uint64_t seconds) noexcept {
  return events / (seconds != 0 ? seconds : 1);
}

// Lines 1-3 of the timed MRTG blocks: "<a>\n<b>\n<t> seconds (<h> hours)\n".
void AppendMrtgHead(std::uint64_t first, std::uint64_t second, std::uint64_t uptime, std::string& out) {
  AppendDecimal(first, out);
  out.push_back('\n');
  AppendDecimal(second, out);
  out.push_back('\n');
  AppendDecimal(uptime, out);
  out += " seconds (";
  AppendDecimal(uptime / 3600, out);
  out += " hours)\n";
}

// "<label> <a> <unit_a> :: <b> <unit_b>." as the rate lines of conn, udp4, ...
void AppendRatePair(std::string_view label, std::uint64_t a, std::string_view unit_a, std::uint64_t b,
                    std::string_view unit_b, std::string& out) {
  out += label;
  out.push_back(' ');
  AppendDecimal(a, out);
  out.push_back(' ');
  out += unit_a;
  out += " :: ";
  AppendDecimal(b, out);
  out.push_back(' ');
  out += unit_b;
  out.push_back('.');
}

// A timed MRTG block whose last line gives per-second rates of both values.
void AppendRateBlock(std::uint64_t a, std::uint64_t b, std::uint64_t uptime, std::string_view label,
                     std::string_view unit_a, std::string_view unit_b, std::string& out) {
  AppendMrtgHead(a, b, uptime, out);
  AppendRatePair(label, Per(a, uptime), unit_a, Per(b, uptime), unit_b, out);
}

// "<a>\n<b>\nopentracker serving <n> torrents\nopentracker" (peer, torr).
void AppendServingBlock(std::uint64_t a, std::uint64_t b, std::uint64_t torrents, std::string& out) {
  AppendDecimal(a, out);
  out.push_back('\n');
  AppendDecimal(b, out);
  out += "\nopentracker serving ";
  AppendDecimal(torrents, out);
  out += " torrents\nopentracker";
}

std::uint64_t ConnectionsTotal(const CounterSnapshot& c) noexcept {
  return c[Counter::kTcpAccepts] + c[Counter::kUdpPackets];
}
std::uint64_t SuccessTotal(const CounterSnapshot& c) noexcept {
  return c[Counter::kTcpAnnounces] + c[Counter::kUdpAnnounces] + c[Counter::kUdpConnects];
}

struct HerrLine {
  std::string_view label;
  HttpError error;
};
// Upstream's seven labels first (stats_httperrors_txt), each with its own
// counter now, then the two 402 counters it never showed.
constexpr std::array<HerrLine, kHttpErrorCount> kHerrLines{{
    {"302 RED", HttpError::kRedirect},
    {"400 ...", HttpError::kParseError},
    {"400 PAR", HttpError::kInvalidParameter},
    {"400 COM", HttpError::kInvalidCompact},
    {"403 IP ", HttpError::kAccessDenied},
    {"404 INV", HttpError::kNotFound},
    {"500 SRV", HttpError::kServerError},
    {"402 NMD", HttpError::kNotModest},
    {"402 PAY", HttpError::kPaymentRequired},
}};

void RenderHerr(const CounterSnapshot& counters, std::string& out) {
  for (const HerrLine& line : kHerrLines) {
    out += line.label;
    out.push_back(' ');
    AppendDecimal(counters.http_errors[static_cast<std::size_t>(line.error)], out);
    out.push_back('\n');
  }
}

void RenderRenew(const CounterSnapshot& counters, std::string& out) {
  for (std::size_t age = 0; age < kRenewBuckets; ++age) {
    internal::AppendZeroPadded(age, 2, out);
    out.push_back(' ');
    AppendDecimal(counters.renew[age], out);
    out.push_back('\n');
  }
}

void RenderNumwants(const CounterSnapshot& counters, std::string& out) {
  for (std::size_t numwant = 0; numwant < kNumwantBuckets; ++numwant) {
    internal::AppendZeroPadded(numwant, 3, out);
    out += " => ";
    AppendDecimal(counters.numwant[numwant], out);
    out.push_back('\n');
  }
}

// "Top <k> torrents by <what>:\n" and "\t<count>\t<HASH>\n" per entry with a
// count, at most k, in the snapshot's order (stats_top_txt).
void AppendTopBlock(std::size_t k, std::string_view what, const std::vector<TopEntry>& entries,
                    std::string& out) {
  out += "Top ";
  AppendDecimal(k, out);
  out += " torrents by ";
  out += what;
  out += ":\n";
  std::size_t shown = 0;
  for (const TopEntry& entry : entries) {
    if (shown == k) break;
    if (entry.count == 0) continue;
    out.push_back('\t');
    AppendDecimal(entry.count, out);
    out.push_back('\t');
    internal::AppendHash(entry.info_hash, out);
    out.push_back('\n');
    ++shown;
  }
}

void RenderTop(std::size_t k, const StoreSnapshot& store, std::string& out) {
  AppendTopBlock(k, "peers", store.top_by_peers, out);
  AppendTopBlock(k, "seeds", store.top_by_seeders, out);
  AppendTopBlock(k, "leechers", store.top_by_leechers, out);
}

// stats_return_busy_networks: the 128 busiest networks, highest first. The
// upstream tree keeps the earlier (lower) network of equal counts first.
void AppendNetworks(unsigned prefix, std::span<const NetworkCount> networks, std::string& out) {
  std::vector<const NetworkCount*> ranked;
  ranked.reserve(networks.size());
  for (const NetworkCount& n : networks) {
    if (n.count > 0) ranked.push_back(&n);
  }
  const std::size_t shown = std::min(kNetworksShown, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shown), ranked.end(),
                    [](const NetworkCount* a, const NetworkCount* b) {
                      if (a->count != b->count) return a->count > b->count;
                      if (a->network != b->network) return a->network < b->network;
                      return a->bits < b->bits;
                    });
  out += "Networks, limit /";
  AppendDecimal(prefix, out);
  out += ":\n";
  for (std::size_t i = 0; i < shown; ++i) {
    internal::AppendZeroPadded(ranked[i]->count, 8, out);
    out += ": ";
    internal::AppendIpText(ranked[i]->network, out);
    out.push_back('\n');
  }
  out.push_back('\n');
}

// stats_return_fulllog: "<time %08ld>: <ip>\n<request>\n*\n\n" per entry.
void RenderFulllog(const std::vector<FullLogEntry>& log, std::string& out) {
  for (const FullLogEntry& entry : log) {
    internal::AppendZeroPaddedSigned(entry.unix_time, 8, out);
    out += ": ";
    internal::AppendIpText(entry.ip, out);
    out.push_back('\n');
    out += entry.request;
    out += "\n*\n\n";
  }
}

}  // namespace

namespace internal {

std::string_view VersionText() noexcept {
  static constexpr std::string_view kText =
      "$Source$: $Revision$\n$Source$: $Revision$\n$Source$: $Revision$\n$Source$: $Revision$\n"
      "$Source$: $Revision$\n$Source$: $Revision$\n$Source$: $Revision$\n$Source$: $Revision$\n"
      "$Source$: $Revision$\n$Source$: $Revision$\n$Source$: $Revision$\n$Source$: $Revision$\n"
      "$Source$: $Revision$\n$Source$: $Revision$\n";
  return kText;
}

}  // namespace internal

std::optional<StatsMode> ParseStatsMode(std::string_view keyword) noexcept {
  for (const ModeKeyword& entry : kModeKeywords) {
    if (entry.keyword == keyword) return entry.mode;
  }
  return std::nullopt;
}

std::string_view StatsModeKeyword(StatsMode mode) noexcept {
  const auto index = static_cast<std::size_t>(mode);
  return index < kModeKeywords.size() ? kModeKeywords[index].keyword : std::string_view();
}

bool ModeNeedsStore(StatsMode mode) noexcept {
  switch (mode) {
    case StatsMode::kPeer:
    case StatsMode::kTop5:
    case StatsMode::kTop10:
    case StatsMode::kTop100:
    case StatsMode::kS24s:
    case StatsMode::kEverything:
    case StatsMode::kTpbs:
    case StatsMode::kStatedump:
      return true;
    default:
      return false;
  }
}

bool IsDumpMode(StatsMode mode) noexcept { return mode == StatsMode::kTpbs || mode == StatsMode::kStatedump; }

void RenderStats(StatsMode mode, const StatsContext& context, const StoreSnapshot* store, std::string& out) {
  static const StoreSnapshot kEmptyStore;
  const StoreSnapshot& s = store != nullptr ? *store : kEmptyStore;
  const CounterSnapshot& c = context.counters;
  const std::uint64_t t = context.uptime_seconds;
  switch (mode) {
    case StatsMode::kPeer:
      AppendServingBlock(s.peers, s.seeders, s.torrents, out);
      return;
    case StatsMode::kTorr:
      AppendServingBlock(context.torrent_count, 0, context.torrent_count, out);
      return;
    case StatsMode::kConn:
      AppendRateBlock(ConnectionsTotal(c), SuccessTotal(c), t, "opentracker connections,", "conns/s",
                      "success/s", out);
      return;
    case StatsMode::kUdp4:
      AppendRateBlock(c[Counter::kUdpPackets], c[Counter::kUdpAnnounces] + c[Counter::kUdpConnects], t,
                      "opentracker udp4 stats,", "conns/s", "success/s", out);
      return;
    case StatsMode::kTcp4:
      AppendRateBlock(c[Counter::kTcpAccepts], c[Counter::kTcpAnnounces], t, "opentracker tcp4 stats,",
                      "conns/s", "success/s", out);
      return;
    case StatsMode::kScrp: {
      const std::uint64_t tcp = c[Counter::kTcpScrapes];
      const std::uint64_t udp = c[Counter::kUdpScrapes];
      AppendMrtgHead(tcp, udp, t, out);
      out += "opentracker scrape stats, ";
      AppendDecimal(Per(tcp + udp, t), out);
      out += " scrape/s (tcp and udp)";
      return;
    }
    case StatsMode::kFscr: {
      // Upstream scales line 1 by 1000 (stats_fullscrapes_mrtg); kept for graphs.
      const std::uint64_t count = c[Counter::kFullScrapes];
      const std::uint64_t bytes = c[Counter::kFullScrapeBytes];
      AppendMrtgHead(count * 1000, bytes, t, out);
      AppendRatePair("opentracker full scrape stats,", Per(count, t), "conns/s", Per(bytes, t), "bytes/s",
                     out);
      return;
    }
    case StatsMode::kCompleted:
      AppendMrtgHead(c[Counter::kCompleted], 0, t, out);
      out += "opentracker, ";
      AppendDecimal(Per(c[Counter::kCompleted], t / 3600), out);
      out += " completed/h.";
      return;
    case StatsMode::kSyncs:
      // Upstream's rate line repeats conn's rates (stats_return_sync_mrtg).
      AppendMrtgHead(c[Counter::kLivesyncReceived], 0, t, out);
      AppendRatePair("opentracker connections,", Per(ConnectionsTotal(c), t), "conns/s",
                     Per(SuccessTotal(c), t), "success/s", out);
      return;
    case StatsMode::kHerr:
      RenderHerr(c, out);
      return;
    case StatsMode::kRenew:
      RenderRenew(c, out);
      return;
    case StatsMode::kVersion:
      out += internal::VersionText();
      return;
    case StatsMode::kTop5:
      RenderTop(5, s, out);
      return;
    case StatsMode::kTop10:
      RenderTop(10, s, out);
      return;
    case StatsMode::kTop100:
      RenderTop(100, s, out);
      return;
    case StatsMode::kS24s:
      AppendNetworks(28, s.networks28, out);
      AppendNetworks(24, s.networks24, out);
      return;
    case StatsMode::kEverything:
      internal::RenderEverythingXml(context, s, out);
      return;
    case StatsMode::kBusy:
      AppendMrtgHead(context.open_connections, context.queued_jobs, t, out);
      AppendRatePair("opentracker busy,", context.open_connections, "connections open", context.queued_jobs,
                     "jobs queued", out);
      return;
    case StatsMode::kStartStop:
      AppendRateBlock(c[Counter::kStartedEvents], c[Counter::kStoppedEvents], t,
                      "opentracker start/stop stats,", "starts/s", "stops/s", out);
      return;
    case StatsMode::kTorAddRem:
      AppendRateBlock(c[Counter::kTorrentsAdded], c[Counter::kTorrentsRemoved], t,
                      "opentracker torrent add/remove stats,", "added/s", "removed/s", out);
      return;
    case StatsMode::kWoodpeckers:
      AppendNetworks(28, context.woodpeckers, out);
      return;
    case StatsMode::kFulllog:
      RenderFulllog(context.full_log, out);
      return;
    case StatsMode::kNumwants:
      RenderNumwants(c, out);
      return;
    case StatsMode::kTpbs:
    case StatsMode::kStatedump:
      return;
  }
}

std::string_view HttpErrorName(HttpError error) noexcept {
  // ot_stats.c's ot_failed_request_names, with index 4 named by the status it
  // counts (upstream: "400 Not Modest", one slot off).
  static constexpr std::array<std::string_view, kHttpErrorCount> kNames{"302 Redirect",
                                                                        "400 Parse Error",
                                                                        "400 Invalid Parameter",
                                                                        "400 Invalid Parameter (compact=0)",
                                                                        "402 Not Modest",
                                                                        "402 Payment Required",
                                                                        "403 Access Denied",
                                                                        "404 Not found",
                                                                        "500 Internal Server Error"};
  const auto index = static_cast<std::size_t>(error);
  return index < kNames.size() ? kNames[index] : std::string_view();
}

}  // namespace ot::stats
