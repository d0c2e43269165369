// Access lists against the real daemon (spec §8, PORT-DECISIONS §1 and §3):
// whitelist and blacklist over HTTP and UDP in both families; SIGHUP reloads
// that add and remove hashes, apply to torrents already tracked and never
// let a steady hash slip under load; reloads of an unreadable, deleted or
// junk-only file that keep the previous list and say why; and the dynamic
// FIFO change-sets, which apply without a reload until SIGHUP empties them.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <thread>

#include "operator_support.hpp"
#include "support/net_http_client.hpp"
#include "support/net_udp_client.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using Clock = std::chrono::steady_clock;
using test::Family;

constexpr Millis kExit(10000);

// Every combination a list must hold for.
void ExpectVerdictEverywhere(const TrackerProcess& t, const std::string& hash, Verdict want, Family family) {
  for (Transport transport : {Transport::kHttp, Transport::kUdp}) {
    EXPECT_TRUE(VerdictIs(t, hash, want, transport, family));
  }
}

// A stop of a refused hash is not checked (spec §8.1) and a scrape ignores
// the list: both get their normal replies.
void ExpectStopAndScrapeUnchecked(const TrackerProcess& t, const std::string& hash, Family family) {
  AnnounceParams p;
  p.info_hash = hash;
  p.left = "0";
  p.extra = "&event=stopped";
  test::Exchange stop = Request(t, AnnounceRequest(p), family);
  ASSERT_EQ(stop.read.outcome, test::ReadOutcome::kResponse);
  AnnounceReply r = DecodeAnnounce(stop.read.response.content);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.failure, "") << "a stopped event is never refused";
  EXPECT_GE(r.interval, 1620);
  test::Exchange scrape = Request(t, ScrapeRequest({hash}), family);
  ASSERT_EQ(scrape.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_EQ(scrape.read.response.status, 200);
  EXPECT_EQ(scrape.read.response.content.find("failure"), std::string::npos)
      << test::Printable(scrape.read.response.content);
}

TrackerOptions BlacklistTracker(const std::vector<std::string>& hashes, bool dual_stack) {
  TrackerOptions o;
  o.config_lines = ListenLines(dual_stack && DualStackAvailable());
  o.extra_args = {"-b", "{DIR}/blacklist.txt"};  // the command-line form of access.blacklist
  o.files["blacklist.txt"] = WhitelistText(hashes);
  return o;
}

TEST(OperatorAccess, WhitelistServesListedAndRefusesOthersOverIpv4) {
  const std::string listed = TestHash(5001), unlisted = TestHash(5002);
  TrackerProcess t(WhitelistedTracker({listed}));
  ASSERT_TRUE(t.Start());
  ExpectVerdictEverywhere(t, listed, Verdict::kServed, Family::kV4);
  ExpectVerdictEverywhere(t, unlisted, Verdict::kRefused, Family::kV4);
  ExpectStopAndScrapeUnchecked(t, unlisted, Family::kV4);
  EXPECT_TRUE(VerdictIs(t, listed, Verdict::kServed)) << "a refusal changes nothing for others";
  EXPECT_TRUE(t.Stop());
}

TEST(OperatorAccess, WhitelistServesListedAndRefusesOthersOverIpv6) {
  OT_SKIP_UNLESS_DUAL_STACK();
  const std::string listed = TestHash(5011), unlisted = TestHash(5012);
  TrackerProcess t(WhitelistedTracker({listed}, /*dual_stack=*/true));
  ASSERT_TRUE(t.Start());
  ExpectVerdictEverywhere(t, listed, Verdict::kServed, Family::kV6);
  ExpectVerdictEverywhere(t, unlisted, Verdict::kRefused, Family::kV6);
  ExpectStopAndScrapeUnchecked(t, unlisted, Family::kV6);
  EXPECT_TRUE(t.Stop());
}

