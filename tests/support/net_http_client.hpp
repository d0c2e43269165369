// File: tests/support/net_http_client.hpp
// A raw HTTP/1.x client for tests: sends exact bytes (optionally in segments
// with a gap), reads exactly one response at a time by its framing, keeps any
// extra bytes for the next read (pipelining), and reports separately whether
// the server closed the connection. Every wait has a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "support/net_http_message.hpp"
#include "support/net_socket.hpp"

namespace ot::test {

enum class ReadOutcome {
  kResponse,  // one complete response parsed
  kTimeout,   // deadline passed (partial bytes, if any, in `partial`)
  kClosed,    // server closed before a complete response (partial bytes in `partial`)
  kReset,     // connection reset
  kInvalid,   // bytes that are not an HTTP response (`error` says why)
};

struct ReadResult {
  ReadOutcome outcome = ReadOutcome::kTimeout;
  HttpResponse response;
  std::string partial;  // bytes received that did not form a response
  std::string error;
};

enum class CloseOutcome { kClosed, kReset, kStillOpen, kExtraBytes };

class HttpConnection {
 public:
  // Connects to host:port within `timeout`; check Connected().
  HttpConnection(const std::string& host, std::uint16_t port, Millis timeout = Millis(3000), int rcvbuf = 0);

  bool Connected() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }

  bool Send(std::string_view bytes);
  // Sends each segment, waiting `gap` between them (TCP_NODELAY is set, so
  // each is its own segment on loopback).
  bool SendSegments(const std::vector<std::string>& segments, Millis gap);

  // Reads until one complete response is buffered or the deadline passes.
  ReadResult ReadResponse(Millis timeout);

  // After a response: waits up to `timeout` for EOF. kExtraBytes when the
  // server sent more bytes instead (they are kept in `extra()`).
  CloseOutcome WaitForClose(Millis timeout);
  // Non-blocking variant: has the server closed (or sent anything) by now?
  CloseOutcome CheckNow() { return WaitForClose(Millis(0)); }

  // Waits `timeout` and reports whether any byte arrived (kExtraBytes), the
  // connection closed, or nothing happened (kStillOpen).
  CloseOutcome ExpectSilence(Millis timeout) { return WaitForClose(timeout); }

  const std::string& extra() const { return buffer_; }
  void Close() { fd_.Reset(); }
  void CloseWithReset();

 private:
  // One recv into buffer_; returns bytes read, 0 on EOF, -1 on reset/error.
  long ReadSome();

  Fd fd_;
  std::string buffer_;
  bool eof_ = false;
  bool reset_ = false;
};

// One request on a fresh connection: the response (if any) and whether the
// server closed the connection within `close_wait` after it.
struct Exchange {
  ReadResult read;
  CloseOutcome after = CloseOutcome::kStillOpen;
  bool connected = false;
};
Exchange RoundTrip(const std::string& host, std::uint16_t port, std::string_view request,
                   Millis timeout = Millis(3000), Millis close_wait = Millis(0));

const char* ToString(ReadOutcome outcome);
const char* ToString(CloseOutcome outcome);

}  // namespace ot::test
