// HTTP announce against the real daemon: compact peer lists and their order,
// counts, stopped, completed, numwant rules, the whitelist, and (port) the
// dual-stack split between "peers" and "peers6" and compact=0.
#include <gtest/gtest.h>

#include <set>

#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using test::Family;

// Announces and decodes the reply; fails the test on transport errors.
AnnounceReply Announce(const TrackerProcess& t, const AnnounceParams& p, Family family = Family::kV4) {
  test::Exchange ex = Request(t, AnnounceRequest(p), family);
  if (ex.read.outcome != test::ReadOutcome::kResponse) {
    ADD_FAILURE() << "announce: " << test::ToString(ex.read.outcome) << " " << ex.read.error;
    return {};
  }
  EXPECT_EQ(ex.read.response.status_line, "HTTP/1.1 200 OK") << test::Printable(ex.read.response.raw);
  AnnounceReply r = DecodeAnnounce(ex.read.response.content);
  EXPECT_EQ(r.error, "") << test::Printable(ex.read.response.content);
  return r;
}

AnnounceParams PeerAt(const std::string& hash, int port, const std::string& left,
                      const std::string& extra = "") {
  AnnounceParams p;
  p.info_hash = hash;
  p.peer_id = "-OT0000-00000000" + std::to_string(1000 + port % 9000).substr(0, 4);
  p.port = std::to_string(port);
  p.left = left;
  p.extra = extra;
  return p;
}

std::vector<std::uint16_t> Ports(const std::vector<Peer>& peers) {
  std::vector<std::uint16_t> out;
  for (const auto& p : peers) out.push_back(p.port);
  return out;
}

void ExpectIntervalRules(const AnnounceReply& r) {
  EXPECT_GE(r.interval, 1620);
  EXPECT_LE(r.interval, 1979);
  EXPECT_EQ(r.min_interval, r.interval / 2);
}

class HttpAnnounceTest : public ::testing::Test {
 protected:
  void StartTracker(const std::vector<std::string>& hashes, bool dual_stack = false) {
    tracker_ = std::make_unique<TrackerProcess>(WhitelistedTracker(hashes, dual_stack));
    ASSERT_TRUE(tracker_->Start());
  }
  void TearDown() override {
    if (tracker_) {
      EXPECT_TRUE(tracker_->Stop());
    }
  }
  std::unique_ptr<TrackerProcess> tracker_;
};

// Spec §5.7: leechers in storage (IP+port) order, then seeders in reverse.
TEST_F(HttpAnnounceTest, CompactPeersListLeechersFirstThenSeedersReversed) {
  const std::string h = TestHash(1);
  StartTracker({h});
  Announce(*tracker_, PeerAt(h, 7001, "10"));
  Announce(*tracker_, PeerAt(h, 7002, "0"));
  Announce(*tracker_, PeerAt(h, 7003, "10"));
  AnnounceReply r = Announce(*tracker_, PeerAt(h, 7004, "0"));
  EXPECT_EQ(r.complete, 2);
  EXPECT_EQ(r.incomplete, 2);
  EXPECT_EQ(r.downloaded, 0);
  ExpectIntervalRules(r);
  EXPECT_EQ(Ports(r.peers), (std::vector<std::uint16_t>{7001, 7003, 7004, 7002}));
  for (const auto& p : r.peers) EXPECT_EQ(p.ip, std::string("\x7f\x00\x00\x01", 4));
  ASSERT_TRUE(r.root);
  EXPECT_EQ(r.root->Keys(), (std::vector<std::string>{"complete", "downloaded", "incomplete", "interval",
                                                      "min interval", "peers"}));
  EXPECT_FALSE(r.has_peers6) << "a v4-only swarm has no peers6 key";
}