void ExpectBlacklistHolds(Family family) {
  const std::string listed = TestHash(5021), unlisted = TestHash(5022);
  TrackerProcess t(BlacklistTracker({listed}, family == Family::kV6));
  ASSERT_TRUE(t.Start());
  ExpectVerdictEverywhere(t, listed, Verdict::kRefused, family);
  ExpectVerdictEverywhere(t, unlisted, Verdict::kServed, family);
  ExpectStopAndScrapeUnchecked(t, listed, family);
  EXPECT_TRUE(t.Stop());
}

TEST(OperatorAccess, BlacklistRefusesListedAndServesOthersOverIpv4) {
  OT_SKIP_UNLESS_PORT("upstream DEB is a whitelist build");
  ExpectBlacklistHolds(Family::kV4);
}

TEST(OperatorAccess, BlacklistRefusesListedAndServesOthersOverIpv6) {
  OT_SKIP_UNLESS_PORT("upstream DEB is a whitelist build");
  OT_SKIP_UNLESS_DUAL_STACK();
  ExpectBlacklistHolds(Family::kV6);
}

TEST(OperatorAccess, WhitelistAndBlacklistTogetherIsAStartupError) {
  OT_SKIP_UNLESS_PORT("upstream builds have one list kind only");
  TrackerOptions o = WhitelistedTracker({TestHash(5031)});
  o.extra_args = {"-b", "{DIR}/whitelist.txt"};
  o.readiness = Readiness::kNone;
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  auto status = t.WaitExit(kExit);
  ASSERT_TRUE(status) << "still running with both lists\n" << t.Describe();
  EXPECT_TRUE(WIFEXITED(*status) && !test::ExitedWith(*status, 0)) << test::DescribeWaitStatus(*status);
  EXPECT_EQ(NonEmptyLines(t.Stderr()).size(), 1u) << t.Stderr();
}

// Spec §8.2 and PORT-DECISIONS §3 (quirk 18): the new list holds after
// SIGHUP, and it holds for torrents that already exist.
TEST(OperatorAccess, ReloadAddsAndRemovesHashesAndAppliesToTrackedTorrents) {
  const std::string removed = TestHash(5101), kept = TestHash(5102), added = TestHash(5103);
  TrackerProcess t(WhitelistedTracker({removed, kept}));
  ASSERT_TRUE(t.Start());
  EXPECT_TRUE(VerdictIs(t, added, Verdict::kRefused));
  EXPECT_TRUE(VerdictIs(t, removed, Verdict::kServed));  // seeder 127.0.0.1:6881
  AnnounceParams leecher;
  leecher.info_hash = removed;
  leecher.port = "7002";
  leecher.left = "100";
  ASSERT_EQ(DecodeAnnounce(Request(t, AnnounceRequest(leecher)).read.response.content).incomplete, 1);
  ASSERT_EQ(HttpScrape(t, removed), (ScrapeCounts{1, 0, 1}));

  t.WriteFile("whitelist.txt", "# reloaded\n" + Hex(kept) + "\n" + Hex(added) + "  trailing comment\n");
  ASSERT_TRUE(t.Signal(SIGHUP));
  ASSERT_TRUE(WaitForVerdict(t, added, Verdict::kServed)) << t.Describe();
  EXPECT_TRUE(VerdictIs(t, added, Verdict::kServed, Transport::kUdp));
  EXPECT_TRUE(VerdictIs(t, kept, Verdict::kServed, Transport::kHttp));
  EXPECT_TRUE(VerdictIs(t, kept, Verdict::kServed, Transport::kUdp));
  // The existing seeder's next announce, over either transport, is refused.
  EXPECT_TRUE(VerdictIs(t, removed, Verdict::kRefused, Transport::kHttp));
  EXPECT_TRUE(VerdictIs(t, removed, Verdict::kRefused, Transport::kUdp));
  EXPECT_EQ(Request(t, AnnounceRequest(leecher)).read.response.content, kNotAuthorizedBody);
  // Not purged: its peers stay scrapeable (spec §8.1), over UDP too.
  EXPECT_EQ(HttpScrape(t, removed), (ScrapeCounts{1, 0, 1}));
  test::UdpClient udp(Family::kV4);
  ASSERT_TRUE(udp.Send(test::UdpConnectPacket(7), t.Port()));
  auto connected = udp.Receive(Millis(2000));
  ASSERT_TRUE(connected && connected->size() == 16);
  ASSERT_TRUE(udp.Send(test::UdpScrapePacket(test::GetU64(*connected, 8), 8, removed), t.Port()));
  auto scraped = udp.Receive(Millis(2000));
  ASSERT_TRUE(scraped && scraped->size() == 20) << test::Printable(scraped.value_or(""));
  EXPECT_EQ(test::GetU32(*scraped, 8), 1u) << "seeders";
  EXPECT_EQ(test::GetU32(*scraped, 16), 1u) << "leechers";
  // A stop is not checked: the leecher leaves.
  leecher.extra = "&event=stopped";
  EXPECT_EQ(DecodeAnnounce(Request(t, AnnounceRequest(leecher)).read.response.content).failure, "");
  EXPECT_EQ(HttpScrape(t, removed), (ScrapeCounts{1, 0, 0}));

  // And back in: the same torrent is served again, with its old seeder.
  t.WriteFile("whitelist.txt", WhitelistText({kept, added, removed}));
  ASSERT_TRUE(t.Signal(SIGHUP));
  EXPECT_TRUE(WaitForVerdict(t, removed, Verdict::kServed));
  EXPECT_EQ(HttpScrape(t, removed), (ScrapeCounts{1, 0, 0}));
  EXPECT_TRUE(t.Stop());
}

