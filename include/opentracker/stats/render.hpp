// File: stats/render.hpp
// The bodies of GET /<stats_path>?mode=<m> (spec §6), of its JSON form
// (mode=everything&format=json) and of /metrics (Prometheus text), as pure
// functions of a StatsContext (counters, uptime, no store walk) and, for the
// modes that need it, a StoreSnapshot built by a worker job. No HTTP
// headers, no clock, no I/O: the stats responder picks the header and the
// thread, these only format. Any thread may call them.
//
// Upstream layouts are kept byte for byte (MRTG four-line blocks without a
// trailing newline, the `everything` XML, DEB's `version` text), except where
// PORT-DECISIONS §3/§4 fix or extend them:
//  * herr: upstream prints seven lines whose last three show the wrong
//    counters (quirk 13). The port keeps those seven lines, in that order and
//    spelling, each now with its own counter, and appends the two 402 lines
//    upstream never showed, so every HttpError counter appears once:
//      302 RED <redirect>
//      400 ... <parse error>
//      400 PAR <invalid parameter>
//      400 COM <compact=0>
//      403 IP  <access denied>
//      404 INV <not found>
//      500 SRV <internal server error>
//      402 NMD <not modest>
//      402 PAY <payment required: never generated, so 0>
//    each line "<label> <count>\n", the last one included.
//    Scrapers that read lines 1-7 by position keep their meaning.
//  * everything: the XML keeps upstream's http_error names byte for byte,
//    including "400 Not Modest" for the counter of 402 replies; the JSON form
//    and /metrics use the corrected HttpErrorName ("402 Not Modest").
//  * fscr counts real full scrapes; busy is an MRTG block; startstop,
//    toraddrem, woodpeckers, fulllog, numwants render real data; top lists
//    have HEAD's three blocks (peers, seeds, leechers); s24s prints DEB's
//    dotted IPv4 networks (HEAD's IPv6 text for them is a bug).
// The port's own layouts (t, h and per(x) as spec §6):
//   busy       "<open connections>\n<queued jobs>\n<t> seconds (<h> hours)\n"
//              "opentracker busy, <open> connections open :: <queued> jobs queued."
//   startstop  "<started>\n<stopped>\n<t> seconds (<h> hours)\n"
//              "opentracker start/stop stats, <per(started)> starts/s :: <per(stopped)> stops/s."
//   toraddrem  "<added>\n<removed>\n<t> seconds (<h> hours)\n"
//              "opentracker torrent add/remove stats, <per(added)> added/s :: <per(removed)> removed/s."
// and upstream's for the optional features (ot_stats.c):
//   numwants   201 lines "%03d => <count>\n", numwant 0..200
//   woodpeckers "Networks, limit /28:\n", up to 128 lines "%08d: <network>\n", then "\n"
//   fulllog    per entry "%08d: <ip>\n<raw request>\n*\n\n"
// Networks are ranked by count, highest first, ties by address; addresses
// print as dotted IPv4 or libowfat's fmt_ip6c text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "opentracker/core/http_error.hpp"
#include "opentracker/stats/snapshot.hpp"

namespace ot::stats {

enum class StatsMode : std::uint8_t {
  kPeer,
  kConn,
  kScrp,
  kUdp4,
  kTcp4,
  kTorr,
  kFscr,
  kCompleted,
  kSyncs,
  kHerr,
  kRenew,
  kVersion,
  kTop5,
  kTop10,
  kTop100,
  kS24s,
  kEverything,
  kBusy,
  kStartStop,
  kTorAddRem,
  kWoodpeckers,
  kFulllog,
  kNumwants,
  kTpbs,
  kStatedump,
};

// The keyword of `mode=` ("peer", "top100", "statedump", ...), matched exactly
// and case-sensitively as upstream; unknown or empty -> nullopt (the caller
// answers 400). Whether an optional feature's mode (woodpeckers, fulllog,
// numwants) is on is the caller's decision.
std::optional<StatsMode> ParseStatsMode(std::string_view keyword) noexcept;
// The keyword ParseStatsMode accepts for `mode` (round trip).
std::string_view StatsModeKeyword(StatsMode mode) noexcept;

// True when the body needs a StoreSnapshot (peer, top5/10/100, s24s,
// everything) or a walk of the store for a dump (tpbs, statedump). torr uses
// the maintained torrent counter of the context, as upstream.
bool ModeNeedsStore(StatsMode mode) noexcept;
// True for tpbs and statedump, whose bodies are streamed record by record
// through scrape_formats.hpp instead of RenderStats.
bool IsDumpMode(StatsMode mode) noexcept;

// Appends the body of `mode` to `out`. `store` may be null for modes where
// ModeNeedsStore is false; for the others a null store renders as an empty
// tracker. Dump modes append nothing (see IsDumpMode).
void RenderStats(StatsMode mode, const StatsContext& context, const StoreSnapshot* store, std::string& out);

// mode=everything&format=json: the same facts as the XML, as one JSON object
// with the XML's element names in its order ("version" is context.version,
// "renew" an array of 45 counts, "http_error" an array of {"code", "count"}
// in HttpError order), then "port": {"peers_maintained", "downloaded",
// "open_connections", "queued_jobs", "counters": {every scalar counter by its
// snake_case name, e.g. "tcp_accepts"}}. No whitespace, no trailing newline.
void RenderEverythingJson(const StatsContext& context, const StoreSnapshot& store, std::string& out);

// /metrics: Prometheus text exposition format 0.0.4. Every family has # HELP
// and # TYPE lines; names start with opentracker_, counters end in _total.
void RenderPrometheus(const StatsContext& context, const StoreSnapshot& store, std::string& out);

// The name `everything` gives the counter of `error` ("404 Not found", ...).
std::string_view HttpErrorName(HttpError error) noexcept;

}  // namespace ot::stats
