// File: access/access_control.hpp
// Which torrents may be announced (spec §8): the main access list (whitelist
// or blacklist file) plus the change-sets written to the FIFOs, published as
// immutable snapshots. Writers (start-up, the SIGHUP reloader, FIFO readers)
// build a new snapshot off the hot path and swap it in under a mutex;
// readers on the hot path keep a per-thread AccessReader that notices a new
// version with one atomic load, so there is never a moment where every
// torrent is refused or allowed. Old snapshots are freed when the last
// reader lets go (upstream frees old versions after 5 minutes instead).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>

#include "opentracker/access/access_list.hpp"
#include "opentracker/core/types.hpp"

namespace ot::access {

enum class ListMode : std::uint8_t { kOpen, kWhitelist, kBlacklist };

struct AccessSnapshot {
  ListMode mode = ListMode::kOpen;
  std::shared_ptr<const AccessList> main;     // from the file
  std::shared_ptr<const AccessList> added;    // access.fifo_add since the last reload
  std::shared_ptr<const AccessList> deleted;  // access.fifo_delete since the last reload

  // Whitelist: listed (file or added) and not deleted. Blacklist: the opposite.
  bool Allows(const InfoHash& hash) const noexcept;
};

class AccessControl {
 public:
  explicit AccessControl(ListMode mode);

  ListMode mode() const noexcept { return mode_; }

  // A freshly loaded file (start-up, SIGHUP): replaces the main list and
  // empties both change-sets, as upstream's reload does.
  void ReplaceList(AccessList list);
  // FIFO change-sets: add moves hashes into "added" and out of "deleted";
  // remove does the reverse.
  void AddHashes(std::span<const InfoHash> hashes);
  void RemoveHashes(std::span<const InfoHash> hashes);

  std::shared_ptr<const AccessSnapshot> Snapshot() const;
  // Bumped by every change; readers compare it to refresh their snapshot.
  std::uint64_t Version() const noexcept { return version_.load(std::memory_order_acquire); }

 private:
  void Publish(std::shared_ptr<const AccessSnapshot> next);

  const ListMode mode_;
  mutable std::mutex mutex_;
  std::shared_ptr<const AccessSnapshot> current_;
  std::atomic<std::uint64_t> version_{0};
};

// One per thread that checks hashes (reactor, each UDP worker, livesync).
class AccessReader {
 public:
  explicit AccessReader(const AccessControl& control) : control_(control), snapshot_(control.Snapshot()) {
    version_ = control.Version();
  }
  bool Allows(const InfoHash& hash) {
    if (control_.mode() == ListMode::kOpen) return true;
    std::uint64_t v = control_.Version();
    if (v != version_) {
      snapshot_ = control_.Snapshot();
      version_ = v;
    }
    return snapshot_->Allows(hash);
  }

 private:
  const AccessControl& control_;
  std::shared_ptr<const AccessSnapshot> snapshot_;
  std::uint64_t version_ = 0;
};

}  // namespace ot::access