TEST_F(HttpAnnounceTest, StoppedRemovesThePeerAndAnswersWithoutDownloaded) {
  const std::string h = TestHash(2);
  StartTracker({h});
  Announce(*tracker_, PeerAt(h, 7101, "10"));
  Announce(*tracker_, PeerAt(h, 7102, "0"));
  test::Exchange ex = Request(*tracker_, AnnounceRequest(PeerAt(h, 7102, "0", "&event=stopped")));
  ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse);
  AnnounceReply stopped = DecodeAnnounce(ex.read.response.content);
  ASSERT_TRUE(stopped.root);
  EXPECT_EQ(stopped.root->Keys(),
            (std::vector<std::string>{"complete", "incomplete", "interval", "min interval", "peers"}));
  EXPECT_EQ(stopped.complete, 0);
  EXPECT_EQ(stopped.incomplete, 1);
  EXPECT_TRUE(stopped.peers.empty());
  EXPECT_NE(ex.read.response.content.find("5:peers0:e"), std::string::npos);
  ExpectIntervalRules(stopped);

  AnnounceReply after = Announce(*tracker_, PeerAt(h, 7101, "10"));
  EXPECT_EQ(after.complete, 0);
  EXPECT_EQ(after.incomplete, 1);
  EXPECT_EQ(Ports(after.peers), (std::vector<std::uint16_t>{7101}));

  // Stopping on a torrent that does not exist: zero counts, nothing created
  // (a scrape of it stays empty).
  const std::string unknown = TestHash(3);
  AnnounceReply none = Announce(*tracker_, PeerAt(unknown, 7103, "0", "&event=stopped"));
  EXPECT_EQ(none.complete, 0);
  EXPECT_EQ(none.incomplete, 0);
  test::Exchange scrape = Request(*tracker_, ScrapeRequest({unknown}));
  ASSERT_EQ(scrape.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_EQ(scrape.read.response.content, "d5:filesdee");
}

// Spec §5.3: a completed event counts once per peer lifetime, only with left=0.
TEST_F(HttpAnnounceTest, CompletedCountsOncePerPeerLifetime) {
  const std::string h = TestHash(4);
  StartTracker({h});
  Announce(*tracker_, PeerAt(h, 7201, "50"));
  EXPECT_EQ(Announce(*tracker_, PeerAt(h, 7201, "10", "&event=completed")).downloaded, 0)
      << "completed with left>0";
  EXPECT_EQ(Announce(*tracker_, PeerAt(h, 7201, "0", "&event=completed")).downloaded, 1);
  EXPECT_EQ(Announce(*tracker_, PeerAt(h, 7201, "0", "&event=completed")).downloaded, 1)
      << "the same peer again";
  EXPECT_EQ(Announce(*tracker_, PeerAt(h, 7202, "0", "&event=completed")).downloaded, 2) << "another peer";
  Announce(*tracker_, PeerAt(h, 7201, "0", "&event=stopped"));
  AnnounceReply back = Announce(*tracker_, PeerAt(h, 7201, "0", "&event=completed"));
  EXPECT_EQ(back.downloaded, 3) << "a stopped peer that comes back is new again";
  EXPECT_EQ(back.complete, 2);
  EXPECT_EQ(back.incomplete, 0);
}

