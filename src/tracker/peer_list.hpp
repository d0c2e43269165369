// The two peer lists of a torrent: sorted arrays of peer records keyed by
// address + port bytes (memcmp order, as upstream), sized for what most
// torrents are: one or two peers, IPv4. Both are trivially copyable handles
// without destructors, because torrents sit in sorted per-shard arrays that
// are shifted with memmove (upstream's ot_vector); the torrent frees them
// with Release().
//  * PeerList4 keeps a lone IPv4 peer inside the handle itself (16 bytes, no
//    allocation), and a heap array from the second peer on.
//  * PeerList6 is one pointer, null for the many torrents without IPv6
//    peers; its block holds the count, capacity and seeder count too.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

#include "opentracker/tracker/torrent_store.hpp"

namespace ot::tracker::internal {

// Shared rules of both lists.
template <typename Record>
struct PeerOrder {
  static constexpr std::size_t kKeySize = sizeof(Record{}.ip) + sizeof(Record{}.port);

  static std::uint64_t Load64(const std::uint8_t* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return __builtin_bswap64(v);
  }
  // memcmp order of the address+port bytes, as integer compares (no call):
  // IPv4 6 bytes as one number, IPv6 as 8 + 8 + 2 bytes.
  static int Compare(const Record& a, const Record& b) noexcept {
    const auto* x = reinterpret_cast<const std::uint8_t*>(&a);
    const auto* y = reinterpret_cast<const std::uint8_t*>(&b);
    std::uint64_t p;
    std::uint64_t q;
    if constexpr (kKeySize == 6) {
      p = Load64(x) >> 16;  // records are 8 bytes, so reading 8 is in bounds
      q = Load64(y) >> 16;
    } else {
      p = Load64(x);
      q = Load64(y);
      if (p == q) {
        p = Load64(x + 8);
        q = Load64(y + 8);
        if (p == q) {
          p = static_cast<std::uint64_t>(x[16]) << 8 | x[17];
          q = static_cast<std::uint64_t>(y[16]) << 8 | y[17];
        }
      }
    }
    return p < q ? -1 : (p > q ? 1 : 0);
  }

