// Address text as upstream reads and prints it. libowfat's scan_ip6 and
// fmt_ip6c do the address itself (so the accepted forms are exactly
// upstream's, including dotted IPv4 stored v4-mapped); brackets, ports and
// prefix lengths are handled here, after opentracker.c's scan_ip6_port and
// scan_ip6_net, but stricter: trailing junk is an error instead of ignored.
#include "opentracker/proto/ip_text.hpp"

#include <array>
#include <charconv>
#include <cstring>

#include "proto/owfat_pure.hpp"

namespace ot::proto {
namespace {

// scan_ip6 reads NUL-terminated text; the input is copied into this much
// stack (no allocation). No address needs more, but libowfat accepts any
// number of leading zeros in a group, so a longer run is refused below.
constexpr std::size_t kScanBufferSize = 128;

constexpr std::uint8_t kV4MappedBits = 96;

bool IsAddressChar(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

bool IsDigit(char c) noexcept { return c >= '0' && c <= '9'; }

// All of `digits` must be decimal, at least one digit, value <= `max`.
std::optional<std::uint32_t> ParseBoundedDecimal(std::string_view digits, std::uint32_t max) noexcept {
  if (digits.empty()) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
    if (value > max) return std::nullopt;  // stops before overflow; leading zeros stay harmless
  }
  return value;
}

}  // namespace

std::optional<IpPrefix> ScanIpAddress(std::string_view text) noexcept {
  std::array<char, kScanBufferSize> buffer;
  std::size_t run = 0;
  while (run < text.size() && run < buffer.size() - 1 && IsAddressChar(text[run])) {
    buffer[run] = text[run];
    ++run;
  }
  // scan_ip6 can only consume address characters, so copying the run is
  // enough to get its answer for the whole text, unless the run was cut.
  if (run < text.size() && IsAddressChar(text[run])) return std::nullopt;
  buffer[run] = '\0';

  char raw[16];
  const std::size_t consumed = scan_ip6(buffer.data(), raw);
  if (consumed == 0) return std::nullopt;
  IpPrefix prefix;
  for (std::size_t i = 0; i < 16; ++i) prefix.ip.bytes[i] = static_cast<std::uint8_t>(raw[i]);
  prefix.consumed = consumed;
  return prefix;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) noexcept {
  const std::optional<IpPrefix> prefix = ScanIpAddress(text);
  if (!prefix || prefix->consumed != text.size()) return std::nullopt;
  return prefix->ip;
}

std::optional<NetMask> ParseNetMask(std::string_view text) noexcept {
  const std::optional<IpPrefix> prefix = ScanIpAddress(text);
  if (!prefix) return std::nullopt;
  const bool v4 = prefix->ip.IsV4();
  std::string_view rest = text.substr(prefix->consumed);
  if (rest.empty()) return NetMask::Of(prefix->ip, 128);  // a host: /32 (v4, 96 + 32) or /128
  if (rest.front() != '/') return std::nullopt;
  // HEAD's scan_ip6_net: v4 bits count from the v4-mapped prefix, and a
  // total above 128 is an error.
  const std::optional<std::uint32_t> bits = ParseBoundedDecimal(rest.substr(1), v4 ? 32 : 128);
  if (!bits) return std::nullopt;
  return NetMask::Of(prefix->ip, static_cast<std::uint8_t>(*bits + (v4 ? kV4MappedBits : 0)));
}

std::optional<ListenAddress> ParseListenAddress(std::string_view text, std::uint16_t default_port) noexcept {
  const bool bracket = !text.empty() && text.front() == '[';
  std::size_t pos = bracket ? 1 : 0;
  const std::optional<IpPrefix> prefix = ScanIpAddress(text.substr(pos));
  if (!prefix) return std::nullopt;
  pos += prefix->consumed;
  if (bracket) {
    // Upstream lets the ']' be missing; a half-bracketed address is refused here.
    if (pos >= text.size() || text[pos] != ']') return std::nullopt;
    ++pos;
  }
  ListenAddress address{prefix->ip, default_port};
  if (pos == text.size()) return address;

  // Port separators as opentracker.c: v4 needs ':', v6 in brackets takes ':'
  // or '.', bare v6 only '.' (a ':' there would have been read as part of
  // the address, "::1:6969" is an address).
  const char separator = text[pos];
  if (prefix->ip.IsV4()) {
    if (separator != ':') return std::nullopt;
  } else if (bracket) {
    if (separator != ':' && separator != '.') return std::nullopt;
  } else if (separator != '.') {
    return std::nullopt;
  }
  const std::optional<std::uint32_t> port = ParseBoundedDecimal(text.substr(pos + 1), 65535);
  if (!port) return std::nullopt;
  address.port = static_cast<std::uint16_t>(*port);
  return address;
}

std::string FormatIp(const IpAddress& ip) {
  // fmt_ip6c prints v4-mapped addresses as dotted quads (fmt_ip4) and the
  // rest with the longest zero run as "::". Its zero-run search looks at the
  // two bytes after the address when the last group is 0 (libowfat 0.32
  // fmt_ip6.c); with garbage there it may swallow groups ("1::2:0" printed
  // as "1::"). Two zero bytes of padding make it deterministic: it then
  // prints what upstream prints with clean memory, including its one quirk
  // of compressing a lone trailing zero group ("1:0:2:3:4:5:6::").
  char padded[18] = {};
  std::memcpy(padded, ip.bytes.data(), ip.bytes.size());
  char text[FMT_IP6];
  const std::size_t length = fmt_ip6c(text, padded);
  return std::string(text, length);
}

std::string FormatEndpoint(const IpAddress& ip, std::uint16_t port) {
  std::string out;
  const bool v6 = !ip.IsV4();
  if (v6) out += '[';
  out += FormatIp(ip);
  if (v6) out += ']';
  out += ':';
  char digits[8];
  const auto result = std::to_chars(digits, digits + sizeof(digits), port);
  out.append(digits, result.ptr);
  return out;
}

void AppendHexUpper(std::span<const std::uint8_t> bytes, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.reserve(out.size() + 2 * bytes.size());
  for (std::uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
}

}  // namespace ot::proto
