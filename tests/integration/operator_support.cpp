#include "operator_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include "support/bencode_decode.hpp"
#include "support/net_http_message.hpp"
#include "support/net_udp_client.hpp"

namespace ot::integration {
namespace {

using Clock = std::chrono::steady_clock;
using test::Family;

constexpr Millis kPollGap(10);

bool FillAddress(const std::string& host, std::uint16_t port, sockaddr_storage& ss, socklen_t& len) {
  std::memset(&ss, 0, sizeof ss);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof *v4;
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof *v6;
    return true;
  }
  return false;
}

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

AnnounceOutcome HttpVerdict(const TrackerProcess& tracker, const std::string& hash, Family family,
                            std::uint16_t port) {
  AnnounceParams p;
  p.info_hash = hash;
  p.port = std::to_string(port);
  p.left = "0";
  test::Exchange ex = Request(tracker, AnnounceRequest(p), family);
  if (ex.read.outcome != test::ReadOutcome::kResponse)
    return {Verdict::kBroken,
            std::string("no reply: ") + test::ToString(ex.read.outcome) + " " + ex.read.error};
  const test::HttpResponse& r = ex.read.response;
  std::string detail = test::Printable(r.raw, 300);
  if (r.status != 200) return {Verdict::kBroken, detail};
  if (r.content == kNotAuthorizedBody) return {Verdict::kRefused, detail};
  AnnounceReply a = DecodeAnnounce(r.content);
  const std::vector<Peer>& own = family == Family::kV4 ? a.peers : a.peers6;
  bool listed = false;
  for (const Peer& peer : own) listed = listed || peer == MakePeer(family, port);
  if (a.error.empty() && a.failure.empty() && listed && a.complete >= 1 && a.interval >= 1620 &&
      a.interval <= 1979)
    return {Verdict::kServed, detail};
  return {Verdict::kBroken, detail};
}

AnnounceOutcome UdpVerdict(const TrackerProcess& tracker, const std::string& hash, Family family,
                           std::uint16_t port) {
  test::UdpClient client(family);
  if (!client.Open()) return {Verdict::kBroken, "cannot open a UDP client"};
  const std::uint32_t connect_txid = 0x0c0c0000u + port;
  if (!client.Send(test::UdpConnectPacket(connect_txid), tracker.Port()))
    return {Verdict::kBroken, "send failed"};
  std::optional<std::string> connected = client.Receive(Millis(2000));
  if (!connected || connected->size() != 16 || test::GetU32(*connected, 0) != 0 ||
      test::GetU32(*connected, 4) != connect_txid)
    return {Verdict::kBroken, "no connect reply: " + test::Printable(connected.value_or(""))};
  test::UdpAnnounce a;
  a.connection_id = test::GetU64(*connected, 8);
  a.transaction_id = 0x0a0a0000u + port;
  a.info_hash = hash;
  a.port = port;
  a.left = 0;
  if (!client.Send(test::UdpAnnouncePacket(a), tracker.Port())) return {Verdict::kBroken, "send failed"};
  std::optional<std::string> reply = client.Receive(Millis(2000));
  if (!reply) return {Verdict::kBroken, "no announce reply"};
  std::string detail = test::Printable(*reply, 300);
  std::string refused;
  test::PutU32(refused, IsPort() ? 3 : 1);
  test::PutU32(refused, a.transaction_id);
  if (IsPort()) refused += kNotAuthorized;  // PORT-DECISIONS §3; upstream sends the bare header
  if (*reply == refused) return {Verdict::kRefused, detail};
  UdpAnnounceReply d = DecodeUdpAnnounce(*reply, family);
  bool listed = false;
  for (const Peer& peer : d.peers) listed = listed || peer == MakePeer(family, port);
  if (d.ok && d.transaction_id == a.transaction_id && d.seeders >= 1 && listed)
    return {Verdict::kServed, detail};
  return {Verdict::kBroken, detail};
}

}  // namespace

