#include "opentracker/net/reactor.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "net/owfat_io.hpp"
#include "opentracker/net/sockets.hpp"
#include "opentracker/net/udp_io.hpp"
#include "opentracker/proto/http_request.hpp"

namespace ot::net {

namespace {

constexpr std::int64_t kMaxWaitMs = 1000;
constexpr std::int64_t kLingerMs = 2000;          // reading out a closing client so it sees our reply, not a RST
constexpr std::size_t kAcceptsPerWakeup = 64;
constexpr std::size_t kUdpBatchesPerWakeup = 8;
constexpr std::size_t kResumeBelowBytes = 64 * 1024;  // ask a streaming producer for more below this backlog
constexpr std::size_t kWriteSlice = 256 * 1024;       // per connection and wake-up, so one stream cannot hog the loop

enum class Kind : std::uint8_t { kListener, kUdp, kWakeup, kConnection };

struct Watched {
  explicit Watched(Kind k) : kind(k) {}
  Kind kind;
};

struct Listener : Watched {
  Listener(int f, HttpHandler& h) : Watched(Kind::kListener), fd(f), handler(h) {}
  int fd;
  HttpHandler& handler;
  IpAddress local_ip;
  std::uint16_t local_port = 0;
  std::int64_t paused_until_ms = 0;  // out of file descriptors: retry later
};

struct UdpEndpoint : Watched {
  UdpEndpoint(int f, DatagramHandler& h) : Watched(Kind::kUdp), fd(f), io(f, h) {}
  int fd;
  UdpBatchIo io;
};

struct Connection : Watched {
  Connection() : Watched(Kind::kConnection) {}
  int fd = -1;
  std::uint64_t generation = 0;
  HttpHandler* handler = nullptr;
  ClientInfo client;
  std::string in;
  std::string out;
  std::size_t out_sent = 0;
  CancelFlag cancelled;  // made when a request is deferred: most connections never need one
  std::function<void()> resume;  // a streaming producer waiting for the backlog to shrink
  std::int64_t last_activity_ms = 0;
  bool reading = false;          // io_wantread is on
  bool waiting = false;          // a deferred answer is being produced
  bool close_after_output = false;
  bool eof = false;              // the client half-closed
  bool lingering = false;        // our side is shut down; discarding input until the client closes
  bool dead = false;

  std::size_t Backlog() const noexcept { return out.size() - out_sent; }
};

}  // namespace

class Reactor::Impl {
 public:
  explicit Impl(ReactorOptions options) : options_(options) {}
  ~Impl();

  bool Init(std::string* error);
  void AddTcpListener(int fd, HttpHandler& handler);
  void AddUdpSocket(int fd, DatagramHandler& handler);
  void AddTimer(std::int64_t period_ms, std::function<void(TimePoint)> callback) {
    timers_.push_back(Timer{period_ms, MonotonicMillis() + period_ms, std::move(callback)});
  }
  void Post(Completion completion);
  void Stop() {
    stop_.store(true, std::memory_order_release);
    Wake();
  }
  bool Run();
  TimePoint now() const noexcept { return now_; }
  std::size_t open_connections() const noexcept { return open_connections_; }

 private:
  struct Timer {
    std::int64_t period_ms;
    std::int64_t due_ms;
    std::function<void(TimePoint)> callback;
  };

  void Wake();
  void RefreshClock() {
    now_ = WallClockNow();
    now_ms_ = MonotonicMillis();
  }
  void OnReadable(std::int64_t fd);
  void OnWritable(std::int64_t fd);
  void Accept(Listener& listener);
  void ServeUdp(UdpEndpoint& endpoint);
  void DrainWakeups();
  void Deliver(Completion& completion);
  void ReadFrom(Connection& c);
  void Pump(Connection& c);
  bool ProcessRequests(Connection& c);
  bool Flush(Connection& c);
  void SetReading(Connection& c, bool on);
  void Close(Connection& c);
  void StartLinger(Connection& c);
  void SweepTimeouts();
  void RunTimers();
  void ReapClosed();
  Connection* Lookup(const ConnectionToken& token);

