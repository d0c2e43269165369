#include "opentracker/config/cli.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "opentracker/proto/ip_text.hpp"

namespace ot::config {
namespace {

using Action = CommandLine::Action;
using Severity = Diagnostic::Severity;

// Config files by name; anything else fails with ENOENT, as fopen would.
class FakeFiles {
 public:
  void Add(std::string name, std::string text) { files_[std::move(name)] = std::move(text); }
  FileReader Reader() {
    return [this](const std::string& path) -> std::optional<std::string> {
      reads_.push_back(path);
      const auto it = files_.find(path);
      if (it == files_.end()) {
        errno = ENOENT;
        return std::nullopt;
      }
      return it->second;
    };
  }
  const std::vector<std::string>& reads() const { return reads_; }

 private:
  std::map<std::string, std::string> files_;
  std::vector<std::string> reads_;
};

CommandLine Parse(std::vector<std::string> flags, FakeFiles* files = nullptr) {
  FakeFiles none;
  flags.insert(flags.begin(), "opentracker");
  return ParseCommandLine(flags, (files != nullptr ? files : &none)->Reader());
}

IpAddress Ip(std::string_view text) {
  const std::optional<IpAddress> ip = proto::ParseIpAddress(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(IpAddress{});
}

NetMask Net(std::string_view text) {
  const std::optional<NetMask> net = proto::ParseNetMask(text);
  EXPECT_TRUE(net.has_value()) << text;
  return net.value_or(NetMask{});
}

Listener L(SocketKind kind, std::string_view ip, std::uint16_t port, std::uint32_t workers = 0) {
  Listener l;
  l.kind = kind;
  l.address = proto::ListenAddress{Ip(ip), port};
  l.udp_workers = workers;
  return l;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// ---------------------------------------------------------------- basics

TEST(ParseCommandLine, NoFlagsRunsWithDefaultsAndBindsNothing) {
  const CommandLine cl = Parse({});
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_TRUE(cl.diagnostics.empty());
  EXPECT_EQ(cl.config, Config{});
  EXPECT_TRUE(cl.config.listeners.empty());  // the app binds [::]:6969 tcp+udp itself
  EXPECT_EQ(proto::FormatIp(cl.config.default_ip), "::");
  EXPECT_FALSE(cl.config.rootdir.has_value());  // quirk 22: no "." default
  EXPECT_EQ(cl.config.user, "nobody");
}

TEST(ParseCommandLine, EmptyArgumentVector) {
  FakeFiles files;
  const CommandLine cl = ParseCommandLine({}, files.Reader());
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_EQ(cl.config, Config{});
}

TEST(ParseCommandLine, IpAppliesToLaterPortsOnly) {
  const CommandLine cl = Parse({"-p", "1", "-i", "127.0.0.1", "-p", "2", "-P", "3", "-i", "::1", "-P", "4"});
  EXPECT_EQ(cl.action, Action::kRun);
  const std::vector<Listener> want = {
      L(SocketKind::kTcp, "::", 1),
      L(SocketKind::kTcp, "127.0.0.1", 2),
      L(SocketKind::kUdp, "127.0.0.1", 3),
      L(SocketKind::kUdp, "::1", 4),
  };
  EXPECT_EQ(cl.config.listeners, want);
  EXPECT_EQ(cl.config.default_ip, Ip("::1"));
}

TEST(ParseCommandLine, LastIpIsTheDefaultBindAddress) {
  const CommandLine cl = Parse({"-i", "10.0.0.1", "-i", "10.0.0.2"});
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_TRUE(cl.config.listeners.empty());
  EXPECT_EQ(cl.config.default_ip, Ip("10.0.0.2"));
}

TEST(ParseCommandLine, ArgumentsAttachedOrSeparate) {
  const CommandLine cl = Parse({"-p6969", "-P", "6970", "-i127.0.0.1", "-P6971", "-ualice", "-d/srv"});
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_EQ(cl.config.listeners,
            (std::vector<Listener>{L(SocketKind::kTcp, "::", 6969), L(SocketKind::kUdp, "::", 6970),
                                   L(SocketKind::kUdp, "127.0.0.1", 6971)}));
  EXPECT_EQ(cl.config.user, "alice");
  EXPECT_EQ(cl.config.rootdir, "/srv");
}

TEST(ParseCommandLine, ArgumentMayLookLikeAFlag) {
  // getopt takes the next word whatever it is.
  const CommandLine cl = Parse({"-u", "-p"});
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_EQ(cl.config.user, "-p");
}

TEST(ParseCommandLine, Ports) {
  EXPECT_EQ(Parse({"-p", "0"}).config.listeners, std::vector<Listener>{L(SocketKind::kTcp, "::", 0)});
  EXPECT_EQ(Parse({"-p", "65535"}).config.listeners, std::vector<Listener>{L(SocketKind::kTcp, "::", 65535)});
  EXPECT_EQ(Parse({"-P", "000080"}).config.listeners, std::vector<Listener>{L(SocketKind::kUdp, "::", 80)});
  // Quirk 23: upstream bound 70000 as port 7000.
  for (const char* flag : {"-p", "-P", "-s"}) {
    for (const char* bad :
         {"70000", "65536", "abc", "", "-1", "+80", "80x", " 80", "80 ", "6969.0", "0x50"}) {
      const CommandLine cl = Parse({"-i", "10.0.0.1", flag, bad});
      EXPECT_EQ(cl.action, Action::kUsageError) << flag << " '" << bad << "'";
      EXPECT_TRUE(cl.diagnostics.empty());
    }
  }
}

TEST(ParseCommandLine, UsageErrors) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"-x"},
                                             {"-?"},
                                             {"--help"},
                                             {"-p"},
                                             {"-P"},
                                             {"-i"},
                                             {"-f"},
                                             {"-A"},
                                             {"-s"},
                                             {"-d"},
                                             {"-u"},
                                             {"-r"},
                                             {"-l"},
                                             {"-w"},
                                             {"-b"},
                                             {"-p", "6969", "-P"},
                                             {"-i", "notanip"},
                                             {"-i", "127.0.0.1x"},
                                             {"-i", "[::1]"},
                                             {"-i", ""},
                                             {"-i", " ::1"},
                                             {"-A", "notanip"},
                                             {"-A", "10.0.0.0/33"},
                                             {"-A", "::/129"},
                                             {"-A", "10.0.0.1/"},
                                             {"-A", "10.0.0.1 "},
                                             {"-pvx"},
                                             {"-vx"} /* v acts first */}) {
    const CommandLine cl = Parse(args);
    if (args == std::vector<std::string>{"-vx"}) {
      EXPECT_EQ(cl.action, Action::kPrintVersion);
      continue;
    }
    EXPECT_EQ(cl.action, Action::kUsageError) << ::testing::PrintToString(args);
  }
}

