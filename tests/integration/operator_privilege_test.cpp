// Privilege drop against the real daemon (spec §10.3, §2.3): started as root
// with tracker.rootdir (or -d) it binds, chroots there and becomes
// tracker.user (-u, default nobody), and still reloads its whitelist from
// inside the chroot; failures exit 111 with one line and running as root is
// refused. Started as another user it only changes into the rootdir. What
// the process became is read from /proc/<pid>/{root,cwd,status}.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "operator_support.hpp"
#include "support/process_subprocess.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using Clock = std::chrono::steady_clock;

constexpr Millis kExit(10000);
constexpr char kSetpriv[] = "/usr/bin/setpriv";

std::string Canonical(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::canonical(path, ec);
  return ec ? path : p.string();
}

#define OT_SKIP_UNLESS_ROOT(why)                                                                            \
  do {                                                                                                      \
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (tests run as uid " << ::geteuid() << "): " << (why); \
  } while (0)

// Every thread of `pid` runs with these real/effective/saved/fs ids (and,
// after a drop from root, no supplementary groups).
void ExpectIds(pid_t pid, std::uint64_t uid, std::uint64_t gid, bool dropped = true) {
  const std::vector<std::string> want_uid(4, std::to_string(uid)), want_gid(4, std::to_string(gid));
  std::error_code ec;
  int threads = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    pid_t tid = static_cast<pid_t>(std::stol(task.path().filename().string()));
    std::vector<std::string> uids = ProcStatusFields(tid, "Uid");
    std::vector<std::string> gids = ProcStatusFields(tid, "Gid");
    if (uids.empty()) continue;  // the thread just ended
    ++threads;
    EXPECT_EQ(uids, want_uid) << "thread " << tid;
    EXPECT_EQ(gids, want_gid) << "thread " << tid;
    if (dropped) {
      EXPECT_EQ(ProcStatusFields(tid, "Groups"), std::vector<std::string>{}) << "thread " << tid;
    }
  }
  EXPECT_GE(threads, 1) << "no /proc/" << pid << "/task entries";
}

const passwd* Nobody() { return ::getpwnam("nobody"); }

// In the sanitizer build, LeakSanitizer lists the exiting tracker's threads
// through /proc/<pid>/task, which the chroot (without /proc) hides, and then
// aborts. Leaks are still checked by every test that does not chroot; for
// the chrooted tracker only, leak checking is switched off.
class NoLeakCheckInChroot {
 public:
  NoLeakCheckInChroot() {
    const char* old = std::getenv("ASAN_OPTIONS");
    if (old != nullptr) saved_ = old;
    had_ = old != nullptr;
    std::string options = had_ ? saved_ + ":detect_leaks=0" : "detect_leaks=0";
    ::setenv("ASAN_OPTIONS", options.c_str(), 1);
  }
  ~NoLeakCheckInChroot() {
    if (had_) {
      ::setenv("ASAN_OPTIONS", saved_.c_str(), 1);
    } else {
      ::unsetenv("ASAN_OPTIONS");
    }
  }
  NoLeakCheckInChroot(const NoLeakCheckInChroot&) = delete;
  NoLeakCheckInChroot& operator=(const NoLeakCheckInChroot&) = delete;

 private:
  std::string saved_;
  bool had_ = false;
};

// The chroot, the ids, and a whitelist (path relative to the chroot) that a
// SIGHUP re-reads from inside it.
void ExpectChrootedNobodyReloading(TrackerProcess& t, const passwd& nobody) {
  const std::string a = TestHash(7001), b = TestHash(7002);
  EXPECT_EQ(ProcLink(t.Pid(), "root"), Canonical(t.Dir())) << "chrooted into the rootdir";
  EXPECT_EQ(ProcLink(t.Pid(), "cwd"), Canonical(t.Dir())) << "and at its /";
  ExpectIds(t.Pid(), nobody.pw_uid, nobody.pw_gid);
  EXPECT_TRUE(VerdictIs(t, a, Verdict::kServed));
  EXPECT_TRUE(VerdictIs(t, a, Verdict::kServed, Transport::kUdp));
  EXPECT_TRUE(VerdictIs(t, b, Verdict::kRefused));
  t.WriteFile("whitelist.txt", WhitelistText({b}));
  ASSERT_TRUE(t.Signal(SIGHUP));
  EXPECT_TRUE(WaitForVerdict(t, b, Verdict::kServed)) << t.Describe();
  EXPECT_TRUE(VerdictIs(t, a, Verdict::kRefused));
}

