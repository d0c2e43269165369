#include "tracker_requests.hpp"

#include <arpa/inet.h>

#include <cstdio>

#include "support/net_udp_client.hpp"

namespace ot::integration {

std::string HashA() {
  std::string h;
  for (int i = 1; i <= 20; ++i) h.push_back(static_cast<char>(i));
  return h;
}
std::string HashB() { return "ABCDEFGHIJKLMNOPQRST"; }
std::string HashC() { return std::string(20, '\xaa'); }
std::string HashX() { return std::string(20, '\x99'); }

std::string TestHash(std::uint32_t index) {
  // "OTTEST" + index in big-endian + filler: distinct, printable-free, stable.
  std::string h = "\x4f\x54\x54\x45\x53\x54";
  for (int shift = 24; shift >= 0; shift -= 8) h.push_back(static_cast<char>((index >> shift) & 0xff));
  while (h.size() < 20) h.push_back(static_cast<char>(0xc0 + h.size()));
  return h;
}

std::string Hex(std::string_view bytes) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Pct(std::string_view bytes) {
  std::string out;
  char buf[4];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof buf, "%%%02X", c);
    out += buf;
  }
  return out;
}

std::string WhitelistText(const std::vector<std::string>& hashes) {
  std::string out = "# integration test whitelist\n";
  for (const auto& h : hashes) out += Hex(h) + "\n";
  return out;
}

std::string GetRequest(std::string_view target, std::string_view version, std::string_view extra_headers) {
  std::string r = "GET " + std::string(target);
  if (!version.empty()) r += " " + std::string(version);
  r += "\r\n";
  if (version == "HTTP/1.1") r += "Host: 127.0.0.1\r\n";
  r += extra_headers;
  return r + "\r\n";
}

std::string AnnounceRequest(const AnnounceParams& p, std::string_view version,
                            std::string_view extra_headers) {
  std::string q = p.path + "?info_hash=" + Pct(p.info_hash);
  if (p.peer_id) q += "&peer_id=" + Pct(*p.peer_id);
  if (p.port) q += "&port=" + *p.port;
  q += "&uploaded=0&downloaded=0";
  if (p.left) q += "&left=" + *p.left;
  q += "&compact=1" + p.extra;
  return GetRequest(q, version, extra_headers);
}

std::string ScrapeRequest(const std::vector<std::string>& hashes, std::string_view version) {
  std::string q = "/scrape?";
  for (std::size_t i = 0; i < hashes.size(); ++i) q += (i ? "&info_hash=" : "info_hash=") + Pct(hashes[i]);
  return GetRequest(q, version);
}

std::string Peer::ToString() const {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (ip.size() == 4) inet_ntop(AF_INET, ip.data(), buf, sizeof buf);
  if (ip.size() == 16) inet_ntop(AF_INET6, ip.data(), buf, sizeof buf);
  return (ip.size() == 16 ? "[" + std::string(buf) + "]" : std::string(buf)) + ":" + std::to_string(port);
}

std::optional<std::vector<Peer>> ParseCompactPeers(std::string_view blob, test::Family family) {
  std::size_t ip_len = family == test::Family::kV4 ? 4 : 16;
  std::size_t step = ip_len + 2;
  if (blob.size() % step != 0) return std::nullopt;
  std::vector<Peer> peers;
  for (std::size_t off = 0; off < blob.size(); off += step) {
    Peer p;
    p.ip = std::string(blob.substr(off, ip_len));
    p.port = static_cast<std::uint16_t>((static_cast<unsigned char>(blob[off + ip_len]) << 8) |
                                        static_cast<unsigned char>(blob[off + ip_len + 1]));
    peers.push_back(p);
  }
  return peers;
}

Peer MakePeer(test::Family family, std::uint16_t port) {
  Peer p;
  if (family == test::Family::kV4) {
    p.ip = std::string("\x7f\x00\x00\x01", 4);
  } else {
    p.ip = std::string(15, '\0') + "\x01";
  }
  p.port = port;
  return p;
}

AnnounceReply DecodeAnnounce(std::string_view content) {
  AnnounceReply r;
  r.root = test::BDecodeAll(content);
  if (!r.root || !r.root->IsDict()) {
    r.error = "not a bencoded dictionary: " + test::Printable(content, 200);
    return r;
  }
  auto integer = [&](const char* key) -> std::int64_t {
    const test::BValue* v = r.root->Find(key);
    return v && v->IsInt() ? v->integer : -1;
  };
  if (const test::BValue* f = r.root->Find("failure reason"); f && f->IsString()) r.failure = f->string;
  r.complete = integer("complete");
  r.incomplete = integer("incomplete");
  r.downloaded = integer("downloaded");
  r.interval = integer("interval");
  r.min_interval = integer("min interval");
  if (const test::BValue* p = r.root->Find("peers")) {
    r.has_peers = true;
    if (p->IsString()) {
      auto peers = ParseCompactPeers(p->string, test::Family::kV4);
      if (!peers)
        r.error = "peers length not a multiple of 6";
      else
        r.peers = *peers;
    }
  }
  if (const test::BValue* p = r.root->Find("peers6")) {
    r.has_peers6 = true;
    if (p->IsString()) {
      auto peers = ParseCompactPeers(p->string, test::Family::kV6);
      if (!peers)
        r.error = "peers6 length not a multiple of 18";
      else
        r.peers6 = *peers;
    }
  }
  return r;
}

UdpAnnounceReply DecodeUdpAnnounce(std::string_view d, test::Family family) {
  UdpAnnounceReply r;
  if (d.size() < 20) return r;
  r.action = test::GetU32(d, 0);
  r.transaction_id = test::GetU32(d, 4);
  r.interval = test::GetU32(d, 8);
  r.leechers = test::GetU32(d, 12);
  r.seeders = test::GetU32(d, 16);
  auto peers = ParseCompactPeers(d.substr(20), family);
  if (!peers) return r;
  r.peers = *peers;
  r.ok = r.action == 1;
  return r;
}

}  // namespace ot::integration
