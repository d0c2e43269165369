#include "opentracker/service/stats_service.hpp"

#include <cinttypes>
#include <cstdio>
#include <memory>

#include "opentracker/proto/http_reply.hpp"
#include "opentracker/proto/ip_text.hpp"
#include "opentracker/work/dump_stream.hpp"
#include "opentracker/work/store_snapshot.hpp"

namespace ot::service {

namespace {

constexpr std::int64_t kModestIntervalSeconds = 300;
constexpr std::size_t kTopLimit = 100;
constexpr std::size_t kNetworkLines = 128;

bool KeepAlive(const proto::HttpRequest& request) {
  return request.version == proto::HttpVersion::k11 && !request.connection_close;
}

work::SnapshotParts PartsFor(stats::StatsMode mode) {
  work::SnapshotParts parts;
  switch (mode) {
    case stats::StatsMode::kTop5:
    case stats::StatsMode::kTop10:
    case stats::StatsMode::kTop100:
    case stats::StatsMode::kEverything:
      parts.top_entries = kTopLimit;
      break;
    case stats::StatsMode::kS24s:
      parts.networks = kNetworkLines;
      break;
    default:
      break;
  }
  return parts;
}

// One streamed dump (full scrape, tpbs, statedump): each step runs on a worker,
// posts its piece, and hands the reactor a `resume` that schedules the next
// step once the client has taken most of it.
class DumpJob : public std::enable_shared_from_this<DumpJob> {
 public:
  DumpJob(const tracker::TorrentStore& store, stats::DumpFormat format, bool gzip, bool chunked, bool keep_alive,
          net::ConnectionToken token, net::CancelFlag cancelled, work::WorkerPool& pool,
          StatsService::Poster post, std::shared_ptr<std::atomic<int>> active)
      : active_(std::move(active)),
        stream_(store, format, gzip ? work::Compression::kGzip : work::Compression::kNone),
        gzip_(gzip),
        chunked_(chunked),
        keep_alive_(keep_alive),
        token_(token),
        cancelled_(std::move(cancelled)),
        pool_(pool),
        post_(std::move(post)) {}

  ~DumpJob() { active_->fetch_sub(1, std::memory_order_relaxed); }

  static std::string ChunkedHeader(bool gzip, bool keep_alive) {
    std::string h = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n";
    if (gzip) h += "Content-Encoding: gzip\r\n";
    h += "Transfer-Encoding: chunked\r\n";
    if (!keep_alive) h += "Connection: close\r\n";
    h += "\r\n";
    return h;
  }

  void Schedule() {
    std::shared_ptr<DumpJob> self = shared_from_this();
    pool_.Submit([self](work::WorkerContext& worker) { self->Step(worker); });
  }

 private:
  void Step(work::WorkerContext& worker) {
    if (cancelled_->load(std::memory_order_acquire)) return;  // the client left; stop walking the table
    std::string data;
    const bool more = stream_.Next(data);
    worker.counters.Add(stats::Counter::kFullScrapeBytes, data.size());
    net::Completion completion;
    completion.token = token_;
    if (chunked_) {
      if (!data.empty()) {
        char size[24];
        int n = std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
        completion.bytes.assign(size, static_cast<std::size_t>(n));
        completion.bytes += data;
        completion.bytes += "\r\n";
      }
      if (!more) completion.bytes += "0\r\n\r\n";
    } else {
      // HTTP/1.0: a Content-Length when the whole dump fits the first piece
      // (what DEB sends), else a body delimited by the close.
      if (!header_sent_) {
        completion.bytes = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n";
        if (gzip_) completion.bytes += "Content-Encoding: gzip\r\n";
        if (!more) completion.bytes += "Content-Length: " + std::to_string(data.size()) + "\r\n";
        completion.bytes += "Connection: close\r\n\r\n";
        header_sent_ = true;
      }
      completion.bytes += data;
    }
    completion.last = !more;
    completion.close_after = !more && (!keep_alive_ || !chunked_);
    if (more) {
      std::shared_ptr<DumpJob> self = shared_from_this();
      completion.resume = [self] { self->Schedule(); };
    }
    post_(std::move(completion));
  }

