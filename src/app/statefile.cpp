#include "app/statefile.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "app/files.hpp"
#include "app/log.hpp"
#include "opentracker/stats/statedump.hpp"
#include "opentracker/work/dump_stream.hpp"

namespace ot::app {

void LoadStatefile(const std::string& path, bool missing_is_quiet, tracker::TorrentStore& store,
                   const access::AccessControl& access_control) {
  std::optional<std::string> text = ReadWholeFile(path);
  if (!text) {
    if (!(missing_is_quiet && errno == ENOENT)) {
      LogWarning("cannot read state file " + path + ": " + std::strerror(errno));
    }
    return;
  }
  access::AccessReader access(access_control);
  std::size_t restored = 0;
  std::size_t refused = 0;
  std::size_t present = 0;
  std::size_t malformed = stats::ParseStatedump(*text, [&](const stats::StatedumpRecord& r) {
    if (!access.Allows(r.info_hash)) {
      ++refused;
    } else if (store.Restore(r.info_hash, r.base_minutes, r.downloaded)) {
      ++restored;
    } else {
      ++present;
    }
  });
  std::string line = "restored " + std::to_string(restored) + " torrents from " + path;
  if (refused != 0) line += ", " + std::to_string(refused) + " refused by the access list";
  if (present != 0) line += ", " + std::to_string(present) + " already known";
  if (malformed != 0) line += ", " + std::to_string(malformed) + " malformed lines skipped";
  LogInfo(line);
}

bool WriteStatefile(const std::string& path, const tracker::TorrentStore& store) {
  const std::string temporary = path + ".tmp";
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    LogError("cannot write state file " + temporary + ": " + std::strerror(errno));
    return false;
  }
  work::DumpStream dump(store, stats::DumpFormat::kStatedump, work::Compression::kNone);
  std::string chunk;
  bool more = true;
  bool ok = true;
  while (ok && more) {
    chunk.clear();
    more = dump.Next(chunk);
    std::size_t written = 0;
    while (ok && written < chunk.size()) {
      ssize_t n = write(fd, chunk.data() + written, chunk.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) ok = false;
      else written += static_cast<std::size_t>(n);
    }
  }
  if (ok && fsync(fd) != 0) ok = false;
  if (close(fd) != 0) ok = false;
  if (!ok || rename(temporary.c_str(), path.c_str()) != 0) {
    LogError("cannot write state file " + path + ": " + std::strerror(errno));
    unlink(temporary.c_str());
    return false;
  }
  LogInfo("wrote state file " + path + ": " + std::to_string(dump.torrents()) + " torrents");
  return true;
}

}  // namespace ot::app
