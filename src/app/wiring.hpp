// Builds the daemon from a finished Config: binds the sockets, drops
// privileges, loads the access list and state, creates every thread (the
// only place that does), runs the reactor on the calling thread until
// SIGINT/SIGTERM, and tears everything down again.
#pragma once

#include "opentracker/config/config.hpp"

namespace ot::app {

// Returns the process exit status: 0 after a clean stop, 111 for bind,
// chroot or setuid failures (upstream's panic code), 1 for other start-up errors.
int RunDaemon(const config::Config& config);

}  // namespace ot::app
