// File: tests/integration/golden_replay.hpp
// Replays captured golden sequences (tests/data/golden/<dir>/NN-name.req) in
// their original order against a running tracker and compares each reply with
// the golden one after the allowed masks and the expectation table
// (golden_expectations.hpp). HTTP cases use one connection each, like the
// probe; replies that must leave the connection open are checked again a
// little later (batched, so the replay does not wait per case). UDP cases use
// the probe's two client sockets and substitute the connection id the tracker
// returned for the golden one.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "golden_template.hpp"
#include "support/net_http_client.hpp"
#include "support/net_socket.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {

struct GoldenHttpCase {
  std::string stem;  // "32-ann-compact-0"
  int number = 0;    // 32
  std::string request;
  std::string response;  // empty: no reply bytes
};

struct GoldenUdpCase {
  std::string stem;
  int number = 0;
  std::string request;
  std::optional<std::string> response;  // nullopt: no datagram came back
};

// Absolute path of tests/data/golden/<rel>.
std::string GoldenPath(std::string_view rel);
// Cases of a golden dir in numeric order; empty when the dir is missing.
std::vector<GoldenHttpCase> LoadHttpCases(std::string_view rel);
std::vector<GoldenUdpCase> LoadUdpCases(std::string_view rel);

struct HttpExpectation {
  enum class Kind { kResponse, kNoReplyStaysOpen, kNoReplyClosed };
  Kind kind = Kind::kResponse;
  std::string status_line;
  std::vector<std::string> headers;  // "Name: value"; "Content-Length: *" matches any length
  bool gzip = false;
  std::string gzip_header;  // first 10 payload bytes, when known
  std::string body;         // template of the decoded content
  bool body_nonempty_only = false;
  bool fold_renew = false;
  bool server_closes = true;
  std::set<Peer> swarm4, swarm6;
  std::shared_ptr<HttpExpectation> pipelined_next;
  std::vector<std::string> segments;  // the request as sent (several: with a gap)
  std::vector<std::string> notes;     // rules applied, for failure messages
};

// Builds the expectation for cases[index] of golden dir `dir`. A failure means
// the expectation table does not fit the golden data.
::testing::AssertionResult BuildHttpExpectation(std::string_view dir,
                                                const std::vector<GoldenHttpCase>& cases, std::size_t index,
                                                bool port_mode, HttpExpectation& out);

// Compares one parsed reply (status, headers, content) with an expectation.
::testing::AssertionResult CheckHttpResponse(const HttpExpectation& e, const test::HttpResponse& actual,
                                             int readiness_connects);

struct UdpExpectation {
  bool reply = false;
  std::string bytes;  // expected datagram (golden, or from the table)
  bool is_connect = false;
  bool announce_masks = false;  // interval in 1620..1979; peers per swarm when random
  bool random_peers = false;
  std::set<Peer> swarm;
  bool second_socket = false;
  std::vector<std::string> notes;
};

::testing::AssertionResult BuildUdpExpectation(std::string_view dir, const std::vector<GoldenUdpCase>& cases,
                                               std::size_t index, bool port_mode, test::Family family,
                                               UdpExpectation& out);
::testing::AssertionResult CheckUdpReply(const UdpExpectation& e, std::string_view actual,
                                         test::Family family);

// Runs HTTP golden cases against host:port.
class HttpReplayer {
 public:
  HttpReplayer(std::string host, std::uint16_t port, int readiness_connects, bool port_mode);
  ~HttpReplayer();

  // Replays every case of `dir` in order.
  void ReplayAll(std::string_view dir);
  // Replays cases[index] of `dir`; returns false (after ADD_FAILURE) on mismatch.
  bool ReplayCase(std::string_view dir, const std::vector<GoldenHttpCase>& cases, std::size_t index);
  // Sends `request` and returns the reply for callers that poll (SIGHUP step).
  test::ReadResult Fetch(const std::string& request);
  // Checks every connection still held open (waits until each is old enough).
  void FinishOpenChecks();

 private:
  struct Pending {
    std::string label;
    std::unique_ptr<test::HttpConnection> conn;
    std::chrono::steady_clock::time_point since;
  };
  void CheckPending(bool all);

  std::string host_;
  std::uint16_t port_;
  int readiness_connects_;
  bool port_mode_;
  std::deque<Pending> pending_;
};

// Replays a UDP golden dir from two client sockets of `family`.
void ReplayUdp(std::string_view dir, test::Family family, std::uint16_t port, bool port_mode);

}  // namespace ot::integration
