// File: work/worker_pool.hpp
// A fixed set of threads for the heavy answers (full scrapes, statistics that
// walk the store, dumps), nginx's thread pool in spirit: the reactor submits
// a job and goes on; the job posts its result back through the reactor,
// which alone writes to sockets. Threads are started by app/wiring.cpp,
// which calls RunWorker() on each; Shutdown() makes them return.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

#include "opentracker/stats/counters.hpp"

namespace ot::work {

// What a job may use on the worker thread running it.
struct WorkerContext {
  stats::CounterBlock& counters;  // this worker's own block
};

class WorkerPool {
 public:
  using Job = std::function<void(WorkerContext&)>;

  // Any thread. False after Shutdown() (the job is not run).
  bool Submit(Job job);
  // The body of one worker thread: runs jobs until Shutdown().
  void RunWorker(stats::CounterBlock& counters);
  // Wakes all workers; queued jobs that have not started are dropped.
  void Shutdown();

  std::size_t queued() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  bool shut_down_ = false;
};

}  // namespace ot::work