// A list swapped atomically: announces of a hash present in every version
// never see "not authorized" across reloads, while a toggled hash flips.
TEST(OperatorAccess, ReloadUnderLoadNeverRefusesASteadyHash) {
  const std::string steady = TestHash(5201), toggled = TestHash(5202);
  std::vector<std::string> filler;
  for (std::uint32_t i = 0; i < 200; ++i) filler.push_back(TestHash(5300 + i));
  auto list = [&](bool with_toggled, int generation) {
    std::vector<std::string> hashes(filler.begin() + generation, filler.end());  // the file really changes
    hashes.push_back(steady);
    if (with_toggled) hashes.push_back(toggled);
    return WhitelistText(hashes);
  };
  TrackerOptions o = WhitelistedTracker({});
  o.files["whitelist.txt"] = list(true, 0);
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());

  struct Tally {
    std::atomic<int> served{0}, refused{0}, broken{0};
    std::string first_bad;  // written by its thread only, read after join
  };
  Tally http, udp;
  std::atomic<bool> stop{false};
  const auto load_deadline = Clock::now() + Millis(20000);
  constexpr int kMaxAnnounces = 20000;
  auto record = [](Tally& tally, Verdict v, const std::string& detail) {
    if (v == Verdict::kServed) {
      ++tally.served;
      return;
    }
    if (tally.refused + tally.broken == 0) tally.first_bad = detail;
    ++(v == Verdict::kRefused ? tally.refused : tally.broken);
  };
  std::thread http_load([&] {
    AnnounceParams p;
    p.info_hash = steady;
    p.port = "7100";
    p.left = "0";
    const std::string request = AnnounceRequest(p);
    std::unique_ptr<test::HttpConnection> conn;
    for (int i = 0; i < kMaxAnnounces && !stop && Clock::now() < load_deadline; ++i) {
      if (!conn || !conn->Connected()) conn = std::make_unique<test::HttpConnection>("127.0.0.1", t.Port());
      test::ReadResult r;
      if (conn->Send(request)) r = conn->ReadResponse(Millis(3000));
      if (r.outcome != test::ReadOutcome::kResponse) {
        record(http, Verdict::kBroken, std::string("HTTP: ") + test::ToString(r.outcome));
        conn.reset();
        continue;
      }
      AnnounceReply a = DecodeAnnounce(r.response.content);
      bool ok = a.error.empty() && a.failure.empty() && a.complete >= 1;
      Verdict v = r.response.content == kNotAuthorizedBody ? Verdict::kRefused
                  : ok                                     ? Verdict::kServed
                                                           : Verdict::kBroken;
      record(http, v, test::Printable(r.response.raw, 200));
      // Reuse the connection while the server keeps it; upstream DEB closes
      // after every reply without saying so.
      auto connection = r.response.Header("Connection");
      if (IsReference() || (connection && *connection == "close")) conn.reset();
    }
  });
  std::thread udp_load([&] {
    test::UdpClient c(Family::kV4);
    std::uint64_t id = 0;
    if (c.Send(test::UdpConnectPacket(1), t.Port())) {
      if (auto r = c.Receive(Millis(2000)); r && r->size() == 16) id = test::GetU64(*r, 8);
    }
    for (int i = 0; i < kMaxAnnounces && !stop && Clock::now() < load_deadline; ++i) {
      test::UdpAnnounce a;
      a.connection_id = id;
      a.transaction_id = static_cast<std::uint32_t>(i);
      a.info_hash = steady;
      a.port = 7101;
      std::optional<std::string> reply;
      if (c.Send(test::UdpAnnouncePacket(a), t.Port())) reply = c.Receive(Millis(2000));
      if (!reply) {
        record(udp, Verdict::kBroken, "UDP: no reply");
        continue;
      }
      UdpAnnounceReply d = DecodeUdpAnnounce(*reply, Family::kV4);
      bool refused = reply->size() >= 8 && (test::GetU32(*reply, 0) == 3 || reply->size() == 8);
      record(udp,
             d.ok && d.transaction_id == a.transaction_id ? Verdict::kServed
             : refused                                    ? Verdict::kRefused
                                                          : Verdict::kBroken,
             test::Printable(*reply, 200));
    }
  });
  auto wait_progress = [&](Tally& tally, int at_least) {
    for (int i = 0; i < 2000 && tally.served < at_least && Clock::now() < load_deadline; ++i)
      std::this_thread::sleep_for(Millis(5));
    return tally.served >= at_least;
  };
  EXPECT_TRUE(wait_progress(http, 1) && wait_progress(udp, 1)) << "the load threads did not get going";
  const int http_before = http.served, udp_before = udp.served;

  constexpr int kReloads = 10;
  int flips = 0;
  for (int i = 1; i <= kReloads; ++i) {
    const bool with_toggled = i % 2 == 0;
    t.WriteFile("whitelist.txt", list(with_toggled, i));
    if (!t.Signal(SIGHUP)) {
      ADD_FAILURE() << "kill(SIGHUP) failed";
      break;  // the load threads must still be joined
    }
    auto flipped = WaitForVerdict(t, toggled, with_toggled ? Verdict::kServed : Verdict::kRefused);
    EXPECT_TRUE(flipped) << "reload " << i;
    flips += flipped ? 1 : 0;
    // Keep the steady announcers running across each swap.
    wait_progress(http, http.served + 3);
    wait_progress(udp, udp.served + 3);
  }
  stop = true;
  http_load.join();
  udp_load.join();
  EXPECT_EQ(flips, kReloads);
  ::testing::Test::RecordProperty("http_announces", http.served.load());
  ::testing::Test::RecordProperty("udp_announces", udp.served.load());
  EXPECT_EQ(http.refused, 0) << "a steady hash was refused during a reload: " << http.first_bad;
  EXPECT_EQ(udp.refused, 0) << "a steady hash was refused during a reload: " << udp.first_bad;
  EXPECT_EQ(http.broken, 0) << http.first_bad;
  EXPECT_EQ(udp.broken, 0) << udp.first_bad;
  EXPECT_GE(http.served - http_before, kReloads) << "HTTP announces during the reloads";
  EXPECT_GE(udp.served - udp_before, kReloads) << "UDP announces during the reloads";
  EXPECT_TRUE(VerdictIs(t, steady, Verdict::kServed, Transport::kUdp));
  EXPECT_TRUE(t.Stop());
}

