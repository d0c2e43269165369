#include "support/man_page.hpp"

#include <fstream>
#include <sstream>

namespace ot::test {

std::string ManPageText() {
  std::ifstream in(OT_TEST_DATA_DIR "/../../conf/opentracker.1", std::ios::binary);
  std::stringstream raw;
  raw << in.rdbuf();
  std::string text;
  const std::string s = raw.str();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char next = s[i + 1];
      if (next == '-') {
        text.push_back('-');
        ++i;
        continue;
      }
      if (next == 'f' && i + 2 < s.size()) {  // \fB \fI \fR font changes
        i += 2;
        continue;
      }
    }
    text.push_back(s[i]);
  }
  return text;
}

}  // namespace ot::test
