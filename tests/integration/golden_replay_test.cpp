// Golden replay: the captured request sequences of tests/data/golden/, in
// their original order, against the binary under test; each reply must equal
// the golden one after spec §11.5's masks and the port differences listed in
// golden_expectations.cpp. With OT_GOLDEN_REFERENCE=1 the binary is Debian's
// opentracker and the expectation is upstream's bytes (that validates the
// harness itself); the self-check tests need no tracker at all.
#include "golden_replay.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <ctime>
#include <sstream>
#include <thread>

#include "golden_expectations.hpp"
#include "golden_template.hpp"
#include "support/net_http_message.hpp"
#include "support/process_subprocess.hpp"
#include "tracker_process.hpp"

namespace ot::integration {
namespace {

using test::Family;

const char* const kHttpDirs[] = {
    "http-B-main",
    "http-B-cross",
    "http-B-hup",
    "http-A-restricted",
    "http-C-statefile",
    "upstream-head-localbuild/http-v4",
    "upstream-head-localbuild/http-v6",
    "upstream-head-localbuild/http-v4-cross",
};
const char* const kUdpDirs[] = {"udp-B", "upstream-head-localbuild/udp-v4",
                                "upstream-head-localbuild/udp-v6"};

Family UdpFamilyOf(std::string_view dir) {
  return dir.find("v6") != std::string_view::npos ? Family::kV6 : Family::kV4;
}

// --- the harness checks itself against the golden data (no tracker) ---------

// Every golden reply must match the reference expectation built from itself:
// this exercises the parsers, de-chunking, gunzip and every mask on real data.
TEST(GoldenSelfCheck, EveryGoldenReplyMatchesItsOwnReferenceExpectation) {
  int checked = 0;
  for (const char* dir : kHttpDirs) {
    auto cases = LoadHttpCases(dir);
    ASSERT_FALSE(cases.empty()) << dir;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      HttpExpectation e;
      ASSERT_TRUE(BuildHttpExpectation(dir, cases, i, /*port_mode=*/false, e));
      if (e.kind != HttpExpectation::Kind::kResponse) {
        EXPECT_TRUE(cases[i].response.empty()) << dir << "/" << cases[i].stem;
        continue;
      }
      EXPECT_TRUE(e.server_closes) << "upstream closes every connection";
      test::ParseResult p = test::ParseHttpResponse(cases[i].response, true);
      ASSERT_EQ(p.status, test::ParseStatus::kComplete) << dir << "/" << cases[i].stem << ": " << p.error;
      EXPECT_EQ(p.consumed, cases[i].response.size())
          << dir << "/" << cases[i].stem << ": one response per case";
      EXPECT_TRUE(CheckHttpResponse(e, p.response, 0)) << dir << "/" << cases[i].stem;
      ++checked;
    }
  }
  for (const char* dir : kUdpDirs) {
    auto cases = LoadUdpCases(dir);
    ASSERT_EQ(cases.size(), 34u) << dir;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      UdpExpectation e;
      ASSERT_TRUE(BuildUdpExpectation(dir, cases, i, false, UdpFamilyOf(dir), e));
      EXPECT_EQ(e.reply, cases[i].response.has_value()) << dir << "/" << cases[i].stem;
      if (!e.reply) continue;
      EXPECT_TRUE(CheckUdpReply(e, *cases[i].response, UdpFamilyOf(dir))) << dir << "/" << cases[i].stem;
      ++checked;
    }
  }
  EXPECT_GE(checked, 370);
}

// The port expectations must build for every case (no stale row, no missing
// substitution source, no unknown reference case), and every row must name a
// golden case that exists.
TEST(GoldenSelfCheck, PortExpectationTableFitsTheGoldenData) {
  for (const char* dir : kHttpDirs) {
    auto cases = LoadHttpCases(dir);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      HttpExpectation e;
      EXPECT_TRUE(BuildHttpExpectation(dir, cases, i, /*port_mode=*/true, e));
    }
  }
  for (const char* dir : kUdpDirs) {
    auto cases = LoadUdpCases(dir);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      UdpExpectation e;
      EXPECT_TRUE(BuildUdpExpectation(dir, cases, i, true, UdpFamilyOf(dir), e));
    }
  }
  for (const CaseRule& r : GoldenCaseRules()) {
    if (r.stem == "*") continue;
    bool is_udp = r.dir.find("udp") != std::string_view::npos;
    bool found = false;
    if (is_udp) {
      for (const auto& c : LoadUdpCases(r.dir)) found = found || c.stem == r.stem;
    } else {
      for (const auto& c : LoadHttpCases(r.dir)) found = found || c.stem == r.stem;
    }
    EXPECT_TRUE(found) << "table row for missing golden case " << r.dir << "/" << r.stem;
  }
}

