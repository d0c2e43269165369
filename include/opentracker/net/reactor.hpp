// File: net/reactor.hpp
// The event loop (redis ae.h in spirit): libowfat's io_wait (epoll) on one
// thread accepts TCP, frames HTTP requests, writes replies, serves UDP
// sockets that have no worker threads, runs timers and delivers completions
// posted by other threads. It moves bytes only: requests go to an
// HttpHandler, datagrams to a DatagramHandler. Every member except Post()
// and Stop() must be called on the reactor thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "opentracker/core/clock.hpp"
#include "opentracker/net/handler.hpp"

namespace ot::net {

struct ReactorOptions {
  std::int64_t idle_timeout_ms = 30'000;   // upstream's OT_CLIENT_TIMEOUT, counted from the last activity
  std::int64_t send_timeout_ms = 900'000;  // OT_CLIENT_TIMEOUT_SEND: a reply that makes no progress
  std::size_t max_request_size = 8192;     // longer header blocks get 500 (upstream)
  // Stop reading a pipelining client that does not read its replies past
  // this backlog: it bounds what one connection can make the tracker hold.
  std::size_t output_pause_bytes = 32 * 1024;
};

class Reactor {
 public:
  explicit Reactor(ReactorOptions options = {});
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Creates the wake-up pipe. False with `error` set on failure.
  bool Init(std::string* error);
  // The reactor takes ownership of the sockets (closes them on destruction).
  void AddTcpListener(int fd, HttpHandler& handler);
  void AddUdpSocket(int fd, DatagramHandler& handler);
  // `callback` runs on the reactor thread about every `period_ms`.
  void AddTimer(std::int64_t period_ms, std::function<void(TimePoint now)> callback);

  // Any thread: queue a completion for a deferred request. Completions for
  // connections that have gone (stale token) are dropped.
  void Post(Completion completion);
  // Any thread: make Run() return after the current iteration.
  void Stop();

  // Runs until Stop(). Returns false if the loop could not run.
  bool Run();

  // The time cached at the start of the current iteration.
  TimePoint now() const noexcept;
  std::size_t open_connections() const noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ot::net
