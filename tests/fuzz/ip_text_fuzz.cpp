// Address text: scanning agrees with libowfat's scan_ip6 (the whole input
// is the oracle's NUL-terminated copy), and every parsed value prints and
// parses back to itself. Input: arbitrary bytes used as text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "opentracker/proto/ip_text.hpp"
#include "proto/owfat_pure.hpp"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool IsAddressChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

void CheckScan(std::string_view text) {
  const std::optional<ot::proto::IpPrefix> prefix = ot::proto::ScanIpAddress(text);
  // The oracle: scan_ip6 on a terminated copy, valid when the run of
  // address characters fits the port's scan buffer.
  std::size_t run = 0;
  while (run < text.size() && IsAddressChar(text[run])) ++run;
  const std::string copy(text.substr(0, run));
  char raw[16];
  const std::size_t expected = scan_ip6(copy.c_str(), raw);
  if (run < 127) {
    Check(prefix.has_value() == (expected != 0));
    if (prefix) {
      Check(prefix->consumed == expected);
      for (int i = 0; i < 16; ++i) Check(prefix->ip.bytes[i] == static_cast<std::uint8_t>(raw[i]));
    }
  }
  if (!prefix) return;
  Check(prefix->consumed > 0 && prefix->consumed <= text.size());
  // Round trip through the printed form.
  const std::string printed = ot::proto::FormatIp(prefix->ip);
  Check(!printed.empty() && printed.size() < FMT_IP6);
  Check(ot::proto::ParseIpAddress(printed) == prefix->ip);
  Check(ot::proto::ParseIpAddress(text) ==
        (prefix->consumed == text.size() ? std::optional<ot::IpAddress>(prefix->ip) : std::nullopt));
}

void CheckNet(std::string_view text) {
  const std::optional<ot::NetMask> net = ot::proto::ParseNetMask(text);
  if (!net) return;
  Check(net->bits <= 128);
  const bool v4 = net->address.IsV4() && net->bits >= 96;
  Check(net->Contains(net->address));
  Check(ot::NetMask::Of(net->address, net->bits) == *net);  // host bits are clear
  const std::string printed =
      ot::proto::FormatIp(net->address) + "/" + std::to_string(v4 ? net->bits - 96 : net->bits);
  Check(ot::proto::ParseNetMask(printed) == *net);
  // The address part alone is a full-length host mask.
  const std::string_view ip_part = text.substr(0, text.find('/'));
  const std::optional<ot::NetMask> host = ot::proto::ParseNetMask(ip_part);
  Check(host.has_value() && host->bits == 128 && net->Contains(host->address));
}

void CheckListen(std::string_view text) {
  const std::optional<ot::proto::ListenAddress> address = ot::proto::ParseListenAddress(text, 6969);
  if (!address) return;
  const std::string printed = ot::proto::FormatEndpoint(address->ip, address->port);
  Check(ot::proto::ParseListenAddress(printed, 1) == *address);
  // Without a port in the text the caller's default is used.
  const std::optional<ot::proto::ListenAddress> other_default = ot::proto::ParseListenAddress(text, 1);
  Check(other_default.has_value() && other_default->ip == address->ip);
  Check(other_default->port == address->port || (address->port == 6969 && other_default->port == 1));
}

void CheckHex(std::string_view text) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  std::string out = "x";
  ot::proto::AppendHexUpper(std::span<const std::uint8_t>(bytes, text.size()), out);
  Check(out.size() == 1 + 2 * text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::string pair = out.substr(1 + 2 * i, 2);
    for (char c : pair) Check((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'));
    Check(std::strtoul(pair.c_str(), nullptr, 16) == bytes[i]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckScan(text);
  CheckNet(text);
  CheckListen(text);
  CheckHex(text.substr(0, 64));
  return 0;
}
