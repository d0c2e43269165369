// Hostile clients: the tracker keeps answering everyone else, and what it
// holds for a misbehaving client stays bounded.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/tracker_process.hpp"
#include "support/net_http_client.hpp"
#include "integration/tracker_requests.hpp"
#include "support/net_udp_client.hpp"
#include "support/sanitizers.hpp"

namespace ot::integration {
namespace {

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// 20,000 torrents from a state dump, so a full scrape is ~1.4 MB and a
// client that does not read keeps its dump open.
std::string StateDump() {
  std::string dump;
  char line[64];
  for (int i = 0; i < 20000; ++i) {
    std::snprintf(line, sizeof(line), "%08X%032X:%u:%d\n", i * 2654435761u, i, 29000000u + 0, i % 7);
    dump += line;
  }
  return dump;
}

class HostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!IsPort()) GTEST_SKIP() << "the port's limits";
    TrackerOptions o;
    o.config_lines = ListenLines(false);
    o.files["state.txt"] = StateDump();
    o.extra_args = {"-l", "{DIR}/state.txt"};
    tracker_ = std::make_unique<TrackerProcess>(o);
    ASSERT_TRUE(tracker_->Start());
  }
  std::unique_ptr<TrackerProcess> tracker_;
};

// Clients that ask for full scrapes and never read: beyond the cap of open
// dumps the tracker answers 500 instead of queueing more, and announces are
// answered throughout. Once they leave, full scrapes work again.
TEST_F(HostileTest, StalledFullScrapesAreCappedAndAnnouncesGoOn) {
  std::vector<std::unique_ptr<test::HttpConnection>> stalled;
  for (int i = 0; i < 40; ++i) {
    auto c = std::make_unique<test::HttpConnection>("127.0.0.1", tracker_->Port(), Millis(3000), 4096);
    ASSERT_TRUE(c->Connected());
    ASSERT_TRUE(c->Send("GET /scrape HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n"));
    stalled.push_back(std::move(c));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  test::Exchange refused = Request(*tracker_, "GET /scrape HTTP/1.1\r\n\r\n");
  ASSERT_EQ(refused.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_EQ(refused.read.response.status, 500) << "beyond 32 open dumps";
  EXPECT_TRUE(ServesAnnounce(*tracker_, TestHash(1)));
  stalled.clear();  // they leave: their dumps are cancelled
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    test::Exchange again = Request(*tracker_, "GET /scrape HTTP/1.1\r\nConnection: close\r\n\r\n", test::Family::kV4);
    served = again.read.outcome == test::ReadOutcome::kResponse && again.read.response.status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(served) << tracker_->Describe();
}

// Pipelining clients that never read their replies: the tracker stops
// reading them once a small backlog builds, so their memory stays bounded.
TEST_F(HostileTest, PipeliningClientsThatDoNotReadAreBounded) {
  const long before = RssKb(tracker_->Pid());
  ASSERT_GT(before, 0);
  std::string burst;
  for (int i = 0; i < 200; ++i) burst += "GET /stats?mode=version HTTP/1.1\r\n\r\n";
  std::vector<std::unique_ptr<test::HttpConnection>> flooders;
  for (int i = 0; i < 50; ++i) {
    auto c = std::make_unique<test::HttpConnection>("127.0.0.1", tracker_->Port(), Millis(3000), 4096);
    ASSERT_TRUE(c->Connected());
    for (int k = 0; k < 5; ++k) c->Send(burst);  // ~36 KB each; the kernel buffers only part of it
    flooders.push_back(std::move(c));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long during = RssKb(tracker_->Pid());
  EXPECT_TRUE(ServesAnnounce(*tracker_, TestHash(2)));
  // 50 connections x (32 KiB backlog + 8 KiB input) is about 2 MB; allow slack.
  // ASan's quarantine keeps every freed block resident, so RSS says nothing there.
  if (!test::kUnderAddressSanitizer) {
    EXPECT_LT(during - before, 12 * 1024) << "RSS " << before << " kB -> " << during << " kB";
  }
}

// Garbage over TCP and UDP, and a header sent a byte at a time.
TEST_F(HostileTest, GarbageAndSlowHeadersDoNotHurt) {
  std::string junk(10000, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>(i * 131 + 7);
  for (int i = 0; i < 20; ++i) {
    test::HttpConnection c("127.0.0.1", tracker_->Port());
    c.Send(junk.substr(static_cast<std::size_t>(i) * 300, 2000 + static_cast<std::size_t>(i) * 50));
    c.CloseWithReset();
  }
  test::UdpClient udp(test::Family::kV4);
  ASSERT_TRUE(udp.Open());
  for (int i = 0; i < 500; ++i) udp.Send(junk.substr(static_cast<std::size_t>(i) % 7000, 1 + i % 1500), tracker_->Port());
  test::HttpConnection slow("127.0.0.1", tracker_->Port());
  const std::string request = "GET /stats?mode=version HTTP/1.1\r\n\r\n";
  std::vector<std::string> bytes;
  for (char ch : request) bytes.emplace_back(1, ch);
  ASSERT_TRUE(slow.SendSegments(bytes, Millis(2)));
  test::ReadResult reply = slow.ReadResponse(Millis(3000));
  EXPECT_EQ(reply.outcome, test::ReadOutcome::kResponse);
  EXPECT_EQ(reply.response.status, 200);
  EXPECT_TRUE(ServesAnnounce(*tracker_, TestHash(3)));
  EXPECT_TRUE(tracker_->Running());
}

}  // namespace
}  // namespace ot::integration
