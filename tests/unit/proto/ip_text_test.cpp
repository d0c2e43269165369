#include "opentracker/proto/ip_text.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace ot::proto {
namespace {

using namespace std::string_literals;

IpAddress V6(std::string_view text) {
  const std::optional<IpAddress> ip = ParseIpAddress(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(IpAddress{});
}

// ---------------------------------------------------------------- scanning

struct ScanCase {
  std::string_view text;
  std::size_t consumed;     // 0: no address
  std::string_view format;  // FormatIp of the result
};

// Answers of libowfat's scan_ip6, which upstream uses everywhere: a prefix
// match returning the bytes it read.
constexpr ScanCase kScanCases[] = {
    {"127.0.0.1", 9, "127.0.0.1"},
    {"0.0.0.0", 7, "0.0.0.0"},
    {"01.02.03.04", 11, "1.2.3.4"},
    {"1.2.3.4:80", 7, "1.2.3.4"},
    {"1.2.3.4.5", 7, "1.2.3.4"},
    {"1.2.3.4/8", 7, "1.2.3.4"},
    {"::1", 3, "::1"},
    {"::", 2, "::"},
    {":::", 2, "::"},
    {"1::", 3, "1::"},
    {"::ffff:1.2.3.4", 14, "1.2.3.4"},
    {"::ffff:7f00:1", 13, "127.0.0.1"},
    {"::1.6969", 3, "::1"},
    {"::1:6969", 8, "::1:6969"},
    {"::1.2.3.4", 9, "::102:304"},
    {"::1]", 3, "::1"},
    {"1::2::3", 4, "1::2"},
    {"fe80::1%eth0", 7, "fe80::1"},
    {"2001:db8::", 10, "2001:db8::"},
    {"ABCD::EF", 8, "abcd::ef"},
    {"1:2:3:4:5:6:7:8", 15, "1:2:3:4:5:6:7:8"},
    {"1:2:3:4:5:6:7:8:9", 15, "1:2:3:4:5:6:7:8"},
    {"00000000001::1", 14, "1::1"},
    {"", 0, ""},
    {"1.2.3", 0, ""},
    {"1.", 0, ""},
    {"256.1.1.1", 0, ""},
    {"1.2.3.256", 0, ""},
    {" ::1", 0, ""},
    {"[::1]", 0, ""},
    {"1:2:3:4:5:6:7", 0, ""},
    {":", 0, ""},
    {"a", 0, ""},
    {"abc", 0, ""},
    {"0x1.2.3.4", 0, ""},
    {"localhost", 0, ""},
};

TEST(ScanIpAddress, MatchesLibowfatPrefixSemantics) {
  for (const ScanCase& c : kScanCases) {
    const std::optional<IpPrefix> prefix = ScanIpAddress(c.text);
    if (c.consumed == 0) {
      EXPECT_FALSE(prefix.has_value()) << c.text;
      continue;
    }
    ASSERT_TRUE(prefix.has_value()) << c.text;
    EXPECT_EQ(prefix->consumed, c.consumed) << c.text;
    EXPECT_EQ(FormatIp(prefix->ip), c.format) << c.text;
  }
}

TEST(ScanIpAddress, StoresIpv4V4Mapped) {
  const std::optional<IpPrefix> prefix = ScanIpAddress("10.20.30.40");
  ASSERT_TRUE(prefix.has_value());
  const std::array<std::uint8_t, 16> expected = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 20, 30, 40};
  EXPECT_EQ(prefix->ip.bytes, expected);
  EXPECT_TRUE(prefix->ip.IsV4());
  EXPECT_EQ(prefix->ip, IpAddress::FromV4(10, 20, 30, 40));
}

TEST(ScanIpAddress, StoresIpv6InNetworkOrder) {
  const std::optional<IpPrefix> prefix = ScanIpAddress("2001:db8::ff00:42");
  ASSERT_TRUE(prefix.has_value());
  const std::array<std::uint8_t, 16> expected = {0x20, 0x01, 0x0d, 0xb8, 0,    0, 0, 0,
                                                 0,    0,    0,    0,    0xff, 0, 0, 0x42};
  EXPECT_EQ(prefix->ip.bytes, expected);
  EXPECT_FALSE(prefix->ip.IsV4());
}

TEST(ScanIpAddress, StopsAtEndOfViewWithoutTerminator) {
  // The view ends inside a longer buffer: nothing past it may be read.
  const std::string buffer = "10.0.0.12345";
  const std::optional<IpPrefix> prefix = ScanIpAddress(std::string_view(buffer).substr(0, 8));
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->consumed, 8u);
  EXPECT_EQ(FormatIp(prefix->ip), "10.0.0.1");
}

