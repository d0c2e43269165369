// Dropping root after the sockets are bound (spec §10.3): chroot into the
// tracker's root dir and become the tracker user; as non-root, only chdir.
#pragma once

#include <optional>
#include <string>

namespace ot::app {

// False with `error` set (one line) when the drop cannot be completed; the
// caller exits with 111 as upstream does.
bool DropPrivileges(const std::optional<std::string>& rootdir, const std::string& user, std::string* error);

}  // namespace ot::app