TEST_F(HttpAnnounceTest, NumwantZeroSomeNegativeJunkAndDefault) {
  const std::string h = TestHash(5);
  StartTracker({h});
  std::set<Peer> swarm;
  for (int port = 7301; port <= 7305; ++port) {
    Announce(*tracker_, PeerAt(h, port, "10"));
    swarm.insert(MakePeer(Family::kV4, static_cast<std::uint16_t>(port)));
  }
  test::Exchange zero = Request(*tracker_, AnnounceRequest(PeerAt(h, 7301, "10", "&numwant=0")));
  ASSERT_EQ(zero.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_NE(zero.read.response.content.find("5:peers0:e"), std::string::npos)
      << "numwant=0 keeps DEB's empty peers key: " << test::Printable(zero.read.response.content);

  AnnounceReply two = Announce(*tracker_, PeerAt(h, 7301, "10", "&numwant=2"));
  ASSERT_EQ(two.peers.size(), 2u);
  EXPECT_NE(two.peers[0], two.peers[1]);
  for (const auto& p : two.peers) EXPECT_TRUE(swarm.count(p)) << p.ToString();

  EXPECT_EQ(Announce(*tracker_, PeerAt(h, 7301, "10", "&numwant=-5")).peers.size(), 5u)
      << "negative means 50";
  EXPECT_EQ(Announce(*tracker_, PeerAt(h, 7301, "10")).peers.size(), 5u) << "default 50";

  for (const char* bad : {"&numwant=abc", "&numwant="}) {
    test::Exchange ex = Request(*tracker_, AnnounceRequest(PeerAt(h, 7301, "10", bad)));
    ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse);
    EXPECT_EQ(ex.read.response.status_line, "HTTP/1.0 400 Invalid Request") << bad;
    EXPECT_EQ(ex.read.response.content, "<title>Invalid Request</title>\n") << bad;
  }
}

// numwant defaults to 50 and is capped at 200 (spec §11.3).
TEST_F(HttpAnnounceTest, NumwantDefaultIs50AndCapIs200) {
  const std::string h = TestHash(6);
  StartTracker({h});
  for (int i = 0; i < 210; ++i) Announce(*tracker_, PeerAt(h, 20000 + i, "10"));
  AnnounceReply capped = Announce(*tracker_, PeerAt(h, 20000, "10", "&numwant=100000"));
  EXPECT_EQ(capped.incomplete, 210);
  EXPECT_EQ(capped.peers.size(), 200u);
  std::set<Peer> distinct(capped.peers.begin(), capped.peers.end());
  EXPECT_EQ(distinct.size(), 200u);
  EXPECT_EQ(Announce(*tracker_, PeerAt(h, 20000, "10")).peers.size(), 50u);
}

