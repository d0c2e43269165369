// Start-up, reload and shutdown messages: "opentracker: <message>" on stderr,
// or syslog when tracker.syslog is on. One write per message, so lines from
// different threads never interleave.
#pragma once

#include <string>

namespace ot::app {

enum class LogLevel { kInfo, kWarning, kError };

void UseSyslog(bool on);
void Log(LogLevel level, const std::string& message);
inline void LogInfo(const std::string& m) { Log(LogLevel::kInfo, m); }
inline void LogWarning(const std::string& m) { Log(LogLevel::kWarning, "warning: " + m); }
inline void LogError(const std::string& m) { Log(LogLevel::kError, m); }

}  // namespace ot::app
