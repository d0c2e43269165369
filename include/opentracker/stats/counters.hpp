// File: stats/counters.hpp
// Every statistics counter, declared once (memcached's X-macro idea): the
// block layout, the summing and the renderers' names all come from this list.
// Each thread that counts (reactor, UDP workers, livesync, workers) owns one
// CounterBlock and is its only writer; readers sum all blocks. So counting is
// a plain store on the hot path, and totals are exact once threads are quiet
// (upstream's counters are unsynchronised globals, quirk 20).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>

#include "opentracker/core/http_error.hpp"

namespace ot::stats {

// X(id, upstream meaning)
#define OT_STATS_SCALAR_COUNTERS(X)                                             \
  X(kTcpAccepts, "TCP connections accepted")                                    \
  X(kTcpAnnounces, "HTTP announces answered (incl. stopped, not authorised)")   \
  X(kTcpScrapes, "HTTP scrapes answered")                                       \
  X(kTcpRequests, "HTTP requests received")                                     \
  X(kUdpPackets, "non-empty UDP datagrams received, garbage included")          \
  X(kUdpConnects, "UDP connects answered")                                      \
  X(kUdpAnnounces, "UDP announces answered")                                    \
  X(kUdpScrapes, "UDP scrapes answered")                                        \
  X(kUdpMismatches, "UDP connection id errors sent")                            \
  X(kUdpErrors, "UDP error replies other than id mismatches")                   \
  X(kCompleted, "completed events accepted")                                    \
  X(kFullScrapes, "full scrapes sent")                                          \
  X(kFullScrapeBytes, "bytes of full scrapes sent")                             \
  X(kLivesyncReceived, "peer records received through live sync")               \
  X(kPeersDropped, "new peers refused by tracker.max_peers")                    \
  X(kTorrentsRefused, "new torrents refused by tracker.max_torrents")           \
  X(kStartedEvents, "announces with event=started answered")                    \
  X(kStoppedEvents, "announces with event=stopped answered")                    \
  X(kTorrentsAdded, "torrents created")                                         \
  X(kTorrentsRemoved, "torrents removed (expired or no longer allowed)")

enum class Counter : std::uint8_t {
#define OT_STATS_ENUM(id, description) id,
  OT_STATS_SCALAR_COUNTERS(OT_STATS_ENUM)
#undef OT_STATS_ENUM
      kCount
};
inline constexpr std::size_t kScalarCounterCount = static_cast<std::size_t>(Counter::kCount);

inline constexpr std::size_t kRenewBuckets = 45;    // re-announces by the peer's previous age, minutes 0..44
inline constexpr std::size_t kNumwantBuckets = 201;  // HTTP numwant values after clamping, 0..200

// Totals at one moment (plain values, for renderers).
struct CounterSnapshot {
  std::array<std::uint64_t, kScalarCounterCount> scalars{};
  std::array<std::uint64_t, kHttpErrorCount> http_errors{};
  std::array<std::uint64_t, kRenewBuckets> renew{};
  std::array<std::uint64_t, kNumwantBuckets> numwant{};

  std::uint64_t operator[](Counter c) const noexcept { return scalars[static_cast<std::size_t>(c)]; }
};

// One thread's counters. Only the owning thread may call the Add* members.
class alignas(64) CounterBlock {
 public:
  void Add(Counter c, std::uint64_t n = 1) noexcept { Bump(scalars_[static_cast<std::size_t>(c)], n); }
  void AddHttpError(HttpError e) noexcept { Bump(http_errors_[static_cast<std::size_t>(e)], 1); }
  void AddRenew(unsigned previous_age) noexcept {
    if (previous_age < kRenewBuckets) Bump(renew_[previous_age], 1);
  }
  void AddNumwant(unsigned numwant) noexcept {
    if (numwant < kNumwantBuckets) Bump(numwant_[numwant], 1);
  }
  // Any thread: adds this block's values into `into`.
  void AccumulateInto(CounterSnapshot& into) const noexcept;

 private:
  // Single writer: a relaxed load and store, no locked instruction.
  static void Bump(std::atomic<std::uint64_t>& v, std::uint64_t n) noexcept {
    v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::array<std::atomic<std::uint64_t>, kScalarCounterCount> scalars_{};
  std::array<std::atomic<std::uint64_t>, kHttpErrorCount> http_errors_{};
  std::array<std::atomic<std::uint64_t>, kRenewBuckets> renew_{};
  std::array<std::atomic<std::uint64_t>, kNumwantBuckets> numwant_{};
};

// Owns every thread's block; blocks live as long as the registry.
class CounterRegistry {
 public:
  // Called once per counting thread, at wiring time.
  CounterBlock& NewBlock();
  CounterSnapshot Sum() const;

 private:
  mutable std::mutex mutex_;
  std::deque<CounterBlock> blocks_;  // deque: blocks never move
};

// "kTcpAccepts" -> its description, for /metrics HELP lines.
const char* CounterDescription(Counter c) noexcept;

}  // namespace ot::stats
