// The man page must list every /stats mode the code answers.
#include <gtest/gtest.h>

#include <string>

#include "opentracker/stats/render.hpp"
#include "support/man_page.hpp"

namespace ot::stats {
namespace {

TEST(ManPage, ListsEveryStatsMode) {
  const std::string man = test::ManPageText();
  ASSERT_FALSE(man.empty()) << "conf/opentracker.1 not found";
  for (int m = 0; m <= static_cast<int>(StatsMode::kStatedump); ++m) {
    std::string keyword(StatsModeKeyword(static_cast<StatsMode>(m)));
    EXPECT_NE(man.find(" " + keyword), std::string::npos) << keyword;
  }
  for (const char* format : {"ben", "txt", "txtp", "bin", "url", "json"}) {
    EXPECT_NE(man.find(format), std::string::npos) << format;
  }
}

}  // namespace
}  // namespace ot::stats
