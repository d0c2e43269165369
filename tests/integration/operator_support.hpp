// File: tests/integration/operator_support.hpp
// Helpers for the operator-control integration tests (operator_*_test.cpp):
// HTTP requests from a chosen loopback source address (127.0.0.2 is loopback
// but is not 127.0.0.1, so it is "another client" for blessings and proxies),
// announce verdicts (served / refused) over HTTP and UDP, bounded polls until
// a verdict holds or a line reaches the tracker's stderr, scrape counts, FIFO
// writes and /proc readers. Nothing here sleeps without a deadline.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/net_http_client.hpp"
#include "support/net_socket.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {

inline constexpr char kNotAuthorized[] = "Requested download is not authorized for use with this tracker.";
// The whole HTTP body of a refused announce (spec §8.1).
inline constexpr char kNotAuthorizedBody[] =
    "d14:failure reason63:Requested download is not authorized for use with this tracker.e";

// One HTTP request on a fresh connection whose local end is bound to `source`
// ("127.0.0.2", "::1"), sent to the tracker's loopback address of the same
// family. Same result shape as Request().
test::Exchange RequestFrom(const TrackerProcess& tracker, const std::string& source,
                           const std::string& request, Millis timeout = Millis(5000));

enum class Verdict : std::uint8_t { kServed, kRefused, kBroken };
enum class Transport : std::uint8_t { kHttp, kUdp };
const char* ToString(Verdict verdict);
const char* ToString(Transport transport);

struct AnnounceOutcome {
  Verdict verdict = Verdict::kBroken;
  std::string detail;  // the reply, printable, for failure messages
};

// Announces `hash` as a seeder at loopback:`port` of `family` and classifies
// the reply: kServed is a real announce reply that lists this peer, kRefused
// is exactly the transport's not-authorised reply (HTTP: 200 with
// kNotAuthorizedBody; UDP: action 3 with kNotAuthorized, or upstream DEB's
// bare 8-byte header in reference mode); anything else is kBroken.
AnnounceOutcome AnnounceVerdict(const TrackerProcess& tracker, const std::string& hash,
                                Transport transport = Transport::kHttp,
                                test::Family family = test::Family::kV4, std::uint16_t port = 6881);

// Polls AnnounceVerdict (bounded, 10 ms apart) until it gives `want` or
// `timeout` passes; the failure names the last reply.
::testing::AssertionResult WaitForVerdict(const TrackerProcess& tracker, const std::string& hash,
                                          Verdict want, Transport transport = Transport::kHttp,
                                          test::Family family = test::Family::kV4,
                                          Millis timeout = Millis(5000));

// Asserts one verdict now, for every transport and family given.
::testing::AssertionResult VerdictIs(const TrackerProcess& tracker, const std::string& hash, Verdict want,
                                     Transport transport = Transport::kHttp,
                                     test::Family family = test::Family::kV4);

// Waits until the tracker's stderr, from byte offset `from` on, contains
// `needle`; returns that new stderr text, or nullopt after `timeout`.
std::optional<std::string> WaitForStderr(const TrackerProcess& tracker, std::size_t from,
                                         const std::string& needle, Millis timeout = Millis(5000));

// Scrape counts of one torrent over HTTP; nullopt when the reply does not
// decode. A torrent the tracker does not know is {0, 0, 0} (absent from files).
struct ScrapeCounts {
  std::int64_t complete = 0, downloaded = 0, incomplete = 0;
  friend bool operator==(const ScrapeCounts&, const ScrapeCounts&) = default;
};
std::optional<ScrapeCounts> HttpScrape(const TrackerProcess& tracker, const std::string& hash);

// Writes `bytes` into a FIFO in one write() once some reader has it open
// (retrying ENXIO until the deadline).
::testing::AssertionResult WriteFifo(const std::string& path, const std::string& bytes,
                                     Millis timeout = Millis(5000));

// readlink("/proc/<pid>/<what>") ("root", "cwd"); "" on error.
std::string ProcLink(pid_t pid, const std::string& what);
// The numeric fields of a /proc/<pid>/status line ("Uid" -> real, effective,
// saved, filesystem); empty when missing.
std::vector<std::string> ProcStatusFields(pid_t pid, const std::string& key);

// Raw address bytes of a text address ("10.1.2.3" -> 4 bytes, "2001:db8::5"
// -> 16), for comparing with compact peer lists.
std::string AddressBytes(const std::string& text);

// Non-empty lines of a text.
std::vector<std::string> NonEmptyLines(const std::string& text);

}  // namespace ot::integration
