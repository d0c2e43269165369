// Reply bytes as ot_http.c and trackerlogic.c write them (spec §3.1, §3.5-§3.7).
// Numbers go through libowfat's fmt_ulong, as upstream's writers do.
#include "opentracker/proto/http_reply.hpp"

#include "opentracker/proto/ip_text.hpp"
#include "proto/owfat_pure.hpp"

namespace ot::proto {
namespace {

void AppendNumber(std::uint64_t value, std::string& out) {
  char digits[FMT_ULONG] = {};
  const std::size_t length = owfat::FormatUnsigned(digits, static_cast<unsigned long>(value));
  out.append(digits, length);
}

// <length>:<bytes>
void AppendString(std::string_view bytes, std::string& out) {
  AppendNumber(bytes.size(), out);
  out.push_back(':');
  out.append(bytes);
}

void AppendInteger(std::string_view key, std::uint64_t value, std::string& out) {
  AppendString(key, out);
  out.push_back('i');
  AppendNumber(value, out);
  out.push_back('e');
}

std::string_view AsChars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// complete, [downloaded,] incomplete, interval, min interval: sorted key order.
void AppendCountsAndInterval(const SwarmCounts& counts, bool with_downloaded, std::uint32_t interval,
                             std::string& out) {
  AppendInteger("complete", counts.seeders, out);
  if (with_downloaded) AppendInteger("downloaded", counts.downloaded, out);
  AppendInteger("incomplete", counts.leechers, out);
  AppendInteger("interval", interval, out);
  AppendInteger("min interval", interval / 2, out);
}

// BEP 3 dictionary peers: d2:ip<text>4:porti<port>ee for each compact record.
void AppendPeerDicts(std::span<const std::uint8_t> peers, std::size_t record, std::string& out) {
  for (std::size_t at = 0; at + record <= peers.size(); at += record) {
    const std::uint8_t* p = peers.data() + at;
    const IpAddress ip = record == kCompactPeerSize4 ? IpAddress::FromV4(std::span<const std::uint8_t, 4>(p, 4))
                                                     : IpAddress::FromV6(std::span<const std::uint8_t, 16>(p, 16));
    const std::size_t port_at = record - 2;
    const std::uint16_t port = static_cast<std::uint16_t>(p[port_at] << 8 | p[port_at + 1]);
    out.push_back('d');
    AppendString("ip", out);
    AppendString(FormatIp(ip), out);
    AppendInteger("port", port, out);
    out.push_back('e');
  }
}

// Whole records only: a partial trailing record is never written.
std::span<const std::uint8_t> WholeRecords(std::span<const std::uint8_t> peers, std::size_t record) {
  return peers.first(peers.size() / record * record);
}

// Status line, [Content-Type,] Content-Length; EndHead closes the block.
void AppendHead(std::string_view status_line, std::string_view content_type, std::size_t content_length,
                std::string& out) {
  out.append(status_line);
  out.append("\r\n");
  if (!content_type.empty()) {
    out.append("Content-Type: ");
    out.append(content_type);
    out.append("\r\n");
  }
  out.append("Content-Length: ");
  AppendNumber(content_length, out);
  out.append("\r\n");
}

void EndHead(CloseAfter close, std::string& out) {
  if (close == CloseAfter::kYes) out.append("Connection: close\r\n");
  out.append("\r\n");
}

}  // namespace

void AppendAnnounceBody(const AnnounceReply& reply, bool compact, std::string& out) {
  const std::span<const std::uint8_t> peers4 = WholeRecords(reply.peers4, kCompactPeerSize4);
  const std::span<const std::uint8_t> peers6 = WholeRecords(reply.peers6, kCompactPeerSize6);
  out.push_back('d');
  AppendCountsAndInterval(reply.counts, true, reply.interval, out);
  AppendString("peers", out);
  if (compact) {
    // "5:peers" is always written, "5:peers0:" included, as DEB; HEAD drops
    // it when no v4 peer is returned. "6:peers6" only when there are v6 peers (HEAD).
    AppendString(AsChars(peers4), out);
    if (!peers6.empty()) {
      AppendString("peers6", out);
      AppendString(AsChars(peers6), out);
    }
  } else {
    out.push_back('l');
    AppendPeerDicts(peers4, kCompactPeerSize4, out);
    AppendPeerDicts(peers6, kCompactPeerSize6, out);
    out.push_back('e');
  }
  out.push_back('e');
}

void AppendStoppedBody(const SwarmCounts& counts, std::uint32_t interval, Family client_family,
                       std::string& out) {
  out.push_back('d');
  AppendCountsAndInterval(counts, false, interval, out);
  out.append(client_family == Family::kV6 ? "6:peers60:" : "5:peers0:");
  out.push_back('e');
}

void AppendFailureBody(std::string_view reason, std::string& out) {
  out.push_back('d');
  AppendString("failure reason", out);
  AppendString(reason, out);
  out.push_back('e');
}

void AppendScrapeEntry(const ScrapeEntry& entry, std::string& out) {
  AppendString(AsChars(entry.info_hash.bytes), out);
  out.push_back('d');
  AppendInteger("complete", entry.counts.seeders, out);
  AppendInteger("downloaded", entry.counts.downloaded, out);
  AppendInteger("incomplete", entry.counts.leechers, out);
  out.push_back('e');
}

void AppendScrapeBody(std::span<const ScrapeEntry> entries, std::string& out) {
  out.append("d5:filesd");
  for (const ScrapeEntry& entry : entries) AppendScrapeEntry(entry, out);
  out.append("ee");
}

void AppendOkResponse(std::string_view body, CloseAfter close, std::string& out) {
  AppendHead("HTTP/1.1 200 OK", "text/plain", body.size(), out);
  EndHead(close, out);
  out.append(body);
}

void AppendErrorResponse(HttpError error, CloseAfter close, std::string& out) {
  const HttpStatusText status = StatusTextOf(error);
  // "<title>" + reason + "</title>\n"
  const std::size_t body_size = 7 + status.reason.size() + 9;
  std::string status_line = "HTTP/1.0 ";
  AppendNumber(static_cast<std::uint64_t>(status.code), status_line);
  status_line.push_back(' ');
  status_line.append(status.reason);
  AppendHead(status_line, "text/html", body_size, out);
  EndHead(close, out);
  out.append("<title>");
  out.append(status.reason);
  out.append("</title>\n");
}

void AppendRedirectResponse(std::string_view url, CloseAfter close, std::string& out) {
  AppendHead("HTTP/1.0 302 Found", {}, 0, out);
  out.append("Location: ");
  out.append(url);
  out.append("\r\n");
  EndHead(close, out);
}

HttpStatusText StatusTextOf(HttpError error) noexcept {
  // ot_http.c's http_issue_error table, in HttpError order.
  switch (error) {
    case HttpError::kRedirect:
      return {302, "Found"};
    case HttpError::kParseError:
    case HttpError::kInvalidParameter:
    case HttpError::kInvalidCompact:
      return {400, "Invalid Request"};
    case HttpError::kNotModest:
      return {402, "Payment Required"};
    case HttpError::kPaymentRequired:
      // Never generated; upstream's table names it "403 Not Modest" (one slot
      // off, as the herr labels are). Kept so the table stays upstream's.
      return {403, "Not Modest"};
    case HttpError::kAccessDenied:
      return {403, "Access Denied"};
    case HttpError::kNotFound:
      return {404, "Not Found"};
    case HttpError::kServerError:
      break;
  }
  return {500, "Internal Server Error"};
}

}  // namespace ot::proto