  const ReactorOptions options_;
  std::int64_t wake_fds_[2] = {-1, -1};
  Watched wake_watch_{Kind::kWakeup};
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::unique_ptr<UdpEndpoint>> udp_;
  std::vector<std::unique_ptr<Connection>> connections_;  // indexed by fd
  std::vector<Connection*> closing_;
  std::size_t open_connections_ = 0;
  std::uint64_t next_generation_ = 1;
  std::vector<Timer> timers_;
  std::int64_t next_sweep_ms_ = 0;

  std::mutex posted_mutex_;
  std::vector<Completion> posted_;
  std::vector<Completion> delivering_;
  std::atomic<bool> wake_pending_{false};
  std::atomic<bool> stop_{false};

  TimePoint now_;
  std::int64_t now_ms_ = 0;
  std::string reply_;  // scratch for one request's reply
};

Reactor::Impl::~Impl() {
  for (auto& c : connections_) {
    if (c) io_close(c->fd);
  }
  for (auto& l : listeners_) io_close(l->fd);
  for (auto& u : udp_) io_close(u->fd);
  if (wake_fds_[0] >= 0) io_close(wake_fds_[0]);
  if (wake_fds_[1] >= 0) io_close(wake_fds_[1]);
}

bool Reactor::Impl::Init(std::string* error) {
  if (!io_pipe(wake_fds_)) {
    if (error != nullptr) *error = std::string("cannot create the wake-up pipe: ") + std::strerror(errno);
    return false;
  }
  io_nonblock(wake_fds_[0]);
  io_nonblock(wake_fds_[1]);
  io_setcookie(wake_fds_[0], &wake_watch_);
  io_wantread(wake_fds_[0]);
  RefreshClock();
  return true;
}

void Reactor::Impl::AddTcpListener(int fd, HttpHandler& handler) {
  auto listener = std::make_unique<Listener>(fd, handler);
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    ToIpAndPort(address, &listener->local_ip, &listener->local_port);
  }
  io_fd(fd);
  io_nonblock(fd);
  io_setcookie(fd, listener.get());
  io_wantread(fd);
  listeners_.push_back(std::move(listener));
}

void Reactor::Impl::AddUdpSocket(int fd, DatagramHandler& handler) {
  auto endpoint = std::make_unique<UdpEndpoint>(fd, handler);
  io_fd(fd);
  io_nonblock(fd);
  io_setcookie(fd, endpoint.get());
  io_wantread(fd);
  udp_.push_back(std::move(endpoint));
}

void Reactor::Impl::Wake() {
  if (!wake_pending_.exchange(true, std::memory_order_acq_rel)) {
    char byte = 0;
    // A full pipe already guarantees a wake-up; nothing to do on failure.
    [[maybe_unused]] ssize_t ignored = write(static_cast<int>(wake_fds_[1]), &byte, 1);
  }
}

void Reactor::Impl::Post(Completion completion) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(completion));
  }
  Wake();
}

bool Reactor::Impl::Run() {
  while (!stop_.load(std::memory_order_acquire)) {
    std::int64_t wait_ms = kMaxWaitMs;
    for (const Timer& t : timers_) wait_ms = std::min(wait_ms, std::max<std::int64_t>(0, t.due_ms - now_ms_));
    io_waituntil2(wait_ms);
    RefreshClock();
    std::int64_t fd;
    while ((fd = io_canread()) != -1) OnReadable(fd);
    while ((fd = io_canwrite()) != -1) OnWritable(fd);
    RunTimers();
    if (now_ms_ >= next_sweep_ms_) {
      SweepTimeouts();
      next_sweep_ms_ = now_ms_ + 1000;
    }
    ReapClosed();
  }
  return true;
}

void Reactor::Impl::OnReadable(std::int64_t fd) {
  auto* watched = static_cast<Watched*>(io_getcookie(fd));
  if (watched == nullptr) return;
  switch (watched->kind) {
    case Kind::kListener:
      Accept(*static_cast<Listener*>(watched));
      break;
    case Kind::kUdp:
      ServeUdp(*static_cast<UdpEndpoint*>(watched));
      break;
    case Kind::kWakeup:
      DrainWakeups();
      break;
    case Kind::kConnection: {
      auto* c = static_cast<Connection*>(watched);
      if (!c->dead) ReadFrom(*c);
      break;
    }
  }
}

