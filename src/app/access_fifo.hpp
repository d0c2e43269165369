// access.fifo_add / access.fifo_delete (spec §8.3, with the intended
// semantics rather than upstream's buggy ones): another program writes info
// hashes, one per line, into a FIFO; each batch read becomes one new access
// list version, without a reload. A SIGHUP reload empties both change-sets.
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "opentracker/access/access_control.hpp"

namespace ot::app {

enum class FifoKind { kAdd, kDelete };

// Started as root: creates a missing FIFO before privileges are dropped, owned
// by the tracker user, at the place `path` will name after the chroot/chdir
// (the unprivileged tracker may not be allowed to create it there).
void PrepareAccessFifo(const std::string& path, const std::optional<std::string>& rootdir,
                       const std::string& user);

// Creates the FIFO if it is missing (mode 0660) and applies what is written
// to it until `stop` is set. Returns early, logging why, when the path exists
// but is not a FIFO or cannot be opened. The body of one thread.
void RunAccessFifo(const std::string& path, FifoKind kind, access::AccessControl& access,
                   const std::atomic<bool>& stop);

}  // namespace ot::app