// The keep-alive rule of the port, on concrete golden cases.
TEST(GoldenSelfCheck, PortConnectionRuleAddsConnectionCloseExactlyWhenClosing) {
  auto cases = LoadHttpCases("http-B-main");
  auto expect_for = [&](std::string_view stem) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (cases[i].stem == stem) {
        HttpExpectation e;
        EXPECT_TRUE(BuildHttpExpectation("http-B-main", cases, i, true, e));
        return e;
      }
    }
    ADD_FAILURE() << "no case " << stem;
    return HttpExpectation{};
  };
  auto has_close = [](const HttpExpectation& e) {
    return !e.headers.empty() && e.headers.back() == "Connection: close";
  };
  HttpExpectation ok11 = expect_for("17-ann-peer1-leecher");  // HTTP/1.1 request, HTTP/1.1 200
  EXPECT_FALSE(ok11.server_closes);
  EXPECT_FALSE(has_close(ok11));
  HttpExpectation err = expect_for("04-not-found");  // HTTP/1.1 request, HTTP/1.0 404
  EXPECT_TRUE(err.server_closes);
  EXPECT_TRUE(has_close(err));
  HttpExpectation http10 = expect_for("66-ann-http10-no-host");  // HTTP/1.0 request, HTTP/1.1 200
  EXPECT_TRUE(http10.server_closes);
  EXPECT_TRUE(has_close(http10));
  HttpExpectation noversion = expect_for("67-ann-no-version");
  EXPECT_TRUE(noversion.server_closes);
  HttpExpectation redirect = expect_for("01-root-redirect");
  EXPECT_TRUE(has_close(redirect));
  HttpExpectation pipelined = expect_for("131-pipelined-two");
  ASSERT_TRUE(pipelined.pipelined_next);
  EXPECT_FALSE(pipelined.pipelined_next->server_closes);
  HttpExpectation compact0 = expect_for("32-ann-compact-0");
  EXPECT_EQ(compact0.status_line, "HTTP/1.1 200 OK");
  EXPECT_NE(compact0.body.find("5:peersld2:ip9:127.0.0.14:porti6883ee"), std::string::npos) << compact0.body;
}

// Masks must not hide real differences.
TEST(GoldenSelfCheck, MasksRejectWhatTheyMustNot) {
  MatchContext ctx;
  const std::string announce = MaskAnnounceIntervals(EscapeTemplate(
      "d8:completei0e10:downloadedi0e10:incompletei1e8:intervali1962e12:min intervali981e5:peers0:e"));
  EXPECT_TRUE(MatchTemplate(
      announce,
      "d8:completei0e10:downloadedi0e10:incompletei1e8:intervali1620e12:min intervali810e5:peers0:e", ctx));
  EXPECT_FALSE(MatchTemplate(
      announce,
      "d8:completei0e10:downloadedi0e10:incompletei1e8:intervali1619e12:min intervali809e5:peers0:e", ctx))
      << "interval below 1620";
  EXPECT_FALSE(MatchTemplate(
      announce,
      "d8:completei0e10:downloadedi0e10:incompletei1e8:intervali1980e12:min intervali990e5:peers0:e", ctx))
      << "interval above 1979";
  EXPECT_FALSE(MatchTemplate(
      announce,
      "d8:completei0e10:downloadedi0e10:incompletei1e8:intervali1700e12:min intervali851e5:peers0:e", ctx))
      << "min interval is not interval/2";
  EXPECT_FALSE(MatchTemplate(
      announce,
      "d8:completei1e10:downloadedi0e10:incompletei1e8:intervali1700e12:min intervali850e5:peers0:e", ctx))
      << "a count differs";
  EXPECT_FALSE(MatchTemplate(
      announce,
      "d8:completei0e10:downloadedi0e10:incompletei1e8:intervali1700e12:min intervali850e5:peers0:ee", ctx))
      << "trailing byte";

  ctx.swarm4 = {MakePeer(Family::kV4, 6881), MakePeer(Family::kV4, 6882)};
  const std::string p1 = MakePeer(Family::kV4, 6881).ip + "\x1a\xe1";
  const std::string p3 = MakePeer(Family::kV4, 6883).ip + "\x1a\xe3";
  const std::string random = "5:peers12:{P4:2}e";
  EXPECT_TRUE(
      MatchTemplate(random, "5:peers12:" + p1 + MakePeer(Family::kV4, 6882).ip + "\x1a\xe2" + "e", ctx));
  EXPECT_FALSE(MatchTemplate(random, "5:peers12:" + p1 + p1 + "e", ctx)) << "the same peer twice";
  EXPECT_FALSE(MatchTemplate(random, "5:peers12:" + p1 + p3 + "e", ctx)) << "a peer outside the swarm";

  ctx.readiness_connects = 2;
  EXPECT_TRUE(MatchTemplate("{A+94}\n43", "96\n43", ctx));
  EXPECT_FALSE(MatchTemplate("{A+94}\n43", "95\n43", ctx));
  EXPECT_TRUE(MatchTemplate("x{{y{~}z", "x{yanything z", ctx));
  EXPECT_FALSE(MatchTemplate("{+}", "0", ctx));

  const std::string mrtg =
      MaskMrtg("91\n43\n2 seconds (0 hours)\nopentracker udp4 stats, 45 conns/s :: 21 success/s.", true);
  EXPECT_EQ(mrtg,
            "{A+91}\n43\n{*} seconds ({*} hours)\nopentracker udp4 stats, {*} conns/s :: {*} success/s.");
  EXPECT_EQ(MaskStatedump("0102030405060708090A0B0C0D0E0F1011121314:29930382:1\n"),
            "0102030405060708090A0B0C0D0E0F1011121314:{*}:1\n");
  EXPECT_EQ(FoldRenewMinuteBoundary("00 18\n01 2\n02 0\n"), "00 20\n01 0\n02 0\n");
}

