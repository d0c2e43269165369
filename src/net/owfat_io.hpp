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

// libowfat defers telling epoll that interest ended (io_internal.h: it
// "optimistically" saves syscalls) and 0.32 gets two cases wrong:
// io_dontwantwrite registers read interest from what the app wants while
// keeping its own note of what the kernel has (so a later io_wantread may
// change nothing in the kernel), and with a stale "can write" note it
// drops a registration twice, corrupting its count of watched descriptors
// until io_wait stops sleeping. These end interest at once, through the
// internal calls that keep kernel and notes in step; starting interest
// (io_wantread / io_wantwrite) and libowfat's can-read/can-write notes are
// left as they are.
inline io_entry* Entry(int64 fd) { return static_cast<io_entry*>(iarray_get(&io_fds, static_cast<size_t>(fd))); }

inline void StopReading(int64 fd) {
  io_entry* e = Entry(fd);
  if (e == nullptr) return;
  if (e->kernelwantread) io_dontwantread_really(fd, e);
  e->wantread = 0;
}

// Like io_dontwantwrite: while libowfat does not yet know the socket is
// writable, write interest stays registered and its next event notes it
// (so a connection that keeps writing needs no epoll_ctl at all); once it
// knows, interest is dropped now.
inline void StopWriting(int64 fd) {
  io_entry* e = Entry(fd);
  if (e == nullptr) return;
  if (e->kernelwantwrite && e->canwrite) {
    // io_dontwantwrite_really re-registers reads when the app wants them; a
    // read registration the app no longer wants goes first, so both agree.
    if (e->kernelwantread && !e->wantread) io_dontwantread_really(fd, e);
    io_dontwantwrite_really(fd, e);
  }
  e->wantwrite = 0;
}

}  // namespace ot::net::owfat
