// UDP replies leave from the address the client contacted (PORT-DECISIONS §4),
// also on wildcard sockets (0.0.0.0 and a dual-stack [::]): a client that
// sends to 127.0.0.2 must get its answer from 127.0.0.2, not from whatever
// address the kernel would pick.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "integration/tracker_process.hpp"
#include "support/net_udp_client.hpp"

namespace ot::integration {
namespace {

// Sends a BEP 15 connect to `to` and returns the source address of the reply ("" if none).
std::string ReplySource(const char* to, std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  std::string packet;
  test::PutU64(packet, test::kUdpProtocolMagic);
  test::PutU32(packet, 0);
  test::PutU32(packet, 0x5eed);
  sockaddr_in destination{};
  destination.sin_family = AF_INET;
  destination.sin_port = htons(port);
  inet_pton(AF_INET, to, &destination.sin_addr);
  sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&destination), sizeof(destination));
  char reply[64];
  sockaddr_in source{};
  socklen_t length = sizeof(source);
  ssize_t n = recvfrom(fd, reply, sizeof(reply), 0, reinterpret_cast<sockaddr*>(&source), &length);
  close(fd);
  if (n != 16) return "";
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &source.sin_addr, text, sizeof(text));
  return std::string(text) + ":" + std::to_string(ntohs(source.sin_port));
}

class UdpSourceAddressTest : public ::testing::TestWithParam<const char*> {};

TEST_P(UdpSourceAddressTest, RepliesLeaveFromTheContactedAddress) {
  OT_SKIP_UNLESS_PORT("upstream lets the kernel choose the source address");
  TrackerOptions options;
  options.config_lines = {"listen.tcp 127.0.0.1:{PORT}", std::string("listen.udp ") + GetParam() + ":{PORT}"};
  TrackerProcess tracker(options);
  ASSERT_TRUE(tracker.Start());
  const std::string port = std::to_string(tracker.Port());
  EXPECT_EQ(ReplySource("127.0.0.1", tracker.Port()), "127.0.0.1:" + port);
  EXPECT_EQ(ReplySource("127.0.0.2", tracker.Port()), "127.0.0.2:" + port);
  EXPECT_EQ(ReplySource("127.0.0.3", tracker.Port()), "127.0.0.3:" + port);
}

INSTANTIATE_TEST_SUITE_P(WildcardSockets, UdpSourceAddressTest, ::testing::Values("0.0.0.0", "[::]"));

}  // namespace
}  // namespace ot::integration
