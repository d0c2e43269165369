// File: proto/http_reply.hpp
// Byte-exact HTTP replies as upstream sends them (spec §3.1, §3.5-§3.7).
// Writers append to a caller-owned std::string and never touch sockets.
// `close` adds "Connection: close" (RFC 9112) as the last header: the only
// header the port adds to upstream's bytes, sent when it closes after a reply.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "opentracker/core/http_error.hpp"
#include "opentracker/core/replies.hpp"
#include "opentracker/core/types.hpp"

namespace ot::proto {

enum class CloseAfter : bool { kNo = false, kYes = true };

// Upstream's fixed texts.
inline constexpr std::string_view kFailureNoInfoHash =
    "Your client forgot to send your torrent's info_hash. Please upgrade your client.";
inline constexpr std::string_view kFailureNotAuthorized =
    "Requested download is not authorized for use with this tracker.";

// --- bodies ---------------------------------------------------------------
// d8:completei..e10:downloadedi..e10:incompletei..e8:intervali..e12:min intervali..e
//   5:peers<6n>:...  (always, "5:peers0:" when empty, as DEB)
//   6:peers6<18n>:... (only when IPv6 peers are returned, as HEAD)  e
// With compact=false the peers are BEP 3 dictionaries (ip, port) instead.
void AppendAnnounceBody(const AnnounceReply& reply, bool compact, std::string& out);
// The stopped reply: no "downloaded", empty peer string; "6:peers60:" instead
// of "5:peers0:" when the announcing client is IPv6 (HEAD).
void AppendStoppedBody(const SwarmCounts& counts, std::uint32_t interval, Family client_family,
                       std::string& out);
// d14:failure reason<n>:<reason>e
void AppendFailureBody(std::string_view reason, std::string& out);

struct ScrapeEntry {
  InfoHash info_hash;
  SwarmCounts counts;
};
// d5:filesd 20:<hash>d8:completei..e10:downloadedi..e10:incompletei..ee ... ee
void AppendScrapeBody(std::span<const ScrapeEntry> entries, std::string& out);
// One entry of the above, for streamed full scrapes.
void AppendScrapeEntry(const ScrapeEntry& entry, std::string& out);

// --- whole responses --------------------------------------------------------
// HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: <n>\r\n\r\n<body>
void AppendOkResponse(std::string_view body, CloseAfter close, std::string& out);
// HTTP/1.0 <code> <reason>\r\nContent-Type: text/html\r\nContent-Length: <n>\r\n\r\n<title><reason></title>\n
void AppendErrorResponse(HttpError error, CloseAfter close, std::string& out);
// HTTP/1.0 302 Found\r\nContent-Length: 0\r\nLocation: <url>\r\n\r\n
void AppendRedirectResponse(std::string_view url, CloseAfter close, std::string& out);

// Status line code and reason text of an error, e.g. {404, "Not Found"}.
struct HttpStatusText {
  int code;
  std::string_view reason;
};
HttpStatusText StatusTextOf(HttpError error) noexcept;

}  // namespace ot::proto
