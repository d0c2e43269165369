// File: tests/support/process_subprocess.hpp
// Spawning a program for tests with fork/exec: stdout and stderr go to files,
// signals are reset to their defaults in the child (so a test cannot hide a
// daemon's missing SIGPIPE handling), and every wait has a deadline. The
// Subprocess object owns the child: its destructor SIGKILLs and reaps it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ot::test {

using Millis = std::chrono::milliseconds;

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the program path
  std::string cwd;                // empty: inherit
  std::string stdout_path;        // empty: /dev/null
  std::string stderr_path;        // empty: /dev/null
};

class Subprocess {
 public:
  // Starts the program; on failure Started() is false and error() says why
  // (including exec failures, reported back through a close-on-exec pipe).
  explicit Subprocess(const SpawnOptions& options);
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&&) = delete;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  bool Started() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  pid_t pid() const { return pid_; }

  // kill(pid, sig) if the child has not been reaped yet.
  bool Signal(int sig);
  // Polls waitpid until the child exits or `timeout` passes; the raw wait
  // status, or nullopt on timeout. Later calls return the same status.
  std::optional<int> WaitExit(Millis timeout);
  // True while the child has not exited (reaps it if it has).
  bool Running();
  // SIGKILL and reap (no-op once reaped).
  void Kill();

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string error_;
};

// "exited with status 0", "killed by signal 15 (Terminated)", ...
std::string DescribeWaitStatus(int status);
bool ExitedWith(int status, int code);

// Runs a program to completion (SIGKILL after `timeout`), capturing output.
struct RunResult {
  bool started = false;
  bool finished = false;  // exited before the timeout
  int status = 0;         // raw wait status when finished
  std::string out;
  std::string err;
  std::string spawn_error;
};
RunResult RunToExit(const std::vector<std::string>& argv, Millis timeout, const std::string& scratch_dir);

// Whole file contents ("" when unreadable).
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace ot::test
