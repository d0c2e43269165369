#include "app/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "app/log.hpp"

namespace ot::app {

bool DropPrivileges(const std::optional<std::string>& rootdir, const std::string& user, std::string* error) {
  auto fail = [&](const std::string& what) {
    *error = what + ": " + std::strerror(errno);
    return false;
  };
  if (geteuid() != 0) {
    if (rootdir && chdir(rootdir->c_str()) != 0) return fail("cannot change directory to " + *rootdir);
    return true;
  }
  // Looked up before the chroot hides /etc/passwd.
  uid_t uid = static_cast<uid_t>(-2);
  gid_t gid = static_cast<gid_t>(-2);
  if (const passwd* entry = getpwnam(user.c_str())) {
    uid = entry->pw_uid;
    gid = entry->pw_gid;
  } else {
    LogWarning("could not get password entry for " + user + "; reverting to uid -2");
  }
  if (rootdir) {
    if (chroot(rootdir->c_str()) != 0) return fail("cannot chroot to " + *rootdir);
  }
  if (chdir("/") != 0) return fail("cannot change directory to /");
  if (setgroups(0, nullptr) != 0) return fail("cannot drop supplementary groups");
  if (setgid(gid) != 0) return fail("cannot set group id " + std::to_string(gid));
  if (setuid(uid) != 0) return fail("cannot set user id " + std::to_string(uid) + " (" + user + ")");
  if (geteuid() == 0 || getegid() == 0) {
    errno = EPERM;
    return fail("still running with root privileges (tracker.user " + user + ")");
  }
  return true;
}

}  // namespace ot::app
