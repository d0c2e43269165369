#include "opentracker/access/access_control.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace ot::access {

namespace {

bool In(const std::shared_ptr<const AccessList>& list, const InfoHash& hash) noexcept {
  return list != nullptr && list->Contains(hash);
}

// `base` plus `add` minus `remove`, as a new immutable list.
std::shared_ptr<const AccessList> Edited(const std::shared_ptr<const AccessList>& base,
                                         std::span<const InfoHash> add, std::span<const InfoHash> remove) {
  std::vector<InfoHash> hashes;
  if (base != nullptr) hashes.assign(base->hashes().begin(), base->hashes().end());
  hashes.insert(hashes.end(), add.begin(), add.end());
  std::vector<InfoHash> drop(remove.begin(), remove.end());
  std::sort(drop.begin(), drop.end());
  std::erase_if(hashes, [&](const InfoHash& h) { return std::binary_search(drop.begin(), drop.end(), h); });
  return std::make_shared<const AccessList>(std::move(hashes));
}

}  // namespace

bool AccessSnapshot::Allows(const InfoHash& hash) const noexcept {
  if (mode == ListMode::kOpen) return true;
  bool listed = (In(main, hash) || In(added, hash)) && !In(deleted, hash);
  return mode == ListMode::kWhitelist ? listed : !listed;
}

AccessControl::AccessControl(ListMode mode) : mode_(mode) {
  auto empty = std::make_shared<const AccessList>();
  current_ = std::make_shared<const AccessSnapshot>(AccessSnapshot{mode, empty, empty, empty});
}

void AccessControl::ReplaceList(AccessList list) {
  auto empty = std::make_shared<const AccessList>();
  auto main = std::make_shared<const AccessList>(std::move(list));
  Publish(std::make_shared<const AccessSnapshot>(AccessSnapshot{mode_, std::move(main), empty, empty}));
}

void AccessControl::AddHashes(std::span<const InfoHash> hashes) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<AccessSnapshot>(*current_);
  next->added = Edited(current_->added, hashes, {});
  next->deleted = Edited(current_->deleted, {}, hashes);
  current_ = std::move(next);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void AccessControl::RemoveHashes(std::span<const InfoHash> hashes) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<AccessSnapshot>(*current_);
  next->deleted = Edited(current_->deleted, hashes, {});
  next->added = Edited(current_->added, {}, hashes);
  current_ = std::move(next);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::shared_ptr<const AccessSnapshot> AccessControl::Snapshot() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void AccessControl::Publish(std::shared_ptr<const AccessSnapshot> next) {
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace ot::access
