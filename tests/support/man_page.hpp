// The installed man page (conf/opentracker.1) as plain text, roff escapes
// undone, so tests can check it documents what the code accepts.
#pragma once

#include <string>

namespace ot::test {

std::string ManPageText();

}  // namespace ot::test
