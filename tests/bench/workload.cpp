#include "workload.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace ot::bench {

namespace {

// splitmix64's finaliser: a bijection on 64-bit values.
std::uint64_t Mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix(std::uint64_t& state) noexcept {
  state += 0x9e3779b97f4a7c15ULL;
  return Mix64(state);
}

std::uint64_t Rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

void PutBigEndian64(std::uint8_t* out, std::uint64_t v) noexcept {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}

}  // namespace

Rng::Rng(std::uint64_t seed) noexcept {
  std::uint64_t state = seed;
  for (auto& word : s_) word = SplitMix(state);
}

std::uint64_t Rng::Next() noexcept {
  const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

std::uint64_t Rng::Below(std::uint64_t n) noexcept {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
}

SwarmTable::SwarmTable(std::uint64_t torrents, std::uint64_t memberships, double exponent) {
  torrents = std::max<std::uint64_t>(torrents, 1);
  memberships = std::max(memberships, torrents);
  std::vector<double> weight(torrents);
  for (std::uint64_t r = 0; r < torrents; ++r) weight[r] = std::pow(static_cast<double>(r + 1), -exponent);
  auto total = [&](double c) {
    std::uint64_t sum = 0;
    for (double w : weight) sum += std::max<std::uint64_t>(1, static_cast<std::uint64_t>(c * w));
    return sum;
  };
  // The largest C whose sizes fit; the few memberships left over go one each to the top ranks, which keeps
  // the sizes non-increasing.
  double lo = 0, hi = static_cast<double>(memberships);
  for (int i = 0; i < 60 && hi - lo > 1e-9 * hi; ++i) {
    const double mid = (lo + hi) / 2;
    (total(mid) <= memberships ? lo : hi) = mid;
  }
  cumulative_.assign(torrents + 1, 0);
  std::uint64_t left_over = memberships - total(lo);
  for (std::uint64_t r = 0; r < torrents; ++r) {
    std::uint64_t size = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(lo * weight[r]));
    if (left_over > 0) {
      ++size;
      --left_over;
    }
    cumulative_[r + 1] = cumulative_[r] + size;
  }
}

std::uint64_t SwarmTable::TorrentOf(std::uint64_t m) const noexcept {
  const auto it = std::upper_bound(cumulative_.begin() + 1, cumulative_.end(), m);
  return static_cast<std::uint64_t>(it - (cumulative_.begin() + 1));
}

Hash InfoHashOf(std::uint64_t index) noexcept {
  Hash h{};
  PutBigEndian64(h.data(), Mix64(index + 0x6f70656e74726b72ULL));  // unique per index
  PutBigEndian64(h.data() + 8, Mix64(index ^ 0x243f6a8885a308d3ULL));
  std::uint8_t tail[8];
  PutBigEndian64(tail, Mix64(index ^ 0x13198a2e03707344ULL));
  std::memcpy(h.data() + 16, tail, 4);
  return h;
}

std::string InfoHashHex(std::uint64_t index) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const Hash h = InfoHashOf(index);
  std::string out(40, '0');
  for (int i = 0; i < 20; ++i) {
    out[2 * i] = kHex[h[i] >> 4];
    out[2 * i + 1] = kHex[h[i] & 15];
  }
  return out;
}

std::uint64_t PeerSpace::PeerAt(std::uint32_t address, Rng& rng) const noexcept {
  // Peers on this address: address, address + A, ... below peers_.
  const std::uint64_t on_address = peers_ > address ? (peers_ - address + addresses_ - 1) / addresses_ : 1;
  return address + addresses_ * rng.Below(on_address);
}

std::uint32_t SourceAddress(std::uint32_t a) noexcept {
  return (127u << 24) | ((1u + a / 254) << 8) | (1u + a % 254);
}

sockaddr_in SockaddrOf(std::uint32_t host_order_ip, std::uint16_t port) noexcept {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(host_order_ip);
  return sa;
}

