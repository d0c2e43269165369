#include "golden_replay.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <type_traits>

#include "golden_expectations.hpp"
#include "support/net_udp_client.hpp"
#include "support/process_subprocess.hpp"

namespace ot::integration {
namespace {

using Clock = std::chrono::steady_clock;
using test::Millis;
using test::Printable;

constexpr Millis kReplyTimeout(5000);
constexpr Millis kCloseTimeout(3000);
constexpr Millis kSilence(1000);      // "no reply" is checked for this long
constexpr Millis kOpenCheckAge(200);  // keep-alive connections are re-checked this much later
constexpr Millis kSegmentGap(150);    // between segments of a split request
constexpr Millis kUdpReplyTimeout(2000);
constexpr Millis kUdpSilence(300);

const char* RuleName(Rule r) {
  switch (r) {
    case Rule::kRandomPeers:
      return "random-peers";
    case Rule::kNoReplyStaysOpen:
      return "no-reply-stays-open";
    case Rule::kNoReplyClosed:
      return "no-reply-closed";
    case Rule::kUdpSecondSocket:
      return "udp-second-socket";
    case Rule::kAsyncHeader:
      return "async-header";
    case Rule::kHeadFraming:
      return "head-framing";
    case Rule::kDebFraming:
      return "deb-framing";
    case Rule::kNoGzip:
      return "no-gzip";
    case Rule::kBody:
      return "body";
    case Rule::kSubstitute:
      return "substitute";
    case Rule::kAnswerLike:
      return "answer-like";
    case Rule::kStatusLike:
      return "status-like";
    case Rule::kDictPeers:
      return "dict-peers";
    case Rule::kAppendEmptyPeers:
      return "append-empty-peers";
    case Rule::kAnyVersionText:
      return "any-version-text";
    case Rule::kBusyAnswered:
      return "busy-answered";
    case Rule::kPipelinedSecond:
      return "pipelined-second";
    case Rule::kUdpReply:
      return "udp-reply";
    case Rule::kUdpTruncate:
      return "udp-truncate";
  }
  return "?";
}

const CaseRule* Has(const std::vector<const CaseRule*>& rules, Rule r) {
  for (const CaseRule* c : rules) {
    if (c->rule == r) return c;
  }
  return nullptr;
}

template <typename Case>
const Case* FindCase(const std::vector<Case>& cases, std::string_view stem) {
  for (const Case& c : cases) {
    if (c.stem == stem) return &c;
  }
  return nullptr;
}

std::size_t ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  std::size_t n = 0;
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
    ++n;
  }
  return n;
}