TEST(OperatorPrivilege, RootChrootsIntoRootdirAndBecomesTrackerUser) {
  OT_SKIP_UNLESS_ROOT("only root can chroot and change user");
  OT_SKIP_UNLESS_PORT("upstream aborts on SIGINT inside a chroot that lacks libgcc_s (spec §10.3)");
  const passwd* nobody = Nobody();
  if (!nobody) GTEST_SKIP() << "no user \"nobody\" on this machine";
  TrackerOptions o;
  o.config_lines = ListenLines(false);
  o.config_lines.push_back("tracker.rootdir {DIR}");
  o.config_lines.push_back("tracker.user nobody");
  o.config_lines.push_back("access.whitelist /whitelist.txt");  // inside the chroot
  o.files["whitelist.txt"] = WhitelistText({TestHash(7001)});
  NoLeakCheckInChroot no_leak_check;
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  ExpectChrootedNobodyReloading(t, *nobody);
  EXPECT_TRUE(t.Stop()) << "SIGINT exits 0 inside the chroot (PORT-DECISIONS §3)";
}

TEST(OperatorPrivilege, CommandLineRootdirUserAndWhitelist) {
  OT_SKIP_UNLESS_ROOT("only root can chroot and change user");
  OT_SKIP_UNLESS_PORT("upstream aborts on SIGINT inside a chroot that lacks libgcc_s (spec §10.3)");
  const passwd* nobody = Nobody();
  if (!nobody) GTEST_SKIP() << "no user \"nobody\" on this machine";
  TrackerOptions o;
  o.config_lines = ListenLines(false);
  o.extra_args = {"-d", "{DIR}", "-u", "nobody", "-w", "whitelist.txt"};  // relative to the chroot's /
  o.files["whitelist.txt"] = WhitelistText({TestHash(7001)});
  NoLeakCheckInChroot no_leak_check;
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  ExpectChrootedNobodyReloading(t, *nobody);
  EXPECT_TRUE(t.Stop());
}

TEST(OperatorPrivilege, MissingRootdirExits111WithOneLine) {
  // As root this is the chroot failing, otherwise the chdir.
  TrackerOptions o;
  o.config_lines = ListenLines(false);
  o.config_lines.push_back("tracker.rootdir {DIR}/no-such-rootdir");
  o.readiness = Readiness::kNone;
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  auto status = t.WaitExit(kExit);
  ASSERT_TRUE(status) << "still running without its rootdir\n" << t.Describe();
  EXPECT_TRUE(test::ExitedWith(*status, 111)) << test::DescribeWaitStatus(*status) << "\n" << t.Describe();
  std::vector<std::string> lines = NonEmptyLines(t.Stderr());
  if (IsPort()) {
    ASSERT_EQ(lines.size(), 1u) << "exactly one line:\n" << t.Stderr();
  }
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("no-such-rootdir"), std::string::npos) << lines[0];
  EXPECT_FALSE(test::RoundTrip("127.0.0.1", t.Port(), GetRequest("/stats"), Millis(500)).connected)
      << "nothing listens after the failure";
}

TEST(OperatorPrivilege, TrackerUserRootIsFatal) {
  OT_SKIP_UNLESS_ROOT("the user is only used when started as root");
  TrackerOptions o;
  o.config_lines = ListenLines(false);
  o.config_lines.push_back("tracker.user root");
  o.readiness = Readiness::kNone;
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  auto status = t.WaitExit(kExit);
  ASSERT_TRUE(status) << "still running as root\n" << t.Describe();
  EXPECT_TRUE(WIFEXITED(*status) && !test::ExitedWith(*status, 0)) << test::DescribeWaitStatus(*status);
  if (IsPort()) {
    EXPECT_TRUE(test::ExitedWith(*status, 111)) << test::DescribeWaitStatus(*status);
    EXPECT_EQ(NonEmptyLines(t.Stderr()).size(), 1u) << t.Stderr();
  }
  EXPECT_NE(t.Stderr().find("unning with root privileges"), std::string::npos) << t.Stderr();
}

// Spec §10.3: a user without a password entry means uid/gid -2.
TEST(OperatorPrivilege, UnknownUserRevertsToUidMinus2) {
  OT_SKIP_UNLESS_ROOT("the user is only used when started as root");
  OT_SKIP_UNLESS_PORT("the warning text is the port's");
  const std::string user = "ot-ops-no-such-user";
  if (::getpwnam(user.c_str())) GTEST_SKIP() << user << " exists here";
  TrackerOptions o = WhitelistedTracker({TestHash(7101)});
  o.config_lines.push_back("tracker.user " + user);
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  ExpectIds(t.Pid(), 4294967294u, 4294967294u);
  EXPECT_NE(t.Stderr().find(user), std::string::npos) << "a warning names the user:\n" << t.Stderr();
  EXPECT_TRUE(ServesAnnounce(t, TestHash(7101)));
  EXPECT_TRUE(t.Stop());
}

