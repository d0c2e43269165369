// File: tests/integration/golden_template.hpp
// Body templates: golden bytes with holes for what spec §11.5 lets differ
// between runs (interval, uptime, rates, tracker id, statedump base minutes,
// random peer choices) and for counts the harness itself shifts (the
// readiness probe's accepted connections). A template is text in which
//   {*}      any unsigned decimal         {+}     a decimal > 0
//   {A+n}    readiness connects + n       {~}     any bytes up to the next literal
//   {IV}     an announce interval 1620..1979
//   {MIV}    the preceding {IV} / 2 (min interval, rounded down)
//   {P4:n}   n distinct IPv4 peers (6 bytes each) from the swarm
//   {P6:n}   n distinct IPv6 peers (18 bytes each) from the swarm
//   {{       a literal '{'
// and every other byte is literal. Builders below turn golden bytes into
// templates; Match() checks a reply against one.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "tracker_requests.hpp"

namespace ot::integration {

struct MatchContext {
  int readiness_connects = 0;
  std::set<Peer> swarm4, swarm6;
};

// Doubles every '{' so raw bytes can be embedded in a template.
std::string EscapeTemplate(std::string_view raw);

// Checks `actual` against `tmpl`; the failure message shows where they part.
::testing::AssertionResult MatchTemplate(std::string_view tmpl, std::string_view actual,
                                         const MatchContext& ctx);

// --- builders over escaped template text ---------------------------------
// "8:intervali<n>e" -> "8:intervali{IV}e", "12:min intervali<n>e" -> "{MIV}".
std::string MaskAnnounceIntervals(std::string tmpl);
// MRTG four-line stats: line 3 "<t> seconds (<h> hours)" and the numbers of
// line 4 become {*}; `accepts_in_line1` turns line 1 into {A+n} (conn, tcp4).
std::string MaskMrtg(std::string tmpl, bool accepts_in_line1);
// everything: tracker_id and uptime become {*}, <accept> becomes {A+n};
// `any_version` replaces the version block's text with {~}.
std::string MaskEverything(std::string tmpl, bool any_version);
// statedump lines "<HEX40>:<base>:<down>": base becomes {*}.
std::string MaskStatedump(std::string tmpl);

// Raw announce body -> template with the compact peer strings replaced by
// {P4:n}/{P6:n} (for replies whose peers are a random subset). Raw input.
std::string RandomPeersTemplate(std::string_view raw_content);

// Renew histograms depend on the minute the announces fall in (peer ages grow
// once a minute); a replay that crosses a minute boundary moves some re-
// announces from bucket 00 to 01. This folds bucket 01 into 00 (renew mode
// text and the everything XML) so a golden with all counts in 00 compares.
std::string FoldRenewMinuteBoundary(std::string content);

}  // namespace ot::integration
