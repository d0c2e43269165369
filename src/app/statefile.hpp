// The state file (spec §10.1): torrents with their base minute and
// completed count, restored at start-up (-l, tracker.statefile) after the
// access list is loaded, and written on SIGINT/SIGTERM (tracker.statefile).
#pragma once

#include <string>

#include "opentracker/access/access_control.hpp"
#include "opentracker/tracker/torrent_store.hpp"

namespace ot::app {

// Restores what the access list allows and logs one summary line (restored,
// refused, already known, malformed). A missing file is a warning, or
// nothing when `missing_is_quiet` (a tracker.statefile not written yet).
void LoadStatefile(const std::string& path, bool missing_is_quiet, tracker::TorrentStore& store,
                   const access::AccessControl& access);

// Written next to the target, flushed to disk, then renamed over it, so a
// crash mid-write never leaves a truncated state file. False (logged) on failure.
bool WriteStatefile(const std::string& path, const tracker::TorrentStore& store);

}  // namespace ot::app
