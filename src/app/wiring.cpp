#include "app/wiring.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/random.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/access_fifo.hpp"
#include "app/completed_log.hpp"
#include "app/files.hpp"
#include "app/listeners.hpp"
#include "app/log.hpp"
#include "app/privileges.hpp"
#include "app/statefile.hpp"
#include "app/thread_priority.hpp"
#include "opentracker/access/access_control.hpp"
#include "opentracker/access/access_list.hpp"
#include "opentracker/net/reactor.hpp"
#include "opentracker/net/sockets.hpp"
#include "opentracker/net/udp_io.hpp"
#include "opentracker/proto/ip_text.hpp"
#include "opentracker/service/http_service.hpp"
#include "opentracker/service/stats_service.hpp"
#include "opentracker/service/tracker_core.hpp"
#include "opentracker/service/udp_service.hpp"
#include "opentracker/stats/counters.hpp"
#include "opentracker/sync/livesync.hpp"
#include "opentracker/tracker/torrent_store.hpp"
#include "opentracker/work/worker_pool.hpp"

namespace ot::app {

namespace {

constexpr int kExitPanic = 111;  // upstream's panic() status, kept for scripts that check it
constexpr std::size_t kWorkerThreads = 2;

access::ListMode ModeOf(config::AccessMode mode) {
  switch (mode) {
    case config::AccessMode::kWhitelist:
      return access::ListMode::kWhitelist;
    case config::AccessMode::kBlacklist:
      return access::ListMode::kBlacklist;
    case config::AccessMode::kOpen:
      break;
  }
  return access::ListMode::kOpen;
}

// Fans an announce out to every observer that is switched on.
class ObserverList final : public service::AnnounceObserver {
 public:
  void Add(service::AnnounceObserver* observer) { observers_.push_back(observer); }
  void OnAnnounce(const AnnounceRequest& request, const PeerEndpoint& peer, const tracker::AnnounceOutcome& outcome,
                  TimePoint now) override {
    for (service::AnnounceObserver* o : observers_) o->OnAnnounce(request, peer, outcome, now);
  }
  void OnStopped(const AnnounceRequest& request, const PeerEndpoint& peer, TimePoint now) override {
    for (service::AnnounceObserver* o : observers_) o->OnStopped(request, peer, now);
  }
  bool empty() const noexcept { return observers_.empty(); }

 private:
  std::vector<service::AnnounceObserver*> observers_;
};

// sync/ may not depend on service/ (layering), so the observer interface is
// adapted here.
class LivesyncObserver final : public service::AnnounceObserver {
 public:
  explicit LivesyncObserver(sync::Livesync& livesync) : livesync_(livesync) {}
  void OnAnnounce(const AnnounceRequest& request, const PeerEndpoint& peer, const tracker::AnnounceOutcome& outcome,
                  TimePoint now) override {
    livesync_.OnAnnounce(request, peer, outcome, now);
  }
  void OnStopped(const AnnounceRequest& request, const PeerEndpoint& peer, TimePoint now) override {
    livesync_.OnStopped(request, peer, now);
  }

 private:
  sync::Livesync& livesync_;
};

class Daemon {
 public:
  explicit Daemon(const config::Config& config)
      : config_(config),
        store_(tracker::StoreLimits{config.max_torrents, config.max_peers}),
        access_(ModeOf(config.access_mode)),
        issuer_(config.udp_connection_id_lifetime_seconds),
        core_(store_, &observers_),
        stats_access_(config.stats_networks) {
    if (config.syslog) observers_.Add(&completed_log_);
    if (config.spot_woodpeckers) observers_.Add(&woodpeckers_);
  }

  int Run();

 private:
  bool LoadAccessList(bool at_startup);

  void StartThreads();
  void StopThreads();
  void SignalLoop();
  void CleanerLoop(stats::CounterBlock& counters);