// A reload that cannot read the file, or finds only junk in it, keeps the
// list in force and says why on stderr.
TEST(OperatorAccess, FailedReloadKeepsThePreviousListAndSaysWhy) {
  OT_SKIP_UNLESS_PORT("the warnings are the port's");
  const std::string old_hash = TestHash(5401), new_hash = TestHash(5402);
  TrackerProcess t(WhitelistedTracker({old_hash}));
  ASSERT_TRUE(t.Start());
  const std::string path = t.PathOf("whitelist.txt");
  auto old_list_holds = [&](const char* what) {
    SCOPED_TRACE(what);
    EXPECT_TRUE(VerdictIs(t, old_hash, Verdict::kServed, Transport::kHttp));
    EXPECT_TRUE(VerdictIs(t, old_hash, Verdict::kServed, Transport::kUdp));
    EXPECT_TRUE(VerdictIs(t, new_hash, Verdict::kRefused, Transport::kHttp));
  };
  // The warning line names the file, the reason, and that the list is kept.
  auto reload_warns = [&](const std::string& reason) {
    std::size_t from = t.Stderr().size();
    EXPECT_TRUE(t.Signal(SIGHUP));
    std::optional<std::string> fresh = WaitForStderr(t, from, reason);
    if (!fresh) {
      ADD_FAILURE() << "no \"" << reason << "\" on stderr after SIGHUP\n" << t.Describe();
      return;
    }
    for (const std::string& line : NonEmptyLines(*fresh)) {
      if (line.find(reason) == std::string::npos) continue;
      EXPECT_TRUE(line.find(path) != std::string::npos && line.find("keep") != std::string::npos)
          << "the warning names the file and says the list is kept: " << line;
    }
  };

  // Unreadable. The tracker runs as nobody (or as the unprivileged test
  // user), so mode 000 denies it.
  t.WriteFile("whitelist.txt", WhitelistText({new_hash}));
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  reload_warns(std::strerror(EACCES));
  old_list_holds("mode 000");

  // Deleted.
  ASSERT_EQ(::unlink(path.c_str()), 0);
  reload_warns(std::strerror(ENOENT));
  old_list_holds("deleted");

  // Only junk: short, long, indented, commented and non-hex lines.
  t.WriteFile("whitelist.txt", "# nothing valid below\n" + Hex(new_hash).substr(1) + "\n" + Hex(new_hash) +
                                   "a\n " + Hex(new_hash) + "\nnot a hash at all\n" + std::string(40, 'g') +
                                   "\n");
  reload_warns("no valid info hash");
  old_list_holds("junk only");

  // Control: a good file is taken, so the checks above saw a working reload.
  std::size_t from = t.Stderr().size();
  t.WriteFile("whitelist.txt", WhitelistText({new_hash}));
  ASSERT_TRUE(t.Signal(SIGHUP));
  EXPECT_TRUE(WaitForVerdict(t, new_hash, Verdict::kServed));
  EXPECT_TRUE(VerdictIs(t, old_hash, Verdict::kRefused));
  std::optional<std::string> fresh = WaitForStderr(t, from, path);
  EXPECT_TRUE(fresh && fresh->find("keep") == std::string::npos) << fresh.value_or("(no line)");
  EXPECT_TRUE(t.Stop());
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The FIFOs exist as FIFOs, owned by the tracker user when it was started as
// root (created before the privilege drop).
void ExpectFifo(const std::string& path) {
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0) << path << ": " << std::strerror(errno);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << path;
  if (::geteuid() == 0) {
    const passwd* nobody = ::getpwnam("nobody");
    ASSERT_TRUE(nobody);
    EXPECT_EQ(st.st_uid, nobody->pw_uid) << path << " is owned by the tracker user";
  }
}

