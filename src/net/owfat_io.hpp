// The only door to libowfat's I/O families (io_*) for net/. libowfat puts
// generic names (io.h) into the global include directory; keeping them
// behind this shim contains them and gives scripts/check-layering one file
// to look for. libowfat's io_* state is process-global and not thread-safe:
// only the reactor thread may call these.
#pragma once

extern "C" {
#include <io.h>
}
