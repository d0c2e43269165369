// The only door to libowfat's I/O families (io_*) for net/. libowfat puts
// generic names (io.h) into the global include directory; keeping them
// behind this shim contains them and gives scripts/check-layering one file
// to look for. libowfat's io_* state is process-global and not thread-safe:
// only the reactor thread may call these.
#pragma once

extern "C" {
#include <io.h>
#include <io_internal.h>
// Exported by libowfat.a, not declared by its headers.
void io_dontwantread_really(int64 d, io_entry* e);
void io_dontwantwrite_really(int64 d, io_entry* e);
}

namespace ot::net::owfat {

// libowfat defers telling epoll that interest in reading or writing ended
// ("optimistically", io_internal.h) and 0.32 gets that bookkeeping wrong:
// io_dontwantwrite later removes read interest the app still has, and a
// stale "can write" flag makes it drop a registration twice, which corrupts
// its count of watched descriptors until io_wait stops sleeping. Ending
// interest at once keeps its flags and the kernel in step; starting
// interest (io_wantread / io_wantwrite) is left to libowfat.
inline void StopReading(int64 fd) {
  auto* e = static_cast<io_entry*>(iarray_get(&io_fds, static_cast<size_t>(fd)));
  if (e == nullptr) return;
  if (e->kernelwantread) io_dontwantread_really(fd, e);
  e->wantread = 0;
  e->canread = 0;
}

inline void StopWriting(int64 fd) {
  auto* e = static_cast<io_entry*>(iarray_get(&io_fds, static_cast<size_t>(fd)));
  if (e == nullptr) return;
  if (e->kernelwantwrite) io_dontwantwrite_really(fd, e);
  e->wantwrite = 0;
  e->canwrite = 0;
}

}  // namespace ot::net::owfat
