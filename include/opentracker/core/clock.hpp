// File: core/clock.hpp
// Time as a value. Threads read the clock once per loop iteration or batch and
// pass the result down; pure code (parsers, store, renderers) never asks the
// clock, so tests can drive expiry and key rotation with synthetic times.
#pragma once

#include <compare>
#include <cstdint>

namespace ot {

struct TimePoint {
  std::int64_t unix_seconds = 0;

  // Upstream keeps peer ages and torrent base times in whole minutes.
  std::uint32_t Minutes() const noexcept { return static_cast<std::uint32_t>(unix_seconds / 60); }

  friend auto operator<=>(const TimePoint&, const TimePoint&) = default;
};

// The real clock; only threads' loops call this (see README "Threads").
TimePoint WallClockNow() noexcept;
// Monotonic milliseconds, for time-outs and timers that must not jump.
std::int64_t MonotonicMillis() noexcept;

}  // namespace ot
