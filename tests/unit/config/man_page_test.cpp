// The man page must document every directive and flag the code accepts.
#include <gtest/gtest.h>

#include <string>

#include "config/directive_table.hpp"
#include "support/man_page.hpp"

namespace ot::config {
namespace {

TEST(ManPage, DocumentsEveryDirective) {
  const std::string man = test::ManPageText();
  ASSERT_FALSE(man.empty()) << "conf/opentracker.1 not found";
  for (const internal::Directive& d : internal::Directives()) {
    EXPECT_NE(man.find(std::string(d.keyword)), std::string::npos) << d.keyword;
  }
}

TEST(ManPage, DocumentsEveryFlag) {
  const std::string man = test::ManPageText();
  for (const char* flag : {"-i", "-p", "-P", "-r", "-d", "-u", "-A", "-f", "-s", "-l", "-w", "-b", "-v", "-h"}) {
    // Each flag has its own .TP entry: ".BI -x arg" or ".B -x".
    const bool documented = man.find(std::string(".BI ") + flag + " ") != std::string::npos ||
                            man.find(std::string(".B ") + flag + "\n") != std::string::npos;
    EXPECT_TRUE(documented) << flag;
  }
  for (const char* signal : {"SIGHUP", "SIGINT", "SIGTERM", "SIGPIPE"}) {
    EXPECT_NE(man.find(signal), std::string::npos) << signal;
  }
}

}  // namespace
}  // namespace ot::config