TEST(ScanIpAddress, StopsAtEmbeddedNul) {
  const std::string text = "::1\0:2"s;
  const std::optional<IpPrefix> prefix = ScanIpAddress(text);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->consumed, 3u);
}

TEST(ScanIpAddress, LongRunsOfAddressCharacters) {
  // libowfat takes any number of leading zeros in a group.
  const std::string zeros120 = std::string(120, '0') + "1::";
  const std::optional<IpPrefix> prefix = ScanIpAddress(zeros120);
  ASSERT_TRUE(prefix.has_value());
  EXPECT_EQ(prefix->consumed, zeros120.size());
  EXPECT_EQ(FormatIp(prefix->ip), "1::");
  // A run too long for the scan buffer is refused rather than cut.
  EXPECT_FALSE(ScanIpAddress(std::string(127, '0') + "1::").has_value());
  EXPECT_FALSE(ScanIpAddress("::1" + std::string(300, ':')).has_value());
  // A long tail of other characters is fine.
  EXPECT_EQ(ScanIpAddress("::1" + std::string(300, 'x'))->consumed, 3u);
}

TEST(ParseIpAddress, WholeTextOnly) {
  EXPECT_EQ(ParseIpAddress("127.0.0.1"), IpAddress::FromV4(127, 0, 0, 1));
  EXPECT_EQ(ParseIpAddress("::"), IpAddress{});
  EXPECT_TRUE(ParseIpAddress("::1").has_value());
  EXPECT_FALSE(ParseIpAddress("127.0.0.1 ").has_value());
  EXPECT_FALSE(ParseIpAddress(" 127.0.0.1").has_value());
  EXPECT_FALSE(ParseIpAddress("127.0.0.1:80").has_value());
  EXPECT_FALSE(ParseIpAddress("[::1]").has_value());
  EXPECT_FALSE(ParseIpAddress("::1%lo").has_value());
  EXPECT_FALSE(ParseIpAddress("").has_value());
  EXPECT_FALSE(ParseIpAddress("1.2.3.4.5").has_value());
}

// ---------------------------------------------------------------- networks

TEST(ParseNetMask, HostAloneIsFullLength) {
  const std::optional<NetMask> v4 = ParseNetMask("192.168.0.23");
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->bits, 128);  // /32 over the v4-mapped form
  EXPECT_EQ(v4->address, IpAddress::FromV4(192, 168, 0, 23));
  EXPECT_TRUE(v4->Contains(IpAddress::FromV4(192, 168, 0, 23)));
  EXPECT_FALSE(v4->Contains(IpAddress::FromV4(192, 168, 0, 24)));

  const std::optional<NetMask> v6 = ParseNetMask("2001:db8::1");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->bits, 128);
  EXPECT_EQ(v6->address, V6("2001:db8::1"));
}

TEST(ParseNetMask, Ipv4BitsAreOffsetBy96) {
  const std::optional<NetMask> net = ParseNetMask("10.1.2.3/8");
  ASSERT_TRUE(net.has_value());
  EXPECT_EQ(net->bits, 104);
  EXPECT_EQ(net->address, IpAddress::FromV4(10, 0, 0, 0));  // host bits cleared
  EXPECT_TRUE(net->Contains(IpAddress::FromV4(10, 255, 1, 1)));
  EXPECT_FALSE(net->Contains(IpAddress::FromV4(11, 0, 0, 0)));
  EXPECT_FALSE(net->Contains(V6("::a00:1")));  // v4-compatible, not v4-mapped

  EXPECT_EQ(ParseNetMask("1.2.3.4/32")->bits, 128);
  const std::optional<NetMask> all_v4 = ParseNetMask("1.2.3.4/0");
  ASSERT_TRUE(all_v4.has_value());
  EXPECT_EQ(all_v4->bits, 96);
  EXPECT_TRUE(all_v4->Contains(IpAddress::FromV4(8, 8, 8, 8)));
  EXPECT_FALSE(all_v4->Contains(V6("2001:db8::1")));
  EXPECT_EQ(ParseNetMask("192.0.0.0/8")->bits, 104);
  EXPECT_EQ(ParseNetMask("10.0.0.0/31")->bits, 127);
}