  const config::Config& config_;
  Sockets sockets_;
  tracker::TorrentStore store_;
  access::AccessControl access_;
  stats::CounterRegistry counters_;
  service::ConnectionIdIssuer issuer_;
  CompletedLog completed_log_;
  service::Woodpeckers woodpeckers_;
  service::FullLog full_log_;
  ObserverList observers_;
  service::TrackerCore core_;
  service::StatsAccess stats_access_;
  net::Reactor reactor_;
  work::WorkerPool pool_;

  std::unique_ptr<service::ThreadContext> reactor_context_;
  std::unique_ptr<service::StatsService> stats_;
  std::unique_ptr<service::HttpService> http_;
  std::unique_ptr<service::UdpService> reactor_udp_;
  struct UdpWorker {
    std::unique_ptr<service::ThreadContext> context;
    std::unique_ptr<service::UdpService> service;
    int fd = -1;
  };
  std::vector<std::unique_ptr<UdpWorker>> udp_workers_;
  std::unique_ptr<sync::Livesync> livesync_;
  std::unique_ptr<LivesyncObserver> livesync_observer_;

  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
};

bool Daemon::LoadAccessList(bool at_startup) {
  if (config_.access_mode == config::AccessMode::kOpen) return true;
  const std::string& path = config_.access_list_path;
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) {
    std::string what = "cannot read access list " + path + ": " + std::strerror(errno);
    if (at_startup) {
      LogWarning(what + (config_.access_mode == config::AccessMode::kWhitelist
                             ? "; refusing every torrent until it can be read (SIGHUP reloads)"
                             : "; allowing every torrent until it can be read (SIGHUP reloads)"));
    } else {
      LogWarning(what + "; keeping the previous list");
    }
    return false;
  }
  access::AccessListParse parsed = access::ParseAccessList(*text);
  if (parsed.list.size() == 0 && parsed.rejected_lines != 0 && !at_startup) {
    // Nothing but junk is a broken file (a truncated copy, a wrong path), not
    // an operator emptying the list: keep serving with the previous one.
    LogWarning("access list " + path + " has no valid info hash in " + std::to_string(parsed.rejected_lines) +
               " lines; keeping the previous list");
    return false;
  }
  std::size_t count = parsed.list.size();
  access_.ReplaceList(std::move(parsed.list));
  LogInfo(std::string(at_startup ? "loaded" : "reloaded") + " access list " + path + ": " + std::to_string(count) +
          " info hashes" +
          (parsed.rejected_lines != 0 ? ", " + std::to_string(parsed.rejected_lines) + " lines ignored" : ""));
  return true;
}

void Daemon::SignalLoop() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  while (!stopping_.load()) {
    timespec wait{0, 200 * 1000 * 1000};
    int sig = sigtimedwait(&set, nullptr, &wait);
    if (sig == SIGHUP) {
      LoadAccessList(false);
    } else if (sig == SIGINT || sig == SIGTERM) {
      reactor_.Stop();
      // A second signal kills at once, as upstream's restored default handler does.
      signal(SIGINT, SIG_DFL);
      signal(SIGTERM, SIG_DFL);
      sigset_t again;
      sigemptyset(&again);
      sigaddset(&again, SIGINT);
      sigaddset(&again, SIGTERM);
      pthread_sigmask(SIG_UNBLOCK, &again, nullptr);
      std::unique_lock lock(stop_mutex_);
      stop_cv_.wait(lock, [this] { return stopping_.load(); });
      return;
    }
  }
}

