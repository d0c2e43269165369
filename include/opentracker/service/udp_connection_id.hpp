// File: service/udp_connection_id.hpp
// BEP 15 connection ids that a client cannot forge or replay forever
// (PORT-DECISIONS §3, fixing upstream quirk 12): an id is a keyed MAC of the
// client address and a one-minute time slot, the slot carried in the id.
// An id stays valid for at least 2 minutes (BEP 15) and at most the
// configured lifetime; secrets come from the OS random source and rotate
// every lifetime period (current and previous kept). Like upstream, the id
// ignores the client port: clients may announce from another socket.
// One issuer is shared by all threads; each thread passes its own Cache, so
// the issuer's mutex is only taken when a thread first meets a new key epoch.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "opentracker/core/clock.hpp"
#include "opentracker/core/types.hpp"
#include "opentracker/proto/udp_wire.hpp"

namespace ot::service {

class ConnectionIdIssuer {
 public:
  // Fills a 16-byte secret; the default reads getrandom(2).
  using SecretSource = std::function<void(std::array<std::uint8_t, 16>&)>;

  struct Secret {
    std::uint64_t epoch = ~0ULL;
    std::uint64_t k0 = 0;
    std::uint64_t k1 = 0;
  };
  // A thread's copy of the secrets it has used (current and previous epoch).
  struct Cache {
    std::array<Secret, 2> secrets{};
  };

  explicit ConnectionIdIssuer(std::uint32_t lifetime_seconds, SecretSource source = {});

  proto::ConnectionId Issue(const IpAddress& client, TimePoint now, Cache& cache);
  // Constant-time comparison against the id this address would have had in
  // the slot the id names, if that slot is within the lifetime.
  bool Verify(const proto::ConnectionId& id, const IpAddress& client, TimePoint now, Cache& cache);

  std::uint32_t lifetime_seconds() const noexcept { return lifetime_slots_ * kSlotSeconds; }

 private:
  static constexpr std::uint32_t kSlotSeconds = 60;

  // The secret of `epoch`, creating it when time has moved to a new epoch;
  // nullopt for an epoch older than the previous one (its secret is gone).
  std::optional<Secret> SecretFor(std::uint64_t epoch, Cache& cache);
  proto::ConnectionId Compute(const Secret& secret, const IpAddress& client, std::uint64_t slot) const noexcept;

  const std::uint32_t lifetime_slots_;
  SecretSource source_;
  std::mutex mutex_;
  std::array<Secret, 2> secrets_{};  // by epoch parity
  std::uint64_t newest_epoch_ = 0;
  bool have_secret_ = false;
};

}  // namespace ot::service