TEST(ParseCommandLine, HelpAndVersionStopAtOnce) {
  EXPECT_EQ(Parse({"-h"}).action, Action::kPrintHelp);
  EXPECT_EQ(Parse({"-v"}).action, Action::kPrintVersion);
  EXPECT_EQ(Parse({"-hv"}).action, Action::kPrintHelp);
  EXPECT_EQ(Parse({"-vh"}).action, Action::kPrintVersion);
  EXPECT_EQ(Parse({"-h", "-p", "abc"}).action, Action::kPrintHelp);
  EXPECT_EQ(Parse({"-p", "abc", "-h"}).action, Action::kUsageError);
  EXPECT_EQ(Parse({"-x", "-v"}).action, Action::kUsageError);
  // A file named after -h is never read.
  FakeFiles files;
  Parse({"-h", "-f", "a.conf"}, &files);
  EXPECT_TRUE(files.reads().empty());
}

TEST(ParseCommandLine, NonOptionWordsAreIgnoredWithAWarning) {
  const CommandLine cl = Parse({"stray", "-p", "1", "-", "--", "-p", "2"});
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_EQ(cl.config.listeners, std::vector<Listener>{L(SocketKind::kTcp, "::", 1)});
  ASSERT_EQ(cl.diagnostics.size(), 4u);
  EXPECT_EQ(cl.diagnostics[0].message, "Ignored command line argument: stray");
  EXPECT_EQ(cl.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(cl.diagnostics[1].message, "Ignored command line argument: -");
  EXPECT_EQ(cl.diagnostics[2].message, "Ignored command line argument: -p");
  EXPECT_EQ(cl.diagnostics[3].message, "Ignored command line argument: 2");
}

// ---------------------------------------------------------------- each flag

TEST(ParseCommandLine, StringFlags) {
  const CommandLine cl =
      Parse({"-r", "https://x.invalid/", "-d", "/var/ot", "-u", "_opentracker", "-l", "state.txt"});
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_EQ(cl.config.redirect_url, "https://x.invalid/");
  EXPECT_EQ(cl.config.rootdir, "/var/ot");
  EXPECT_EQ(cl.config.user, "_opentracker");
  EXPECT_EQ(cl.config.statefile_to_load, "state.txt");
  EXPECT_EQ(cl.config.statefile, "");
}

TEST(ParseCommandLine, LaterStringFlagsWin) {
  const CommandLine cl = Parse({"-d", "/a", "-d", "/b", "-u", "a", "-u", "b", "-r", "a", "-r", "b"});
  EXPECT_EQ(cl.config.rootdir, "/b");
  EXPECT_EQ(cl.config.user, "b");
  EXPECT_EQ(cl.config.redirect_url, "b");
}

TEST(ParseCommandLine, BlessGoesToAllThreeLists) {
  const CommandLine cl = Parse({"-A", "10.0.0.0/8", "-A", "::1", "-A", "192.168.1.7"});
  EXPECT_EQ(cl.action, Action::kRun);
  const std::vector<NetMask> want = {Net("10.0.0.0/8"), Net("::1"), Net("192.168.1.7")};
  EXPECT_EQ(cl.config.stats_networks, want);
  EXPECT_EQ(cl.config.proxy_networks, want);
  EXPECT_EQ(cl.config.livesync_networks, want);
  EXPECT_EQ(want[0].bits, 104);
}

TEST(ParseCommandLine, NoLimitOnBlessings) {
  // Quirk 24: upstream silently dropped blessings past 64.
  std::vector<std::string> args;
  for (int i = 0; i < 200; ++i) {
    args.push_back("-A");
    args.push_back("10.0." + std::to_string(i) + ".1");
  }
  const CommandLine cl = Parse(args);
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_EQ(cl.config.stats_networks.size(), 200u);
  EXPECT_EQ(cl.config.stats_networks.back(), Net("10.0.199.1"));
}

TEST(ParseCommandLine, WhitelistAndBlacklistFlags) {
  const CommandLine w = Parse({"-w", "white.txt"});
  EXPECT_EQ(w.action, Action::kRun);
  EXPECT_EQ(w.config.access_mode, AccessMode::kWhitelist);
  EXPECT_EQ(w.config.access_list_path, "white.txt");
  const CommandLine b = Parse({"-b", "black.txt", "-b", "black2.txt"});
  EXPECT_EQ(b.action, Action::kRun);
  EXPECT_EQ(b.config.access_mode, AccessMode::kBlacklist);
  EXPECT_EQ(b.config.access_list_path, "black2.txt");

  const CommandLine both = Parse({"-w", "white.txt", "-b", "black.txt"});
  EXPECT_EQ(both.action, Action::kConfigError);
  ASSERT_EQ(both.diagnostics.size(), 1u);
  EXPECT_EQ(FormatDiagnostic(both.diagnostics[0]),
            "command line: access.whitelist and access.blacklist are mutually exclusive");
  EXPECT_EQ(both.diagnostics[0].severity, Severity::kError);
}

TEST(ParseCommandLine, WhitelistFlagAgainstBlacklistInFile) {
  FakeFiles files;
  files.Add("b.conf", "access.blacklist /black\n");
  const CommandLine flag_first = Parse({"-w", "/white", "-f", "b.conf"}, &files);
  EXPECT_EQ(flag_first.action, Action::kConfigError);
  ASSERT_EQ(flag_first.diagnostics.size(), 1u);
  EXPECT_EQ(FormatDiagnostic(flag_first.diagnostics[0]),
            "b.conf:1: access.whitelist and access.blacklist are mutually exclusive");
  const CommandLine file_first = Parse({"-f", "b.conf", "-w", "/white"}, &files);
  EXPECT_EQ(file_first.action, Action::kConfigError);
  ASSERT_EQ(file_first.diagnostics.size(), 1u);
  EXPECT_EQ(file_first.diagnostics[0].source, "command line");
}

TEST(ParseCommandLine, LivesyncFlag) {
  const CommandLine cl = Parse({"-i", "192.168.0.1", "-s", "9696"});
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_EQ(cl.config.livesync_listen, (proto::ListenAddress{Ip("192.168.0.1"), 9696}));
  EXPECT_TRUE(cl.config.listeners.empty());  // -s is not a tracker listener

  // HEAD's default "::" is not IPv4.
  const CommandLine v6 = Parse({"-s", "9696", "-p", "1"});
  EXPECT_EQ(v6.action, Action::kConfigError);
  ASSERT_EQ(v6.diagnostics.size(), 1u);
  EXPECT_EQ(FormatDiagnostic(v6.diagnostics[0]), "command line: v6 mcast support not yet available.");
  EXPECT_FALSE(v6.config.livesync_listen.has_value());
  EXPECT_EQ(v6.config.listeners.size(), 1u);  // the rest of the line was still read

  const CommandLine twice = Parse({"-i", "10.0.0.1", "-s", "9696", "-s", "9697"});
  EXPECT_EQ(twice.action, Action::kConfigError);
  ASSERT_EQ(twice.diagnostics.size(), 1u);
  EXPECT_EQ(twice.diagnostics[0].message, "Livesync listen ip specified twice.");
  EXPECT_EQ(twice.config.livesync_listen->port, 9696);
}

TEST(ParseCommandLine, LivesyncFlagAfterConfigFile) {
  FakeFiles files;
  files.Add("sync.conf", "livesync.cluster.listen 10.0.0.1:9696\n");
  const CommandLine cl = Parse({"-f", "sync.conf", "-i", "10.0.0.2", "-s", "9696"}, &files);
  EXPECT_EQ(cl.action, Action::kConfigError);
  ASSERT_EQ(cl.diagnostics.size(), 1u);
  EXPECT_EQ(cl.diagnostics[0].message, "Livesync listen ip specified twice.");
}

// ---------------------------------------------------------------- -f

TEST(ParseCommandLine, ConfigFileIsAppliedWhereItAppears) {
  FakeFiles files;
  files.Add("a.conf", "tracker.rootdir /from-file\ntracker.user fileuser\n");
  // "-d X -f conf": the file's rootdir wins; "-f conf -d X" keeps X.
  const CommandLine file_wins = Parse({"-d", "/from-cli", "-f", "a.conf"}, &files);
  EXPECT_EQ(file_wins.action, Action::kRun);
  EXPECT_EQ(file_wins.config.rootdir, "/from-file");
  const CommandLine flag_wins = Parse({"-f", "a.conf", "-d", "/from-cli", "-u", "cliuser"}, &files);
  EXPECT_EQ(flag_wins.action, Action::kRun);
  EXPECT_EQ(flag_wins.config.rootdir, "/from-cli");
  EXPECT_EQ(flag_wins.config.user, "cliuser");
  EXPECT_EQ(files.reads(), (std::vector<std::string>{"a.conf", "a.conf"}));
}

TEST(ParseCommandLine, ListenersFromFilesAndFlagsKeepTheirOrder) {
  FakeFiles files;
  files.Add("l.conf", "listen.tcp_udp 10.0.0.1:80\n");
  const CommandLine cl = Parse({"-i", "10.0.0.9", "-p", "1", "-f", "l.conf", "-P", "2"}, &files);
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_EQ(cl.config.listeners,
            (std::vector<Listener>{L(SocketKind::kTcp, "10.0.0.9", 1), L(SocketKind::kTcp, "10.0.0.1", 80),
                                   L(SocketKind::kUdp, "10.0.0.1", 80), L(SocketKind::kUdp, "10.0.0.9", 2)}));
}

TEST(ParseCommandLine, UdpWorkersFromAFileApplyToLaterUdpFlags) {
  FakeFiles files;
  files.Add("w.conf", "listen.udp.workers 3\n");
  const CommandLine cl = Parse({"-P", "1", "-f", "w.conf", "-P", "2", "-p", "3"}, &files);
  EXPECT_EQ(cl.action, Action::kRun);
  EXPECT_EQ(cl.config.listeners,
            (std::vector<Listener>{L(SocketKind::kUdp, "::", 1, 0), L(SocketKind::kUdp, "::", 2, 3),
                                   L(SocketKind::kTcp, "::", 3, 0)}));
}

TEST(ParseCommandLine, UnreadableConfigFileIsAnError) {
  FakeFiles files;
  const CommandLine cl = Parse({"-f", "missing.conf", "-p", "1"}, &files);
  EXPECT_EQ(cl.action, Action::kConfigError);
  ASSERT_EQ(cl.diagnostics.size(), 1u);
  EXPECT_EQ(cl.diagnostics[0].severity, Severity::kError);
  EXPECT_EQ(cl.diagnostics[0].source, "command line");
  EXPECT_EQ(cl.diagnostics[0].line, 0);
  EXPECT_EQ(FormatDiagnostic(cl.diagnostics[0]),
            "command line: Can't open config file: missing.conf: No such file or directory");
  EXPECT_EQ(cl.config.listeners.size(), 1u);
}

TEST(ParseCommandLine, FileDiagnosticsCarryTheFileName) {
  FakeFiles files;
  files.Add("warn.conf", "# fine\nbogus.option 1\n");
  files.Add("bad.conf", "listen.tcp notanaddress\n");
  const CommandLine warn = Parse({"-f", "warn.conf"}, &files);
  EXPECT_EQ(warn.action, Action::kRun);  // warnings alone do not stop the start
  ASSERT_EQ(warn.diagnostics.size(), 1u);
  EXPECT_EQ(FormatDiagnostic(warn.diagnostics[0]),
            "warn.conf:2: Unhandled line in config file: bogus.option 1");

  const CommandLine bad = Parse({"-f", "bad.conf"}, &files);
  EXPECT_EQ(bad.action, Action::kConfigError);
  ASSERT_EQ(bad.diagnostics.size(), 1u);
  EXPECT_EQ(FormatDiagnostic(bad.diagnostics[0]),
            "bad.conf:1: Parse error in config file: listen.tcp notanaddress");
}

TEST(ParseCommandLine, ConfigErrorsAreCollectedBeforeAUsageError) {
  FakeFiles files;
  const CommandLine cl = Parse({"-f", "missing.conf", "-x"}, &files);
  EXPECT_EQ(cl.action, Action::kUsageError);
  EXPECT_EQ(cl.diagnostics.size(), 1u);
}

// ---------------------------------------------------------------- usage and help

TEST(UsageText, UpstreamFirstLineThenThePortsFlags) {
  EXPECT_EQ(
      UsageText("/usr/bin/opentracker"),
      "Usage: /usr/bin/opentracker [-i ip] [-p port] [-P port] [-r redirect] [-d dir] [-u user] "
      "[-A ip[/bits]] [-f config] [-s livesyncport] [-l statefile] [-w whitelistfile] [-b blacklistfile] "
      "[-v] [-h]\n");
}

TEST(UsageText, StartsLikeHeads) {
  const std::vector<std::string> head = Lines([] {
    std::ifstream in(std::string(OT_TEST_DATA_DIR) + "/golden/upstream-head-localbuild/cli-transcript.txt");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }());
  // Find HEAD's usage line and compare our line's start with it (argv0 aside).
  std::string head_usage;
  for (const std::string& line : head) {
    if (line.rfind("Usage: ", 0) == 0) head_usage = line;
  }
  ASSERT_FALSE(head_usage.empty());
  const std::string argv0 = head_usage.substr(7, head_usage.find(' ', 7) - 7);
  const std::string ours = UsageText(argv0);
  EXPECT_EQ(ours.substr(0, head_usage.size()), head_usage);
}

TEST(HelpText, LayoutAndEveryFlag) {
  const std::string help = HelpText("./opentracker");
  const std::vector<std::string> lines = Lines(help);
  ASSERT_GT(lines.size(), 2u);
  EXPECT_EQ(lines[0] + "\n", UsageText("./opentracker"));
  std::vector<std::string> options;
  std::size_t i = 1;
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    ASSERT_EQ(lines[i][0], '\t') << lines[i];
    ASSERT_GE(lines[i].size(), 12u) << lines[i];
    options.push_back(lines[i].substr(1, 2));
  }
  EXPECT_EQ(options, (std::vector<std::string>{"-f", "-i", "-p", "-P", "-r", "-d", "-u", "-A", "-s", "-l",
                                               "-w", "-b", "-v", "-h"}));
  ASSERT_LT(i + 1, lines.size());
  EXPECT_EQ(lines[i + 1].rfind("Example:   ./opentracker -i 127.0.0.1 -p 6969", 0), 0u);
  EXPECT_EQ(help.back(), '\n');
}

