// File: src/stats/text_format.hpp (private to stats)
// The small number and address formatters every renderer uses. stats may
// only depend on core, so libowfat's fmt_* are not reachable here; these are
// std::to_chars into stack buffers, appended to a caller-owned string.
#pragma once

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "opentracker/core/types.hpp"

namespace ot::stats::internal {

// printf("%llu").
inline void AppendDecimal(std::uint64_t value, std::string& out) {
  char buffer[20];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

// printf("%0*llu", width, value): zero-padded to `width`, never truncated.
inline void AppendZeroPadded(std::uint64_t value, std::size_t width, std::string& out) {
  char buffer[20];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  const std::size_t length = static_cast<std::size_t>(result.ptr - buffer);
  if (length < width) out.append(width - length, '0');
  out.append(buffer, length);
}

// printf("%0*lld", width, value): the sign counts towards the width.
inline void AppendZeroPaddedSigned(std::int64_t value, std::size_t width, std::string& out) {
  if (value >= 0) {
    AppendZeroPadded(static_cast<std::uint64_t>(value), width, out);
    return;
  }
  out.push_back('-');
  // -(value + 1) + 1 avoids overflow for INT64_MIN.
  const std::uint64_t magnitude = static_cast<std::uint64_t>(-(value + 1)) + 1;
  AppendZeroPadded(magnitude, width > 0 ? width - 1 : 0, out);
}

inline constexpr char kHexUpper[] = "0123456789ABCDEF";
inline constexpr char kHexLower[] = "0123456789abcdef";

// Two uppercase hex digits per byte (upstream's to_hex in ot_stats.c).
inline void AppendHexUpper(std::span<const std::uint8_t> bytes, std::string& out) {
  for (const std::uint8_t b : bytes) {
    out.push_back(kHexUpper[b >> 4]);
    out.push_back(kHexUpper[b & 15]);
  }
}

inline void AppendHash(const InfoHash& hash, std::string& out) { AppendHexUpper(hash.bytes, out); }

// a.b.c.d
inline void AppendIp4(std::span<const std::uint8_t, 4> v4, std::string& out) {
  for (std::size_t i = 0; i < 4; ++i) {
    if (i > 0) out.push_back('.');
    AppendDecimal(v4[i], out);
  }
}

// libowfat's fmt_ip6c text: v4-mapped addresses as dotted IPv4; otherwise
// lowercase groups without leading zeros, the longest run of zero groups
// (the first of equal runs) written as "::". Like libowfat, a run of one
// group is only compressed when it is the last group ("1:2:3:4:5:6:7::").
inline void AppendIpText(const IpAddress& ip, std::string& out) {
  if (ip.IsV4()) {
    AppendIp4(ip.V4Bytes(), out);
    return;
  }
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) groups[i] = unsigned{ip.bytes[2 * i]} << 8 | ip.bytes[2 * i + 1];
  std::size_t best_start = 8;
  std::size_t best_length = 0;
  for (std::size_t i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < 8 && groups[end] == 0) ++end;
    const std::size_t length = end - i;
    if ((length >= 2 || end == 8) && length > best_length) {
      best_start = i;
      best_length = length;
    }
    i = end;
  }
  auto append_group = [&out](unsigned group) {
    char buffer[4];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), group, 16);
    out.append(buffer, result.ptr);
  };
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (i > 0 && i != best_start + best_length) out.push_back(':');
    append_group(groups[i]);
  }
}

}  // namespace ot::stats::internal
