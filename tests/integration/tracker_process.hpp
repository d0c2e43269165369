// File: tests/integration/tracker_process.hpp
// The integration-test fixture: runs the real tracker binary exactly as an
// operator does (`<binary> -f <dir>/opentracker.conf [args]`) in a fresh temp
// dir on a free loopback port, waits for readiness by polling
// GET /stats?mode=version with a deadline, and stops it with a signal and an
// exit-status check. Which binary and which expectations:
//   OT_TRACKER_BINARY (env) overrides the compiled-in path of opentracker.debug;
//   OT_GOLDEN_REFERENCE=1 (or "deb") means the binary is upstream's Debian
//     build (/usr/bin/opentracker: IPv4 only, whitelist, restricted stats), so
//     tests expect upstream's bytes and skip what only the port does;
//     OT_GOLDEN_REFERENCE=head means a HEAD build (dual stack, open tracker).
//   OT_KEEP_TMP=1 keeps the temp dirs for inspection.
// Everything waits with deadlines and bounded loops; nothing sleeps blindly.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/net_http_client.hpp"
#include "support/net_socket.hpp"
#include "support/process_subprocess.hpp"

namespace ot::integration {

using test::Millis;

enum class Reference : std::uint8_t { kNone, kDeb, kHead };

// What the binary under test is (from OT_GOLDEN_REFERENCE).
Reference ReferenceMode();
inline bool IsReference() { return ReferenceMode() != Reference::kNone; }
inline bool IsPort() { return ReferenceMode() == Reference::kNone; }
// The binary: $OT_TRACKER_BINARY, else the compiled-in OT_TRACKER_BINARY.
std::string TrackerBinary();
// True when the binary under test serves IPv6 (the port, a HEAD build) and
// ::1 exists on this machine.
bool DualStackAvailable();
// Where temp dirs are made (/tmp, or $OT_INTEGRATION_TMPDIR). It must be
// traversable by "nobody": a root-started tracker drops privileges before it
// opens access lists and state files.
std::string TempRoot();

// Skip helpers with a reason (GTEST_SKIP needs to run in the test body).
#define OT_SKIP_UNLESS_PORT(why)                                                        \
  do {                                                                                  \
    if (!::ot::integration::IsPort()) GTEST_SKIP() << "port behaviour only: " << (why); \
  } while (0)
#define OT_SKIP_UNLESS_DUAL_STACK()                                                             \
  do {                                                                                          \
    if (!::ot::integration::DualStackAvailable())                                               \
      GTEST_SKIP() << "needs a dual-stack tracker and ::1 (the Debian reference is IPv4 only)"; \
  } while (0)

enum class Readiness : std::uint8_t {
  kStatsOk,       // GET /stats?mode=version answered 200
  kAnyHttpReply,  // any complete HTTP response (stats not allowed for 127.0.0.1)
  kNone,          // do not wait (start-up failure tests)
};

struct TrackerOptions {
  // Config file lines; "{PORT}" and "{DIR}" are replaced. Empty and
  // `write_config` false: no -f at all.
  std::vector<std::string> config_lines;
  bool write_config = true;
  std::vector<std::string> extra_args;       // after "-f <conf>", same placeholders
  std::map<std::string, std::string> files;  // name in the dir -> content, 0644
  Readiness readiness = Readiness::kStatsOk;
  std::string ready_host = "127.0.0.1";  // where readiness is polled
  bool port_free_on_v6 = true;           // also require the port free on ::1 (when it exists)
  std::uint16_t fixed_port = 0;          // use this instead of picking one
  Millis ready_timeout = Millis(10000);
};

// Upstream loads its access list in a thread after it starts serving (spec
// §10.1), so an announce right after readiness may be refused. In DEB
// reference mode, with an access list configured, Start() therefore also
// waits (bounded) until that thread sits in sigwait, i.e. has read the list.
// The port must have the list loaded before it answers; nothing waits for it.

// "listen.tcp_udp 127.0.0.1:{PORT}" (+ "[::1]:{PORT}" with v6).
std::vector<std::string> ListenLines(bool with_v6);

// A tracker that runs the same way against the port and the Debian
// reference: a whitelist of `hashes` (DEB is a whitelist build), stats allowed
// from 127.0.0.1 (DEB restricts them; the port allows loopback without any
// access.stats line, so it gets none), and ::1 too when `dual_stack` and
// DualStackAvailable().
TrackerOptions WhitelistedTracker(const std::vector<std::string>& hashes, bool dual_stack = false);

class TrackerProcess {
 public:
  explicit TrackerProcess(TrackerOptions options);
  // A tracker still running is stopped like Stop() (SIGINT, then a failure
  // unless it exits 0 within 10 s; SIGKILL as the last resort); the temp dir
  // is removed.
  ~TrackerProcess();
  TrackerProcess(const TrackerProcess&) = delete;
  TrackerProcess& operator=(const TrackerProcess&) = delete;

  // Writes files and config, spawns the binary and waits for readiness.
  ::testing::AssertionResult Start();

  pid_t Pid() const;
  std::uint16_t Port() const { return port_; }
  const std::string& Dir() const { return dir_; }
  std::string PathOf(const std::string& name) const { return dir_ + "/" + name; }
  // Writes (or rewrites) a file in the dir, mode 0644, atomically (rename).
  void WriteFile(const std::string& name, const std::string& content) const;
  std::string Stderr() const;
  std::string Stdout() const;
  // Successful TCP connects made by the readiness poll: each is an accepted
  // connection the tracker's counters include.
  int ReadinessConnects() const { return readiness_connects_; }

  bool Signal(int sig);
  // Raw wait status once the process has exited within `timeout`.
  std::optional<int> WaitExit(Millis timeout);
  bool Running();
  // Signal, wait, and check a clean exit (status 0). SIGINT is the documented
  // way to stop opentracker.
  ::testing::AssertionResult Stop(int sig = SIGINT, Millis timeout = Millis(10000));

  std::string Describe() const;  // pid, port, dir and stderr tail, for messages

 private:
  ::testing::AssertionResult WaitReady();
  ::testing::AssertionResult WaitForUpstreamAccessList();
  std::string Expand(const std::string& s) const;

  TrackerOptions options_;
  std::string dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<test::Subprocess> process_;
  int readiness_connects_ = 0;
};

// One request on a fresh connection to the tracker's 127.0.0.1 (or ::1) port:
// the reply and, after `close_wait`, whether the server closed.
class TrackerProcess;
// Announces TestHash-style `info_hash` as 127.0.0.1:`port` (a seeder) and
// checks that the reply is a real announce reply listing that peer: proof
// that the tracker under test works, for tests whose subject is something
// else (shutdown, start-up).
::testing::AssertionResult ServesAnnounce(const TrackerProcess& tracker, const std::string& info_hash,
                                          std::uint16_t port = 6881);
test::Exchange Request(const TrackerProcess& tracker, const std::string& request,
                       test::Family family = test::Family::kV4, Millis close_wait = Millis(0));

}  // namespace ot::integration