void Reactor::Impl::OnWritable(std::int64_t fd) {
  auto* watched = static_cast<Watched*>(io_getcookie(fd));
  if (watched == nullptr || watched->kind != Kind::kConnection) return;
  auto* c = static_cast<Connection*>(watched);
  if (!c->dead) Pump(*c);
}

void Reactor::Impl::Accept(Listener& listener) {
  if (listener.paused_until_ms > now_ms_) return;
  for (std::size_t i = 0; i < kAcceptsPerWakeup; ++i) {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    int fd = accept4(listener.fd, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        io_eagain_read(listener.fd);
      } else if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: stop accepting for a moment instead of spinning.
        listener.paused_until_ms = now_ms_ + 100;
        owfat::StopReading(listener.fd);
      }
      return;
    }
    // accept4 made it non-blocking: telling libowfat saves its fcntl. (Not
    // IO_FD_CANWRITE: libowfat then keeps the fd in its ready-to-write queue
    // and io_wait stops sleeping.)
    if (!io_fd_flags(fd, IO_FD_NONBLOCK)) {
      close(fd);
      continue;
    }
    if (static_cast<std::size_t>(fd) >= connections_.size()) connections_.resize(static_cast<std::size_t>(fd) + 1);
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->generation = next_generation_++;
    c->handler = &listener.handler;
    ToIpAndPort(address, &c->client.ip, &c->client.port);
    c->client.local_ip = listener.local_ip;
    c->client.local_port = listener.local_port;
    c->last_activity_ms = now_ms_;
    io_setcookie(fd, c.get());
    Connection& ref = *c;
    connections_[static_cast<std::size_t>(fd)] = std::move(c);
    ++open_connections_;
    listener.handler.OnAccept(ref.client);
    // A client usually sends its request right after connecting: read it now
    // and, for a one-shot request, answer and close before epoll ever hears
    // of the socket. Only a connection that waits gets registered.
    ReadFrom(ref);
    if (!ref.dead && !ref.reading && !ref.waiting && !ref.close_after_output && !ref.lingering && !ref.eof &&
        ref.Backlog() <= options_.output_pause_bytes) {
      SetReading(ref, true);
    }
  }
}

void Reactor::Impl::ServeUdp(UdpEndpoint& endpoint) {
  for (std::size_t i = 0; i < kUdpBatchesPerWakeup; ++i) {
    int received = endpoint.io.ServeOnce(now_);
    if (received == 0) {
      io_eagain_read(endpoint.fd);
      return;
    }
    if (received < 0) return;  // e.g. ICMP-reported errors: try again on the next wake-up
  }
}

void Reactor::Impl::DrainWakeups() {
  char buffer[256];
  while (io_tryread(wake_fds_[0], buffer, sizeof(buffer)) > 0) {
  }
  wake_pending_.store(false, std::memory_order_release);
  {
    std::lock_guard lock(posted_mutex_);
    delivering_.swap(posted_);
  }
  for (Completion& completion : delivering_) Deliver(completion);
  delivering_.clear();
}

Connection* Reactor::Impl::Lookup(const ConnectionToken& token) {
  if (token.fd < 0 || static_cast<std::size_t>(token.fd) >= connections_.size()) return nullptr;
  Connection* c = connections_[static_cast<std::size_t>(token.fd)].get();
  if (c == nullptr || c->dead || c->generation != token.generation) return nullptr;
  return c;
}

void Reactor::Impl::Deliver(Completion& completion) {
  Connection* c = Lookup(completion.token);
  if (c == nullptr) return;  // the client went away; its job already saw the cancel flag
  if (c->Backlog() == 0) {
    c->out = std::move(completion.bytes);  // a streamed chunk is large: no copy
    c->out_sent = 0;
  } else {
    c->out.append(completion.bytes);
  }
  if (completion.last) {
    c->waiting = false;
    c->resume = nullptr;
    if (completion.close_after) c->close_after_output = true;
  } else {
    c->resume = std::move(completion.resume);
  }
  Pump(*c);
}

void Reactor::Impl::SetReading(Connection& c, bool on) {
  if (c.reading == on) return;
  c.reading = on;
  if (on) {
    io_wantread(c.fd);
  } else {
    owfat::StopReading(c.fd);
  }
}

