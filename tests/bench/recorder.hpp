#pragma once
// Counting for ot-loadgen: per-phase counters (preload, warm-up, measured), latency samples and reply sizes
// of measured requests, and the summary line (key=value pairs) that scripts/bench parses.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "validate.hpp"

namespace ot::bench {

enum Phase : std::uint8_t { kPreload = 0, kWarmup = 1, kMeasure = 2 };
inline constexpr int kPhases = 3;

struct PhaseCounters {
  std::uint64_t sent = 0;
  std::uint64_t responses = 0;  // valid announce and scrape replies
  std::uint64_t announces = 0;
  std::uint64_t scrapes = 0;
  std::uint64_t errors = 0;  // invalid replies and failed exchanges (timeouts not included)
  std::uint64_t timeouts = 0;
  std::uint64_t late = 0;      // replies to requests already given up (timed out)
  std::uint64_t connects = 0;  // BEP 15 connects answered / TCP connections made
  std::uint64_t retries = 0;   // HTTP: request re-sent on a fresh connection after the server closed
  std::uint64_t reply_bytes = 0;
  std::uint64_t error_kinds[static_cast<int>(ErrorKind::kCount)] = {};
};

class Recorder {
 public:
  static constexpr std::size_t kMaxSize = 16384;         // sizes above are counted in the last bucket
  static constexpr std::size_t kMaxSamples = 32u << 20;  // latency samples kept (128 MiB)

  Recorder() : sizes_(kMaxSize + 1, 0) {}

  PhaseCounters& Of(Phase p) { return phases_[p]; }
  const PhaseCounters& Of(Phase p) const { return phases_[p]; }

  void Response(Phase p, bool scrape, std::size_t bytes, std::int64_t latency_ns, std::int64_t now_ns) {
    PhaseCounters& c = phases_[p];
    ++c.responses;
    ++(scrape ? c.scrapes : c.announces);
    c.reply_bytes += bytes;
    if (p != kMeasure) return;
    ++sizes_[std::min(bytes, kMaxSize)];
    if (latency_us_.size() < kMaxSamples) {
      latency_us_.push_back(
          static_cast<std::uint32_t>(std::min<std::int64_t>(latency_ns / 1000, UINT32_MAX)));
    }
    last_measured_ns_ = std::max(last_measured_ns_, now_ns);
  }
  void Error(Phase p, ErrorKind kind, std::int64_t now_ns) {
    ++phases_[p].errors;
    ++phases_[p].error_kinds[static_cast<int>(kind)];
    if (p == kMeasure) last_measured_ns_ = std::max(last_measured_ns_, now_ns);
  }
  void Timeout(Phase p, std::int64_t now_ns) {
    ++phases_[p].timeouts;
    if (p == kMeasure) last_measured_ns_ = std::max(last_measured_ns_, now_ns);
  }
  std::int64_t last_measured_ns() const { return last_measured_ns_; }

  // Percentile q (0..1) of the kept latency samples, microseconds; 0 with none.
  std::uint32_t LatencyPercentile(double q) {
    if (latency_us_.empty()) return 0;
    if (!sorted_) {
      std::sort(latency_us_.begin(), latency_us_.end());
      sorted_ = true;
    }
    const std::size_t i = std::min(latency_us_.size() - 1, static_cast<std::size_t>(q * latency_us_.size()));
    return latency_us_[i];
  }
  std::size_t latency_samples() const { return latency_us_.size(); }
  std::size_t SizePercentile(double q) const {
    std::uint64_t total = 0;
    for (std::uint64_t n : sizes_) total += n;
    if (total == 0) return 0;
    const std::uint64_t rank = std::min<std::uint64_t>(total - 1, static_cast<std::uint64_t>(q * total));
    std::uint64_t seen = 0;
    for (std::size_t s = 0; s < sizes_.size(); ++s) {
      seen += sizes_[s];
      if (seen > rank) return s;
    }
    return kMaxSize;
  }

 private:
  PhaseCounters phases_[kPhases];
  std::vector<std::uint32_t> latency_us_;
  std::vector<std::uint64_t> sizes_;
  std::int64_t last_measured_ns_ = 0;
  bool sorted_ = false;
};

}  // namespace ot::bench