TEST(ParseNetMask, Ipv6Bits) {
  const std::optional<NetMask> net = ParseNetMask("2001:db8:ffff::1/32");
  ASSERT_TRUE(net.has_value());
  EXPECT_EQ(net->bits, 32);
  EXPECT_EQ(net->address, V6("2001:db8::"));
  EXPECT_TRUE(net->Contains(V6("2001:db8:1::5")));
  EXPECT_FALSE(net->Contains(V6("2001:db9::")));
  EXPECT_EQ(ParseNetMask("::/0")->bits, 0);
  EXPECT_TRUE(ParseNetMask("::/0")->Contains(IpAddress::FromV4(1, 2, 3, 4)));
  EXPECT_EQ(ParseNetMask("::1/128")->bits, 128);
  EXPECT_EQ(ParseNetMask("fe80::1/10")->address, V6("fe80::"));
  EXPECT_EQ(ParseNetMask("2001:db8::/33")->bits, 33);
  EXPECT_EQ(ParseNetMask("2001:db8::/0033")->bits, 33);  // leading zeros are digits
}

TEST(ParseNetMask, Errors) {
  for (std::string_view bad : {
           "",
           "/8",
           "10.0.0.0/33",
           "10.0.0.0/100",
           "::/129",
           "::/1000",
           "::/99999999999999999999",
           "10.0.0.0/",
           "10.0.0.0/-1",
           "10.0.0.0/+8",
           "10.0.0.0/8x",
           "10.0.0.0/ 8",
           "10.0.0.0 /8",
           "10.0.0.0/8/8",
           "10.0.0.0x",
           "10.0.0.0 ",
           " 10.0.0.0",
           "notanaddress",
           "[::1]/128",
           "10.0.0.0\\8",
       }) {
    EXPECT_FALSE(ParseNetMask(bad).has_value()) << bad;
  }
}

// ---------------------------------------------------------------- listen addresses

struct ListenCase {
  std::string_view text;
  bool ok;
  std::string_view ip;
  std::uint16_t port;
};

constexpr ListenCase kListenCases[] = {
    // The spec §2.2 table.
    {"127.0.0.1", true, "127.0.0.1", 6969},
    {"127.0.0.1:80", true, "127.0.0.1", 80},
    {"0.0.0.0", true, "0.0.0.0", 6969},
    {"[::1]", true, "::1", 6969},
    {"[::1]:80", true, "::1", 80},
    {"[::1].80", true, "::1", 80},
    {"::1.80", true, "::1", 80},
    {"::", true, "::", 6969},
    {"[::]:6969", true, "::", 6969},
    {"2001:db8::1.443", true, "2001:db8::1", 443},
    {"[2001:db8::1]:443", true, "2001:db8::1", 443},
    // A ':' after a bare v6 address is part of the address.
    {"::1:80", true, "::1:80", 6969},
    // v4 inside brackets, and v4-mapped v6 text, are v4: they need ':'.
    {"[127.0.0.1]:80", true, "127.0.0.1", 80},
    {"[127.0.0.1]", true, "127.0.0.1", 6969},
    {"[::ffff:1.2.3.4]:80", true, "1.2.3.4", 80},
    {"[::ffff:1.2.3.4].80", false, "", 0},
    {"::ffff:1.2.3.4.80", false, "", 0},
    {"127.0.0.1.80", false, "", 0},
    {"[127.0.0.1].80", false, "", 0},
    // Ports.
    {"127.0.0.1:0", true, "127.0.0.1", 0},
    {"127.0.0.1:65535", true, "127.0.0.1", 65535},
    {"127.0.0.1:0080", true, "127.0.0.1", 80},
    {"127.0.0.1:65536", false, "", 0},
    {"127.0.0.1:70000", false, "", 0},
    {"127.0.0.1:999999999999", false, "", 0},
    {"127.0.0.1:", false, "", 0},
    {"127.0.0.1:80x", false, "", 0},
    {"127.0.0.1:-1", false, "", 0},
    {"127.0.0.1:+80", false, "", 0},
    {"127.0.0.1: 80", false, "", 0},
    {"127.0.0.1:80 ", false, "", 0},
    {"[::1]:", false, "", 0},
    {"::1.", false, "", 0},
    // Junk and half brackets.
    {"", false, "", 0},
    {"[", false, "", 0},
    {"[]", false, "", 0},
    {"[]:80", false, "", 0},
    {"[::1", false, "", 0},
    {"[::1:80", false, "", 0},
    {"[::1]x", false, "", 0},
    {"[::1]]", false, "", 0},
    {"::1]", false, "", 0},
    {":80", false, "", 0},
    {"notanaddress", false, "", 0},
    {"127.0.0.1 ", false, "", 0},
    {" 127.0.0.1", false, "", 0},
    {"localhost:80", false, "", 0},
    {"127.0.0.1;80", false, "", 0},
    {"1.2.3.4.5", false, "", 0},
};