const char* EventName(Event e) noexcept {
  switch (e) {
    case Event::kCompleted:
      return "completed";
    case Event::kStarted:
      return "started";
    case Event::kStopped:
      return "stopped";
    case Event::kNone:
      break;
  }
  return "";
}

Workload::Workload(const WorkloadOptions& options, const PeerSpace& space)
    : options_(options),
      space_(space),
      swarms_(options.torrents, std::max(options.torrents, options.peers), options.zipf_exponent) {}

bool Workload::IsSeeder(std::uint64_t membership) const noexcept {
  const double u = static_cast<double>(Mix64(membership ^ 0x5bd1e9955bd1e995ULL) >> 11) * 0x1.0p-53;
  return u < options_.seeder_fraction;
}

AnnounceSpec Workload::Of(std::uint64_t membership, Event event, Rng& rng) const noexcept {
  AnnounceSpec a;
  a.torrent = swarms_.TorrentOf(membership);
  a.peer = membership % space_.peers();
  a.key = static_cast<std::uint32_t>(rng.Next());
  a.event = event;
  const bool seeder = event == Event::kCompleted || IsSeeder(membership);
  a.left = seeder ? 0 : 1 + rng.Below(4'000'000'000ULL);
  return a;
}

AnnounceSpec Workload::Announce(Rng& rng, std::uint32_t address) const noexcept {
  const std::uint64_t peer = space_.PeerAt(address, rng);
  const std::uint64_t m = swarms_.memberships();
  const std::uint64_t p = space_.peers();
  const std::uint64_t membership = peer + p * rng.Below((m - peer + p - 1) / p);
  // 2% started, 1% completed, 1% stopped: most announces are the periodic re-announce without an event.
  const std::uint64_t roll = rng.Below(100);
  const Event event = roll < 2   ? Event::kStarted
                      : roll < 3 ? Event::kCompleted
                      : roll < 4 ? Event::kStopped
                                 : Event::kNone;
  return Of(membership, event, rng);
}

AnnounceSpec Workload::PreloadAnnounce(std::uint64_t k, Rng& rng) const noexcept {
  return Of(k, Event::kStarted, rng);
}

ScrapeSpec Workload::Scrape(Rng& rng) const noexcept {
  ScrapeSpec s;
  const int wanted = 1 + static_cast<int>(rng.Below(kMaxScrapeHashes));
  // Popular torrents repeat; a duplicate would make the reply's key count ambiguous, so redraw (bounded).
  for (int attempts = 0; s.count < wanted && attempts < 100; ++attempts) {
    const std::uint64_t t = swarms_.TorrentOf(rng.Below(swarms_.memberships()));
    if (std::find(s.torrents, s.torrents + s.count, t) == s.torrents + s.count) s.torrents[s.count++] = t;
  }
  return s;
}

bool Workload::ScrapeTurn(std::uint64_t& counter) const noexcept {
  if (options_.scrape_every <= 0) return false;
  return counter++ % static_cast<std::uint64_t>(options_.scrape_every + 1) ==
         static_cast<std::uint64_t>(options_.scrape_every);
}

PreloadCursor::PreloadCursor(std::uint64_t torrents, const PeerSpace& space, std::uint32_t address) noexcept
    : peers_(space.peers()),
      stride_(space.addresses()),
      peer_(address),
      k_(address),
      limit_(std::max(torrents, space.peers())),
      address_(address) {}

bool PreloadCursor::Next(std::uint64_t* membership) noexcept {
  while (peer_ < peers_) {
    if (k_ < limit_) {
      *membership = k_;
      k_ += peers_;
      return true;
    }
    peer_ += stride_;
    k_ = peer_;
  }
  return false;
}

std::uint64_t PreloadCursor::Total() const noexcept {
  std::uint64_t n = 0;
  for (std::uint64_t p = address_; p < peers_; p += stride_) n += (limit_ - p + peers_ - 1) / peers_;
  return n;
}

}  // namespace ot::bench
