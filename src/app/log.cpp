#include "app/log.hpp"

#include <syslog.h>
#include <unistd.h>

#include <atomic>

namespace ot::app {

namespace {
std::atomic<bool> g_syslog{false};  // set once at start-up, before threads
}

void UseSyslog(bool on) {
  if (on) {
    // LOG_NDELAY connects to /dev/log now, before a chroot hides it.
    openlog("opentracker", LOG_PID | LOG_NDELAY, LOG_USER);
    setlogmask(LOG_UPTO(LOG_INFO));
  }
  g_syslog.store(on);
}

void Log(LogLevel level, const std::string& message) {
  if (g_syslog.load()) {
    int priority = level == LogLevel::kError ? LOG_ERR : level == LogLevel::kWarning ? LOG_WARNING : LOG_INFO;
    syslog(priority, "%s", message.c_str());
    return;
  }
  std::string line = "opentracker: " + message + "\n";
  [[maybe_unused]] ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace ot::app
