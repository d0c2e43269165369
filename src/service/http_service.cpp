#include "opentracker/service/http_service.hpp"

#include <array>

#include "opentracker/proto/http_reply.hpp"
#include "opentracker/proto/ip_text.hpp"

namespace ot::service {

namespace {

constexpr std::string_view kTrackerFull = "Tracker is full, try again later.";

bool IsLoopback(const IpAddress& ip) noexcept {
  if (ip.IsV4()) return ip.V4Bytes()[0] == 127;
  static constexpr std::array<std::uint8_t, 16> kV6Loopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return ip.bytes == kV6Loopback;
}

}  // namespace

bool StatsAccess::Allows(const IpAddress& ip) const noexcept {
  return blessed_.empty() ? IsLoopback(ip) : AnyContains(blessed_, ip);
}

void HttpService::OnAccept(const net::ClientInfo&) { context_.counters.Add(stats::Counter::kTcpAccepts); }

net::HttpDisposition HttpService::Error(HttpError error, std::string& out) {
  context_.counters.AddHttpError(error);
  // Error replies carry an HTTP/1.0 status line, which a client reads as
  // "not persistent", so the port closes after every error.
  proto::AppendErrorResponse(error, proto::CloseAfter::kYes, out);
  return net::HttpDisposition::kReplyAndClose;
}

net::HttpDisposition HttpService::OnRequest(std::string_view raw, const net::ClientInfo& client,
                                            net::ConnectionToken token, const net::CancelFlag& cancelled,
                                            TimePoint now, std::string& out) {
  context_.now = now;
  context_.counters.Add(stats::Counter::kTcpRequests);
  if (options_.full_log != nullptr) options_.full_log->MaybeRecord(client.ip, raw, now);
  proto::HttpParse parse = proto::ParseHttpRequest(raw, options_.stats_path);
  if (!parse.ok) return Error(parse.error, out);
  const proto::HttpRequest& request = parse.request;
  const bool keep_alive = request.version == proto::HttpVersion::k11 && !request.connection_close;
  const proto::CloseAfter close = keep_alive ? proto::CloseAfter::kNo : proto::CloseAfter::kYes;
  const net::HttpDisposition sent = keep_alive ? net::HttpDisposition::kReply : net::HttpDisposition::kReplyAndClose;

  switch (request.route) {
    case proto::HttpRoute::kRoot:
      if (options_.redirect_url.empty()) return Error(HttpError::kNotFound, out);
      context_.counters.AddHttpError(HttpError::kRedirect);
      proto::AppendRedirectResponse(options_.redirect_url, proto::CloseAfter::kYes, out);
      return net::HttpDisposition::kReplyAndClose;
    case proto::HttpRoute::kAnnounce:
      return Announce(request, client, close, out) ? sent : net::HttpDisposition::kReplyAndClose;
    case proto::HttpRoute::kScrape:
      return Scrape(request, close, out) ? sent : net::HttpDisposition::kReplyAndClose;
    case proto::HttpRoute::kFullScrape:
      return stats_.FullScrape(request, client, token, cancelled, context_, out);
    case proto::HttpRoute::kStats: {
      if (!stats_access_.Allows(client.ip)) return Error(HttpError::kAccessDenied, out);
      proto::StatsQuery query = proto::ParseStatsQuery(request.query);
      if (!query.ok) return Error(HttpError::kInvalidParameter, out);
      return stats_.Stats(query, request, client, token, cancelled, context_, out);
    }
    case proto::HttpRoute::kMetrics:
      if (!stats_access_.Allows(client.ip)) return Error(HttpError::kAccessDenied, out);
      return stats_.Metrics(request, token, cancelled, context_, out);
  }
  return Error(HttpError::kNotFound, out);
}

IpAddress HttpService::AnnouncingAddress(const proto::HttpRequest& request, const AnnounceRequest& announce,
                                         const net::ClientInfo& client) const {
  if (!request.x_forwarded_for.empty() && AnyContains(options_.proxy_networks, client.ip)) {
    if (std::optional<proto::IpPrefix> forwarded = proto::ScanIpAddress(request.x_forwarded_for)) {
      return forwarded->ip;
    }
  }
  if (options_.ip_from_query && announce.ip_param) return *announce.ip_param;
  return client.ip;
}

bool HttpService::Announce(const proto::HttpRequest& request, const net::ClientInfo& client,
                           proto::CloseAfter close, std::string& out) {
  proto::AnnounceQuery query =
      proto::ParseAnnounceQuery(request.query, {options_.ip_from_query, options_.full_log != nullptr});
  if (query.status == proto::AnnounceQuery::Status::kError) {
    Error(query.error, out);
    return false;
  }
  if (query.has_lognet) return Lognet(query, client, close, out);
  body_.clear();
  if (query.status == proto::AnnounceQuery::Status::kMissingInfoHash) {
    proto::AppendFailureBody(proto::kFailureNoInfoHash, body_);
    proto::AppendOkResponse(body_, close, out);
    return true;
  }
  const AnnounceRequest& announce = query.request;
  context_.counters.AddNumwant(announce.numwant);
  const PeerEndpoint peer{AnnouncingAddress(request, announce, client), announce.port};
  AnnounceResult result = core_.Announce(announce, peer, false, context_, scratch_);
  context_.counters.Add(stats::Counter::kTcpAnnounces);
  switch (result.kind) {
    case AnnounceResult::Kind::kPeers:
      proto::AppendAnnounceBody(result.reply, announce.compact, body_);
      break;
    case AnnounceResult::Kind::kStopped:
      proto::AppendStoppedBody(result.reply.counts, result.reply.interval, peer.ip.family(), body_);
      break;
    case AnnounceResult::Kind::kNotAuthorized:
      proto::AppendFailureBody(proto::kFailureNotAuthorized, body_);
      break;
    case AnnounceResult::Kind::kOverloaded:
      proto::AppendFailureBody(kTrackerFull, body_);
      break;
  }
  proto::AppendOkResponse(body_, close, out);
  return true;
}

bool HttpService::Scrape(const proto::HttpRequest& request, proto::CloseAfter close, std::string& out) {
  proto::ScrapeQuery query = proto::ParseScrapeQuery(request.query);
  if (!query.ok) {
    Error(HttpError::kInvalidParameter, out);
    return false;
  }
  std::array<proto::ScrapeEntry, kMaxHttpScrapeHashes> entries;
  std::size_t found = 0;
  for (std::size_t i = 0; i < query.request.count && i < kMaxHttpScrapeHashes; ++i) {
    const InfoHash& hash = query.request.hashes[i];
    if (std::optional<SwarmCounts> counts = core_.Scrape(hash, context_)) entries[found++] = {hash, *counts};
  }
  context_.counters.Add(stats::Counter::kTcpScrapes);
  body_.clear();
  proto::AppendScrapeBody(std::span<const proto::ScrapeEntry>(entries.data(), found), body_);
  proto::AppendOkResponse(body_, close, out);
  return true;
}

// WANT_FULLLOG_NETWORKS's lognet= parameter. Upstream left it open to anyone
// (its check is commented out); the port asks for the stats blessing, since
// it makes the tracker keep other clients' requests.
bool HttpService::Lognet(const proto::AnnounceQuery& query, const net::ClientInfo& client, proto::CloseAfter close,
                         std::string& out) {
  if (!stats_access_.Allows(client.ip)) {
    Error(HttpError::kAccessDenied, out);
    return false;
  }
  std::string_view value = query.Lognet();
  if (!value.empty() && value.front() == '-') {
    options_.full_log->ClearNetworks();
    proto::AppendOkResponse("Successfully removed.\n", close, out);
    return true;
  }
  std::optional<NetMask> network = proto::ParseNetMask(value);
  if (!network) {
    Error(HttpError::kInvalidParameter, out);
    return false;
  }
  options_.full_log->AddNetwork(*network);
  proto::AppendOkResponse("Successfully added.\n", close, out);
  return true;
}

void HttpService::OnOversizedRequest(const net::ClientInfo&, TimePoint now, std::string& out) {
  context_.now = now;
  Error(HttpError::kServerError, out);
}

}  // namespace ot::service