void Reactor::Impl::ReadFrom(Connection& c) {
  char buffer[8192];
  std::int64_t n = io_tryread(c.fd, buffer, sizeof(buffer));
  if (n == -1) return;  // EAGAIN
  if (n == 0 && !c.lingering) {
    // Half-closed: finish what was asked, then close.
    c.eof = true;
    SetReading(c, false);
    Pump(c);
    return;
  }
  if (n <= 0) {
    Close(c);
    return;
  }
  c.last_activity_ms = now_ms_;
  if (c.lingering) return;  // discarded
  c.in.append(buffer, static_cast<std::size_t>(n));
  Pump(c);
}

// Works a connection until it has to wait for the client or for a deferred
// answer: answers buffered requests in order and writes what is queued,
// pausing reads while a reply backlog builds up. Terminates because each
// round consumes buffered input or stops at an unwritable socket.
void Reactor::Impl::Pump(Connection& c) {
  while (!c.dead) {
    if (!ProcessRequests(c) || !Flush(c)) return;
    if (c.resume && c.Backlog() < kResumeBelowBytes) {
      std::function<void()> resume = std::move(c.resume);
      c.resume = nullptr;
      resume();  // the producer posts the next chunk
    }
    if (c.Backlog() != 0 || c.waiting) return;  // a writable event or a Deliver continues
    if (c.close_after_output) {
      StartLinger(c);
      return;
    }
    if (c.eof) {
      if (c.in.empty() || !proto::FindHeaderEnd(c.in)) {
        Close(c);
        return;
      }
      continue;  // answer the rest of what the client sent before closing its side
    }
    SetReading(c, true);
    if (!proto::FindHeaderEnd(c.in) && c.in.size() <= options_.max_request_size) return;
  }
}

// Answers complete requests in the input buffer, in order. False if the
// connection was closed.
bool Reactor::Impl::ProcessRequests(Connection& c) {
  while (!c.dead && !c.waiting && !c.close_after_output && !c.lingering) {
    if (c.Backlog() > options_.output_pause_bytes) {
      SetReading(c, false);  // resumed by Pump once the client has read its replies
      return true;
    }
    std::optional<std::size_t> end = proto::FindHeaderEnd(c.in);
    if (!end || *end > options_.max_request_size) {
      if (c.in.size() <= options_.max_request_size) return true;  // need more bytes
      reply_.clear();
      c.handler->OnOversizedRequest(c.client, now_, reply_);
      c.out.append(reply_);
      c.close_after_output = true;  // what is left in `in` decides on a lingering close
      SetReading(c, false);
      return true;
    }
    reply_.clear();
    if (!c.cancelled) c.cancelled = std::make_shared<std::atomic<bool>>(false);
    HttpDisposition disposition =
        c.handler->OnRequest(std::string_view(c.in).substr(0, *end), c.client,
                             ConnectionToken{c.fd, c.generation}, c.cancelled, now_, reply_);
    c.in.erase(0, *end);
    c.out.append(reply_);
    switch (disposition) {
      case HttpDisposition::kReply:
        break;
      case HttpDisposition::kReplyAndClose:
        c.close_after_output = true;  // anything left in `in` stays unanswered
        SetReading(c, false);
        break;
      case HttpDisposition::kDeferred:
        c.waiting = true;
        SetReading(c, false);
        break;
      case HttpDisposition::kCloseSilently:
        Close(c);
        return false;
    }
  }
  return !c.dead;
}