  // Index of the record with `key`'s address+port, or of where it belongs.
  static std::uint32_t LowerBound(const Record* data, std::uint32_t size, const Record& key, bool* found) noexcept {
    std::uint32_t lo = 0;
    std::uint32_t hi = size;
    while (lo < hi) {
      std::uint32_t mid = lo + (hi - lo) / 2;
      int c = Compare(data[mid], key);
      if (c == 0) {
        *found = true;
        return mid;
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    *found = false;
    return lo;
  }
};

// Upstream's vector rules: grow x2 (from 2), halve when less than a quarter is used.
inline std::uint32_t GrownCapacity(std::uint32_t capacity) noexcept { return capacity < 2 ? 2 : capacity * 2; }
inline bool ShouldShrink(std::uint32_t size, std::uint32_t capacity) noexcept {
  return capacity >= 4 && static_cast<std::uint64_t>(size) * 4 < capacity;
}

class PeerList4 {
 public:
  std::uint32_t size() const noexcept { return size_; }
  Peer4* data() noexcept { return capacity_ != 0 ? heap_ : &single_; }
  const Peer4* data() const noexcept { return capacity_ != 0 ? heap_ : &single_; }
  std::span<Peer4> view() noexcept { return {data(), size_}; }
  std::span<const Peer4> view() const noexcept { return {data(), size_}; }

  std::uint32_t LowerBound(const Peer4& key, bool* found) const noexcept {
    return PeerOrder<Peer4>::LowerBound(data(), size_, key, found);
  }

  // Opens a slot at `index`; false when memory runs out.
  bool InsertAt(std::uint32_t index) noexcept {
    if (capacity_ == 0 && size_ == 0) {
      size_ = 1;
      return true;
    }
    if (capacity_ == 0 || size_ == capacity_) {
      std::uint32_t grown = GrownCapacity(capacity_ == 0 ? 1 : capacity_);
      Peer4* bigger = static_cast<Peer4*>(
          std::realloc(capacity_ != 0 ? heap_ : nullptr, static_cast<std::size_t>(grown) * sizeof(Peer4)));
      if (bigger == nullptr) return false;
      if (capacity_ == 0) bigger[0] = single_;  // the lone inline peer moves out
      heap_ = bigger;
      capacity_ = grown;
    }
    std::memmove(&heap_[index + 1], &heap_[index], static_cast<std::size_t>(size_ - index) * sizeof(Peer4));
    ++size_;
    return true;
  }

  void EraseAt(std::uint32_t index) noexcept {
    Peer4* d = data();
    std::memmove(&d[index], &d[index + 1], static_cast<std::size_t>(size_ - index - 1) * sizeof(Peer4));
    --size_;
  }

  // Keeps the first `kept` records (after an in-place compaction).
  void Truncate(std::uint32_t kept) noexcept { size_ = kept; }

  void ShrinkToFit() noexcept {
    if (capacity_ == 0) return;
    if (size_ <= 1) {
      Peer4 lone = size_ == 1 ? heap_[0] : Peer4{};
      std::free(heap_);
      single_ = lone;
      capacity_ = 0;
      return;
    }
    if (ShouldShrink(size_, capacity_)) {
      std::uint32_t smaller = capacity_ / 2;
      if (void* p = std::realloc(heap_, static_cast<std::size_t>(smaller) * sizeof(Peer4))) {
        heap_ = static_cast<Peer4*>(p);
        capacity_ = smaller;
      }
    }
  }

  void Release() noexcept {
    if (capacity_ != 0) std::free(heap_);
    capacity_ = 0;
    size_ = 0;
  }

 private:
  union {
    Peer4* heap_;   // capacity_ != 0
    Peer4 single_;  // capacity_ == 0: at most one peer, stored here
  };
  std::uint32_t size_;
  std::uint32_t capacity_;
};
static_assert(sizeof(PeerList4) == 16);

class PeerList6 {
 public:
  std::uint32_t size() const noexcept { return block_ != nullptr ? block_->size : 0; }
  std::uint32_t seeders() const noexcept { return block_ != nullptr ? block_->seeders : 0; }
  // Only valid while the list is non-empty (a peer exists to be counted).
  std::uint32_t& mutable_seeders() noexcept { return block_->seeders; }
  Peer6* data() noexcept { return block_ != nullptr ? block_->peers() : nullptr; }
  const Peer6* data() const noexcept { return block_ != nullptr ? block_->peers() : nullptr; }
  std::span<Peer6> view() noexcept { return {data(), size()}; }
  std::span<const Peer6> view() const noexcept { return {data(), size()}; }

  std::uint32_t LowerBound(const Peer6& key, bool* found) const noexcept {
    return PeerOrder<Peer6>::LowerBound(data(), size(), key, found);
  }

  bool InsertAt(std::uint32_t index) noexcept {
    std::uint32_t size = this->size();
    std::uint32_t capacity = block_ != nullptr ? block_->capacity : 0;
    if (size == capacity) {
      std::uint32_t grown = capacity == 0 ? 1 : GrownCapacity(capacity);
      auto* bigger = static_cast<Block*>(std::realloc(block_, Block::Bytes(grown)));
      if (bigger == nullptr) return false;
      if (block_ == nullptr) *bigger = Block{};
      block_ = bigger;
      block_->capacity = grown;
    }
    Peer6* d = block_->peers();
    std::memmove(&d[index + 1], &d[index], static_cast<std::size_t>(size - index) * sizeof(Peer6));
    ++block_->size;
    return true;
  }

  void EraseAt(std::uint32_t index) noexcept {
    Peer6* d = block_->peers();
    std::memmove(&d[index], &d[index + 1], static_cast<std::size_t>(block_->size - index - 1) * sizeof(Peer6));
    --block_->size;
  }

  void Truncate(std::uint32_t kept) noexcept {
    if (block_ != nullptr) block_->size = kept;
  }

  void ShrinkToFit() noexcept {
    if (block_ == nullptr) return;
    if (block_->size == 0) {
      Release();
      return;
    }
    if (ShouldShrink(block_->size, block_->capacity)) {
      std::uint32_t smaller = block_->capacity / 2;
      if (void* p = std::realloc(block_, Block::Bytes(smaller))) {
        block_ = static_cast<Block*>(p);
        block_->capacity = smaller;
      }
    }
  }

  void Release() noexcept {
    std::free(block_);
    block_ = nullptr;
  }

 private:
  struct Block {
    std::uint32_t size;
    std::uint32_t capacity;
    std::uint32_t seeders;
    std::uint32_t reserved;  // keeps the records 8-byte aligned after the header
    Peer6* peers() noexcept { return reinterpret_cast<Peer6*>(this + 1); }
    const Peer6* peers() const noexcept { return reinterpret_cast<const Peer6*>(this + 1); }
    static std::size_t Bytes(std::uint32_t capacity) noexcept { return sizeof(Block) + capacity * sizeof(Peer6); }
  };
  Block* block_;
};
static_assert(sizeof(PeerList6) == 8);

}  // namespace ot::tracker::internal