// --- replays against the binary ------------------------------------------

std::string GoldenFile(const std::string& name) { return test::ReadFileOrEmpty(GoldenPath(name)); }

// Polls until the SIGHUP reload shows (the announce for HASH_X stops being
// refused), bounded in time. The first accepted announce creates the torrent;
// the replayed case 600 then re-announces the same peer, whose reply is the
// same as the golden one.
::testing::AssertionResult WaitForWhitelistReload(HttpReplayer& http, const std::string& request) {
  auto deadline = std::chrono::steady_clock::now() + Millis(5000);
  std::string last;
  for (int attempt = 0; attempt < 1000 && std::chrono::steady_clock::now() < deadline; ++attempt) {
    test::ReadResult r = http.Fetch(request);
    if (r.outcome == test::ReadOutcome::kResponse) {
      if (r.response.content.find("not authorized") == std::string::npos)
        return ::testing::AssertionSuccess();
      last = r.response.content;
    } else {
      last = test::ToString(r.outcome);
    }
    std::this_thread::sleep_for(Millis(20));
  }
  return ::testing::AssertionFailure() << "whitelist reload not visible within 5 s; last reply: " << last;
}

// DEB run B: opentracker-B.conf without rootdir/user (and without the lines
// that only provoke parser warnings), whitelist by absolute path.
TEST(GoldenReplay, DebSequenceTrackerB) {
  if (ReferenceMode() == Reference::kHead) GTEST_SKIP() << "DEB goldens need the DEB reference or the port";
  const bool port = IsPort();
  TrackerOptions o;
  o.config_lines = {"# golden run B",
                    "listen.udp.workers 0",
                    "listen.tcp_udp 127.0.0.1:{PORT}",
                    "access.whitelist {DIR}/whitelist.txt",
                    "access.stats 127.0.0.1",
                    "tracker.redirect_url https://tracker.example.invalid/"};
  o.files["whitelist.txt"] = GoldenFile("whitelist.txt");
  ASSERT_FALSE(o.files["whitelist.txt"].empty());
  TrackerProcess tracker(o);
  ASSERT_TRUE(tracker.Start());
  {
    HttpReplayer http("127.0.0.1", tracker.Port(), tracker.ReadinessConnects(), port);
    http.ReplayAll("http-B-main");
    ReplayUdp("udp-B", Family::kV4, tracker.Port(), port);
    http.ReplayAll("http-B-cross");
    http.FinishOpenChecks();

    tracker.WriteFile("whitelist.txt", GoldenFile("whitelist-after-hup.txt"));
    ASSERT_TRUE(tracker.Signal(SIGHUP));
    auto hup = LoadHttpCases("http-B-hup");
    ASSERT_EQ(hup.size(), 1u);
    ASSERT_TRUE(WaitForWhitelistReload(http, hup[0].request));
    http.ReplayCase("http-B-hup", hup, 0);
    ASSERT_TRUE(tracker.Running()) << "SIGHUP must not kill the tracker\n" << tracker.Describe();
  }
  EXPECT_TRUE(tracker.Stop(SIGINT));
}