TrackerOptions FifoTracker(bool blacklist, const std::vector<std::string>& hashes) {
  TrackerOptions o = blacklist ? BlacklistTracker(hashes, false) : WhitelistedTracker(hashes);
  o.config_lines.push_back("access.fifo_add {DIR}/add.fifo");
  o.config_lines.push_back("access.fifo_delete {DIR}/delete.fifo");
  return o;
}

// Spec §8.3 with the intended semantics (PORT-DECISIONS §1, quirk 18).
TEST(OperatorAccess, FifoChangeSetsApplyWithoutReloadUntilSighupEmptiesThem) {
  OT_SKIP_UNLESS_PORT("upstream's dynamic lists are not in DEB and are broken in HEAD");
  const std::string a = TestHash(5501), b = TestHash(5502), c = TestHash(5503), d = TestHash(5504),
                    e = TestHash(5505);
  TrackerProcess t(FifoTracker(false, {a}));
  ASSERT_TRUE(t.Start());
  const std::string add = t.PathOf("add.fifo"), del = t.PathOf("delete.fifo");
  ExpectFifo(add);
  ExpectFifo(del);
  EXPECT_TRUE(VerdictIs(t, b, Verdict::kRefused));

  // Added (a junk line in the same batch is skipped), over both transports.
  ASSERT_TRUE(WriteFifo(add, "this is not a hash\n" + Hex(b) + "\n"));
  EXPECT_TRUE(WaitForVerdict(t, b, Verdict::kServed));
  EXPECT_TRUE(VerdictIs(t, b, Verdict::kServed, Transport::kUdp));
  // Two in one batch, upper-case hex.
  ASSERT_TRUE(WriteFifo(add, Upper(Hex(c)) + "\n" + Upper(Hex(d)) + "\n"));
  EXPECT_TRUE(WaitForVerdict(t, c, Verdict::kServed));
  EXPECT_TRUE(VerdictIs(t, d, Verdict::kServed));
  // Deleted: a hash of the main file is refused, and add moves it back.
  ASSERT_TRUE(WriteFifo(del, Hex(a) + "\n"));
  EXPECT_TRUE(WaitForVerdict(t, a, Verdict::kRefused));
  EXPECT_TRUE(VerdictIs(t, a, Verdict::kRefused, Transport::kUdp));
  ASSERT_TRUE(WriteFifo(add, Hex(a) + "\n"));
  EXPECT_TRUE(WaitForVerdict(t, a, Verdict::kServed));
  ASSERT_TRUE(WriteFifo(del, Hex(a) + "\n" + Hex(c) + "\n"));
  EXPECT_TRUE(WaitForVerdict(t, c, Verdict::kRefused));
  EXPECT_TRUE(VerdictIs(t, a, Verdict::kRefused));
  EXPECT_TRUE(VerdictIs(t, b, Verdict::kServed)) << "other additions stay";

  // SIGHUP reloads the file (still just `a`) and empties both change-sets.
  ASSERT_TRUE(t.Signal(SIGHUP));
  EXPECT_TRUE(WaitForVerdict(t, a, Verdict::kServed));
  for (const std::string& h : {b, c, d}) {
    EXPECT_TRUE(VerdictIs(t, h, Verdict::kRefused)) << "only ever added via the FIFO";
  }
  // The FIFOs keep working after a reload.
  ASSERT_TRUE(WriteFifo(add, Hex(e) + "\n"));
  EXPECT_TRUE(WaitForVerdict(t, e, Verdict::kServed));
  EXPECT_TRUE(t.Stop());
}