void Daemon::CleanerLoop(stats::CounterBlock& counters) {
  // One sweep over all shards takes about two minutes, as upstream's
  // clean thread (1024 buckets, 117 ms apart).
  const auto pause = std::chrono::microseconds(117'187 * 1024 / tracker::TorrentStore::kShardCount);
  std::unique_lock lock(stop_mutex_);
  while (!stopping_.load()) {
    for (std::size_t i = tracker::TorrentStore::kShardCount; i-- > 0 && !stopping_.load();) {
      lock.unlock();
      tracker::CleanOutcome cleaned = store_.CleanShard(i, WallClockNow().Minutes());
      if (cleaned.torrents_removed != 0) counters.Add(stats::Counter::kTorrentsRemoved, cleaned.torrents_removed);
      lock.lock();
      stop_cv_.wait_for(lock, pause, [this] { return stopping_.load(); });
    }
    woodpeckers_.Halve();  // once per sweep, as upstream's clean thread
  }
}

void Daemon::StartThreads() {
  for (std::size_t i = 0; i < kWorkerThreads; ++i) {
    stats::CounterBlock& block = counters_.NewBlock();
    threads_.emplace_back([this, &block] {
      RunInBackgroundClass();
      pool_.RunWorker(block);
    });
  }
  stats::CounterBlock& cleaner_counters = counters_.NewBlock();
  threads_.emplace_back([this, &cleaner_counters] { CleanerLoop(cleaner_counters); });
  for (auto& worker : udp_workers_) {
    UdpWorker* w = worker.get();
    threads_.emplace_back([this, w] {
      PreferPromptWakeups();
      net::RunUdpWorker(w->fd, *w->service, stopping_);
    });
  }
  if (!config_.fifo_add_path.empty()) {
    threads_.emplace_back([this] { RunAccessFifo(config_.fifo_add_path, FifoKind::kAdd, access_, stopping_); });
  }
  if (!config_.fifo_delete_path.empty()) {
    threads_.emplace_back(
        [this] { RunAccessFifo(config_.fifo_delete_path, FifoKind::kDelete, access_, stopping_); });
  }
  if (livesync_) threads_.emplace_back([this] { livesync_->Run(stopping_); });
  threads_.emplace_back([this] { SignalLoop(); });
}

void Daemon::StopThreads() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_.store(true);
  }
  stop_cv_.notify_all();
  pool_.Shutdown();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

