#include "support/net_http_client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <thread>

namespace ot::test {
namespace {

using Clock = std::chrono::steady_clock;

Millis Remaining(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
  return left.count() < 0 ? Millis(0) : left;
}

}  // namespace

HttpConnection::HttpConnection(const std::string& host, std::uint16_t port, Millis timeout, int rcvbuf)
    : fd_(ConnectTcp(host, port, timeout, rcvbuf)) {}

bool HttpConnection::Send(std::string_view bytes) { return fd_.valid() && SendAll(fd_.get(), bytes); }

bool HttpConnection::SendSegments(const std::vector<std::string>& segments, Millis gap) {
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) std::this_thread::sleep_for(gap);
    if (!Send(segments[i])) return false;
  }
  return true;
}

long HttpConnection::ReadSome() {
  char buf[65536];
  for (int tries = 0; tries < 100; ++tries) {
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
    if (n > 0) {
      buffer_.append(buf, static_cast<std::size_t>(n));
      return n;
    }
    if (n == 0) {
      eof_ = true;
      return 0;
    }
    if (errno == EINTR) continue;
    reset_ = true;
    eof_ = true;
    return -1;
  }
  return -1;
}

ReadResult HttpConnection::ReadResponse(Millis timeout) {
  ReadResult result;
  auto deadline = Clock::now() + timeout;
  for (int rounds = 0; rounds < 1'000'000; ++rounds) {
    ParseResult parsed = ParseHttpResponse(buffer_, eof_);
    if (parsed.status == ParseStatus::kComplete) {
      result.outcome = ReadOutcome::kResponse;
      result.response = std::move(parsed.response);
      buffer_.erase(0, parsed.consumed);
      return result;
    }
    if (parsed.status == ParseStatus::kInvalid) {
      result.outcome = ReadOutcome::kInvalid;
      result.error = parsed.error;
      result.partial = buffer_;
      return result;
    }
    if (eof_ || !fd_.valid()) {
      result.outcome = reset_ ? ReadOutcome::kReset : ReadOutcome::kClosed;
      result.partial = buffer_;
      return result;
    }
    Millis left = Remaining(deadline);
    short ev = PollFd(fd_.get(), POLLIN, left);
    if (ev == 0) {
      result.outcome = ReadOutcome::kTimeout;
      result.partial = buffer_;
      return result;
    }
    ReadSome();
  }
  result.outcome = ReadOutcome::kTimeout;
  result.partial = buffer_;
  return result;
}

CloseOutcome HttpConnection::WaitForClose(Millis timeout) {
  if (!buffer_.empty()) return CloseOutcome::kExtraBytes;
  if (eof_) return reset_ ? CloseOutcome::kReset : CloseOutcome::kClosed;
  if (!fd_.valid()) return CloseOutcome::kClosed;
  short ev = PollFd(fd_.get(), POLLIN, timeout);
  if (ev == 0) return CloseOutcome::kStillOpen;
  long n = ReadSome();
  if (n > 0) return CloseOutcome::kExtraBytes;
  if (n == 0) return CloseOutcome::kClosed;
  return CloseOutcome::kReset;
}

void HttpConnection::CloseWithReset() {
  if (!fd_.valid()) return;
  SetLingerZero(fd_.get());
  fd_.Reset();
}

Exchange RoundTrip(const std::string& host, std::uint16_t port, std::string_view request, Millis timeout,
                   Millis close_wait) {
  Exchange ex;
  HttpConnection conn(host, port, timeout);
  ex.connected = conn.Connected();
  if (!ex.connected) {
    ex.read.outcome = ReadOutcome::kClosed;
    ex.read.error = "connect failed";
    return ex;
  }
  if (!conn.Send(request)) {
    ex.read.outcome = ReadOutcome::kReset;
    ex.read.error = "send failed";
    return ex;
  }
  ex.read = conn.ReadResponse(timeout);
  ex.after = conn.WaitForClose(close_wait);
  return ex;
}

const char* ToString(ReadOutcome outcome) {
  switch (outcome) {
    case ReadOutcome::kResponse:
      return "response";
    case ReadOutcome::kTimeout:
      return "timeout";
    case ReadOutcome::kClosed:
      return "closed before a complete response";
    case ReadOutcome::kReset:
      return "connection reset";
    case ReadOutcome::kInvalid:
      return "invalid response";
  }
  return "?";
}

const char* ToString(CloseOutcome outcome) {
  switch (outcome) {
    case CloseOutcome::kClosed:
      return "closed";
    case CloseOutcome::kReset:
      return "reset";
    case CloseOutcome::kStillOpen:
      return "still open";
    case CloseOutcome::kExtraBytes:
      return "extra bytes";
  }
  return "?";
}

}  // namespace ot::test