bool ContainsIgnoreCase(std::string_view hay, std::string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

// The stats mode of a /stats request target ("peer" when none), or "" when
// the target is not the stats path.
std::string StatsMode(const std::string& target) {
  std::string_view t(target);
  while (!t.empty() && t.front() == '/') t.remove_prefix(1);
  std::size_t q = t.find('?');
  if (t.substr(0, q) != "stats") return "";
  std::string mode = "peer";
  if (q == std::string_view::npos) return mode;
  std::string_view query = t.substr(q + 1);
  for (std::size_t pos = 0; pos <= query.size();) {
    std::size_t amp = query.find('&', pos);
    std::string_view kv =
        query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (kv.substr(0, 5) == "mode=") mode = std::string(kv.substr(5));
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return mode;
}

// The request split as the probe sent it (ot_http_probe.py, group framing).
std::vector<std::string> SegmentsFor(const GoldenHttpCase& c) {
  const std::string& r = c.request;
  auto ends_with = [&](std::string_view suffix) {
    return c.stem.size() >= suffix.size() &&
           c.stem.compare(c.stem.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  std::vector<std::size_t> cuts;
  if (ends_with("-split-request")) {
    std::size_t host = r.find("Host");
    if (host != std::string::npos) cuts = {host + 2};  // "...\r\nHo" | "st: ..."
  } else if (ends_with("-split-request-many")) {
    cuts = {8, 18, 34};  // "GET /sta" | "ts?mode=ve" | "rsion HTTP/1.1\r\n" | "\r\n"
  } else if (ends_with("-oversize-split")) {
    std::size_t pad2 = r.find("X-Pad2:");
    if (pad2 != std::string::npos) cuts = {pad2};
  }
  std::vector<std::string> segments;
  std::size_t prev = 0;
  for (std::size_t cut : cuts) {
    if (cut <= prev || cut >= r.size()) continue;
    segments.push_back(r.substr(prev, cut - prev));
    prev = cut;
  }
  segments.push_back(r.substr(prev));
  return segments;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::strtol(std::string(hex.substr(i, 2)).c_str(), nullptr, 16)));
  return out;
}

// BEP 3 dictionary peers for the compact list of `content` (an announce body).
::testing::AssertionResult DictPeersContent(std::string_view content, std::string& out) {
  AnnounceReply ref = DecodeAnnounce(content);
  if (!ref.error.empty() || !ref.has_peers)
    return ::testing::AssertionFailure() << "reference reply: " << ref.error;
  std::size_t key = content.find("5:peers");
  std::size_t colon = content.find(':', key + 7);
  std::size_t len =
      static_cast<std::size_t>(std::atol(std::string(content.substr(key + 7, colon - key - 7)).c_str()));
  std::string list = "l";
  for (const Peer& p : ref.peers) {
    std::string ip = p.ToString();
    ip = ip.substr(0, ip.rfind(':'));
    list += "d2:ip" + std::to_string(ip.size()) + ":" + ip + "4:porti" + std::to_string(p.port) + "ee";
  }
  list += "e";
  out = std::string(content.substr(0, key + 7)) + list + std::string(content.substr(colon + 1 + len));
  return ::testing::AssertionSuccess();
}

}  // namespace

std::string GoldenPath(std::string_view rel) {
  return std::string(OT_TEST_DATA_DIR) + "/golden/" + std::string(rel);
}

namespace {

template <typename Case>
std::vector<Case> LoadCases(std::string_view rel) {
  std::vector<Case> cases;
  std::error_code ec;
  std::filesystem::directory_iterator it(GoldenPath(rel), ec);
  if (ec) return cases;
  for (const auto& entry : it) {
    std::string name = entry.path().filename().string();
    if (name.size() < 5 || name.compare(name.size() - 4, 4, ".req") != 0) continue;
    Case c;
    c.stem = name.substr(0, name.size() - 4);
    c.number = std::atoi(c.stem.c_str());
    c.request = test::ReadFileOrEmpty(entry.path().string());
    std::string resp_path = GoldenPath(rel) + "/" + c.stem + ".resp";
    if constexpr (std::is_same_v<Case, GoldenUdpCase>) {
      if (std::filesystem::exists(resp_path)) c.response = test::ReadFileOrEmpty(resp_path);
    } else {
      c.response = test::ReadFileOrEmpty(resp_path);
    }
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.number < b.number; });
  return cases;
}

}  // namespace

std::vector<GoldenHttpCase> LoadHttpCases(std::string_view rel) { return LoadCases<GoldenHttpCase>(rel); }
std::vector<GoldenUdpCase> LoadUdpCases(std::string_view rel) { return LoadCases<GoldenUdpCase>(rel); }