// DEB run A: stats not allowed for the client. Upstream's A has no
// access.stats line; in the port, stats without one are open to loopback, so
// the port run blesses 10.0.0.1 instead.
TEST(GoldenReplay, DebRestrictedStatsTrackerA) {
  if (ReferenceMode() == Reference::kHead) GTEST_SKIP() << "DEB goldens need the DEB reference or the port";
  TrackerOptions o;
  o.config_lines = {"listen.tcp_udp 127.0.0.1:{PORT}", "access.whitelist {DIR}/whitelist.txt"};
  if (IsPort()) o.config_lines.push_back("access.stats 10.0.0.1");
  o.files["whitelist.txt"] = GoldenFile("whitelist.txt");
  o.readiness = Readiness::kAnyHttpReply;
  TrackerProcess tracker(o);
  ASSERT_TRUE(tracker.Start());
  {
    HttpReplayer http("127.0.0.1", tracker.Port(), tracker.ReadinessConnects(), IsPort());
    http.ReplayAll("http-A-restricted");
  }
  EXPECT_TRUE(tracker.Stop(SIGINT));
}

// HEAD's state-input.txt with its minutes moved so that its newest line is
// as old, relative to now, as in the capture (which ran at minute 29930384).
std::string ShiftedHeadStateFile() {
  constexpr long kCaptureMinute = 29930384;
  const long now_minute = static_cast<long>(std::time(nullptr) / 60);
  std::istringstream in(GoldenFile("upstream-head-localbuild/state-input.txt"));
  std::string out, line;
  for (int guard = 0; guard < 1000 && std::getline(in, line); ++guard) {
    std::size_t c1 = line.find(':');
    std::size_t c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
    if (c1 == 40 && c2 != std::string::npos) {
      long minute = std::atol(line.substr(c1 + 1, c2 - c1 - 1).c_str());
      line = line.substr(0, c1 + 1) + std::to_string(minute - kCaptureMinute + now_minute) + line.substr(c2);
    }
    out += line + "\n";
  }
  return out;
}

// HEAD run: an open dual-stack tracker started with -l. The groups ran as
// http-v4 (statefile group first), http-v6, udp-v4, udp-v6, http-v4-cross:
// udp-v4's scrape of HASH_A (case 26) already counts the v6 leecher of
// http-v6 800; udp-v6 case 14 sees udp-v4's three HASH_C peers; cross 500
// lists udp-v6's peers; cross 503's 147 TCP accepts = 137 + 6 + 4.
TEST(GoldenReplay, HeadSequenceDualStack) {
  if (ReferenceMode() == Reference::kDeb)
    GTEST_SKIP() << "the Debian reference is an IPv4-only whitelist build";
  if (!test::Ipv6LoopbackAvailable()) GTEST_SKIP() << "::1 is not available on this machine";
  const bool port = IsPort();
  TrackerOptions o;
  o.config_lines = ListenLines(true);
  o.config_lines.push_back("tracker.redirect_url https://tracker.example.invalid/");
  o.files["state.txt"] = ShiftedHeadStateFile();
  o.extra_args = {"-l", "{DIR}/state.txt"};
  TrackerProcess tracker(o);
  ASSERT_TRUE(tracker.Start());
  {
    HttpReplayer v4("127.0.0.1", tracker.Port(), tracker.ReadinessConnects(), port);
    HttpReplayer v6("::1", tracker.Port(), tracker.ReadinessConnects(), port);
    v4.ReplayAll("upstream-head-localbuild/http-v4");
    v6.ReplayAll("upstream-head-localbuild/http-v6");
    ReplayUdp("upstream-head-localbuild/udp-v4", Family::kV4, tracker.Port(), port);
    ReplayUdp("upstream-head-localbuild/udp-v6", Family::kV6, tracker.Port(), port);
    v4.ReplayAll("upstream-head-localbuild/http-v4-cross");
  }
  EXPECT_TRUE(tracker.Stop(SIGINT));
}

}  // namespace
}  // namespace ot::integration
