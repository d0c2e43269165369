// File: support/guarded_buffer.hpp
// A read-only copy of some bytes whose last byte sits right before a
// PROT_NONE page (picohttpparser's test trick): a parser that reads even one
// byte past the end of its input crashes instead of passing by luck. The
// copy is read-only too, so a parser that writes into its input (upstream
// decodes URLs in place) crashes as well. For tests and fuzz targets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ot::test {

class GuardedBuffer {
 public:
  explicit GuardedBuffer(std::string_view bytes);
  explicit GuardedBuffer(std::span<const std::uint8_t> bytes);
  ~GuardedBuffer();
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;

  // The copy; its end is the first byte of the guard page. Valid (and
  // non-null, though unreadable) even when empty.
  std::string_view view() const noexcept { return {begin_, size_}; }
  std::span<const std::uint8_t> bytes() const noexcept {
    return {reinterpret_cast<const std::uint8_t*>(begin_), size_};
  }
  const char* data() const noexcept { return begin_; }
  std::size_t size() const noexcept { return size_; }

 private:
  void* mapping_ = nullptr;
  std::size_t mapping_size_ = 0;
  const char* begin_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace ot::test