  std::shared_ptr<std::atomic<int>> active_;  // counted in by the creator, out here
  work::DumpStream stream_;
  const bool gzip_;
  const bool chunked_;
  const bool keep_alive_;
  const net::ConnectionToken token_;
  const net::CancelFlag cancelled_;
  work::WorkerPool& pool_;
  StatsService::Poster post_;
  bool header_sent_ = false;
};

}  // namespace

StatsService::StatsService(StatsServiceOptions options, tracker::TorrentStore& store,
                           stats::CounterRegistry& counters, work::WorkerPool& pool, Poster post,
                           Gauge open_connections)
    : options_(std::move(options)),
      store_(store),
      counters_(counters),
      pool_(pool),
      post_(std::move(post)),
      open_connections_(std::move(open_connections)) {}

stats::StatsContext StatsService::Context(TimePoint now) const {
  stats::StatsContext c;
  c.counters = counters_.Sum();
  c.uptime_seconds = now.unix_seconds > options_.started.unix_seconds
                         ? static_cast<std::uint64_t>(now.unix_seconds - options_.started.unix_seconds)
                         : 0;
  c.torrent_count = store_.TorrentCount();
  c.peer_count = store_.PeerCount();
  c.tracker_id = options_.tracker_id;
  c.open_connections = open_connections_ ? open_connections_() : 0;
  c.queued_jobs = pool_.queued();
  c.version = options_.version;
  return c;
}

net::HttpDisposition StatsService::Error(HttpError error, ThreadContext& context, std::string& out) {
  context.counters.AddHttpError(error);
  proto::AppendErrorResponse(error, proto::CloseAfter::kYes, out);
  return net::HttpDisposition::kReplyAndClose;
}

bool StatsService::Overloaded() const noexcept {
  return active_dumps_->load(std::memory_order_relaxed) >= kMaxConcurrentDumps || pool_.queued() >= kMaxQueuedJobs;
}

net::HttpDisposition StatsService::Defer(std::function<void(std::string& body)> render, bool keep_alive,
                                         net::ConnectionToken token, const net::CancelFlag& cancelled) {
  Poster post = post_;
  pool_.Submit([render = std::move(render), keep_alive, token, cancelled, post](work::WorkerContext&) {
    if (cancelled->load(std::memory_order_acquire)) return;
    std::string body;
    render(body);
    net::Completion completion;
    completion.token = token;
    proto::AppendOkResponse(body, keep_alive ? proto::CloseAfter::kNo : proto::CloseAfter::kYes, completion.bytes);
    completion.close_after = !keep_alive;
    post(std::move(completion));
  });
  return net::HttpDisposition::kDeferred;
}

net::HttpDisposition StatsService::StartDump(stats::DumpFormat format, bool gzip, const proto::HttpRequest& request,
                                             net::ConnectionToken token, const net::CancelFlag& cancelled,
                                             std::string& out) {
  const bool chunked = request.version == proto::HttpVersion::k11;
  const bool keep_alive = KeepAlive(request);
  active_dumps_->fetch_add(1, std::memory_order_relaxed);
  auto job = std::make_shared<DumpJob>(store_, format, gzip, chunked, keep_alive, token, cancelled, pool_, post_,
                                       active_dumps_);
  if (chunked) out += DumpJob::ChunkedHeader(gzip, keep_alive);
  job->Schedule();
  return net::HttpDisposition::kDeferred;
}

net::HttpDisposition StatsService::Stats(const proto::StatsQuery& query, const proto::HttpRequest& request,
                                         const net::ClientInfo&, net::ConnectionToken token,
                                         const net::CancelFlag& cancelled, ThreadContext& context,
                                         std::string& out) {
  // HEAD: a client that uses the stats URL as its announce URL gets a 400.
  if (query.has_info_hash) return Error(HttpError::kInvalidParameter, context, out);
  std::optional<stats::StatsMode> mode =
      query.has_mode ? stats::ParseStatsMode(query.Mode()) : std::optional(stats::StatsMode::kPeer);
  if (!mode) return Error(HttpError::kInvalidParameter, context, out);
  const bool keep_alive = KeepAlive(request);

  switch (*mode) {
    case stats::StatsMode::kWoodpeckers:
      if (options_.woodpeckers == nullptr) return net::HttpDisposition::kCloseSilently;  // HEAD's answer
      break;
    case stats::StatsMode::kFulllog:
      if (options_.full_log == nullptr) return net::HttpDisposition::kCloseSilently;
      break;
    case stats::StatsMode::kNumwants:
      if (!options_.log_numwant) return Error(HttpError::kInvalidParameter, context, out);
      break;
    case stats::StatsMode::kTpbs:
    case stats::StatsMode::kStatedump: {
      stats::DumpFormat format = stats::DumpFormat::kStatedump;
      if (*mode == stats::StatsMode::kTpbs) {
        // Without format= upstream never answered; the port defaults to bencode.
        std::optional<stats::DumpFormat> parsed =
            query.has_format ? stats::ParseDumpFormat(query.Format()) : std::optional(stats::DumpFormat::kBencode);
        if (!parsed || *parsed == stats::DumpFormat::kStatedump) return Error(HttpError::kInvalidParameter, context, out);
        format = *parsed;
      }
      if (Overloaded()) return Error(HttpError::kServerError, context, out);
      return StartDump(format, request.accept_gzip, request, token, cancelled, out);
    }
    default:
      break;
  }

  stats::StatsContext stats_context = Context(context.now);
  if (*mode == stats::StatsMode::kWoodpeckers) stats_context.woodpeckers = options_.woodpeckers->Snapshot();
  if (*mode == stats::StatsMode::kFulllog) stats_context.full_log = options_.full_log->Drain();
  const bool json = *mode == stats::StatsMode::kEverything && query.Format() == "json";
  if (json || stats::ModeNeedsStore(*mode)) {
    if (Overloaded()) return Error(HttpError::kServerError, context, out);
    const tracker::TorrentStore& store = store_;
    const stats::StatsMode m = *mode;
    return Defer(
        [&store, m, json, stats_context](std::string& body) {
          stats::StoreSnapshot snapshot = work::BuildStoreSnapshot(store, PartsFor(m));
          if (json) {
            stats::RenderEverythingJson(stats_context, snapshot, body);
          } else {
            stats::RenderStats(m, stats_context, &snapshot, body);
          }
        },
        keep_alive, token, cancelled);
  }
  std::string body;
  stats::RenderStats(*mode, stats_context, nullptr, body);
  proto::AppendOkResponse(body, keep_alive ? proto::CloseAfter::kNo : proto::CloseAfter::kYes, out);
  return keep_alive ? net::HttpDisposition::kReply : net::HttpDisposition::kReplyAndClose;
}

net::HttpDisposition StatsService::Metrics(const proto::HttpRequest& request, net::ConnectionToken token,
                                           const net::CancelFlag& cancelled, ThreadContext& context,
                                           std::string& out) {
  if (Overloaded()) return Error(HttpError::kServerError, context, out);
  stats::StatsContext stats_context = Context(context.now);
  const tracker::TorrentStore& store = store_;
  return Defer(
      [&store, stats_context](std::string& body) {
        stats::RenderPrometheus(stats_context, work::BuildStoreSnapshot(store, {}), body);
      },
      KeepAlive(request), token, cancelled);
}

net::HttpDisposition StatsService::FullScrape(const proto::HttpRequest& request, const net::ClientInfo& client,
                                              net::ConnectionToken token, const net::CancelFlag& cancelled,
                                              ThreadContext& context, std::string& out) {
  // Switched off, "GET /scrape" is an ordinary scrape without a query: 400.
  if (!options_.fullscrape) return Error(HttpError::kInvalidParameter, context, out);
  if (options_.modest_fullscrapes) {
    const std::int64_t now = context.now.unix_seconds;
    if (last_fullscrape_.size() > 65536) {
      std::erase_if(last_fullscrape_, [now](const auto& e) { return now - e.second >= kModestIntervalSeconds; });
    }
    auto [it, fresh] = last_fullscrape_.try_emplace(client.ip, now);
    if (!fresh) {
      if (now - it->second < kModestIntervalSeconds) return Error(HttpError::kNotModest, context, out);
      it->second = now;
    }
  }
  if (Overloaded()) return Error(HttpError::kServerError, context, out);
  context.counters.Add(stats::Counter::kFullScrapes);
  if (options_.log_fullscrape) {
    char line[96];
    std::snprintf(line, sizeof(line), "[%08" PRId64 "] scrp:  ",
                  (context.now.unix_seconds - options_.started.unix_seconds) / 60);
    options_.log_fullscrape(line + proto::FormatIp(client.ip) + " - FULL SCRAPE");
  }
  return StartDump(stats::DumpFormat::kBencode, request.accept_gzip, request, token, cancelled, out);
}

}  // namespace ot::service
