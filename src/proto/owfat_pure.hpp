// The only door to libowfat's pure families (scan_*, fmt_*, ip4/ip6 text) for
// proto/, config/ and access/. libowfat installs generic names such as
// <scan.h> and <fmt.h> into the global include directory; keeping them behind
// this shim contains those names and gives scripts/check-layering one file
// to look for.
#pragma once

#include <cstddef>

extern "C" {
#include <fmt.h>
#include <ip4.h>
#include <ip6.h>
#include <scan.h>
}

namespace ot::proto::owfat {

// libowfat 0.32 declares its fmt_* writers __attribute__((pure)), which tells
// an optimising compiler that the destination buffer is left untouched: at
// -O2 gcc then reads the buffer's old contents (single digits came out as
// NUL bytes). The memory barrier makes the compiler re-read what was written.
inline std::size_t FormatUnsigned(char* dest, unsigned long value) noexcept {
  std::size_t length = ::fmt_ulong(dest, value);
  asm volatile("" : : "r"(dest) : "memory");
  return length;
}

}  // namespace ot::proto::owfat
