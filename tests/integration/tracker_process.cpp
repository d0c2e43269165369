#include "tracker_process.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/net_http_client.hpp"
#include "tracker_requests.hpp"

#ifndef OT_TRACKER_BINARY
#define OT_TRACKER_BINARY "opentracker.debug"
#endif

namespace ot::integration {
namespace {

using Clock = std::chrono::steady_clock;

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
    s.replace(pos, from.size(), to);
}

std::string Tail(const std::string& s, std::size_t max = 2000) {
  return s.size() <= max ? s : "..." + s.substr(s.size() - max);
}

}  // namespace

Reference ReferenceMode() {
  static const Reference mode = [] {
    std::string v = EnvOr("OT_GOLDEN_REFERENCE", "");
    if (v.empty() || v == "0") return Reference::kNone;
    if (v == "head" || v == "HEAD") return Reference::kHead;
    return Reference::kDeb;
  }();
  return mode;
}

std::string TrackerBinary() { return EnvOr("OT_TRACKER_BINARY", OT_TRACKER_BINARY); }

bool DualStackAvailable() { return ReferenceMode() != Reference::kDeb && test::Ipv6LoopbackAvailable(); }

std::string TempRoot() { return EnvOr("OT_INTEGRATION_TMPDIR", "/tmp"); }

std::vector<std::string> ListenLines(bool with_v6) {
  std::vector<std::string> lines = {"listen.tcp_udp 127.0.0.1:{PORT}"};
  if (with_v6) lines.push_back("listen.tcp_udp [::1]:{PORT}");
  return lines;
}

TrackerOptions WhitelistedTracker(const std::vector<std::string>& hashes, bool dual_stack) {
  TrackerOptions o;
  bool v6 = dual_stack && DualStackAvailable();
  o.config_lines = ListenLines(v6);
  o.config_lines.push_back("access.whitelist {DIR}/whitelist.txt");
  if (ReferenceMode() == Reference::kDeb) o.config_lines.push_back("access.stats 127.0.0.1");
  std::string list = "# integration test whitelist\n";
  static const char* const kDigits = "0123456789abcdef";
  for (const auto& h : hashes) {
    for (unsigned char c : h) {
      list.push_back(kDigits[c >> 4]);
      list.push_back(kDigits[c & 15]);
    }
    list.push_back('\n');
  }
  o.files["whitelist.txt"] = list;
  return o;
}

test::Exchange Request(const TrackerProcess& tracker, const std::string& request, test::Family family,
                       Millis close_wait) {
  return test::RoundTrip(test::LoopbackText(family), tracker.Port(), request, Millis(5000), close_wait);
}

::testing::AssertionResult ServesAnnounce(const TrackerProcess& tracker, const std::string& info_hash,
                                          std::uint16_t port) {
  AnnounceParams p;
  p.info_hash = info_hash;
  p.port = std::to_string(port);
  p.left = "0";
  test::Exchange ex = Request(tracker, AnnounceRequest(p));
  if (ex.read.outcome != test::ReadOutcome::kResponse)
    return ::testing::AssertionFailure()
           << "announce: " << test::ToString(ex.read.outcome) << " " << ex.read.error;
  AnnounceReply r = DecodeAnnounce(ex.read.response.content);
  bool listed = false;
  for (const auto& peer : r.peers) listed = listed || peer == MakePeer(test::Family::kV4, port);
  if (!r.error.empty() || r.complete < 1 || !listed || r.interval < 1620 || r.interval > 1979)
    return ::testing::AssertionFailure()
           << "not a working announce reply: " << test::Printable(ex.read.response.raw);
  return ::testing::AssertionSuccess();
}

TrackerProcess::TrackerProcess(TrackerOptions options) : options_(std::move(options)) {
  std::string templ = TempRoot() + "/ot-integ-XXXXXX";
  if (char* made = ::mkdtemp(templ.data())) {
    dir_ = made;
    // A root-started tracker opens its access list and state file as
    // "nobody" (upstream drops privileges first), so the dir must be 0755.
    ::chmod(dir_.c_str(), 0755);
  }
  port_ = options_.fixed_port != 0
              ? options_.fixed_port
              : test::PickFreePort(options_.port_free_on_v6 && test::Ipv6LoopbackAvailable());
}

