#include "opentracker/work/worker_pool.hpp"

#include <utility>

namespace ot::work {

bool WorkerPool::Submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (shut_down_) return false;
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::RunWorker(stats::CounterBlock& counters) {
  WorkerContext context{counters};
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return shut_down_ || !jobs_.empty(); });
      if (shut_down_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job(context);
  }
}

void WorkerPool::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    shut_down_ = true;
    jobs_.clear();
  }
  ready_.notify_all();
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

}  // namespace ot::work
