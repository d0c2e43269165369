// mode=everything: upstream's XML document (stats_return_everything in
// ot_stats.c, byte for byte) and the port's JSON form of the same facts.
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>

#include "opentracker/stats/render.hpp"
#include "stats/render_internal.hpp"
#include "stats/text_format.hpp"

namespace ot::stats {

namespace {

using internal::AppendDecimal;

std::uint64_t HttpErrorCount(const CounterSnapshot& c, std::size_t index) noexcept {
  return c.http_errors[index];
}

// "<open><value><close>\n"
void AppendXmlValue(std::string_view open, std::uint64_t value, std::string_view close, std::string& out) {
  out += open;
  AppendDecimal(value, out);
  out += close;
  out.push_back('\n');
}

// A JSON string literal (RFC 8259): quotes, backslash and controls escaped;
// other bytes are copied, so UTF-8 stays UTF-8.
void AppendJsonString(std::string_view text, std::string& out) {
  out.push_back('"');
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (byte < 0x20) {
      out += "\\u00";
      out.push_back(internal::kHexLower[byte >> 4]);
      out.push_back(internal::kHexLower[byte & 15]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

// "\"key\":value" with a leading comma unless first.
void AppendJsonMember(std::string_view key, std::uint64_t value, bool first, std::string& out) {
  if (!first) out.push_back(',');
  AppendJsonString(key, out);
  out.push_back(':');
  AppendDecimal(value, out);
}

constexpr std::string_view kCounterIds[] = {
#define OT_STATS_ID(id, description) #id,
    OT_STATS_SCALAR_COUNTERS(OT_STATS_ID)
#undef OT_STATS_ID
};
static_assert(std::size(kCounterIds) == kScalarCounterCount);

// "kTcpAccepts" -> "tcp_accepts".
void AppendSnakeName(std::string_view id, std::string& out) {
  if (!id.empty() && id.front() == 'k') id.remove_prefix(1);
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char ch = id[i];
    if (ch >= 'A' && ch <= 'Z') {
      if (i > 0) out.push_back('_');
      out.push_back(static_cast<char>(ch - 'A' + 'a'));
    } else {
      out.push_back(ch);
    }
  }
}

}  // namespace

namespace internal {

void RenderEverythingXml(const StatsContext& context, const StoreSnapshot& store, std::string& out) {
  const CounterSnapshot& c = context.counters;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<stats>\n";
  AppendXmlValue("  <tracker_id>", context.tracker_id, "</tracker_id>", out);
  out += "  <version>\n";
  out += VersionText();
  out += "  </version>\n";
  AppendXmlValue("  <uptime>", context.uptime_seconds, "</uptime>", out);
  out += "  <torrents>\n";
  AppendXmlValue("    <count_mutex>", context.torrent_count, "</count_mutex>", out);
  AppendXmlValue("    <count_iterator>", store.torrents, "</count_iterator>", out);
  out += "  </torrents>\n";
  out += "  <peers>\n";
  AppendXmlValue("    <count>", store.peers, "</count>", out);
  out += "  </peers>\n";
  out += "  <seeds>\n";
  AppendXmlValue("    <count>", store.seeders, "</count>", out);
  out += "  </seeds>\n";
  out += "  <completed>\n";
  AppendXmlValue("    <count>", c[Counter::kCompleted], "</count>", out);
  out += "  </completed>\n";
  out += "  <connections>\n";
  out += "    <tcp>\n";
  AppendXmlValue("      <accept>", c[Counter::kTcpAccepts], "</accept>", out);
  AppendXmlValue("      <announce>", c[Counter::kTcpAnnounces], "</announce>", out);
  AppendXmlValue("      <scrape>", c[Counter::kTcpScrapes], "</scrape>", out);
  out += "    </tcp>\n";
  out += "    <udp>\n";
  AppendXmlValue("      <overall>", c[Counter::kUdpPackets], "</overall>", out);
  AppendXmlValue("      <connect>", c[Counter::kUdpConnects], "</connect>", out);
  AppendXmlValue("      <announce>", c[Counter::kUdpAnnounces], "</announce>", out);
  AppendXmlValue("      <scrape>", c[Counter::kUdpScrapes], "</scrape>", out);
  AppendXmlValue("      <missmatch>", c[Counter::kUdpMismatches], "</missmatch>", out);
  out += "    </udp>\n";
  out += "    <livesync>\n";
  AppendXmlValue("      <count>", c[Counter::kLivesyncReceived], "</count>", out);
  out += "    </livesync>\n";
  out += "  </connections>\n";
  out += "  <debug>\n";
  out += "    <renew>\n";
  for (std::size_t age = 0; age < kRenewBuckets; ++age) {
    out += "      <count interval=\"";
    AppendZeroPadded(age, 2, out);
    out += "\">";
    AppendDecimal(c.renew[age], out);
    out += "</count>\n";
  }
  out += "    </renew>\n";
  out += "    <http_error>\n";
  for (std::size_t i = 0; i < kHttpErrorCount; ++i) {
    out += "      <count code=\"";
    // The XML keeps upstream's names byte for byte (PORT-DECISIONS §2),
    // including "400 Not Modest" for the 402 counter; JSON and /metrics use
    // the corrected HttpErrorName.
    out += static_cast<HttpError>(i) == HttpError::kNotModest ? std::string_view("400 Not Modest")
                                                               : HttpErrorName(static_cast<HttpError>(i));
    out += "\">";
    AppendDecimal(HttpErrorCount(c, i), out);
    out += "</count>\n";
  }
  out += "    </http_error>\n";
  // Upstream's stall event is never raised, so its counter is always 0.
  out += "    <mutex_stall>\n      <count>0</count>\n    </mutex_stall>\n";
  out += "  </debug>\n";
  out += "</stats>";
}

}  // namespace internal

void RenderEverythingJson(const StatsContext& context, const StoreSnapshot& store, std::string& out) {
  const CounterSnapshot& c = context.counters;
  out += "{";
  AppendJsonMember("tracker_id", context.tracker_id, true, out);
  out += ",\"version\":";
  AppendJsonString(context.version, out);
  AppendJsonMember("uptime", context.uptime_seconds, false, out);
  out += ",\"torrents\":{";
  AppendJsonMember("count_mutex", context.torrent_count, true, out);
  AppendJsonMember("count_iterator", store.torrents, false, out);
  out += "},\"peers\":{";
  AppendJsonMember("count", store.peers, true, out);
  out += "},\"seeds\":{";
  AppendJsonMember("count", store.seeders, true, out);
  out += "},\"completed\":{";
  AppendJsonMember("count", c[Counter::kCompleted], true, out);
  out += "},\"connections\":{\"tcp\":{";
  AppendJsonMember("accept", c[Counter::kTcpAccepts], true, out);
  AppendJsonMember("announce", c[Counter::kTcpAnnounces], false, out);
  AppendJsonMember("scrape", c[Counter::kTcpScrapes], false, out);
  out += "},\"udp\":{";
  AppendJsonMember("overall", c[Counter::kUdpPackets], true, out);
  AppendJsonMember("connect", c[Counter::kUdpConnects], false, out);
  AppendJsonMember("announce", c[Counter::kUdpAnnounces], false, out);
  AppendJsonMember("scrape", c[Counter::kUdpScrapes], false, out);
  AppendJsonMember("missmatch", c[Counter::kUdpMismatches], false, out);
  out += "},\"livesync\":{";
  AppendJsonMember("count", c[Counter::kLivesyncReceived], true, out);
  out += "}},\"debug\":{\"renew\":[";
  for (std::size_t age = 0; age < kRenewBuckets; ++age) {
    if (age > 0) out.push_back(',');
    AppendDecimal(c.renew[age], out);
  }
  out += "],\"http_error\":[";
  for (std::size_t i = 0; i < kHttpErrorCount; ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"code\":";
    AppendJsonString(HttpErrorName(static_cast<HttpError>(i)), out);
    AppendJsonMember("count", HttpErrorCount(c, i), false, out);
    out.push_back('}');
  }
  out += "],\"mutex_stall\":{\"count\":0}},\"port\":{";
  // Facts upstream's XML has no element for, and every counter of the
  // X-macro list under its snake_case name ("kTcpAccepts" -> "tcp_accepts").
  AppendJsonMember("peers_maintained", context.peer_count, true, out);
  AppendJsonMember("downloaded", store.completed, false, out);
  AppendJsonMember("open_connections", context.open_connections, false, out);
  AppendJsonMember("queued_jobs", context.queued_jobs, false, out);
  out += ",\"counters\":{";
  for (std::size_t i = 0; i < kScalarCounterCount; ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    AppendSnakeName(kCounterIds[i], out);
    out += "\":";
    AppendDecimal(c.scalars[i], out);
  }
  out += "}";
  out += "}}";
}

}  // namespace ot::stats
