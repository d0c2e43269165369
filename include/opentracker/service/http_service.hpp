// File: service/http_service.hpp
// HTTP request handling (spec §3): routing, announce and scrape through the
// shared TrackerCore, the redirect, upstream's error replies, and the hand-off
// of stats, metrics and full scrapes to the StatsResponder. Runs on the
// reactor thread only (it owns the reactor's ThreadContext).
#pragma once

#include <string>
#include <vector>

#include "opentracker/core/net_mask.hpp"
#include "opentracker/net/handler.hpp"
#include "opentracker/proto/http_reply.hpp"
#include "opentracker/proto/http_request.hpp"
#include "opentracker/proto/query_string.hpp"
#include "opentracker/service/network_logs.hpp"
#include "opentracker/service/tracker_core.hpp"

namespace ot::service {

struct HttpServiceOptions {
  std::string stats_path = "stats";
  std::string redirect_url;          // empty: "GET /" is 404
  bool ip_from_query = false;        // honour announce ip=
  std::vector<NetMask> proxy_networks;  // X-Forwarded-For is trusted from these
  FullLog* full_log = nullptr;          // tracker.fulllog: lognet= and the request log
};

// Who may see /stats, /metrics and the stats-mode dumps: blessed networks
// when any is configured (access.stats, -A), otherwise loopback only.
class StatsAccess {
 public:
  explicit StatsAccess(std::vector<NetMask> blessed) : blessed_(std::move(blessed)) {}
  bool Allows(const IpAddress& ip) const noexcept;

 private:
  std::vector<NetMask> blessed_;
};

// Answers the routes that need more than one torrent: /stats, /metrics and
// the full scrape. May answer at once or defer to the worker pool.
class StatsResponder {
 public:
  virtual ~StatsResponder() = default;
  virtual net::HttpDisposition Stats(const proto::StatsQuery& query, const proto::HttpRequest& request,
                                     const net::ClientInfo& client, net::ConnectionToken token,
                                     const net::CancelFlag& cancelled, ThreadContext& context,
                                     std::string& out) = 0;
  virtual net::HttpDisposition Metrics(const proto::HttpRequest& request, net::ConnectionToken token,
                                       const net::CancelFlag& cancelled, ThreadContext& context,
                                       std::string& out) = 0;
  virtual net::HttpDisposition FullScrape(const proto::HttpRequest& request, const net::ClientInfo& client,
                                          net::ConnectionToken token, const net::CancelFlag& cancelled,
                                          ThreadContext& context, std::string& out) = 0;
};

class HttpService final : public net::HttpHandler {
 public:
  HttpService(HttpServiceOptions options, TrackerCore& core, const StatsAccess& stats_access,
              StatsResponder& stats, ThreadContext& context)
      : options_(std::move(options)), core_(core), stats_access_(stats_access), stats_(stats), context_(context) {}

  void OnAccept(const net::ClientInfo& client) override;
  net::HttpDisposition OnRequest(std::string_view request, const net::ClientInfo& client,
                                 net::ConnectionToken token, const net::CancelFlag& cancelled, TimePoint now,
                                 std::string& out) override;
  void OnOversizedRequest(const net::ClientInfo& client, TimePoint now, std::string& out) override;

 private:
  // Both return false when they answered with an error (the connection closes).
  bool Announce(const proto::HttpRequest& request, const net::ClientInfo& client, proto::CloseAfter close,
                std::string& out);
  bool Scrape(const proto::HttpRequest& request, proto::CloseAfter close, std::string& out);
  bool Lognet(const proto::AnnounceQuery& query, const net::ClientInfo& client, proto::CloseAfter close,
              std::string& out);
  net::HttpDisposition Error(HttpError error, std::string& out);
  IpAddress AnnouncingAddress(const proto::HttpRequest& request, const AnnounceRequest& announce,
                              const net::ClientInfo& client) const;

  const HttpServiceOptions options_;
  TrackerCore& core_;
  const StatsAccess& stats_access_;
  StatsResponder& stats_;
  ThreadContext& context_;
  PeerScratch scratch_;
  std::string body_;  // reused between requests
};

}  // namespace ot::service
