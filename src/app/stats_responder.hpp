// Interim stats responder while the renderers land: answers mode=version
// (what the readiness probes use) and refuses the rest.
#pragma once

#include "opentracker/net/reactor.hpp"
#include "opentracker/service/http_service.hpp"
#include "opentracker/stats/counters.hpp"
#include "opentracker/tracker/torrent_store.hpp"
#include "opentracker/work/worker_pool.hpp"

namespace ot::app {

class StatsResponderImpl final : public service::StatsResponder {
 public:
  StatsResponderImpl(net::Reactor& reactor, work::WorkerPool& pool, tracker::TorrentStore& store,
                     stats::CounterRegistry& counters)
      : reactor_(reactor), pool_(pool), store_(store), counters_(counters) {}

  net::HttpDisposition Stats(const proto::StatsQuery& query, const proto::HttpRequest& request,
                             const net::ClientInfo& client, net::ConnectionToken token,
                             const net::CancelFlag& cancelled, service::ThreadContext& context,
                             std::string& out) override;
  net::HttpDisposition Metrics(const proto::HttpRequest& request, net::ConnectionToken token,
                               const net::CancelFlag& cancelled, service::ThreadContext& context,
                               std::string& out) override;
  net::HttpDisposition FullScrape(const proto::HttpRequest& request, const net::ClientInfo& client,
                                  net::ConnectionToken token, const net::CancelFlag& cancelled,
                                  service::ThreadContext& context, std::string& out) override;

 private:
  net::Reactor& reactor_;
  work::WorkerPool& pool_;
  tracker::TorrentStore& store_;
  stats::CounterRegistry& counters_;
};

}  // namespace ot::app