test::Exchange RequestFrom(const TrackerProcess& tracker, const std::string& source,
                           const std::string& request, Millis timeout) {
  test::Exchange ex;
  ex.read.outcome = test::ReadOutcome::kClosed;
  sockaddr_storage local, remote;
  socklen_t local_len = 0, remote_len = 0;
  const bool v6 = source.find(':') != std::string::npos;
  if (!FillAddress(source, 0, local, local_len) ||
      !FillAddress(v6 ? "::1" : "127.0.0.1", tracker.Port(), remote, remote_len)) {
    ex.read.error = "bad address " + source;
    return ex;
  }
  test::Fd fd(::socket(local.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), local_len) != 0) {
    ex.read.error = "bind to " + source + ": " + std::strerror(errno);
    return ex;
  }
  int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Loopback connects complete or fail at once; a blocking connect is bounded.
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&remote), remote_len) != 0) {
    ex.read.error = std::string("connect: ") + std::strerror(errno);
    return ex;
  }
  ex.connected = true;
  if (!test::SendAll(fd.get(), request)) {
    ex.read.outcome = test::ReadOutcome::kReset;
    ex.read.error = "send failed";
    return ex;
  }
  std::string buffer;
  bool eof = false;
  auto deadline = Clock::now() + timeout;
  for (int guard = 0; guard < 100000; ++guard) {
    test::ParseResult parsed = test::ParseHttpResponse(buffer, eof);
    if (parsed.status == test::ParseStatus::kComplete) {
      ex.read.outcome = test::ReadOutcome::kResponse;
      ex.read.response = std::move(parsed.response);
      return ex;
    }
    if (parsed.status == test::ParseStatus::kInvalid) {
      ex.read.outcome = test::ReadOutcome::kInvalid;
      ex.read.error = parsed.error;
      ex.read.partial = buffer;
      return ex;
    }
    if (eof) break;
    if ((test::PollFd(fd.get(), POLLIN, Millis(MillisLeft(deadline))) & (POLLIN | POLLHUP | POLLERR)) == 0) {
      ex.read.outcome = test::ReadOutcome::kTimeout;
      ex.read.partial = buffer;
      return ex;
    }
    char chunk[16384];
    ssize_t n = ::recv(fd.get(), chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ex.read.outcome = test::ReadOutcome::kReset;
      ex.read.partial = buffer;
      return ex;
    }
    if (n == 0) eof = true;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  ex.read.outcome = test::ReadOutcome::kClosed;
  ex.read.partial = buffer;
  return ex;
}

const char* ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kServed:
      return "served";
    case Verdict::kRefused:
      return "refused";
    case Verdict::kBroken:
      return "broken";
  }
  return "?";
}

const char* ToString(Transport transport) { return transport == Transport::kHttp ? "HTTP" : "UDP"; }

AnnounceOutcome AnnounceVerdict(const TrackerProcess& tracker, const std::string& hash, Transport transport,
                                Family family, std::uint16_t port) {
  return transport == Transport::kHttp ? HttpVerdict(tracker, hash, family, port)
                                       : UdpVerdict(tracker, hash, family, port);
}

::testing::AssertionResult WaitForVerdict(const TrackerProcess& tracker, const std::string& hash,
                                          Verdict want, Transport transport, Family family, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  AnnounceOutcome last;
  for (int attempt = 0; attempt < 100000; ++attempt) {
    last = AnnounceVerdict(tracker, hash, transport, family);
    if (last.verdict == want) return ::testing::AssertionSuccess();
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(kPollGap);
  }
  return ::testing::AssertionFailure()
         << ToString(transport) << (family == Family::kV4 ? "/v4" : "/v6") << " announce of " << Hex(hash)
         << " not " << ToString(want) << " within " << timeout.count() << " ms; last reply "
         << ToString(last.verdict) << ": " << last.detail;
}

