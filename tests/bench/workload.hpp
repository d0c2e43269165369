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
#include <vector>

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

// Swarm sizes: torrent of rank r (index r - 1) has max(1, ~C / r^s) members, C chosen so that the sizes add
// up to `memberships` exactly. An announce picks a membership uniformly (every peer re-announces at the same
// rate), so torrent popularity is Zipf-like with exponent s, floored at one peer per torrent.
class SwarmTable {
 public:
  SwarmTable(std::uint64_t torrents, std::uint64_t memberships, double exponent);
  std::uint64_t memberships() const noexcept { return cumulative_.back(); }
  std::uint64_t torrents() const noexcept { return cumulative_.size() - 1; }
  std::uint64_t SizeOf(std::uint64_t torrent) const noexcept {
    return cumulative_[torrent + 1] - cumulative_[torrent];
  }
  // The torrent (index) membership m belongs to; m < memberships().
  std::uint64_t TorrentOf(std::uint64_t m) const noexcept;

 private:
  std::vector<std::uint64_t> cumulative_;  // cumulative_[t] = first membership of torrent t
};

// The info hash of torrent `index` (0-based): a bijective 64-bit mix of the index in the first 8 bytes (so
// no two torrents collide), more mixing in the rest. Popular (low) indices are spread over the hash space.
Hash InfoHashOf(std::uint64_t index) noexcept;
// 40 uppercase hex digits of InfoHashOf(index): the whitelist line format.
std::string InfoHashHex(std::uint64_t index);

// Memberships k in [0, max(torrents, peers)): membership k is peer k % peers in torrent TorrentOf(k).
//
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
  Workload(const WorkloadOptions& options, const PeerSpace& space);
  const WorkloadOptions& options() const noexcept { return options_; }
  const PeerSpace& space() const noexcept { return space_; }

  const SwarmTable& swarms() const noexcept { return swarms_; }

  // A steady-state announce by a random membership whose peer is on `address`: a few
  // started/completed/stopped events, seeder or leecher as fixed for that membership.
  AnnounceSpec Announce(Rng& rng, std::uint32_t address) const noexcept;
  // The preload announce of membership k: event started.
  AnnounceSpec PreloadAnnounce(std::uint64_t k, Rng& rng) const noexcept;
  // 1..10 distinct torrents by popularity (the torrents of random memberships).
  ScrapeSpec Scrape(Rng& rng) const noexcept;
  // True once every scrape_every+1 requests of this counter: the announce:scrape mix.
  bool ScrapeTurn(std::uint64_t& counter) const noexcept;

 private:
  bool IsSeeder(std::uint64_t membership) const noexcept;
  AnnounceSpec Of(std::uint64_t membership, Event event, Rng& rng) const noexcept;

  WorkloadOptions options_;
  PeerSpace space_;
  SwarmTable swarms_;
};

// The preload phase announces every membership once, so every torrent and every peer is in the table. A
// cursor walks the memberships whose peer is on one address (peers address, address + A, ...; for each
// peer p the memberships p, p + peers, ...), so a UDP socket bound to that address can send them.
class PreloadCursor {
 public:
  PreloadCursor() = default;
  PreloadCursor(std::uint64_t torrents, const PeerSpace& space, std::uint32_t address) noexcept;
  // The next membership; false when this address has no more.
  bool Next(std::uint64_t* membership) noexcept;
  std::uint64_t Total() const noexcept;  // announces this cursor yields in all

 private:
  std::uint64_t peers_ = 0;
  std::uint64_t stride_ = 1;
  std::uint64_t peer_ = 0;   // current peer on this address
  std::uint64_t k_ = 0;      // current k for that peer: peer_, peer_ + peers, ...
  std::uint64_t limit_ = 0;  // max(torrents, peers)
  std::uint32_t address_ = 0;
};

}  // namespace ot::bench