TrackerProcess::~TrackerProcess() {
  if (process_ && process_->Running()) {
    if (auto stopped = Stop(); !stopped) ADD_FAILURE() << "at teardown: " << stopped.message();
  }
  if (process_) process_->Kill();
  if (!dir_.empty() && EnvOr("OT_KEEP_TMP", "") != "1") {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::string TrackerProcess::Expand(const std::string& s) const {
  std::string out = s;
  ReplaceAll(out, "{PORT}", std::to_string(port_));
  ReplaceAll(out, "{DIR}", dir_);
  return out;
}

void TrackerProcess::WriteFile(const std::string& name, const std::string& content) const {
  std::string path = PathOf(name);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
  }
  ::chmod(tmp.c_str(), 0644);
  ::rename(tmp.c_str(), path.c_str());
}

::testing::AssertionResult TrackerProcess::Start() {
  if (dir_.empty()) return ::testing::AssertionFailure() << "mkdtemp in " << TempRoot() << " failed";
  if (port_ == 0) return ::testing::AssertionFailure() << "no free loopback port found";
  std::string binary = TrackerBinary();
  if (::access(binary.c_str(), X_OK) != 0)
    return ::testing::AssertionFailure() << "tracker binary " << binary << " is not executable ("
                                         << std::strerror(errno) << "); set OT_TRACKER_BINARY";
  for (const auto& [name, content] : options_.files) WriteFile(name, Expand(content));
  std::vector<std::string> argv = {binary};
  if (options_.write_config) {
    std::string conf;
    for (const auto& line : options_.config_lines) conf += Expand(line) + "\n";
    WriteFile("opentracker.conf", conf);
    argv.push_back("-f");
    argv.push_back(PathOf("opentracker.conf"));
  }
  for (const auto& a : options_.extra_args) argv.push_back(Expand(a));

  test::SpawnOptions spawn;
  spawn.argv = argv;
  spawn.cwd = dir_;
  spawn.stdout_path = PathOf("stdout.txt");
  spawn.stderr_path = PathOf("stderr.txt");
  process_ = std::make_unique<test::Subprocess>(spawn);
  if (!process_->Started()) return ::testing::AssertionFailure() << "spawn failed: " << process_->error();
  if (options_.readiness == Readiness::kNone) return ::testing::AssertionSuccess();
  if (auto ready = WaitReady(); !ready) return ready;
  bool has_list = false;
  for (const auto& line : options_.config_lines)
    has_list = has_list || line.rfind("access.whitelist", 0) == 0 || line.rfind("access.blacklist", 0) == 0;
  if (ReferenceMode() == Reference::kDeb && has_list) return WaitForUpstreamAccessList();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult TrackerProcess::WaitForUpstreamAccessList() {
  const std::string task_dir = "/proc/" + std::to_string(Pid()) + "/task";
  auto deadline = Clock::now() + Millis(5000);
  for (int attempt = 0; attempt < 10000 && Clock::now() < deadline; ++attempt) {
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator(task_dir, ec)) {
      std::string wchan = test::ReadFileOrEmpty(task.path().string() + "/wchan");
      if (wchan.find("sigtimedwait") != std::string::npos) return ::testing::AssertionSuccess();
    }
    std::this_thread::sleep_for(Millis(5));
  }
  return ::testing::AssertionFailure() << "upstream's access list thread did not reach sigwait within 5 s\n"
                                       << Describe();
}

::testing::AssertionResult TrackerProcess::WaitReady() {
  const std::string request =
      "GET /stats?mode=version HTTP/1.1\r\nHost: " + options_.ready_host + "\r\nConnection: close\r\n\r\n";
  auto deadline = Clock::now() + options_.ready_timeout;
  std::string last;
  for (int attempt = 0; attempt < 100000 && Clock::now() < deadline; ++attempt) {
    if (!process_->Running()) {
      return ::testing::AssertionFailure() << "tracker exited before it was ready: "
                                           << test::DescribeWaitStatus(*process_->WaitExit(Millis(0))) << "\n"
                                           << Describe();
    }
    test::HttpConnection conn(options_.ready_host, port_, Millis(200));
    if (!conn.Connected()) {
      std::this_thread::sleep_for(Millis(10));
      continue;
    }
    ++readiness_connects_;
    if (!conn.Send(request)) continue;
    test::ReadResult r = conn.ReadResponse(Millis(1000));
    if (r.outcome != test::ReadOutcome::kResponse) {
      last = std::string("readiness probe: ") + test::ToString(r.outcome);
      continue;
    }
    if (options_.readiness == Readiness::kAnyHttpReply || r.response.status == 200)
      return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "readiness probe got \"" << r.response.status_line
                                         << "\" (stats not allowed for " << options_.ready_host << "?)\n"
                                         << Describe();
  }
  return ::testing::AssertionFailure()
         << "tracker not ready within " << options_.ready_timeout.count() << " ms (" << last << ")\n"
         << Describe();
}

pid_t TrackerProcess::Pid() const { return process_ ? process_->pid() : -1; }

std::string TrackerProcess::Stderr() const { return test::ReadFileOrEmpty(PathOf("stderr.txt")); }
std::string TrackerProcess::Stdout() const { return test::ReadFileOrEmpty(PathOf("stdout.txt")); }

bool TrackerProcess::Signal(int sig) { return process_ && process_->Signal(sig); }

std::optional<int> TrackerProcess::WaitExit(Millis timeout) {
  if (!process_) return std::nullopt;
  return process_->WaitExit(timeout);
}

bool TrackerProcess::Running() { return process_ && process_->Running(); }

::testing::AssertionResult TrackerProcess::Stop(int sig, Millis timeout) {
  if (!process_ || !process_->Started()) return ::testing::AssertionFailure() << "tracker was not started";
  if (process_->Running() && !process_->Signal(sig))
    return ::testing::AssertionFailure() << "kill(" << process_->pid() << ", " << sig << ") failed";
  auto status = process_->WaitExit(timeout);
  if (!status) {
    process_->Kill();
    return ::testing::AssertionFailure()
           << "tracker did not exit within " << timeout.count() << " ms of signal " << sig << "; killed\n"
           << Describe();
  }
  if (!test::ExitedWith(*status, 0))
    return ::testing::AssertionFailure()
           << "tracker " << test::DescribeWaitStatus(*status) << " after signal " << sig << "\n"
           << Describe();
  return ::testing::AssertionSuccess();
}

std::string TrackerProcess::Describe() const {
  return "[tracker pid " + std::to_string(Pid()) + ", port " + std::to_string(port_) + ", dir " + dir_ +
         "]\n--- stderr ---\n" + Tail(Stderr()) + "\n--------------";
}

}  // namespace ot::integration
