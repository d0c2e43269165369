#pragma once
// The request mix of ot-loadgen, independent of any transport: which torrent (Zipf-like popularity over
// --torrents hashes), which peer identity (an address on 127.0.0.0/8 and an announced port), which event,
// seeder or leecher. Every choice comes from a seeded generator, so two trackers benchmarked one after the
// other see the same stream of requests per socket. Used by loadgen.cpp; knows nothing of the tracker.

#include <netinet/in.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>

namespace ot::bench {

using Hash = std::array<std::uint8_t, 20>;

// xoshiro256** seeded through splitmix64: fast, good enough for load shapes, reproducible across runs.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept;
  std::uint64_t Next() noexcept;
  // Uniform in [0, n); n > 0 (Lemire's multiply-shift, bias below 2^-32 for our n).
  std::uint64_t Below(std::uint64_t n) noexcept;
  // Uniform in [0, 1).
  double Uniform01() noexcept { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  std::uint64_t s_[4];
};

// Zipf(s) over the ranks 1..n by rejection-inversion (Hörmann and Derflinger 1996): O(1) per draw and no
// table, so a million torrents cost nothing to set up. Rank 1 is the most popular torrent.
class ZipfSampler {
 public:
  ZipfSampler(std::uint64_t n, double exponent) noexcept;
  std::uint64_t Sample(Rng& rng) const noexcept;  // in [1, n]

 private:
  double H(double x) const noexcept;          // x^-s
  double HIntegral(double x) const noexcept;  // an antiderivative of H
  double HIntegralInverse(double x) const noexcept;

  std::uint64_t n_;
  double s_;
  double h_integral_x1_;
  double h_integral_n_;
  double threshold_;
};

// The info hash of torrent `index` (0-based): a bijective 64-bit mix of the index in the first 8 bytes (so
// no two torrents collide), more mixing in the rest. Popular (low) indices are spread over the hash space.
Hash InfoHashOf(std::uint64_t index) noexcept;
// 40 uppercase hex digits of InfoHashOf(index): the whitelist line format.
std::string InfoHashHex(std::uint64_t index);

// Peer identities: peer p announces from address p % addresses with port p / addresses + 1, so `peers`
// identities need at least ceil(peers / 65535) source addresses (UDP trackers take the address from the
// datagram, HTTP trackers from the connection; only the port is ours to choose).
class PeerSpace {
 public:
  PeerSpace(std::uint64_t peers, std::uint32_t addresses) noexcept : peers_(peers), addresses_(addresses) {}
  static std::uint32_t MinAddresses(std::uint64_t peers) noexcept {
    return static_cast<std::uint32_t>((peers + 65534) / 65535);
  }
  std::uint64_t peers() const noexcept { return peers_; }
  std::uint32_t addresses() const noexcept { return addresses_; }
  std::uint32_t AddressOf(std::uint64_t peer) const noexcept {
    return static_cast<std::uint32_t>(peer % addresses_);
  }
  std::uint16_t PortOf(std::uint64_t peer) const noexcept {
    return static_cast<std::uint16_t>(peer / addresses_ + 1);
  }
  // A uniformly drawn peer among those that announce from `address`.
  std::uint64_t PeerAt(std::uint32_t address, Rng& rng) const noexcept;

 private:
  std::uint64_t peers_;
  std::uint32_t addresses_;
};

// Source address number a: 127.0.1.1, 127.0.1.2, ... 127.0.1.254, 127.0.2.1, ... (host byte order). The
// tracker listens on 127.0.0.1, which is never one of these.
std::uint32_t SourceAddress(std::uint32_t a) noexcept;
sockaddr_in SockaddrOf(std::uint32_t host_order_ip, std::uint16_t port) noexcept;

// BEP 15 event numbers (HTTP uses the names).
enum class Event : std::uint32_t { kNone = 0, kCompleted = 1, kStarted = 2, kStopped = 3 };
const char* EventName(Event e) noexcept;  // "" for kNone

struct AnnounceSpec {
  std::uint64_t torrent = 0;
  std::uint64_t peer = 0;
  Event event = Event::kNone;
  std::uint64_t left = 0;  // 0: seeder
  std::uint32_t key = 0;
};

inline constexpr int kMaxScrapeHashes = 10;

struct ScrapeSpec {
  int count = 0;
  std::uint64_t torrents[kMaxScrapeHashes] = {};  // distinct
};

struct WorkloadOptions {
  std::uint64_t torrents = 1'000'000;
  std::uint64_t peers = 2'000'000;
  double zipf_exponent = 1.0;
  double seeder_fraction = 0.75;
  int scrape_every = 100;  // one scrape per this many announces; 0: none
};

class Workload {
 public:
  Workload(const WorkloadOptions& options, const PeerSpace& space) noexcept;
  const WorkloadOptions& options() const noexcept { return options_; }
  const PeerSpace& space() const noexcept { return space_; }

  // A steady-state announce by a random peer of `address`: torrent by popularity, a few
  // started/completed/stopped events, seeder or leecher as fixed for that (torrent, peer).
  AnnounceSpec Announce(Rng& rng, std::uint32_t address) const noexcept;
  // The preload announce of (torrent, peer): event started.
  AnnounceSpec PreloadAnnounce(std::uint64_t torrent, std::uint64_t peer, Rng& rng) const noexcept;
  // 1..10 distinct torrents by popularity.
  ScrapeSpec Scrape(Rng& rng) const noexcept;
  // True once every scrape_every+1 requests of this counter: the announce:scrape mix.
  bool ScrapeTurn(std::uint64_t& counter) const noexcept;

 private:
  bool IsSeeder(std::uint64_t torrent, std::uint64_t peer) const noexcept;

  WorkloadOptions options_;
  PeerSpace space_;
  ZipfSampler zipf_;
};

// Which announces the preload phase sends: {(k mod torrents, k mod peers) : k < max(torrents, peers)}, so
// every torrent and every peer is announced at least once. A cursor walks the announces whose peer is on
// one address (address, address + A, ...), so a UDP socket bound to that address can send them.
class PreloadCursor {
 public:
  PreloadCursor() = default;
  PreloadCursor(std::uint64_t torrents, const PeerSpace& space, std::uint32_t address) noexcept;
  // The next (torrent, peer); false when this address has no more.
  bool Next(std::uint64_t* torrent, std::uint64_t* peer) noexcept;
  std::uint64_t Total() const noexcept;  // announces this cursor yields in all

 private:
  std::uint64_t torrents_ = 0;
  std::uint64_t peers_ = 0;
  std::uint64_t stride_ = 1;
  std::uint64_t peer_ = 0;  // current peer on this address
  std::uint64_t k_ = 0;     // current k for that peer: peer_, peer_ + peers, ...
  std::uint64_t limit_ = 0;  // max(torrents, peers)
  std::uint32_t address_ = 0;
};

}  // namespace ot::bench
