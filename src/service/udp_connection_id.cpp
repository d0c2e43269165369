#include "opentracker/service/udp_connection_id.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cstring>

#include "service/siphash.hpp"

namespace ot::service {

namespace {

void ReadOsRandom(std::array<std::uint8_t, 16>& out) {
  std::size_t filled = 0;
  while (filled < out.size()) {
    ssize_t n = getrandom(out.data() + filled, out.size() - filled, 0);
    if (n > 0) filled += static_cast<std::size_t>(n);
  }
}

// The slot travels as 16 bits; with one-minute slots that wraps every 45 days,
// far beyond any lifetime, so the full slot is recovered relative to now.
std::uint64_t FullSlot(std::uint16_t low_bits, std::uint64_t now_slot) noexcept {
  std::uint16_t back = static_cast<std::uint16_t>(static_cast<std::uint16_t>(now_slot) - low_bits);
  return now_slot >= back ? now_slot - back : 0;
}

}  // namespace

ConnectionIdIssuer::ConnectionIdIssuer(std::uint32_t lifetime_seconds, SecretSource source)
    : lifetime_slots_(std::max<std::uint32_t>(2, (lifetime_seconds + kSlotSeconds - 1) / kSlotSeconds)),
      source_(source ? std::move(source) : SecretSource(ReadOsRandom)) {}

std::optional<ConnectionIdIssuer::Secret> ConnectionIdIssuer::SecretFor(std::uint64_t epoch, Cache& cache) {
  Secret& cached = cache.secrets[epoch & 1];
  if (cached.epoch == epoch) return cached;
  std::lock_guard lock(mutex_);
  if (!have_secret_ || epoch > newest_epoch_) {
    std::array<std::uint8_t, 16> raw{};
    source_(raw);
    Secret fresh;
    fresh.epoch = epoch;
    std::memcpy(&fresh.k0, raw.data(), 8);
    std::memcpy(&fresh.k1, raw.data() + 8, 8);
    if (have_secret_ && epoch != newest_epoch_ + 1) secrets_[(epoch + 1) & 1] = Secret{};  // gap: no previous
    secrets_[epoch & 1] = fresh;
    newest_epoch_ = epoch;
    have_secret_ = true;
  }
  const Secret& shared = secrets_[epoch & 1];
  if (shared.epoch != epoch) return std::nullopt;
  cached = shared;
  return shared;
}

proto::ConnectionId ConnectionIdIssuer::Compute(const Secret& secret, const IpAddress& client,
                                                std::uint64_t slot) const noexcept {
  std::uint8_t message[16 + 8];
  std::memcpy(message, client.bytes.data(), 16);
  for (int i = 0; i < 8; ++i) message[16 + i] = static_cast<std::uint8_t>(slot >> (8 * i));
  std::uint64_t mac = internal::SipHash24(internal::SipKey{secret.k0, secret.k1}, message);
  proto::ConnectionId id{};
  id[0] = static_cast<std::uint8_t>(slot >> 8);
  id[1] = static_cast<std::uint8_t>(slot);
  for (int i = 0; i < 6; ++i) id[2 + i] = static_cast<std::uint8_t>(mac >> (8 * i));
  return id;
}

proto::ConnectionId ConnectionIdIssuer::Issue(const IpAddress& client, TimePoint now, Cache& cache) {
  std::uint64_t slot = static_cast<std::uint64_t>(now.unix_seconds) / kSlotSeconds;
  std::optional<Secret> secret = SecretFor(slot / lifetime_slots_, cache);
  // Only a clock that jumped back past the previous epoch lands here; an id
  // nobody can verify is still a well-formed answer.
  return secret ? Compute(*secret, client, slot) : proto::ConnectionId{};
}

bool ConnectionIdIssuer::Verify(const proto::ConnectionId& id, const IpAddress& client, TimePoint now,
                                Cache& cache) {
  std::uint64_t now_slot = static_cast<std::uint64_t>(now.unix_seconds) / kSlotSeconds;
  std::uint64_t slot = FullSlot(static_cast<std::uint16_t>(id[0] << 8 | id[1]), now_slot);
  // Valid for `lifetime_slots_` whole slots after the one it was issued in,
  // so never less than the lifetime (and at least 2 minutes).
  if (now_slot - slot > lifetime_slots_) return false;
  std::uint64_t epoch = slot / lifetime_slots_;
  std::uint64_t now_epoch = now_slot / lifetime_slots_;
  if (now_epoch - epoch > 1) return false;  // its secret is gone
  std::optional<Secret> secret = SecretFor(epoch, cache);
  if (!secret) return false;
  proto::ConnectionId expected = Compute(*secret, client, slot);
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) diff |= static_cast<std::uint8_t>(expected[i] ^ id[i]);
  return diff == 0;
}

}  // namespace ot::service
