// File: proto/ip_text.hpp
// Text forms of addresses, networks and listen addresses as upstream accepts
// them (libowfat scan_ip6 semantics: dotted IPv4, stored v4-mapped, or IPv6
// without brackets). Pure; used by config, access, and the HTTP service.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "opentracker/core/net_mask.hpp"
#include "opentracker/core/types.hpp"

namespace ot::proto {

struct IpPrefix {
  IpAddress ip;
  std::size_t consumed = 0;  // bytes of the input that formed the address
};
// Reads an address at the start of `text` (upstream's prefix match); nullopt if none.
std::optional<IpPrefix> ScanIpAddress(std::string_view text) noexcept;
// The whole of `text` must be an address.
std::optional<IpAddress> ParseIpAddress(std::string_view text) noexcept;

// "ip" (a /32 or /128 host) or "ip/bits"; v4 bits are offset by 96 (HEAD).
// nullopt for junk or bits beyond the family's width.
std::optional<NetMask> ParseNetMask(std::string_view text) noexcept;

struct ListenAddress {
  IpAddress ip;
  std::uint16_t port = 0;
  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};
// listen.* syntax: "ip", "ip:port", "[v6]", "[v6]:port", "v6.port"; a missing
// port means `default_port`. nullopt on a parse error or a port > 65535.
std::optional<ListenAddress> ParseListenAddress(std::string_view text, std::uint16_t default_port) noexcept;

// "127.0.0.1" for v4-mapped addresses, otherwise libowfat's fmt_ip6c text:
// lowercase, longest zero run as "::" (RFC 5952, except that a lone
// trailing zero group is compressed too, as upstream prints it).
std::string FormatIp(const IpAddress& ip);
// "127.0.0.1:6969" or "[::1]:6969".
std::string FormatEndpoint(const IpAddress& ip, std::uint16_t port);

// 40 hex digits, uppercase, as statedump/top lists/syslog print hashes.
void AppendHexUpper(std::span<const std::uint8_t> bytes, std::string& out);

}  // namespace ot::proto