TEST_F(HttpAnnounceTest, FailureReasonsForNonWhitelistedAndMissingHash) {
  StartTracker({TestHash(7)});
  test::Exchange denied = Request(*tracker_, AnnounceRequest(PeerAt(TestHash(8), 7401, "10")));
  ASSERT_EQ(denied.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_EQ(denied.read.response.status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(denied.read.response.content,
            "d14:failure reason63:Requested download is not authorized for use with this tracker.e");
  test::Exchange missing = Request(*tracker_, GetRequest("/announce?port=6881&left=0"));
  ASSERT_EQ(missing.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_EQ(missing.read.response.content,
            "d14:failure reason80:Your client forgot to send your torrent's info_hash. Please upgrade your "
            "client.e");
}

// Spec §11.2 / PORT-DECISIONS §4: one tracker, both families; HTTP replies
// carry v4 peers in "peers" and v6 peers in "peers6", counts are totals.
TEST_F(HttpAnnounceTest, DualStackSplitsPeersAndPeers6) {
  OT_SKIP_UNLESS_DUAL_STACK();
  const std::string h = TestHash(9);
  StartTracker({h}, /*dual_stack=*/true);
  Announce(*tracker_, PeerAt(h, 7501, "10"), Family::kV4);
  Announce(*tracker_, PeerAt(h, 7502, "0"), Family::kV4);
  Announce(*tracker_, PeerAt(h, 7511, "10"), Family::kV6);
  AnnounceReply v6 = Announce(*tracker_, PeerAt(h, 7512, "0"), Family::kV6);
  EXPECT_EQ(v6.complete, 2);
  EXPECT_EQ(v6.incomplete, 2);
  EXPECT_EQ(Ports(v6.peers), (std::vector<std::uint16_t>{7501, 7502}));
  EXPECT_EQ(Ports(v6.peers6), (std::vector<std::uint16_t>{7511, 7512}));
  for (const auto& p : v6.peers6) EXPECT_EQ(p, MakePeer(Family::kV6, p.port));

  AnnounceReply v4 = Announce(*tracker_, PeerAt(h, 7501, "10"), Family::kV4);
  EXPECT_EQ(Ports(v4.peers), (std::vector<std::uint16_t>{7501, 7502}));
  EXPECT_EQ(Ports(v4.peers6), (std::vector<std::uint16_t>{7511, 7512})) << "HTTP replies carry both families";
  ASSERT_TRUE(v4.root);
  EXPECT_EQ(v4.root->Keys().back(), "peers6");

  // numwant=0 from a v6 client: DEB's "5:peers0:" and no peers6.
  test::Exchange zero = Request(*tracker_, AnnounceRequest(PeerAt(h, 7511, "10", "&numwant=0")), Family::kV6);
  ASSERT_EQ(zero.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_NE(zero.read.response.content.find("e5:peers0:e"), std::string::npos)
      << test::Printable(zero.read.response.content);
  EXPECT_EQ(zero.read.response.content.find("peers6"), std::string::npos);

  // Stopped from a v6 client: HEAD's "6:peers60:"; counts after removal.
  test::Exchange stop6 =
      Request(*tracker_, AnnounceRequest(PeerAt(h, 7512, "0", "&event=stopped")), Family::kV6);
  ASSERT_EQ(stop6.read.outcome, test::ReadOutcome::kResponse);
  AnnounceReply s6 = DecodeAnnounce(stop6.read.response.content);
  EXPECT_EQ(s6.complete, 1);
  EXPECT_EQ(s6.incomplete, 2);
  EXPECT_NE(stop6.read.response.content.find("6:peers60:e"), std::string::npos)
      << test::Printable(stop6.read.response.content);
  test::Exchange stop4 =
      Request(*tracker_, AnnounceRequest(PeerAt(h, 7502, "0", "&event=stopped")), Family::kV4);
  ASSERT_EQ(stop4.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_NE(stop4.read.response.content.find("5:peers0:e"), std::string::npos);
}

// PORT-DECISIONS §4: compact=0 gets BEP 3 dictionaries with the same peers.
TEST_F(HttpAnnounceTest, CompactZeroGetsDictionaryPeers) {
  OT_SKIP_UNLESS_PORT("upstream answers compact=0 with 400");
  const std::string h = TestHash(10);
  StartTracker({h});
  Announce(*tracker_, PeerAt(h, 7601, "10"));
  AnnounceReply compact = Announce(*tracker_, PeerAt(h, 7602, "0"));
  AnnounceParams p = PeerAt(h, 7602, "0");
  test::Exchange ex =
      Request(*tracker_, AnnounceRequest(p).replace(AnnounceRequest(p).find("compact=1"), 9, "compact=0"));
  ASSERT_EQ(ex.read.outcome, test::ReadOutcome::kResponse);
  EXPECT_EQ(ex.read.response.status_line, "HTTP/1.1 200 OK");
  auto root = test::BDecodeAll(ex.read.response.content);
  ASSERT_TRUE(root) << test::Printable(ex.read.response.content);
  const test::BValue* peers = root->Find("peers");
  ASSERT_TRUE(peers && peers->IsList()) << test::Printable(ex.read.response.content);
  std::multiset<std::pair<std::string, std::int64_t>> got, want;
  for (const auto& d : peers->list) {
    ASSERT_TRUE(d.IsDict());
    EXPECT_EQ(d.Keys(), (std::vector<std::string>{"ip", "port"})) << "no peer id: it is not stored";
    const test::BValue* ip = d.Find("ip");
    const test::BValue* port = d.Find("port");
    ASSERT_TRUE(ip && ip->IsString() && port && port->IsInt());
    got.insert({ip->string, port->integer});
  }
  for (const auto& c : compact.peers) want.insert({"127.0.0.1", c.port});
  EXPECT_EQ(got, want);
  EXPECT_EQ(root->Find("complete")->integer, compact.complete);
  EXPECT_EQ(root->Find("incomplete")->integer, compact.incomplete);
}

}  // namespace
}  // namespace ot::integration
