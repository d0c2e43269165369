#include "support/guarded_buffer.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace ot::test {
namespace {

[[noreturn]] void Die(const char* what) {
  std::perror(what);
  std::abort();
}

}  // namespace

GuardedBuffer::GuardedBuffer(std::span<const std::uint8_t> bytes)
    : GuardedBuffer(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())) {}

GuardedBuffer::GuardedBuffer(std::string_view bytes) : size_(bytes.size()) {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  const std::size_t data_pages = (bytes.size() + page - 1) / page;
  mapping_size_ = (data_pages + 1) * page;
  mapping_ = mmap(nullptr, mapping_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping_ == MAP_FAILED) Die("GuardedBuffer: mmap");
  char* const base = static_cast<char*>(mapping_);
  char* const guard = base + data_pages * page;
  char* const begin = guard - bytes.size();
  if (!bytes.empty()) std::memcpy(begin, bytes.data(), bytes.size());
  if (data_pages > 0 && mprotect(base, data_pages * page, PROT_READ) != 0) Die("GuardedBuffer: mprotect data");
  if (mprotect(guard, page, PROT_NONE) != 0) Die("GuardedBuffer: mprotect guard");
  begin_ = begin;
}

GuardedBuffer::~GuardedBuffer() {
  if (mapping_ != nullptr) munmap(mapping_, mapping_size_);
}

}  // namespace ot::test