::testing::AssertionResult VerdictIs(const TrackerProcess& tracker, const std::string& hash, Verdict want,
                                     Transport transport, Family family) {
  AnnounceOutcome got = AnnounceVerdict(tracker, hash, transport, family);
  if (got.verdict == want) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << ToString(transport) << (family == Family::kV4 ? "/v4" : "/v6") << " announce of " << Hex(hash)
         << ": want " << ToString(want) << ", got " << ToString(got.verdict) << ": " << got.detail;
}

std::optional<std::string> WaitForStderr(const TrackerProcess& tracker, std::size_t from,
                                         const std::string& needle, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  for (int attempt = 0; attempt < 100000; ++attempt) {
    std::string text = tracker.Stderr();
    std::string fresh = text.size() > from ? text.substr(from) : std::string();
    if (fresh.find(needle) != std::string::npos) return fresh;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(kPollGap);
  }
  return std::nullopt;
}

std::optional<ScrapeCounts> HttpScrape(const TrackerProcess& tracker, const std::string& hash) {
  test::Exchange ex = Request(tracker, ScrapeRequest({hash}));
  if (ex.read.outcome != test::ReadOutcome::kResponse || ex.read.response.status != 200) return std::nullopt;
  std::optional<test::BValue> root = test::BDecodeAll(ex.read.response.content);
  if (!root || !root->IsDict()) return std::nullopt;
  const test::BValue* files = root->Find("files");
  if (!files || !files->IsDict()) return std::nullopt;
  const test::BValue* entry = files->Find(hash);
  if (!entry) return ScrapeCounts{};
  if (!entry->IsDict()) return std::nullopt;
  ScrapeCounts c;
  for (auto [key, field] : {std::pair{"complete", &c.complete}, std::pair{"downloaded", &c.downloaded},
                            std::pair{"incomplete", &c.incomplete}}) {
    const test::BValue* v = entry->Find(key);
    if (!v || !v->IsInt()) return std::nullopt;
    *field = v->integer;
  }
  return c;
}

::testing::AssertionResult WriteFifo(const std::string& path, const std::string& bytes, Millis timeout) {
  auto deadline = Clock::now() + timeout;
  int last_errno = 0;
  for (int attempt = 0; attempt < 100000; ++attempt) {
    // O_NONBLOCK: open fails with ENXIO instead of hanging while no reader
    // (the tracker's FIFO thread) has the FIFO open yet.
    test::Fd fd(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    if (fd.valid()) {
      ssize_t n = ::write(fd.get(), bytes.data(), bytes.size());
      if (n == static_cast<ssize_t>(bytes.size())) return ::testing::AssertionSuccess();
      return ::testing::AssertionFailure() << "write to " << path << ": " << n << " of " << bytes.size()
                                           << " bytes (" << std::strerror(errno) << ")";
    }
    last_errno = errno;
    if (last_errno != ENXIO && last_errno != ENOENT) break;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(kPollGap);
  }
  return ::testing::AssertionFailure()
         << "cannot open FIFO " << path << " for writing: " << std::strerror(last_errno);
}

std::string ProcLink(pid_t pid, const std::string& what) {
  std::string path = "/proc/" + std::to_string(pid) + "/" + what;
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

std::vector<std::string> ProcStatusFields(pid_t pid, const std::string& key) {
  std::istringstream in(test::ReadFileOrEmpty("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  for (int guard = 0; guard < 1000 && std::getline(in, line); ++guard) {
    if (line.rfind(key + ":", 0) != 0) continue;
    std::istringstream fields(line.substr(key.size() + 1));
    std::vector<std::string> out;
    for (std::string f; fields >> f;) out.push_back(f);
    return out;
  }
  return {};
}

std::string AddressBytes(const std::string& text) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, text.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 16);
  return {};
}

std::vector<std::string> NonEmptyLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  for (int guard = 0; guard < 100000 && std::getline(in, line); ++guard) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace ot::integration