TEST(ParseListenAddress, Table) {
  for (const ListenCase& c : kListenCases) {
    const std::optional<ListenAddress> address = ParseListenAddress(c.text, 6969);
    ASSERT_EQ(address.has_value(), c.ok) << c.text;
    if (!c.ok) continue;
    EXPECT_EQ(FormatIp(address->ip), c.ip) << c.text;
    EXPECT_EQ(address->port, c.port) << c.text;
  }
}

TEST(ParseListenAddress, DefaultPortIsTheCallers) {
  EXPECT_EQ(ParseListenAddress("192.168.0.1", 9696),
            (ListenAddress{IpAddress::FromV4(192, 168, 0, 1), 9696}));
  EXPECT_EQ(ParseListenAddress("192.168.0.1:1234", 9696)->port, 1234);
  EXPECT_EQ(ParseListenAddress("[::1]", 1)->port, 1);
}

// Every prefix of a bracketed address with a port: which ones stand alone.
TEST(ParseListenAddress, EveryPrefixOfBracketedForm) {
  const std::string_view full = "[::1]:6969";
  for (std::size_t length = 0; length <= full.size(); ++length) {
    const std::optional<ListenAddress> address = ParseListenAddress(full.substr(0, length), 7);
    SCOPED_TRACE(length);
    switch (length) {
      case 5:
        ASSERT_TRUE(address.has_value());
        EXPECT_EQ(address->port, 7);
        break;
      case 7:
      case 8:
      case 9:
      case 10: {
        ASSERT_TRUE(address.has_value());
        const std::uint16_t want[] = {6, 69, 696, 6969};
        EXPECT_EQ(address->port, want[length - 7]);
        EXPECT_EQ(address->ip, V6("::1"));
        break;
      }
      default:
        EXPECT_FALSE(address.has_value());
    }
  }
}

TEST(ParseListenAddress, EveryPrefixOfV4Form) {
  const std::string_view full = "10.0.0.5:80";
  for (std::size_t length = 0; length <= full.size(); ++length) {
    const std::optional<ListenAddress> address = ParseListenAddress(full.substr(0, length), 7);
    SCOPED_TRACE(length);
    if (length == 8) {  // "10.0.0.5"
      ASSERT_TRUE(address.has_value());
      EXPECT_EQ(address->port, 7);
    } else if (length >= 10) {  // "10.0.0.5:8", "10.0.0.5:80"
      ASSERT_TRUE(address.has_value());
      EXPECT_EQ(address->port, length == 10 ? 8 : 80);
      EXPECT_EQ(address->ip, IpAddress::FromV4(10, 0, 0, 5));
    } else {  // "10.0.0." and shorter, "10.0.0.5:"
      EXPECT_FALSE(address.has_value());
    }
  }
}

// ---------------------------------------------------------------- formatting

