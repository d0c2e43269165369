// File: tests/integration/golden_expectations.hpp
// The per-case expectation table of the golden replay: every place where the
// port must answer differently from the captured upstream bytes (and why, with
// the PORT-DECISIONS section), plus the comparison hints a golden case needs
// in any mode (random peer subsets, silent replies, which UDP socket).
// Everything not listed is compared with the golden bytes after the masks of
// spec §11.5 (see golden_template.hpp) and the general keep-alive rule:
//   port: a reply to an HTTP/1.1 request whose status line is "HTTP/1.1 200"
//         leaves the connection open; every other reply closes it and carries
//         "Connection: close" as its last header (PORT-DECISIONS §1);
//   reference (upstream): every reply closes, no Connection header.
// Edit the table in golden_expectations.cpp when a port decision changes.
#pragma once

#include <span>
#include <string_view>
#include <vector>

namespace ot::integration {

enum class Applies : unsigned char {
  kBoth,       // a comparison hint, true of upstream and the port
  kPort,       // the port's behaviour (not checked in OT_GOLDEN_REFERENCE mode)
  kReference,  // upstream's behaviour where the port differs
};

enum class Rule : unsigned char {
  // --- hints --------------------------------------------------------------
  kRandomPeers,  // numwant < swarm: peers are a random subset of the swarm that golden case `arg` lists in
                 // full
  kNoReplyStaysOpen,  // no reply at all; the connection stays open (checked for 1 s)
  kNoReplyClosed,     // the connection is closed without a reply
  kUdpSecondSocket,   // the UDP probe sent this from its "second" socket (another source port)
  // --- port differences ---------------------------------------------------
  kAsyncHeader,       // async stats 200 with HEAD's "HTTP/1.1 200 OK" status line (DEB: HTTP/1.0)
  kHeadFraming,       // full scrape / tpbs / statedump over HTTP/1.1: HEAD's chunked application/octet-stream
  kDebFraming,        // full scrape over HTTP/1.0: "HTTP/1.0 200 OK", text/plain, Content-Length (as DEB)
  kNoGzip,            // not gzipped (nothing asked for gzip in Accept-Encoding or the query)
  kBody,              // the decoded body is template `arg`
  kSubstitute,        // in the decoded golden body, `arg` becomes `arg2` (stem "*": wherever it occurs)
  kAnswerLike,        // answered with the content of golden case `arg` (framing by the other rules)
  kStatusLike,        // the whole reply is that of golden case `arg`
  kDictPeers,         // compact=0: BEP 3 peer dictionaries, the same peers as the compact reply of case `arg`
  kAppendEmptyPeers,  // "5:peers0:" is written where HEAD omits the key (no v4 peers returned)
  kAnyVersionText,    // the version text is not compared (HEAD sequence: the port prints its own)
  kBusyAnswered,      // mode=busy: a 200 text/plain reply with a non-empty body
  kPipelinedSecond,   // the second pipelined request is answered too, with body template `arg`
  kUdpReply,          // the datagram is hex `arg` exactly
  kUdpTruncate,       // the datagram is the first `arg` (decimal) bytes of the golden one
};

struct CaseRule {
  std::string_view dir;   // below tests/data/golden, e.g. "http-B-main" or "upstream-head-localbuild/udp-v6"
  std::string_view stem;  // "32-ann-compact-0", or "*" for every case of `dir`
  Applies applies;
  Rule rule;
  std::string_view arg;
  std::string_view arg2;
  std::string_view why;
};

// The whole table.
std::span<const CaseRule> GoldenCaseRules();

// The rules for one case in one mode (port_mode false: reference).
std::vector<const CaseRule*> RulesFor(std::string_view dir, std::string_view stem, bool port_mode);

}  // namespace ot::integration
