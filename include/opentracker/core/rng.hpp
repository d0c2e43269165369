// File: core/rng.hpp
// Per-thread pseudo-random numbers for announce intervals and peer selection.
// Upstream keeps one rand48 state per thread for the same reason: no shared
// state on the hot path. Not for secrets (see service/udp_connection_id.hpp).
#pragma once

#include <cstdint>
#include <random>

namespace ot {

class Rng {
 public:
  explicit Rng(std::uint32_t seed) : engine_(seed) {}
  // Seeds from the OS random source.
  static Rng FromEntropy() { return Rng(std::random_device{}()); }

  std::uint32_t Next() noexcept { return static_cast<std::uint32_t>(engine_()); }
  // Uniform enough in [0, bound) for bound << 2^32 (peer counts, 360 seconds).
  std::uint32_t Below(std::uint32_t bound) noexcept { return bound == 0 ? 0 : Next() % bound; }

 private:
  std::mt19937 engine_;
};

}  // namespace ot
