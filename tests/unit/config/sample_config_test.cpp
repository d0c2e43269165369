// opentracker.conf.sample is the user's reference of the config file: every
// directive the port accepts is documented there, nothing else is, and every
// example in it is a valid line.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/directive_table.hpp"
#include "opentracker/config/config_parser.hpp"

namespace ot::config {
namespace {

std::string ReadSample() {
  std::ifstream in(OT_TEST_DATA_DIR "/../../opentracker.conf.sample", std::ios::binary);
  EXPECT_TRUE(in.good()) << "opentracker.conf.sample not found";
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Example {
  int line;
  std::string keyword;
  std::string text;  // the directive line without its "# "
};

// Lines "# keyword value" or "keyword value"; prose lines are indented
// after the '#', so they never look like this.
std::vector<Example> DocumentedExamples(const std::string& sample) {
  static const std::regex kDirective(R"(^(?:# )?([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)[ \t]+(\S.*)$)");
  std::vector<Example> examples;
  std::istringstream in(sample);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    std::smatch match;
    if (!std::regex_match(line, match, kDirective)) continue;
    const std::string text = line.rfind("# ", 0) == 0 ? line.substr(2) : line;
    examples.push_back({number, match[1], text});
  }
  return examples;
}

TEST(SampleConfig, DocumentsExactlyTheDirectiveTable) {
  const std::vector<Example> examples = DocumentedExamples(ReadSample());
  std::set<std::string> documented;
  for (const Example& e : examples) {
    documented.insert(e.keyword);
    EXPECT_NE(internal::FindDirective(e.keyword), nullptr)
        << "line " << e.line << " documents unknown directive " << e.keyword;
  }
  for (const internal::Directive& d : internal::Directives()) {
    EXPECT_EQ(documented.count(std::string(d.keyword)), 1u) << "undocumented directive " << d.keyword;
  }
}

TEST(SampleConfig, EveryExampleIsAValidLine) {
  for (const Example& e : DocumentedExamples(ReadSample())) {
    Config config;
    std::vector<Diagnostic> diagnostics;
    ApplyConfigText(e.text, "opentracker.conf.sample", config, diagnostics);
    EXPECT_TRUE(diagnostics.empty()) << "line " << e.line << ": " << e.text << ": "
                                     << (diagnostics.empty() ? "" : FormatDiagnostic(diagnostics[0]));
  }
}

TEST(SampleConfig, ShowsThePortsDefaults) {
  std::map<std::string, std::string> values;
  for (const Example& e : DocumentedExamples(ReadSample())) {
    values.emplace(e.keyword, e.text.substr(e.keyword.size()));
  }
  // Where the sample shows a single value for a setting with a default, it is the default.
  const Config defaults;
  std::vector<Diagnostic> diagnostics;
  for (const char* keyword :
       {"listen.udp.workers", "tracker.ip_from_query", "tracker.fullscrape", "tracker.modest_fullscrapes",
        "tracker.syslog", "tracker.woodpeckers", "tracker.log_numwant", "tracker.fulllog",
        "udp.connection_id_lifetime", "tracker.max_torrents", "tracker.max_peers", "access.stats_path",
        "tracker.user"}) {
    ASSERT_EQ(values.count(keyword), 1u) << keyword;
    Config config;
    ApplyConfigText(std::string(keyword) + values[keyword], "sample", config, diagnostics);
    EXPECT_EQ(config, defaults) << keyword << values[keyword];
  }
  EXPECT_TRUE(diagnostics.empty());
}

TEST(SampleConfig, AsShippedEverythingIsCommentedOut) {
  Config config;
  std::vector<Diagnostic> diagnostics;
  ApplyConfigText(ReadSample(), "opentracker.conf.sample", config, diagnostics);
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(config, Config{});
}

TEST(SampleConfig, NamesTheRealLivesyncGroupAndDefaults) {
  const std::string sample = ReadSample();
  EXPECT_NE(sample.find("224.0.23.5"), std::string::npos);
  EXPECT_EQ(sample.find("224.0.42"), std::string::npos);
  EXPECT_NE(sample.find("[::]:6969"), std::string::npos);
  EXPECT_EQ(sample.find("WANT_RESTRICT_STATS"), std::string::npos);
  EXPECT_EQ(sample.find("Makefile"), std::string::npos);
  EXPECT_EQ(sample.find("compile opentracker"), std::string::npos);
  EXPECT_EQ(sample.find("\n# batchsync"), std::string::npos);
}

}  // namespace
}  // namespace ot::config
