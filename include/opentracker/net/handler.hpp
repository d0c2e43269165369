// File: net/handler.hpp
// What the reactor calls: the services implement these interfaces, the
// reactor only frames bytes and moves them. Nothing here knows about
// trackers; it is the boundary between net/ and service/.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "opentracker/core/clock.hpp"
#include "opentracker/core/types.hpp"

namespace ot::net {

// Who is on the other end, and which of our addresses they reached.
struct ClientInfo {
  IpAddress ip;            // v4-mapped for IPv4 clients
  std::uint16_t port = 0;  // host order
  IpAddress local_ip;      // the address the client contacted
  std::uint16_t local_port = 0;
};

// Identifies one HTTP connection across threads. The generation makes a
// token of a closed connection useless even when its fd number is reused.
struct ConnectionToken {
  int fd = -1;
  std::uint64_t generation = 0;
  friend bool operator==(const ConnectionToken&, const ConnectionToken&) = default;
};

enum class HttpDisposition : std::uint8_t {
  kReply,          // send `out`, keep the connection for the next request
  kReplyAndClose,  // send `out`, then close
  kDeferred,       // the answer comes later through Reactor::Post with this token
  kCloseSilently,  // close without a reply (HEAD's answer to a few stats modes)
};

// Set by the reactor when a connection goes away, read by jobs working for it
// so they can stop early (upstream's mutex_workqueue_canceltask).
using CancelFlag = std::shared_ptr<std::atomic<bool>>;

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual void OnAccept(const ClientInfo& client) = 0;
  // `request` is one complete header block (see proto::FindHeaderEnd).
  // Called on the reactor thread, with the reactor's cached `now`.
  virtual HttpDisposition OnRequest(std::string_view request, const ClientInfo& client, ConnectionToken token,
                                    const CancelFlag& cancelled, TimePoint now, std::string& out) = 0;
  // The header block passed the size limit: write the error reply to `out`
  // (the connection is closed after it).
  virtual void OnOversizedRequest(const ClientInfo& client, TimePoint now, std::string& out) = 0;
};

class DatagramHandler {
 public:
  virtual ~DatagramHandler() = default;
  // Returns the reply length written to `reply` (0: no reply). One handler
  // object per receiving thread, so it may keep per-thread state.
  virtual std::size_t OnDatagram(std::span<const std::uint8_t> datagram, const ClientInfo& client, TimePoint now,
                                 std::span<std::uint8_t> reply) = 0;
};

// A finished (or partial) answer for a deferred request.
struct Completion {
  ConnectionToken token;
  std::string bytes;
  bool last = true;          // false: more chunks follow (streamed full scrape)
  bool close_after = false;  // close once `bytes` are written
  // For a streamed answer: called on the reactor thread once the connection
  // has sent most of what is queued, so the producer makes the next chunk
  // only when the client keeps up (memory stays bounded). Dropped, not
  // called, if the connection goes away (the cancel flag is set then).
  std::function<void()> resume;
};

}  // namespace ot::net