// Started as another user, the tracker only changes into the rootdir (no
// chroot, no user change; tracker.user is not even looked at), so relative
// list paths resolve there. As root the test starts it as nobody with
// setpriv; otherwise as the test user itself.
TEST(OperatorPrivilege, NonRootOnlyChangesIntoRootdir) {
  const bool root = ::geteuid() == 0;
  const passwd* nobody = Nobody();
  if (root && (!nobody || ::access(kSetpriv, X_OK) != 0))
    GTEST_SKIP() << "running as root, but cannot start the tracker as nobody (" << kSetpriv
                 << " or the user is missing)";
  const std::uint64_t uid = root ? nobody->pw_uid : ::getuid();
  const std::uint64_t gid = root ? nobody->pw_gid : ::getgid();
  const std::string a = TestHash(7201), b = TestHash(7202);

  TrackerOptions unused;  // the fixture provides the dir, the port and the file helpers; it is not started
  TrackerProcess t(unused);
  ASSERT_FALSE(t.Dir().empty());
  ASSERT_NE(t.Port(), 0);
  std::string conf = "listen.tcp_udp 127.0.0.1:" + std::to_string(t.Port()) + "\n" + "tracker.rootdir " +
                     t.Dir() + "\n" +
                     "access.whitelist whitelist.txt\n"  // relative: found only after the chdir
                     "tracker.user root\n";              // fatal as root; ignored here
  if (ReferenceMode() == Reference::kDeb) conf += "access.stats 127.0.0.1\n";
  t.WriteFile("opentracker.conf", conf);
  t.WriteFile("whitelist.txt", WhitelistText({a}));
  test::SpawnOptions spawn;
  spawn.argv = {TrackerBinary(), "-f", t.PathOf("opentracker.conf")};
  if (root) {
    spawn.argv.insert(spawn.argv.begin(), {kSetpriv, "--reuid=" + std::to_string(uid),
                                           "--regid=" + std::to_string(gid), "--clear-groups", "--"});
  }
  spawn.cwd = "/";  // anywhere but the rootdir
  spawn.stdout_path = t.PathOf("stdout.txt");
  spawn.stderr_path = t.PathOf("stderr.txt");
  test::Subprocess p(spawn);
  ASSERT_TRUE(p.Started()) << p.error();

  // Readiness: the version page answers 200 (bounded).
  bool ready = false;
  auto deadline = Clock::now() + Millis(10000);
  for (int attempt = 0; attempt < 10000 && !ready && Clock::now() < deadline && p.Running(); ++attempt) {
    test::Exchange ex =
        test::RoundTrip("127.0.0.1", t.Port(), GetRequest("/stats?mode=version"), Millis(1000));
    ready = ex.read.outcome == test::ReadOutcome::kResponse && ex.read.response.status == 200;
    if (!ready) std::this_thread::sleep_for(Millis(10));
  }
  ASSERT_TRUE(ready) << "not ready: " << t.Stderr();

  EXPECT_EQ(ProcLink(p.pid(), "root"), "/") << "no chroot";
  EXPECT_EQ(ProcLink(p.pid(), "cwd"), Canonical(t.Dir())) << "changed into the rootdir";
  ExpectIds(p.pid(), uid, gid, /*dropped=*/root);  // setpriv --clear-groups
  EXPECT_TRUE(VerdictIs(t, a, Verdict::kServed)) << "the relative whitelist path was read in the rootdir";
  EXPECT_TRUE(VerdictIs(t, b, Verdict::kRefused));
  t.WriteFile("whitelist.txt", WhitelistText({b}));
  ASSERT_TRUE(p.Signal(SIGHUP));
  EXPECT_TRUE(WaitForVerdict(t, b, Verdict::kServed)) << t.Stderr();

  ASSERT_TRUE(p.Signal(SIGINT));
  auto status = p.WaitExit(kExit);
  ASSERT_TRUE(status) << "did not stop on SIGINT";
  EXPECT_TRUE(test::ExitedWith(*status, 0)) << test::DescribeWaitStatus(*status) << "\n" << t.Stderr();
}

}  // namespace
}  // namespace ot::integration
