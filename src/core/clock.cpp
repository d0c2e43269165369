#include "opentracker/core/clock.hpp"

#include <ctime>

namespace ot {

TimePoint WallClockNow() noexcept {
  timespec ts{};
  // Coarse is enough: upstream's clock only had 5-second resolution.
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return TimePoint{ts.tv_sec};
}

std::int64_t MonotonicMillis() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace ot