TEST(OperatorAccess, FifoChangeSetsInBlacklistMode) {
  OT_SKIP_UNLESS_PORT("upstream DEB is a whitelist build");
  const std::string listed = TestHash(5601), other = TestHash(5602);
  TrackerProcess t(FifoTracker(true, {listed}));
  ASSERT_TRUE(t.Start());
  EXPECT_TRUE(VerdictIs(t, other, Verdict::kServed));
  // "add" puts a hash on the blacklist, "delete" takes one off.
  ASSERT_TRUE(WriteFifo(t.PathOf("add.fifo"), Hex(other) + "\n"));
  EXPECT_TRUE(WaitForVerdict(t, other, Verdict::kRefused));
  ASSERT_TRUE(WriteFifo(t.PathOf("delete.fifo"), Hex(listed) + "\n"));
  EXPECT_TRUE(WaitForVerdict(t, listed, Verdict::kServed));
  EXPECT_TRUE(VerdictIs(t, listed, Verdict::kServed, Transport::kUdp));
  ASSERT_TRUE(t.Signal(SIGHUP));
  EXPECT_TRUE(WaitForVerdict(t, listed, Verdict::kRefused));
  EXPECT_TRUE(VerdictIs(t, other, Verdict::kServed));
  EXPECT_TRUE(t.Stop());
}

}  // namespace
}  // namespace ot::integration
