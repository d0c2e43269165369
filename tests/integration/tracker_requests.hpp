// File: tests/integration/tracker_requests.hpp
// Request builders and reply readers shared by the integration tests: the
// probe fixture's info hashes (as ../probes/otprobe_common.py), percent
// encoding, announce/scrape URLs, whitelists, compact peer lists and UDP
// replies. Nothing here talks to a socket.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/bencode_decode.hpp"
#include "support/net_http_message.hpp"
#include "support/net_socket.hpp"

namespace ot::integration {

// The golden fixture's hashes (README "Test fixture").
std::string HashA();  // 01 02 .. 14
std::string HashB();  // "ABCDEFGHIJKLMNOPQRST"
std::string HashC();  // aa x 20
std::string HashX();  // 99 x 20, whitelisted only after the SIGHUP step
// A deterministic distinct hash per index, for tests that need many.
std::string TestHash(std::uint32_t index);

std::string Hex(std::string_view bytes);  // lowercase
std::string Pct(std::string_view bytes);  // every byte as %XX
// One whitelist line per hash (lowercase hex).
std::string WhitelistText(const std::vector<std::string>& hashes);

struct AnnounceParams {
  std::string info_hash;
  std::optional<std::string> peer_id = std::string("-OT0000-000000000001");
  std::optional<std::string> port = std::string("6881");
  std::optional<std::string> left = std::string("100");
  std::string extra;  // appended verbatim ("&event=stopped&numwant=5")
  std::string path = "/announce";
};
// "GET /announce?info_hash=..&peer_id=..&port=..&uploaded=0&downloaded=0&left=..&compact=1<extra>
// HTTP/1.1\r\nHost: ..\r\n\r\n"
std::string AnnounceRequest(const AnnounceParams& p, std::string_view version = "HTTP/1.1",
                            std::string_view extra_headers = "");
std::string ScrapeRequest(const std::vector<std::string>& hashes, std::string_view version = "HTTP/1.1");
std::string GetRequest(std::string_view target, std::string_view version = "HTTP/1.1",
                       std::string_view extra_headers = "");

struct Peer {
  std::string ip;  // raw 4 or 16 bytes
  std::uint16_t port = 0;
  friend auto operator<=>(const Peer&, const Peer&) = default;
  std::string ToString() const;
};
// Splits a compact peer string into 6- (v4) or 18-byte (v6) records; nullopt
// when the length is not a multiple.
std::optional<std::vector<Peer>> ParseCompactPeers(std::string_view blob, test::Family family);
Peer MakePeer(test::Family family, std::uint16_t port);  // loopback:port

// A decoded announce reply.
struct AnnounceReply {
  std::optional<test::BValue> root;  // the whole bencoded dictionary
  std::int64_t complete = -1, incomplete = -1, downloaded = -1, interval = -1, min_interval = -1;
  bool has_peers = false, has_peers6 = false;
  std::vector<Peer> peers, peers6;
  std::string failure;  // "failure reason" when present
  std::string error;    // why decoding failed, empty when fine
};
AnnounceReply DecodeAnnounce(std::string_view content);

// UDP replies.
struct UdpAnnounceReply {
  bool ok = false;
  std::uint32_t action = 0, transaction_id = 0, interval = 0, leechers = 0, seeders = 0;
  std::vector<Peer> peers;
};
UdpAnnounceReply DecodeUdpAnnounce(std::string_view datagram, test::Family family);

}  // namespace ot::integration
