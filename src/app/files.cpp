#include "app/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace ot::app {

std::optional<std::string> ReadWholeFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    int saved = errno;
    close(fd);
    if (n < 0) {
      errno = saved;
      return std::nullopt;
    }
    return text;
  }
}

}  // namespace ot::app
