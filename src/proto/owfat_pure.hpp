// The only door to libowfat's pure families (scan_*, fmt_*, ip4/ip6 text) for
// proto/, config/ and access/. libowfat installs generic names such as
// <scan.h> and <fmt.h> into the global include directory; keeping them behind
// this shim contains those names and gives scripts/check-layering one file
// to look for.
#pragma once

extern "C" {
#include <fmt.h>
#include <ip4.h>
#include <ip6.h>
#include <scan.h>
}