// Writes queued bytes. False if the connection was closed.
bool Reactor::Impl::Flush(Connection& c) {
  std::size_t written = 0;
  while (c.Backlog() > 0) {
    if (written >= kWriteSlice) {
      io_wantwrite(c.fd);  // the rest on a later wake-up, after other clients had their turn
      return true;
    }
    std::int64_t n = -1;
    if (c.close_after_output && !c.waiting && !c.lingering && c.Backlog() <= kWriteSlice) {
      // The connection's last bytes: held back (MSG_MORE) until the FIN is
      // queued right after, so reply and FIN leave as one segment and the
      // client acknowledges both at once; saves a packet per connection.
      // StartLinger queues that FIN.
      n = send(c.fd, c.out.data() + c.out_sent, c.Backlog(), MSG_MORE | MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    if (n <= 0) {
      // libowfat keeps its own idea of writability: let it see the EAGAIN.
      n = io_trywrite(c.fd, c.out.data() + c.out_sent,
                      static_cast<std::int64_t>(std::min(c.Backlog(), kWriteSlice)));
    }
    if (n == -1) {
      io_wantwrite(c.fd);
      return true;
    }
    if (n <= 0) {
      Close(c);
      return false;
    }
    c.out_sent += static_cast<std::size_t>(n);
    written += static_cast<std::size_t>(n);
    c.last_activity_ms = now_ms_;
    if (c.resume && c.Backlog() < kResumeBelowBytes) break;
  }
  if (c.Backlog() == 0) {
    c.out.clear();
    c.out_sent = 0;
    owfat::StopWriting(c.fd);
  } else if (c.out_sent > (1u << 20)) {
    c.out.erase(0, c.out_sent);  // keep a long stream's buffer from growing
    c.out_sent = 0;
  }
  return true;
}

void Reactor::Impl::StartLinger(Connection& c) {
  // The FIN goes now, with the reply Flush held back by MSG_MORE (close()
  // itself comes only at the end of the loop turn).
  shutdown(c.fd, SHUT_WR);
  // With unread bytes from the client (a pipelined request after one that
  // closes, a body), close() would answer them with a RST that can destroy
  // the reply in flight: read the rest out first (nginx's lingering close).
  // Otherwise close at once, as upstream does.
  if (c.in.empty() || c.eof) {
    Close(c);
    return;
  }
  c.lingering = true;
  c.in.clear();
  c.last_activity_ms = now_ms_;
  SetReading(c, true);
}

void Reactor::Impl::Close(Connection& c) {
  if (c.dead) return;
  c.dead = true;
  if (c.cancelled) c.cancelled->store(true, std::memory_order_release);
  c.resume = nullptr;
  SetReading(c, false);
  owfat::StopWriting(c.fd);
  closing_.push_back(&c);
}

void Reactor::Impl::ReapClosed() {
  for (Connection* c : closing_) {
    int fd = c->fd;
    io_close(fd);
    connections_[static_cast<std::size_t>(fd)].reset();
    --open_connections_;
  }
  closing_.clear();
}

void Reactor::Impl::SweepTimeouts() {
  for (auto& slot : connections_) {
    Connection* c = slot.get();
    if (c == nullptr || c->dead) continue;
    std::int64_t idle = now_ms_ - c->last_activity_ms;
    if (c->lingering) {
      if (idle >= kLingerMs) Close(*c);
    } else if (c->Backlog() > 0) {
      if (idle >= options_.send_timeout_ms) Close(*c);
    } else if (!c->waiting && idle >= options_.idle_timeout_ms) {
      Close(*c);
    }
  }
  for (auto& l : listeners_) {
    if (l->paused_until_ms != 0 && l->paused_until_ms <= now_ms_) {
      l->paused_until_ms = 0;
      io_wantread(l->fd);
    }
  }
}

void Reactor::Impl::RunTimers() {
  for (Timer& t : timers_) {
    if (t.due_ms > now_ms_) continue;
    t.due_ms = now_ms_ + t.period_ms;
    t.callback(now_);
  }
}

Reactor::Reactor(ReactorOptions options) : impl_(std::make_unique<Impl>(options)) {}
Reactor::~Reactor() = default;
bool Reactor::Init(std::string* error) { return impl_->Init(error); }
void Reactor::AddTcpListener(int fd, HttpHandler& handler) { impl_->AddTcpListener(fd, handler); }
void Reactor::AddUdpSocket(int fd, DatagramHandler& handler) { impl_->AddUdpSocket(fd, handler); }
void Reactor::AddTimer(std::int64_t period_ms, std::function<void(TimePoint)> callback) {
  impl_->AddTimer(period_ms, std::move(callback));
}
void Reactor::Post(Completion completion) { impl_->Post(std::move(completion)); }
void Reactor::Stop() { impl_->Stop(); }
bool Reactor::Run() { return impl_->Run(); }
TimePoint Reactor::now() const noexcept { return impl_->now(); }
std::size_t Reactor::open_connections() const noexcept { return impl_->open_connections(); }

}  // namespace ot::net