TEST(HelpText, DefaultsAreTheTrueOnes) {
  const std::string help = HelpText("opentracker");
  // Quirk 22: no "." default for -d, and the default address is "::", not "::1".
  EXPECT_EQ(help.find("(default: \".\")"), std::string::npos);
  EXPECT_NE(help.find("\t-d dir    specify directory to chroot to (as root) or chdir to (default: none)\n"),
            std::string::npos);
  EXPECT_EQ(help.find("::1 if none"), std::string::npos);
  EXPECT_NE(help.find("(or :: if none is set) will be used on port 6969.\n"), std::string::npos);
  EXPECT_NE(help.find("\t-i ip     specify ip to bind to with next -[pPs] (default: ::"), std::string::npos);
}

TEST(HelpText, UnchangedLinesAreHeadsBytes) {
  std::ifstream in(std::string(OT_TEST_DATA_DIR) + "/golden/upstream-head-localbuild/cli-transcript.txt");
  const std::vector<std::string> head =
      Lines(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
  const std::vector<std::string> ours = Lines(HelpText("opentracker"));
  // The lines whose text stays true for the port, including upstream's
  // run-together "-r redirecturlspecify" from %-10s.
  for (std::string_view prefix :
       {"\t-f config", "\t-p port", "\t-P port", "\t-r redirecturl", "\t-u user", "\t-A ip[/bits]",
        "Example:", "           Here -i", "           If no port"}) {
    std::string head_line;
    std::string our_line;
    for (const std::string& line : head) {
      if (line.rfind(prefix, 0) == 0) head_line = line;
    }
    for (const std::string& line : ours) {
      if (line.rfind(prefix, 0) == 0) our_line = line;
    }
    ASSERT_FALSE(head_line.empty()) << prefix;
    EXPECT_EQ(our_line, head_line) << prefix;
  }
}

TEST(HelpText, EveryFlagInTheUsageLineIsAccepted) {
  // "[-x arg]" -> "-x" with a value that parses.
  const std::map<std::string, std::string> sample = {
      {"ip", "10.0.0.1"},         {"port", "6969"},
      {"redirect", "https://x/"}, {"dir", "/"},
      {"user", "nobody"},         {"ip[/bits]", "10.0.0.0/8"},
      {"config", "c.conf"},       {"livesyncport", "9696"},
      {"statefile", "s.txt"},     {"whitelistfile", "w.txt"},
      {"blacklistfile", "b.txt"},
  };
  FakeFiles files;
  files.Add("c.conf", "");
  const std::string usage = UsageText("x");
  // "[-p port]", "[-v]", "[-A ip[/bits]]".
  const std::regex item(R"(\[(-[A-Za-z])(?: ([a-z]+(?:\[/bits\])?))?\])");
  int seen = 0;
  for (auto it = std::sregex_iterator(usage.begin(), usage.end(), item); it != std::sregex_iterator(); ++it) {
    const std::string flag = (*it)[1];
    std::vector<std::string> args = {"-i", "10.0.0.1", flag};
    if ((*it)[2].matched) {
      const std::string what = (*it)[2];
      ASSERT_TRUE(sample.count(what)) << what;
      args.push_back(sample.at(what));
    }
    const CommandLine cl = Parse(args, &files);
    EXPECT_NE(cl.action, Action::kUsageError) << flag;
    EXPECT_NE(cl.action, Action::kConfigError) << flag;
    ++seen;
  }
  EXPECT_EQ(seen, 14);
}

}  // namespace
}  // namespace ot::config
