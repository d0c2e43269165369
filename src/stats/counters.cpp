#include "opentracker/stats/counters.hpp"

namespace ot::stats {

namespace {

template <std::size_t N>
void AddAll(const std::array<std::atomic<std::uint64_t>, N>& from, std::array<std::uint64_t, N>& into) noexcept {
  for (std::size_t i = 0; i < N; ++i) into[i] += from[i].load(std::memory_order_relaxed);
}

}  // namespace

void CounterBlock::AccumulateInto(CounterSnapshot& into) const noexcept {
  AddAll(scalars_, into.scalars);
  AddAll(http_errors_, into.http_errors);
  AddAll(renew_, into.renew);
  AddAll(numwant_, into.numwant);
}

CounterBlock& CounterRegistry::NewBlock() {
  std::lock_guard lock(mutex_);
  return blocks_.emplace_back();
}

CounterSnapshot CounterRegistry::Sum() const {
  CounterSnapshot total;
  std::lock_guard lock(mutex_);
  for (const CounterBlock& b : blocks_) b.AccumulateInto(total);
  return total;
}

const char* CounterDescription(Counter c) noexcept {
  switch (c) {
#define OT_STATS_DESCRIBE(id, description) \
  case Counter::id:                        \
    return description;
    OT_STATS_SCALAR_COUNTERS(OT_STATS_DESCRIBE)
#undef OT_STATS_DESCRIBE
    case Counter::kCount:
      break;
  }
  return "";
}

}  // namespace ot::stats
