#include "app/access_fifo.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "app/log.hpp"
#include "opentracker/access/access_list.hpp"

namespace ot::app {

namespace {

constexpr std::size_t kMaxLine = 4096;  // an info hash line is 41 bytes; anything this long is junk

bool EnsureFifo(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0) {
    if (S_ISFIFO(st.st_mode)) return true;
    LogError("access fifo " + path + " exists but is not a FIFO; not reading it");
    return false;
  }
  if (errno == ENOENT && mkfifo(path.c_str(), 0660) == 0) return true;
  LogError("cannot create access fifo " + path + ": " + std::strerror(errno));
  return false;
}

}  // namespace

void PrepareAccessFifo(const std::string& path, const std::optional<std::string>& rootdir,
                       const std::string& user) {
  if (geteuid() != 0 || path.empty()) return;
  // Where the path will point once DropPrivileges has chrooted (or chdir'ed) into rootdir.
  std::string host_path = path;
  if (rootdir) {
    host_path = *rootdir + (path.front() == '/' ? "" : "/") + path;
  } else if (path.front() != '/') {
    host_path = "/" + path;
  }
  struct stat st {};
  if (stat(host_path.c_str(), &st) == 0) return;  // present: RunAccessFifo checks its type
  if (mkfifo(host_path.c_str(), 0660) != 0) return;  // RunAccessFifo reports the problem
  chmod(host_path.c_str(), 0660);                      // whatever the umask: writers may share the group
  if (const passwd* entry = getpwnam(user.c_str())) {
    [[maybe_unused]] int ignored = chown(host_path.c_str(), entry->pw_uid, entry->pw_gid);
  }
}

void RunAccessFifo(const std::string& path, FifoKind kind, access::AccessControl& access,
                   const std::atomic<bool>& stop) {
  if (!EnsureFifo(path)) return;
  // Read-write, so the FIFO never reports end-of-file when a writer leaves
  // and open() does not wait for the first writer.
  int fd = open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    LogError("cannot open access fifo " + path + ": " + std::strerror(errno));
    return;
  }
  const char* verb = kind == FifoKind::kAdd ? "added" : "deleted";
  std::string pending;
  std::vector<InfoHash> batch;
  char buffer[8192];
  while (!stop.load(std::memory_order_relaxed)) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) continue;
    pending.append(buffer, static_cast<std::size_t>(n));
    std::size_t start = 0;
    std::size_t rejected = 0;
    for (std::size_t newline; (newline = pending.find('\n', start)) != std::string::npos; start = newline + 1) {
      std::string_view line(pending.data() + start, newline - start);
      if (std::optional<InfoHash> hash = access::ParseAccessListLine(line)) {
        batch.push_back(*hash);
      } else if (!line.empty()) {
        ++rejected;
      }
    }
    pending.erase(0, start);
    if (pending.size() > kMaxLine) pending.clear();
    if (!batch.empty()) {
      if (kind == FifoKind::kAdd) {
        access.AddHashes(batch);
      } else {
        access.RemoveHashes(batch);
      }
      LogInfo(path + ": " + std::to_string(batch.size()) + " info hashes " + verb +
              (rejected != 0 ? ", " + std::to_string(rejected) + " lines ignored" : ""));
      batch.clear();
    } else if (rejected != 0) {
      LogWarning(path + ": " + std::to_string(rejected) + " lines ignored (not an info hash)");
    }
  }
  close(fd);
}

}  // namespace ot::app
