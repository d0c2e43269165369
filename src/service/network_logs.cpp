#include "opentracker/service/network_logs.hpp"

#include <iterator>

namespace ot::service {

namespace {

constexpr int kWoodpeckerMinutes = 20;

NetMask NetworkOf(const IpAddress& ip) { return NetMask::Of(ip, ip.IsV4() ? 96 + 28 : 48); }

}  // namespace

void Woodpeckers::OnAnnounce(const AnnounceRequest&, const PeerEndpoint& peer,
                             const tracker::AnnounceOutcome& outcome, TimePoint) {
  if (outcome.previous_age <= 0 || outcome.previous_age >= kWoodpeckerMinutes) return;
  IpAddress network = NetworkOf(peer.ip).address;
  std::lock_guard lock(mutex_);
  ++counts_[network];
}

void Woodpeckers::Halve() {
  std::lock_guard lock(mutex_);
  for (auto it = counts_.begin(); it != counts_.end();) {
    it->second /= 2;
    it = it->second == 0 ? counts_.erase(it) : std::next(it);
  }
}

std::vector<stats::NetworkCount> Woodpeckers::Snapshot() const {
  std::vector<stats::NetworkCount> out;
  std::lock_guard lock(mutex_);
  out.reserve(counts_.size());
  for (const auto& [network, count] : counts_) {
    out.push_back(stats::NetworkCount{network, static_cast<std::uint8_t>(network.IsV4() ? 96 + 28 : 48), count});
  }
  return out;
}

void FullLog::AddNetwork(const NetMask& network) {
  std::lock_guard lock(mutex_);
  networks_.push_back(network);
}

void FullLog::ClearNetworks() {
  std::lock_guard lock(mutex_);
  networks_.clear();
}

void FullLog::MaybeRecord(const IpAddress& ip, std::string_view request, TimePoint now) {
  std::lock_guard lock(mutex_);
  if (!AnyContains(networks_, ip)) return;
  entries_.push_back(stats::FullLogEntry{now.unix_seconds, ip, std::string(request)});
  bytes_ += request.size();
  while (entries_.size() > kMaxEntries || bytes_ > kMaxBytes) {
    bytes_ -= entries_.front().request.size();
    entries_.pop_front();
  }
}

std::vector<stats::FullLogEntry> FullLog::Drain() {
  std::lock_guard lock(mutex_);
  std::vector<stats::FullLogEntry> out(std::make_move_iterator(entries_.begin()),
                                       std::make_move_iterator(entries_.end()));
  entries_.clear();
  bytes_ = 0;
  return out;
}

}  // namespace ot::service
