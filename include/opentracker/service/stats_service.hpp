// File: service/stats_service.hpp
// /stats (every mode of spec §6), /metrics (Prometheus) and the full scrape
// (spec §7). Modes that only read counters are answered on the reactor
// thread; modes that walk the store, and the dumps, run on the worker pool
// and come back through the reactor as completions. Dumps stream: the next
// chunk is produced only when the client has taken most of the last one.
#pragma once

#include <atomic>
#include <memory>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "opentracker/net/handler.hpp"
#include "opentracker/service/http_service.hpp"
#include "opentracker/service/network_logs.hpp"
#include "opentracker/stats/counters.hpp"
#include "opentracker/stats/render.hpp"
#include "opentracker/stats/scrape_formats.hpp"
#include "opentracker/tracker/torrent_store.hpp"
#include "opentracker/work/worker_pool.hpp"

namespace ot::service {

struct StatsServiceOptions {
  bool fullscrape = true;           // tracker.fullscrape
  bool modest_fullscrapes = false;  // tracker.modest_fullscrapes: one per client address per 5 minutes
  const Woodpeckers* woodpeckers = nullptr;  // tracker.woodpeckers
  bool log_numwant = false;                  // tracker.log_numwant
  FullLog* full_log = nullptr;               // tracker.fulllog
  std::uint32_t tracker_id = 0;
  std::string version;
  TimePoint started;
  // Upstream writes "[<minutes>] scrp:  <ip> - FULL SCRAPE" to stderr per full scrape.
  std::function<void(const std::string&)> log_fullscrape;
};

class StatsService final : public StatsResponder {
 public:
  using Poster = std::function<void(net::Completion)>;
  using Gauge = std::function<std::uint64_t()>;

  StatsService(StatsServiceOptions options, tracker::TorrentStore& store, stats::CounterRegistry& counters,
               work::WorkerPool& pool, Poster post, Gauge open_connections);

  net::HttpDisposition Stats(const proto::StatsQuery& query, const proto::HttpRequest& request,
                             const net::ClientInfo& client, net::ConnectionToken token,
                             const net::CancelFlag& cancelled, ThreadContext& context, std::string& out) override;
  net::HttpDisposition Metrics(const proto::HttpRequest& request, net::ConnectionToken token,
                               const net::CancelFlag& cancelled, ThreadContext& context, std::string& out) override;
  net::HttpDisposition FullScrape(const proto::HttpRequest& request, const net::ClientInfo& client,
                                  net::ConnectionToken token, const net::CancelFlag& cancelled,
                                  ThreadContext& context, std::string& out) override;

 private:
  stats::StatsContext Context(TimePoint now) const;
  net::HttpDisposition Error(HttpError error, ThreadContext& context, std::string& out);
  // Renders on a worker and posts the whole reply.
  net::HttpDisposition Defer(std::function<void(std::string& body)> render, bool keep_alive,
                             net::ConnectionToken token, const net::CancelFlag& cancelled);
  net::HttpDisposition StartDump(stats::DumpFormat format, bool gzip, const proto::HttpRequest& request,
                                 net::ConnectionToken token, const net::CancelFlag& cancelled, std::string& out);

  // Each streamed dump holds a deflate state (~400 KiB) and worker time;
  // beyond these, requests get 500 instead of queueing without bound.
  static constexpr int kMaxConcurrentDumps = 32;
  static constexpr std::size_t kMaxQueuedJobs = 256;
  bool Overloaded() const noexcept;

  const StatsServiceOptions options_;
  std::shared_ptr<std::atomic<int>> active_dumps_ = std::make_shared<std::atomic<int>>(0);
  tracker::TorrentStore& store_;
  stats::CounterRegistry& counters_;
  work::WorkerPool& pool_;
  Poster post_;
  Gauge open_connections_;
  std::unordered_map<IpAddress, std::int64_t, IpAddressHash> last_fullscrape_;  // modest full scrapes (reactor only)
};

}  // namespace ot::service