::testing::AssertionResult BuildHttpExpectation(std::string_view dir,
                                                const std::vector<GoldenHttpCase>& cases, std::size_t index,
                                                bool port_mode, HttpExpectation& e) {
  const GoldenHttpCase& gc = cases[index];
  auto rules = RulesFor(dir, gc.stem, port_mode);
  auto has = [&](Rule r) { return Has(rules, r); };
  e = HttpExpectation{};
  e.segments = SegmentsFor(gc);
  for (const CaseRule* r : rules)
    e.notes.push_back(std::string(RuleName(r->rule)) + ": " + std::string(r->why));
  auto table_error = [&](const std::string& what) {
    return ::testing::AssertionFailure()
           << "expectation table vs golden " << dir << "/" << gc.stem << ": " << what;
  };

  if (has(Rule::kNoReplyClosed)) {
    e.kind = HttpExpectation::Kind::kNoReplyClosed;
    return ::testing::AssertionSuccess();
  }
  std::string golden = gc.response;
  if (const CaseRule* r = has(Rule::kStatusLike) ? has(Rule::kStatusLike) : has(Rule::kAnswerLike)) {
    const GoldenHttpCase* other = FindCase(cases, r->arg);
    if (!other) return table_error("no golden case " + std::string(r->arg));
    golden = other->response;
  }
  if (golden.empty()) {
    if (!has(Rule::kNoReplyStaysOpen))
      return table_error("the golden has no reply but no rule says what to expect");
    e.kind = HttpExpectation::Kind::kNoReplyStaysOpen;
    e.server_closes = false;
    return ::testing::AssertionSuccess();
  }
  test::ParseResult parsed = test::ParseHttpResponse(golden, true);
  if (parsed.status != test::ParseStatus::kComplete)
    return table_error("golden reply does not parse: " + parsed.error);
  const test::HttpResponse& g = parsed.response;
  e.status_line = g.status_line;
  for (const auto& [k, v] : g.headers) e.headers.push_back(k + ": " + (k == "Content-Length" ? "*" : v));
  e.gzip = g.gzip;
  if (g.gzip) e.gzip_header = g.payload.substr(0, 10);
  std::string content = g.content;

  // Framing and headers.
  if (has(Rule::kHeadFraming)) {
    e.status_line = "HTTP/1.1 200 OK";
    e.headers = {"Content-Type: application/octet-stream"};
    if (e.gzip) e.headers.push_back("Content-Encoding: gzip");
    e.headers.push_back("Transfer-Encoding: chunked");
  }
  if (has(Rule::kDebFraming)) {
    e.status_line = "HTTP/1.0 200 OK";
    e.headers = {"Content-Type: text/plain"};
    if (e.gzip) e.headers.push_back("Content-Encoding: gzip");
    e.headers.push_back("Content-Length: *");
  }
  if (has(Rule::kNoGzip)) {
    if (!e.gzip) return table_error("no-gzip on a reply that is not gzipped");
    e.gzip = false;
    e.gzip_header.clear();
    std::erase(e.headers, std::string("Content-Encoding: gzip"));
  }
  if (has(Rule::kAsyncHeader)) {
    if (e.status_line != "HTTP/1.0 200 OK") return table_error("async-header on \"" + e.status_line + "\"");
    e.status_line = "HTTP/1.1 200 OK";
  }
  if (has(Rule::kBusyAnswered)) {
    e.status_line = "HTTP/1.1 200 OK";
    e.headers = {"Content-Type: text/plain", "Content-Length: *"};
    e.body_nonempty_only = true;
  }

  // Content.
  if (const CaseRule* r = has(Rule::kDictPeers)) {
    const GoldenHttpCase* ref = FindCase(cases, r->arg);
    if (!ref) return table_error("no golden case " + std::string(r->arg));
    test::ParseResult rp = test::ParseHttpResponse(ref->response, true);
    if (rp.status != test::ParseStatus::kComplete) return table_error("reference reply does not parse");
    auto ok = DictPeersContent(rp.response.content, content);
    if (!ok) return table_error(ok.message());
    e.status_line = rp.response.status_line;
    e.headers.clear();
    for (const auto& [k, v] : rp.response.headers)
      e.headers.push_back(k + ": " + (k == "Content-Length" ? "*" : v));
  }
  if (has(Rule::kAppendEmptyPeers)) {
    if (content.empty() || content.back() != 'e' || content.find("5:peers") != std::string::npos)
      return table_error("append-empty-peers needs a reply without a peers key");
    content.insert(content.size() - 1, "5:peers0:");
  }
  for (const CaseRule* r : rules) {
    if (r->rule != Rule::kSubstitute) continue;
    std::size_t n = ReplaceAll(content, r->arg, r->arg2);
    if (n == 0 && r->stem != "*")
      return table_error("substitution source \"" + Printable(r->arg) + "\" not found");
  }

  // Template.
  std::string target = test::RequestTarget(gc.request);
  std::string mode = StatsMode(target);
  bool any_version = has(Rule::kAnyVersionText) != nullptr;
  if (const CaseRule* r = has(Rule::kBody)) {
    e.body = std::string(r->arg);
    e.fold_renew = mode == "renew" || mode == "everything";
  } else if (!mode.empty()) {
    std::string t = EscapeTemplate(content);
    if (mode == "conn" || mode == "tcp4") {
      e.body = MaskMrtg(t, true);
    } else if (mode == "udp4" || mode == "scrp" || mode == "fscr" || mode == "completed" || mode == "syncs") {
      e.body = MaskMrtg(t, false);
    } else if (mode == "everything") {
      e.body = MaskEverything(t, any_version);
      e.fold_renew = true;
    } else if (mode == "renew") {
      e.body = t;
      e.fold_renew = true;
    } else if (mode == "statedump") {
      e.body = MaskStatedump(t);
    } else if (mode == "version" && any_version) {
      e.body = "{~}";
    } else {
      e.body = t;
    }
  } else if (content.rfind("d8:complete", 0) == 0) {
    if (const CaseRule* random = has(Rule::kRandomPeers)) {
      const GoldenHttpCase* ref = FindCase(cases, random->arg);
      if (!ref) return table_error("no golden case " + std::string(random->arg));
      test::ParseResult rp = test::ParseHttpResponse(ref->response, true);
      AnnounceReply swarm = DecodeAnnounce(rp.response.content);
      if (!swarm.error.empty()) return table_error("swarm case: " + swarm.error);
      e.swarm4.insert(swarm.peers.begin(), swarm.peers.end());
      e.swarm6.insert(swarm.peers6.begin(), swarm.peers6.end());
      e.body = RandomPeersTemplate(content);
    } else {
      e.body = EscapeTemplate(content);
    }
    e.body = MaskAnnounceIntervals(e.body);
  } else if (any_version) {
    // A version reply reached through another path (split, pipelined, ...).
    e.body = "{~}";
  } else {
    e.body = EscapeTemplate(content);
  }

  if (const CaseRule* r = has(Rule::kPipelinedSecond)) {
    auto next = std::make_shared<HttpExpectation>();
    next->status_line = "HTTP/1.1 200 OK";
    next->headers = {"Content-Type: text/plain", "Content-Length: *"};
    next->body = std::string(r->arg);
    next->server_closes = false;
    e.pipelined_next = next;
  }

  // Connection handling (PORT-DECISIONS §1); upstream always closes.
  if (port_mode) {
    bool http11 = test::RequestVersion(gc.request) == "HTTP/1.1";
    std::size_t head_end = gc.request.find("\r\n\r\n");
    bool asks_close = ContainsIgnoreCase(gc.request.substr(0, head_end), "\nConnection: close");
    bool keep = http11 && !asks_close && e.status_line.rfind("HTTP/1.1 200", 0) == 0;
    e.server_closes = !keep;
    if (!keep) e.headers.push_back("Connection: close");
  } else {
    e.server_closes = true;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult CheckHttpResponse(const HttpExpectation& e, const test::HttpResponse& a,
                                             int readiness_connects) {
  if (a.status_line != e.status_line)
    return ::testing::AssertionFailure()
           << "status line \"" << a.status_line << "\", expected \"" << e.status_line << "\"";
  std::vector<std::string> got = a.HeaderLines();
  bool headers_ok = got.size() == e.headers.size();
  for (std::size_t i = 0; headers_ok && i < got.size(); ++i) {
    headers_ok = e.headers[i] == "Content-Length: *" ? got[i].rfind("Content-Length: ", 0) == 0
                                                     : got[i] == e.headers[i];
  }
  if (!headers_ok) {
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& h : v) s += "\n    " + h;
      return s;
    };
    return ::testing::AssertionFailure()
           << "headers differ; got:" << join(got) << "\n  expected:" << join(e.headers);
  }
  if (e.gzip && !e.gzip_header.empty() && a.payload.substr(0, 10) != e.gzip_header)
    return ::testing::AssertionFailure() << "gzip header " << Printable(a.payload.substr(0, 10))
                                         << ", expected " << Printable(e.gzip_header);
  std::string content = e.fold_renew ? FoldRenewMinuteBoundary(a.content) : a.content;
  if (e.body_nonempty_only) {
    if (content.empty()) return ::testing::AssertionFailure() << "empty body";
    return ::testing::AssertionSuccess();
  }
  MatchContext ctx;
  ctx.readiness_connects = readiness_connects;
  ctx.swarm4 = e.swarm4;
  ctx.swarm6 = e.swarm6;
  auto m = MatchTemplate(e.body, content, ctx);
  if (!m) return ::testing::AssertionFailure() << "body: " << m.message();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult BuildUdpExpectation(std::string_view dir, const std::vector<GoldenUdpCase>& cases,
                                               std::size_t index, bool port_mode, test::Family family,
                                               UdpExpectation& e) {
  const GoldenUdpCase& gc = cases[index];
  auto rules = RulesFor(dir, gc.stem, port_mode);
  e = UdpExpectation{};
  for (const CaseRule* r : rules)
    e.notes.push_back(std::string(RuleName(r->rule)) + ": " + std::string(r->why));
  e.second_socket = Has(rules, Rule::kUdpSecondSocket) != nullptr;
  if (const CaseRule* r = Has(rules, Rule::kUdpReply)) {
    e.reply = true;
    e.bytes = Unhex(r->arg);
    return ::testing::AssertionSuccess();
  }
  if (!gc.response) return ::testing::AssertionSuccess();
  e.reply = true;
  e.bytes = *gc.response;
  if (const CaseRule* r = Has(rules, Rule::kUdpTruncate)) {
    std::size_t n = static_cast<std::size_t>(std::atol(std::string(r->arg).c_str()));
    if (n > e.bytes.size()) return ::testing::AssertionFailure() << "truncate beyond the golden datagram";
    e.bytes.resize(n);
  }
  std::uint32_t action = e.bytes.size() >= 4 ? test::GetU32(e.bytes, 0) : 0xffffffffu;
  e.is_connect = action == 0 && e.bytes.size() == 16;
  e.announce_masks = action == 1 && e.bytes.size() >= 20;
  if (const CaseRule* r = Has(rules, Rule::kRandomPeers)) {
    const GoldenUdpCase* ref = FindCase(cases, r->arg);
    if (!ref || !ref->response) return ::testing::AssertionFailure() << "no golden swarm case " << r->arg;
    UdpAnnounceReply swarm = DecodeUdpAnnounce(*ref->response, family);
    if (!swarm.ok)
      return ::testing::AssertionFailure() << "swarm case " << r->arg << " is not an announce reply";
    e.random_peers = true;
    e.swarm.insert(swarm.peers.begin(), swarm.peers.end());
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult CheckUdpReply(const UdpExpectation& e, std::string_view a, test::Family family) {
  auto differ = [&](const std::string& what) {
    return ::testing::AssertionFailure()
           << what << "\n  got:      " << Printable(a) << "\n  expected: " << Printable(e.bytes);
  };
  if (e.is_connect) {
    if (a.size() != 16 || a.substr(0, 8) != std::string_view(e.bytes).substr(0, 8))
      return differ("connect reply differs (action/transaction id/length)");
    return ::testing::AssertionSuccess();
  }
  if (!e.announce_masks) {
    if (a != e.bytes) return differ("datagram differs");
    return ::testing::AssertionSuccess();
  }
  if (a.size() != e.bytes.size()) return differ("announce reply length differs");
  std::string_view want(e.bytes);
  if (a.substr(0, 8) != want.substr(0, 8)) return differ("action/transaction id differ");
  std::uint32_t interval = test::GetU32(a, 8);
  if (interval < 1620 || interval > 1979)
    return differ("interval " + std::to_string(interval) + " not in 1620..1979");
  if (a.substr(12, 8) != want.substr(12, 8)) return differ("leechers/seeders differ");
  if (!e.random_peers) {
    if (a.substr(20) != want.substr(20)) return differ("peers differ");
    return ::testing::AssertionSuccess();
  }
  auto peers = ParseCompactPeers(a.substr(20), family);
  if (!peers) return differ("peer list length");
  std::set<Peer> seen;
  for (const Peer& p : *peers) {
    if (!seen.insert(p).second) return differ("peer " + p.ToString() + " returned twice");
    if (!e.swarm.count(p)) return differ("peer " + p.ToString() + " is not in the swarm");
  }
  return ::testing::AssertionSuccess();
}

HttpReplayer::HttpReplayer(std::string host, std::uint16_t port, int readiness_connects, bool port_mode)
    : host_(std::move(host)), port_(port), readiness_connects_(readiness_connects), port_mode_(port_mode) {}

HttpReplayer::~HttpReplayer() { FinishOpenChecks(); }

void HttpReplayer::ReplayAll(std::string_view dir) {
  auto cases = LoadHttpCases(dir);
  if (cases.empty()) {
    ADD_FAILURE() << "no golden cases in " << GoldenPath(dir);
    return;
  }
  for (std::size_t i = 0; i < cases.size(); ++i) ReplayCase(dir, cases, i);
}

bool HttpReplayer::ReplayCase(std::string_view dir, const std::vector<GoldenHttpCase>& cases,
                              std::size_t index) {
  const GoldenHttpCase& gc = cases[index];
  std::string label = std::string(dir) + "/" + gc.stem;
  HttpExpectation e;
  if (auto ok = BuildHttpExpectation(dir, cases, index, port_mode_, e); !ok) {
    ADD_FAILURE() << ok.message();
    return false;
  }
  auto context = [&] {
    std::string s = "\n  case " + label + "\n  request: " + Printable(gc.request, 300);
    for (const auto& n : e.notes) s += "\n  rule " + n;
    return s;
  };
  auto conn = std::make_unique<test::HttpConnection>(host_, port_, Millis(3000));
  if (!conn->Connected()) {
    ADD_FAILURE() << "connect failed" << context();
    return false;
  }
  if (!conn->SendSegments(e.segments, kSegmentGap)) {
    ADD_FAILURE() << "send failed" << context();
    return false;
  }
  bool ok = true;
  switch (e.kind) {
    case HttpExpectation::Kind::kNoReplyStaysOpen: {
      test::CloseOutcome o = conn->ExpectSilence(kSilence);
      if (o != test::CloseOutcome::kStillOpen) {
        ADD_FAILURE() << "expected no reply and an open connection for " << kSilence.count() << " ms, got "
                      << test::ToString(o) << " " << Printable(conn->extra()) << context();
        ok = false;
      }
      return ok;
    }
    case HttpExpectation::Kind::kNoReplyClosed: {
      test::CloseOutcome o = conn->WaitForClose(kCloseTimeout);
      if (o != test::CloseOutcome::kClosed && o != test::CloseOutcome::kReset) {
        ADD_FAILURE() << "expected the connection to close without a reply, got " << test::ToString(o) << " "
                      << Printable(conn->extra()) << context();
        ok = false;
      }
      return ok;
    }
    case HttpExpectation::Kind::kResponse:
      break;
  }
  const HttpExpectation* step = &e;
  for (int n = 0; step != nullptr && n < 4; ++n) {
    test::ReadResult r = conn->ReadResponse(kReplyTimeout);
    if (r.outcome != test::ReadOutcome::kResponse) {
      ADD_FAILURE() << (n ? "pipelined reply " : "reply ") << test::ToString(r.outcome) << " " << r.error
                    << "; bytes: " << Printable(r.partial) << context();
      return false;
    }
    if (auto m = CheckHttpResponse(*step, r.response, readiness_connects_); !m) {
      ADD_FAILURE() << (n ? "pipelined reply: " : "") << m.message()
                    << "\n  raw reply: " << Printable(r.response.raw, 800) << context();
      ok = false;
    }
    if (!step->pipelined_next) break;
    step = step->pipelined_next.get();
  }
  if (step->server_closes) {
    test::CloseOutcome o = conn->WaitForClose(kCloseTimeout);
    if (o != test::CloseOutcome::kClosed && o != test::CloseOutcome::kReset) {
      ADD_FAILURE() << "the server should close after this reply, got " << test::ToString(o) << " "
                    << Printable(conn->extra()) << context();
      ok = false;
    }
  } else {
    test::CloseOutcome o = conn->CheckNow();
    if (o != test::CloseOutcome::kStillOpen) {
      ADD_FAILURE() << "the connection should stay open after this reply, got " << test::ToString(o) << " "
                    << Printable(conn->extra()) << context();
      ok = false;
    } else {
      pending_.push_back(Pending{label, std::move(conn), Clock::now()});
    }
  }
  CheckPending(false);
  return ok;
}

void HttpReplayer::CheckPending(bool all) {
  for (int guard = 0; guard < 100000 && !pending_.empty(); ++guard) {
    Pending& p = pending_.front();
    auto age = Clock::now() - p.since;
    if (age < kOpenCheckAge) {
      if (!all && pending_.size() < 64) return;
      std::this_thread::sleep_for(kOpenCheckAge - age);
    }
    test::CloseOutcome o = p.conn->CheckNow();
    if (o != test::CloseOutcome::kStillOpen) {
      ADD_FAILURE() << "case " << p.label
                    << ": the connection should stay open after a keep-alive reply, but " << test::ToString(o)
                    << " within " << kOpenCheckAge.count() << " ms " << Printable(p.conn->extra());
    }
    pending_.pop_front();
  }
}

void HttpReplayer::FinishOpenChecks() { CheckPending(true); }

test::ReadResult HttpReplayer::Fetch(const std::string& request) {
  test::HttpConnection conn(host_, port_, test::Millis(3000));
  test::ReadResult r;
  if (!conn.Connected() || !conn.Send(request)) {
    r.outcome = test::ReadOutcome::kClosed;
    r.error = "connect/send failed";
    return r;
  }
  return conn.ReadResponse(kReplyTimeout);
}

void ReplayUdp(std::string_view dir, test::Family family, std::uint16_t port, bool port_mode) {
  auto cases = LoadUdpCases(dir);
  if (cases.empty()) {
    ADD_FAILURE() << "no golden cases in " << GoldenPath(dir);
    return;
  }
  const GoldenUdpCase* first = FindCase(cases, "01-connect");
  if (!first || !first->response || first->response->size() != 16) {
    ADD_FAILURE() << "golden " << dir << " does not start with a connect";
    return;
  }
  const std::string golden_id = first->response->substr(8, 8);
  test::UdpClient main_socket(family), second_socket(family);
  ASSERT_TRUE(main_socket.Open() && second_socket.Open()) << "cannot bind UDP client sockets";
  std::optional<std::string> id_main, id_second;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const GoldenUdpCase& gc = cases[i];
    UdpExpectation e;
    if (auto ok = BuildUdpExpectation(dir, cases, i, port_mode, family, e); !ok) {
      ADD_FAILURE() << dir << "/" << gc.stem << ": " << ok.message();
      continue;
    }
    test::UdpClient& sock = e.second_socket ? second_socket : main_socket;
    std::optional<std::string>& id = e.second_socket ? id_second : id_main;
    std::string packet = gc.request;
    if (packet.size() >= 8 && packet.compare(0, 8, golden_id) == 0) {
      const std::optional<std::string>& use = id ? id : id_main;
      if (use) packet.replace(0, 8, *use);
    }
    std::string context = "\n  case " + std::string(dir) + "/" + gc.stem + " (" +
                          (e.second_socket ? "second" : "main") +
                          " socket)\n  sent: " + Printable(packet, 300);
    for (const auto& n : e.notes) context += "\n  rule " + n;
    if (!sock.Send(packet, port)) {
      ADD_FAILURE() << "sendto failed" << context;
      continue;
    }
    if (!e.reply) {
      if (auto extra = sock.Receive(kUdpSilence))
        ADD_FAILURE() << "expected no reply, got " << Printable(*extra) << context;
      continue;
    }
    auto reply = sock.Receive(kUdpReplyTimeout);
    if (!reply) {
      ADD_FAILURE() << "no reply within " << kUdpReplyTimeout.count() << " ms" << context;
      continue;
    }
    if (auto m = CheckUdpReply(e, *reply, family); !m) {
      ADD_FAILURE() << m.message() << context;
      continue;
    }
    if (e.is_connect) id = reply->substr(8, 8);
  }
}

}  // namespace ot::integration
