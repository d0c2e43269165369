// A sorted, growable array of peer records keyed by address + port bytes.
// Deliberately trivially copyable (a raw handle, no destructor): torrents sit
// in sorted per-shard arrays that are shifted with memmove on insert/erase,
// like upstream's ot_vector. The owning torrent frees it with Release().
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <type_traits>

namespace ot::tracker::internal {

template <typename Record>
struct PeerVector {
  // Identity of a peer is its address and port (memcmp order, as upstream).
  static constexpr std::size_t kKeySize = sizeof(Record{}.ip) + sizeof(Record{}.port);

  Record* data = nullptr;
  std::uint32_t size = 0;
  std::uint32_t capacity = 0;

  std::span<Record> view() noexcept { return {data, size}; }
  std::span<const Record> view() const noexcept { return {data, size}; }

  // Index of the record with `key`'s address+port, or of where it belongs.
  std::uint32_t LowerBound(const Record& key, bool* found) const noexcept {
    std::uint32_t lo = 0;
    std::uint32_t hi = size;
    while (lo < hi) {
      std::uint32_t mid = lo + (hi - lo) / 2;
      int c = std::memcmp(&data[mid], &key, kKeySize);
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

  // Opens a slot at `index`; false when memory runs out.
  bool InsertAt(std::uint32_t index) noexcept {
    if (size == capacity) {
      std::uint32_t grown = capacity < 2 ? 2 : capacity * 2;
      void* bigger = std::realloc(data, static_cast<std::size_t>(grown) * sizeof(Record));
      if (bigger == nullptr) return false;
      data = static_cast<Record*>(bigger);
      capacity = grown;
    }
    std::memmove(&data[index + 1], &data[index], static_cast<std::size_t>(size - index) * sizeof(Record));
    ++size;
    return true;
  }

  void EraseAt(std::uint32_t index) noexcept {
    std::memmove(&data[index], &data[index + 1], static_cast<std::size_t>(size - index - 1) * sizeof(Record));
    --size;
  }

  // Upstream's shrink rule: halve when less than a quarter is used; free when empty.
  void ShrinkToFit() noexcept {
    if (size == 0) {
      Release();
      return;
    }
    if (capacity >= 4 && static_cast<std::uint64_t>(size) * 4 < capacity) {
      std::uint32_t smaller = capacity / 2;
      void* p = std::realloc(data, static_cast<std::size_t>(smaller) * sizeof(Record));
      if (p != nullptr) {
        data = static_cast<Record*>(p);
        capacity = smaller;
      }
    }
  }

  void Release() noexcept {
    std::free(data);
    data = nullptr;
    size = 0;
    capacity = 0;
  }
};

}  // namespace ot::tracker::internal
