// State files against the real daemon (spec §10.1, PORT-DECISIONS §3/§4,
// app/wiring.cpp): tracker.statefile is read at start-up and written
// atomically (tmp + fsync + rename) on SIGTERM and SIGINT, so completed
// counts survive restarts; -l FILE restores an upstream-format dump once,
// after the access list (upstream restored nothing in whitelist builds and
// HEAD doubled `downloaded`, quirk 15), skipping and counting malformed
// lines; a missing -l file is a warning.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/net_http_client.hpp"
#include "support/net_udp_client.hpp"
#include "support/process_subprocess.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using test::Family;
using test::ReadOutcome;

constexpr Millis kReply(3000);

std::string UpperHex(std::string_view bytes) {
  static const char* const kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Num(std::uint64_t v) { return std::to_string(v); }

std::optional<std::uint64_t> ParseU64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::uint32_t NowMinutes() {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::minutes>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// A temp dir that outlives the trackers of one test and that the tracker can
// write after dropping privileges (0777, like a spool dir).
class ScopedDir {
 public:
  ScopedDir() {
    std::string templ = TempRoot() + "/ot-state-XXXXXX";
    if (char* made = ::mkdtemp(templ.data())) {
      path_ = made;
      ::chmod(path_.c_str(), 0777);
    }
  }
  ~ScopedDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScopedDir(const ScopedDir&) = delete;
  ScopedDir& operator=(const ScopedDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Counts {
  std::int64_t complete = 0, downloaded = 0, incomplete = 0;
  friend bool operator==(const Counts&, const Counts&) = default;
};

// HTTP scrape of `hashes` (at most 64): counts of the torrents the tracker knows.
std::map<std::string, Counts> Scrape(const TrackerProcess& t, const std::vector<std::string>& hashes) {
  std::map<std::string, Counts> out;
  test::Exchange ex = Request(t, ScrapeRequest(hashes));
  EXPECT_EQ(ex.read.outcome, ReadOutcome::kResponse);
  std::optional<test::BValue> root = test::BDecodeAll(ex.read.response.content);
  const test::BValue* files = root ? root->Find("files") : nullptr;
  if (files == nullptr || !files->IsDict()) {
    ADD_FAILURE() << "not a scrape reply: " << test::Printable(ex.read.response.raw);
    return out;
  }
  for (std::size_t i = 0; i < files->dict_keys.size(); ++i) {
    const test::BValue& v = files->dict_values[i];
    Counts c;
    c.complete = v.Find("complete") ? v.Find("complete")->integer : -1;
    c.downloaded = v.Find("downloaded") ? v.Find("downloaded")->integer : -1;
    c.incomplete = v.Find("incomplete") ? v.Find("incomplete")->integer : -1;
    out[files->dict_keys[i]] = c;
  }
  return out;
}

// The hashes of a full scrape, in reply order.
std::vector<std::string> FullScrapeHashes(const TrackerProcess& t) {
  std::vector<std::string> hashes;
  test::Exchange ex = Request(t, GetRequest("/scrape", "HTTP/1.0"), Family::kV4, Millis(0));
  std::optional<test::BValue> root = test::BDecodeAll(ex.read.response.content);
  const test::BValue* files = root ? root->Find("files") : nullptr;
  if (files == nullptr || !files->IsDict()) {
    ADD_FAILURE() << "not a full scrape: " << test::Printable(ex.read.response.raw);
    return hashes;
  }
  return files->dict_keys;
}

// A state file's lines: hash (raw) -> {base minute, downloaded}; nullopt if
// any line is not "<40 uppercase hex>:<minute>:<downloaded>\n".
struct StateLine {
  std::uint64_t minute = 0, downloaded = 0;
};
std::optional<std::vector<std::pair<std::string, StateLine>>> ParseState(const std::string& text,
                                                                         std::string* why) {
  std::vector<std::pair<std::string, StateLine>> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t nl = text.find('\n', at);
    if (nl == std::string::npos) {
      *why = "last line without a newline";
      return std::nullopt;
    }
    std::string line = text.substr(at, nl - at);
    at = nl + 1;
    std::size_t second = line.find(':', 41);
    if (line.size() < 44 || line[40] != ':' || second == std::string::npos) {
      *why = "bad line '" + line + "'";
      return std::nullopt;
    }
    std::string hash;
    for (std::size_t i = 0; i < 40; i += 2) {
      auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'A' + 10; };
      const char a = line[i], b = line[i + 1];
      const bool upper_hex = ((a >= '0' && a <= '9') || (a >= 'A' && a <= 'F')) &&
                             ((b >= '0' && b <= '9') || (b >= 'A' && b <= 'F'));
      if (!upper_hex) {
        *why = "not uppercase hex: '" + line + "'";
        return std::nullopt;
      }
      hash.push_back(static_cast<char>(nibble(a) * 16 + nibble(b)));
    }
    std::optional<std::uint64_t> minute = ParseU64(std::string_view(line).substr(41, second - 41));
    std::optional<std::uint64_t> downloaded = ParseU64(std::string_view(line).substr(second + 1));
    if (!minute || !downloaded) {
      *why = "bad numbers in '" + line + "'";
      return std::nullopt;
    }
    lines.emplace_back(hash, StateLine{*minute, *downloaded});
  }
  return lines;
}

class StatefileTest : public ::testing::Test {
 protected:
  std::unique_ptr<TrackerProcess> StartWithStatefile(const std::string& state) {
    TrackerOptions o;
    o.config_lines = ListenLines(DualStackAvailable());
    o.config_lines.push_back("tracker.statefile " + state);
    auto t = std::make_unique<TrackerProcess>(o);
    EXPECT_TRUE(t->Start());
    return t;
  }

  // `n` seeders that each announce event=completed (HTTP v4 and UDP v4 in
  // turn), plus one leecher.
  void Complete(const TrackerProcess& t, const std::string& hash, int n, std::uint16_t first_port) {
    test::UdpClient udp(Family::kV4);
    ASSERT_TRUE(udp.Send(test::UdpConnectPacket(5), t.Port()));
    auto conn = udp.Receive(kReply);
    ASSERT_TRUE(conn && conn->size() == 16);
    const std::uint64_t id = test::GetU64(*conn, 8);
    for (int i = 0; i < n; ++i) {
      const auto port = static_cast<std::uint16_t>(first_port + i);
      if (i % 2 == 0) {
        AnnounceParams p;
        p.info_hash = hash;
        p.port = Num(port);
        p.left = "0";
        p.extra = "&event=completed";
        test::Exchange ex = Request(t, AnnounceRequest(p));
        ASSERT_EQ(ex.read.outcome, ReadOutcome::kResponse);
        ASSERT_TRUE(DecodeAnnounce(ex.read.response.content).failure.empty());
      } else {
        test::UdpAnnounce a;
        a.connection_id = id;
        a.transaction_id = port;
        a.info_hash = hash;
        a.port = port;
        a.event = 1;
        ASSERT_TRUE(udp.Send(test::UdpAnnouncePacket(a), t.Port()));
        auto r = udp.Receive(kReply);
        ASSERT_TRUE(r && DecodeUdpAnnounce(*r, Family::kV4).ok);
      }
    }
    AnnounceParams leecher;
    leecher.info_hash = hash;
    leecher.port = Num(first_port + 100);
    test::Exchange ex = Request(t, AnnounceRequest(leecher));
    ASSERT_EQ(ex.read.outcome, ReadOutcome::kResponse);
  }

  // Stops `t` with `sig` and checks the file: written atomically (no .tmp
  // left) with exactly `want` (hash -> downloaded) in hash order and base
  // minutes between `from` and now.
  void StopAndCheckState(TrackerProcess& t, int sig, const std::string& state,
                         const std::map<std::string, std::uint64_t>& want, std::uint32_t from) {
    ASSERT_TRUE(t.Stop(sig)) << "signal " << sig;
    EXPECT_FALSE(std::filesystem::exists(state + ".tmp")) << "temporary file left behind";
    ASSERT_TRUE(std::filesystem::exists(state)) << t.Describe();
    EXPECT_NE(t.Stderr().find("wrote state file " + state + ": " + Num(want.size()) + " torrents"),
              std::string::npos)
        << t.Stderr();
    std::string why;
    auto lines = ParseState(test::ReadFileOrEmpty(state), &why);
    ASSERT_TRUE(lines) << why;
    std::vector<std::string> order;
    for (const auto& [hash, line] : *lines) {
      order.push_back(hash);
      auto it = want.find(hash);
      EXPECT_NE(it, want.end()) << "unexpected torrent " << UpperHex(hash);
      if (it != want.end()) {
        EXPECT_EQ(line.downloaded, it->second) << UpperHex(hash);
      }
      EXPECT_GE(line.minute, from) << UpperHex(hash);
      EXPECT_LE(line.minute, NowMinutes()) << UpperHex(hash);
    }
    EXPECT_EQ(lines->size(), want.size());
    EXPECT_TRUE(std::is_sorted(order.begin(), order.end())) << "hash order";
  }
};

using Statefile = StatefileTest;

TEST_F(Statefile, CompletedCountsSurviveSigtermAndSigintRestarts) {
  OT_SKIP_UNLESS_PORT("tracker.statefile is the port's");
  ScopedDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string state = dir.path() + "/opentracker.state";
  const std::uint32_t from = NowMinutes();
  std::vector<std::string> hashes;
  std::map<std::string, std::uint64_t> downloaded;
  {
    auto t = StartWithStatefile(state);
    ASSERT_TRUE(t->Running());
    EXPECT_EQ(t->Stderr().find("state file"), std::string::npos)
        << "a missing state file is normal at first start";
    for (std::uint32_t k = 0; k < 12; ++k) {
      hashes.push_back(TestHash(8000 + k * 37));
      const int n = static_cast<int>(k % 4) + 1;
      ASSERT_NO_FATAL_FAILURE(Complete(*t, hashes.back(), n, static_cast<std::uint16_t>(41000 + k * 200)));
      downloaded[hashes.back()] = static_cast<std::uint64_t>(n);
    }
    std::map<std::string, Counts> before = Scrape(*t, hashes);
    for (const std::string& h : hashes)
      EXPECT_EQ(before[h], (Counts{static_cast<std::int64_t>(downloaded[h]),
                                   static_cast<std::int64_t>(downloaded[h]), 1}));
    ASSERT_NO_FATAL_FAILURE(StopAndCheckState(*t, SIGTERM, state, downloaded, from));
  }
  {
    auto t = StartWithStatefile(state);
    EXPECT_NE(t->Stderr().find("restored 12 torrents from " + state), std::string::npos) << t->Stderr();
    // Peers are not saved; completed counts are, once (not doubled).
    std::map<std::string, Counts> after = Scrape(*t, hashes);
    ASSERT_EQ(after.size(), hashes.size());
    for (const std::string& h : hashes)
      EXPECT_EQ(after[h], (Counts{0, static_cast<std::int64_t>(downloaded[h]), 0})) << UpperHex(h);
    // More completions on restored torrents, and a new torrent.
    for (std::size_t k = 0; k < 3; ++k) {
      ASSERT_NO_FATAL_FAILURE(Complete(*t, hashes[k], 2, static_cast<std::uint16_t>(50000 + k * 200)));
      downloaded[hashes[k]] += 2;
    }
    hashes.push_back(TestHash(9000));
    ASSERT_NO_FATAL_FAILURE(Complete(*t, hashes.back(), 3, 52000));
    downloaded[hashes.back()] = 3;
    // Restored torrents without peers may have been dated back 45 minutes by
    // the cleaner (upstream's aging), so their base can be that old.
    ASSERT_NO_FATAL_FAILURE(StopAndCheckState(*t, SIGINT, state, downloaded, from - 46));
  }
  {
    auto t = StartWithStatefile(state);
    EXPECT_NE(t->Stderr().find("restored 13 torrents from " + state), std::string::npos) << t->Stderr();
    std::map<std::string, Counts> after = Scrape(*t, hashes);
    ASSERT_EQ(after.size(), hashes.size());
    for (const std::string& h : hashes)
      EXPECT_EQ(after[h], (Counts{0, static_cast<std::int64_t>(downloaded[h]), 0})) << UpperHex(h);
    std::vector<std::string> sorted = hashes;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(FullScrapeHashes(*t), sorted);
    // An untouched restart writes the same counts again.
    ASSERT_NO_FATAL_FAILURE(StopAndCheckState(*t, SIGTERM, state, downloaded, from - 46));
  }
}

// -l with an upstream-format dump (tests/data/golden/state-input.txt and more
// lines in its style, minutes moved to now) into a whitelisted tracker.
TEST_F(Statefile, DashLRestoresListedTorrentsOnceAfterTheAccessList) {
  OT_SKIP_UNLESS_PORT("upstream restores nothing in whitelist builds (quirk 15)");
  const std::string golden = test::ReadFileOrEmpty(std::string(OT_TEST_DATA_DIR) + "/golden/state-input.txt");
  ASSERT_FALSE(golden.empty());
  const std::uint32_t now = NowMinutes();
  // The golden lines with their minute fields replaced: 5555.. (7) and
  // 9999.. (3) are listed, 7777.. (0) is not; the junk line and the
  // two-field 0102.. line are malformed.
  std::string text;
  std::size_t line_no = 0;
  for (std::size_t at = 0; at < golden.size();) {
    std::size_t nl = golden.find('\n', at);
    std::string line = golden.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    at = nl == std::string::npos ? golden.size() : nl + 1;
    std::size_t second = line.size() > 41 ? line.find(':', 41) : std::string::npos;
    if (line.size() > 41 && line[40] == ':' && second != std::string::npos)
      line = line.substr(0, 41) + Num(now - 1 - line_no) + line.substr(second);
    text += line + "\n";
    ++line_no;
  }
  const std::string h5(20, '\x55'), h7(20, '\x77'), h9(20, '\x99');
  std::vector<std::string> listed = {h5, h9};
  std::vector<std::string> extra_listed;
  for (std::uint32_t i = 0; i < 6; ++i) extra_listed.push_back(TestHash(8100 + i));
  const std::string u1 = TestHash(8200), u2 = TestHash(8201);
  const auto& l = extra_listed;
  auto hexl = [](const std::string& h) { return Hex(h); };
  text += UpperHex(l[0]) + ":" + Num(now - 1) + ":7\n";        // restored
  text += hexl(l[1]) + ":" + Num(now - 2) + ":1\n";            // lowercase hex: restored
  text += UpperHex(l[2]) + ":" + Num(now) + ":3\r\n";          // CRLF: restored
  text += UpperHex(u1) + ":" + Num(now) + ":5\n";              // not listed: refused
  text += UpperHex(l[3]) + ":" + Num(now) + "\n";              // two fields: malformed
  text += UpperHex(l[3]) + ":" + Num(now - 3) + ":2\n";        // restored
  text += "\n";                                                // empty: skipped silently
  text += UpperHex(l[4]) + ":" + Num(now) + ":100000\n";       // restored
  text += UpperHex(l[0]) + ":" + Num(now) + ":9\n";            // already known: the first line wins
  text += UpperHex(u2) + ":" + Num(now) + ":1\n";              // not listed: refused
  text += std::string(40, 'G') + ":" + Num(now) + ":1\n";      // not hex: malformed
  text += UpperHex(l[5]).substr(1) + ":" + Num(now) + ":1\n";  // 39 digits: malformed
  text += UpperHex(l[5]) + ":" + Num(now) + ":-1\n";           // a sign: malformed
  text += UpperHex(l[5]) + ":" + Num(now) + ":4";              // last line without newline: restored
  const std::map<std::string, std::int64_t> want = {{h5, 7},   {h9, 3},   {l[0], 7},      {l[1], 1},
                                                    {l[2], 3}, {l[3], 2}, {l[4], 100000}, {l[5], 4}};
  for (const std::string& h : extra_listed) listed.push_back(h);

  TrackerOptions o = WhitelistedTracker(listed, DualStackAvailable());
  o.files["state-input.txt"] = text;
  o.extra_args = {"-l", "{DIR}/state-input.txt"};
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  const std::string summary = "restored 8 torrents from " + t.PathOf("state-input.txt") +
                              ", 3 refused by the access list, 1 already known, 6 malformed lines skipped\n";
  EXPECT_NE(t.Stderr().find(summary), std::string::npos) << t.Stderr();

  std::vector<std::string> asked = listed;
  asked.push_back(h7);
  asked.push_back(u1);
  asked.push_back(u2);
  std::map<std::string, Counts> counts = Scrape(t, asked);
  EXPECT_EQ(counts.size(), want.size()) << "the listed torrents, and only those";
  for (const auto& [hash, downloaded] : want)
    EXPECT_EQ(counts[hash], (Counts{0, downloaded, 0})) << UpperHex(hash) << ": restored once, not doubled";
  std::vector<std::string> sorted;
  for (const auto& entry : want) sorted.push_back(entry.first);
  EXPECT_EQ(FullScrapeHashes(t), sorted);

  // The next dump writes the same counts.
  test::Exchange dump = Request(t, GetRequest("/stats?mode=statedump", "HTTP/1.0"), Family::kV4, Millis(0));
  std::string why;
  auto lines = ParseState(dump.read.response.content, &why);
  ASSERT_TRUE(lines) << why;
  ASSERT_EQ(lines->size(), want.size());
  for (const auto& [hash, line] : *lines)
    EXPECT_EQ(static_cast<std::int64_t>(line.downloaded), want.at(hash));

  // Announcing keeps the restored count; unlisted torrents stay refused.
  AnnounceParams p;
  p.info_hash = l[4];
  p.left = "0";
  test::Exchange ex = Request(t, AnnounceRequest(p));
  AnnounceReply reply = DecodeAnnounce(ex.read.response.content);
  EXPECT_EQ(reply.complete, 1);
  EXPECT_EQ(reply.downloaded, 100000);
  p.info_hash = u1;
  AnnounceReply refused = DecodeAnnounce(Request(t, AnnounceRequest(p)).read.response.content);
  EXPECT_FALSE(refused.failure.empty()) << "an unlisted torrent is not authorised";
}

TEST_F(Statefile, MissingDashLFileIsOnlyAWarning) {
  OT_SKIP_UNLESS_PORT("the port's message");
  TrackerOptions o;
  o.config_lines = ListenLines(false);
  o.extra_args = {"-l", "{DIR}/no-such-state.txt"};
  TrackerProcess t(o);
  ASSERT_TRUE(t.Start());
  EXPECT_NE(t.Stderr().find("warning: cannot read state file " + t.PathOf("no-such-state.txt") +
                            ": No such file or directory"),
            std::string::npos)
      << t.Stderr();
  EXPECT_TRUE(ServesAnnounce(t, TestHash(8300)));
  EXPECT_EQ(FullScrapeHashes(t), std::vector<std::string>{TestHash(8300)});
}

// The write is atomic (a temporary file renamed over the old one): where the
// directory refuses new files but the old file itself is writable, a direct
// rewrite would succeed; the port's write fails instead and leaves the old
// file whole, and the tracker still exits cleanly.
TEST_F(Statefile, FailedWriteLeavesTheOldFileWhole) {
  OT_SKIP_UNLESS_PORT("tracker.statefile is the port's");
  ScopedDir dir;
  const std::string sub = dir.path() + "/ro";
  ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0);
  const std::string state = sub + "/opentracker.state";
  const std::string old_text = UpperHex(TestHash(8400)) + ":" + Num(NowMinutes()) + ":5\n";
  {
    std::FILE* f = std::fopen(state.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(old_text.c_str(), f);
    std::fclose(f);
  }
  ::chmod(state.c_str(), 0666);
  // Root ignores this mode, but the tracker has dropped to "nobody" by then
  // (and an ordinary user's own 0555 dir refuses it new files too).
  ::chmod(sub.c_str(), 0555);
  auto t = StartWithStatefile(state);
  ASSERT_TRUE(t->Running());
  EXPECT_NE(t->Stderr().find("restored 1 torrents from " + state), std::string::npos) << t->Stderr();
  ASSERT_NO_FATAL_FAILURE(Complete(*t, TestHash(8401), 1, 43000));
  EXPECT_TRUE(t->Stop(SIGTERM)) << "a failed write is logged, not fatal";
  const std::string after = test::ReadFileOrEmpty(state);
  const bool tmp_left = std::filesystem::exists(state + ".tmp");
  ::chmod(sub.c_str(), 0755);
  EXPECT_NE(t->Stderr().find("cannot write state file"), std::string::npos) << t->Stderr();
  EXPECT_EQ(after, old_text) << "the old state file is untouched";
  EXPECT_FALSE(tmp_left);
}

}  // namespace
}  // namespace ot::integration
