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

// log1p(x)/x and expm1(x)/x, with their series near 0 where the quotient loses precision.
double Helper1(double x) noexcept {
  return std::fabs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}
double Helper2(double x) noexcept {
  return std::fabs(x) > 1e-8 ? std::expm1(x) / x : 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}

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

ZipfSampler::ZipfSampler(std::uint64_t n, double exponent) noexcept : n_(std::max<std::uint64_t>(n, 1)), s_(exponent) {
  h_integral_x1_ = HIntegral(1.5) - 1.0;
  h_integral_n_ = HIntegral(static_cast<double>(n_) + 0.5);
  threshold_ = 2.0 - HIntegralInverse(HIntegral(2.5) - H(2.0));
}

double ZipfSampler::H(double x) const noexcept { return std::exp(-s_ * std::log(x)); }

double ZipfSampler::HIntegral(double x) const noexcept {
  const double log_x = std::log(x);
  return Helper2((1.0 - s_) * log_x) * log_x;
}

double ZipfSampler::HIntegralInverse(double x) const noexcept {
  double t = x * (1.0 - s_);
  if (t < -1.0) t = -1.0;
  return std::exp(Helper1(t) * x);
}

std::uint64_t ZipfSampler::Sample(Rng& rng) const noexcept {
  for (;;) {
    const double u = h_integral_n_ + rng.Uniform01() * (h_integral_x1_ - h_integral_n_);
    const double x = HIntegralInverse(u);
    double k = std::floor(x + 0.5);
    if (k < 1.0) k = 1.0;
    if (k > static_cast<double>(n_)) k = static_cast<double>(n_);
    if (k - x <= threshold_ || u >= HIntegral(k + 0.5) - H(k)) return static_cast<std::uint64_t>(k);
  }
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

Workload::Workload(const WorkloadOptions& options, const PeerSpace& space) noexcept
    : options_(options), space_(space), zipf_(options.torrents, options.zipf_exponent) {}

bool Workload::IsSeeder(std::uint64_t torrent, std::uint64_t peer) const noexcept {
  const double u = static_cast<double>(Mix64(torrent * 0x9e3779b97f4a7c15ULL ^ peer) >> 11) * 0x1.0p-53;
  return u < options_.seeder_fraction;
}

AnnounceSpec Workload::Announce(Rng& rng, std::uint32_t address) const noexcept {
  AnnounceSpec a;
  a.torrent = zipf_.Sample(rng) - 1;
  a.peer = space_.PeerAt(address, rng);
  a.key = static_cast<std::uint32_t>(rng.Next());
  // 2% started, 1% completed, 1% stopped: most announces are the periodic re-announce without an event.
  const std::uint64_t roll = rng.Below(100);
  a.event = roll < 2 ? Event::kStarted : roll < 3 ? Event::kCompleted : roll < 4 ? Event::kStopped : Event::kNone;
  const bool seeder = a.event == Event::kCompleted || IsSeeder(a.torrent, a.peer);
  a.left = seeder ? 0 : 1 + rng.Below(4'000'000'000ULL);
  return a;
}

AnnounceSpec Workload::PreloadAnnounce(std::uint64_t torrent, std::uint64_t peer, Rng& rng) const noexcept {
  AnnounceSpec a;
  a.torrent = torrent;
  a.peer = peer;
  a.key = static_cast<std::uint32_t>(rng.Next());
  a.event = Event::kStarted;
  a.left = IsSeeder(torrent, peer) ? 0 : 1 + rng.Below(4'000'000'000ULL);
  return a;
}

ScrapeSpec Workload::Scrape(Rng& rng) const noexcept {
  ScrapeSpec s;
  const int wanted = 1 + static_cast<int>(rng.Below(kMaxScrapeHashes));
  // Popular torrents repeat; a duplicate would make the reply's key count ambiguous, so redraw (bounded).
  for (int attempts = 0; s.count < wanted && attempts < 100; ++attempts) {
    const std::uint64_t t = zipf_.Sample(rng) - 1;
    if (std::find(s.torrents, s.torrents + s.count, t) == s.torrents + s.count) s.torrents[s.count++] = t;
  }
  return s;
}

bool Workload::ScrapeTurn(std::uint64_t& counter) const noexcept {
  if (options_.scrape_every <= 0) return false;
  return counter++ % static_cast<std::uint64_t>(options_.scrape_every + 1) == static_cast<std::uint64_t>(options_.scrape_every);
}

PreloadCursor::PreloadCursor(std::uint64_t torrents, const PeerSpace& space, std::uint32_t address) noexcept
    : torrents_(torrents),
      peers_(space.peers()),
      stride_(space.addresses()),
      peer_(address),
      k_(address),
      limit_(std::max(torrents, space.peers())),
      address_(address) {}

bool PreloadCursor::Next(std::uint64_t* torrent, std::uint64_t* peer) noexcept {
  while (peer_ < peers_) {
    if (k_ < limit_) {
      *torrent = k_ % torrents_;
      *peer = peer_;
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