TEST(FormatIp, DottedForV4MappedAndCompressedV6) {
  EXPECT_EQ(FormatIp(IpAddress::FromV4(127, 0, 0, 1)), "127.0.0.1");
  EXPECT_EQ(FormatIp(IpAddress::FromV4(0, 0, 0, 0)), "0.0.0.0");
  EXPECT_EQ(FormatIp(IpAddress::FromV4(255, 255, 255, 255)), "255.255.255.255");
  EXPECT_EQ(FormatIp(IpAddress{}), "::");
  EXPECT_EQ(FormatIp(V6("0:0:0:0:0:0:0:1")), "::1");
  EXPECT_EQ(FormatIp(V6("1:0:0:0:0:0:0:0")), "1::");
  EXPECT_EQ(FormatIp(V6("1:0:0:1:0:0:0:1")), "1:0:0:1::1");    // the longest zero run
  EXPECT_EQ(FormatIp(V6("1:0:0:2:0:0:3:4")), "1::2:0:0:3:4");  // the first of equal runs
  EXPECT_EQ(FormatIp(V6("1:0:2:3:4:5:6:7")), "1:0:2:3:4:5:6:7");
  EXPECT_EQ(FormatIp(V6("2001:DB8::A")), "2001:db8::a");
  EXPECT_EQ(FormatIp(V6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  EXPECT_EQ(FormatIp(V6("::ffff:0:1.2.3.4")), "::ffff:0:102:304");  // not v4-mapped
}

// libowfat 0.32's fmt_ip6 peeks at the two bytes after the address when the
// last group is 0; whatever follows the IpAddress must not change the text.
TEST(FormatIp, IndependentOfTheBytesAfterTheAddress) {
  struct Padded {
    IpAddress ip;
    std::uint8_t after[2];
  };
  for (std::uint8_t junk : {0x00, 0x01, 0xff}) {
    Padded p{V6("1::2:0"), {junk, junk}};
    EXPECT_EQ(FormatIp(p.ip), "1::2:0") << int(junk);
    p.ip = V6("9e7b:0:846c:a6a9::2182:0");
    EXPECT_EQ(FormatIp(p.ip), "9e7b:0:846c:a6a9::2182:0") << int(junk);
    p.ip = V6("::1:0");
    EXPECT_EQ(FormatIp(p.ip), "::1:0") << int(junk);
    // Upstream's quirk: a lone trailing zero group is compressed.
    p.ip = V6("1:0:2:3:4:5:6:0");
    EXPECT_EQ(FormatIp(p.ip), "1:0:2:3:4:5:6::") << int(junk);
  }
}

TEST(FormatEndpoint, BracketsOnlyForV6) {
  EXPECT_EQ(FormatEndpoint(IpAddress::FromV4(127, 0, 0, 1), 6969), "127.0.0.1:6969");
  EXPECT_EQ(FormatEndpoint(V6("::1"), 6969), "[::1]:6969");
  EXPECT_EQ(FormatEndpoint(IpAddress{}, 0), "[::]:0");
  EXPECT_EQ(FormatEndpoint(IpAddress::FromV4(10, 0, 0, 1), 65535), "10.0.0.1:65535");
  EXPECT_EQ(FormatEndpoint(V6("2001:db8::1"), 80), "[2001:db8::1]:80");
}

// parse(format(x)) == x for random addresses, many with zero runs.
TEST(FormatIp, RoundTripsThroughParse) {
  std::mt19937 rng(20240613);
  for (int i = 0; i < 20000; ++i) {
    IpAddress ip;
    for (auto& b : ip.bytes) b = static_cast<std::uint8_t>(rng());
    const unsigned shape = rng() % 4;
    if (shape == 0) ip = IpAddress::FromV4(ip.V4Bytes());
    if (shape == 1) {
      // Zero some 16-bit groups to exercise "::" placement.
      for (int g = 0; g < 8; ++g) {
        if (rng() % 2) ip.bytes[2 * g] = ip.bytes[2 * g + 1] = 0;
      }
    }
    const std::uint16_t port = static_cast<std::uint16_t>(rng());
    const std::string text = FormatIp(ip);
    ASSERT_EQ(ParseIpAddress(text), ip) << text;
    const std::string endpoint = FormatEndpoint(ip, port);
    ASSERT_EQ(ParseListenAddress(endpoint, 1), (ListenAddress{ip, port})) << endpoint;
    const std::optional<NetMask> host = ParseNetMask(text);
    ASSERT_TRUE(host.has_value()) << text;
    ASSERT_EQ(host->address, ip);
  }
}

TEST(AppendHexUpper, TwoUppercaseDigitsPerByteAppended) {
  std::array<std::uint8_t, 20> hash{};
  for (std::size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<std::uint8_t>(i * 13 + 0x0a);
  std::string out = "prefix:";
  AppendHexUpper(hash, out);
  EXPECT_EQ(out, "prefix:0A1724313E4B5865727F8C99A6B3C0CDDAE7F401");
  EXPECT_EQ(out.size(), 7u + 40u);

  std::string empty;
  AppendHexUpper({}, empty);
  EXPECT_TRUE(empty.empty());

  std::array<std::uint8_t, 256> all{};
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  std::string text;
  AppendHexUpper(all, text);
  ASSERT_EQ(text.size(), 512u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(std::stoul(text.substr(2 * i, 2), nullptr, 16), i);
  }
  EXPECT_EQ(text.substr(0x0a * 2, 2), "0A");
  EXPECT_EQ(text.substr(0xff * 2, 2), "FF");
}

}  // namespace
}  // namespace ot::proto