int Daemon::Run() {
  std::string error;
  if (!OpenSockets(config_, sockets_, &error)) {
    LogError(error);
    return kExitPanic;
  }
  if (config_.livesync_listen) {
    // Bound as root, before the privilege drop, like every other socket.
    livesync_ = sync::Livesync::Open(*config_.livesync_listen, config_.livesync_networks, store_, access_,
                                     counters_.NewBlock(), &error);
    if (!livesync_) {
      LogError(error);
      sockets_.CloseAll();
      return kExitPanic;
    }
    livesync_observer_ = std::make_unique<LivesyncObserver>(*livesync_);
    observers_.Add(livesync_observer_.get());  // before any thread announces
    LogInfo("live sync on " + proto::FormatEndpoint(config_.livesync_listen->ip, config_.livesync_listen->port) +
            ", sending to 224.0.23.5:9696");
    if (config_.livesync_networks.empty()) {
      LogWarning("live sync: no livesync.cluster.node_ip (or -A) given, so every node's packets are ignored");
    }
  }
  PrepareAccessFifo(config_.fifo_add_path, config_.rootdir, config_.user);
  PrepareAccessFifo(config_.fifo_delete_path, config_.rootdir, config_.user);
  if (!DropPrivileges(config_.rootdir, config_.user, &error)) {
    LogError(error);
    sockets_.CloseAll();
    return kExitPanic;
  }
  // Before any torrent can be restored or announced, so restored state obeys
  // the list (upstream raced here, quirk 15).
  LoadAccessList(true);
  if (!config_.statefile_to_load.empty()) LoadStatefile(config_.statefile_to_load, false, store_, access_);
  if (!config_.statefile.empty()) LoadStatefile(config_.statefile, true, store_, access_);

  if (!reactor_.Init(&error)) {
    LogError(error);
    sockets_.CloseAll();
    return 1;
  }
  reactor_context_ = std::make_unique<service::ThreadContext>(counters_.NewBlock(), access_);
  service::StatsServiceOptions stats_options;
  stats_options.fullscrape = config_.fullscrape;
  stats_options.modest_fullscrapes = config_.modest_fullscrapes;
  stats_options.woodpeckers = config_.spot_woodpeckers ? &woodpeckers_ : nullptr;
  stats_options.log_numwant = config_.log_numwant;
  stats_options.full_log = config_.fulllog_networks ? &full_log_ : nullptr;
  stats_options.version = OT_VERSION;
  stats_options.started = WallClockNow();
  stats_options.log_fullscrape = [](const std::string& line) { Log(LogLevel::kInfo, line); };
  if (livesync_) {
    // One tracker id, as upstream's g_tracker_id: stats show the one sync uses.
    std::memcpy(&stats_options.tracker_id, livesync_->tracker_id().data(), sizeof(stats_options.tracker_id));
  } else if (getrandom(&stats_options.tracker_id, sizeof(stats_options.tracker_id), 0) !=
             static_cast<ssize_t>(sizeof(stats_options.tracker_id))) {
    stats_options.tracker_id = static_cast<std::uint32_t>(stats_options.started.unix_seconds);
  }
  stats_ = std::make_unique<service::StatsService>(
      stats_options, store_, counters_, pool_, [this](net::Completion c) { reactor_.Post(std::move(c)); },
      [this] { return static_cast<std::uint64_t>(reactor_.open_connections()); });
  service::HttpServiceOptions http_options;
  http_options.stats_path = config_.stats_path;
  http_options.redirect_url = config_.redirect_url;
  http_options.ip_from_query = config_.ip_from_query;
  http_options.proxy_networks = config_.proxy_networks;
  http_options.full_log = config_.fulllog_networks ? &full_log_ : nullptr;
  http_ = std::make_unique<service::HttpService>(http_options, core_, stats_access_, *stats_, *reactor_context_);
  reactor_udp_ = std::make_unique<service::UdpService>(core_, issuer_, *reactor_context_);

  for (int fd : sockets_.tcp) {
    reactor_.AddTcpListener(fd, *http_);
    LogInfo("listening on TCP " + net::LocalEndpointText(fd));
  }
  for (UdpGroup& group : sockets_.udp) {
    for (int fd : group.fds) {
      LogInfo("listening on UDP " + net::LocalEndpointText(fd) +
              (group.workers != 0 ? " (worker thread)" : ""));
      if (group.workers == 0) {
        reactor_.AddUdpSocket(fd, *reactor_udp_);
        continue;
      }
      auto w = std::make_unique<UdpWorker>();
      w->context = std::make_unique<service::ThreadContext>(counters_.NewBlock(), access_);
      w->service = std::make_unique<service::UdpService>(core_, issuer_, *w->context);
      w->fd = fd;
      udp_workers_.push_back(std::move(w));
    }
  }
  sockets_.tcp.clear();  // owned by the reactor from here on
  for (UdpGroup& group : sockets_.udp) {
    if (group.workers == 0) group.fds.clear();
  }

  if (livesync_) reactor_.AddTimer(1000, [this](TimePoint now) { livesync_->Flush(now); });
  StartThreads();
  PreferPromptWakeups();  // after StartThreads: the other threads keep the default
  reactor_.Run();
  StopThreads();
  if (livesync_) livesync_->FlushAll(WallClockNow());  // pending stops reach the cluster
  sockets_.CloseAll();  // the worker threads' UDP sockets
  if (!config_.statefile.empty()) WriteStatefile(config_.statefile, store_);
  LogInfo("stopped");
  return 0;
}

// Every connection is a descriptor: take the hard limit (root may have set
// it high for the service), instead of the soft 1024 a shell starts with.
void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int RunDaemon(const config::Config& config) {
  // Before any thread exists, so every thread inherits the mask: signals are
  // taken by the signal thread alone (sigtimedwait); writes to closed sockets
  // return EPIPE instead of killing the process.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  UseSyslog(config.syslog);
  RaiseDescriptorLimit();
  Daemon daemon(config);
  return daemon.Run();
}

}  // namespace ot::app
