#include "opentracker/tracker/torrent_store.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace ot::tracker {
namespace {

constexpr std::uint32_t kNow = 29'000'000;  // minutes, a 2025-ish date

InfoHash Hash(std::uint8_t fill) {
  InfoHash h;
  h.bytes.fill(fill);
  return h;
}

PeerEndpoint V4(std::uint16_t port, std::uint8_t last = 1) { return {IpAddress::FromV4(127, 0, 0, last), port}; }

PeerEndpoint V6(std::uint16_t port) {
  std::array<std::uint8_t, 16> ip{};
  ip[15] = 1;
  return {IpAddress::FromV6(ip), port};
}

// Announce helper collecting the reply's peers as "port" lists.
struct Reply {
  AnnounceOutcome outcome;
  std::vector<std::uint16_t> ports4;
  std::vector<std::uint16_t> ports6;
};

class StoreTest : public ::testing::Test {
 protected:
  Reply Announce(const InfoHash& h, const PeerEndpoint& p, std::uint8_t flags, std::uint32_t numwant = 50,
                 bool own_family = false, std::uint32_t now = kNow) {
    std::array<std::uint8_t, 200 * 6> b4{};
    std::array<std::uint8_t, 200 * 18> b6{};
    Reply r;
    r.outcome = store_.Announce(h, p, flags, now, PeerWant{numwant, own_family}, rng_, PeerBuffers{b4, b6});
    for (std::size_t i = 0; i < r.outcome.peers4_written; ++i) {
      r.ports4.push_back(static_cast<std::uint16_t>(b4[i * 6 + 4] << 8 | b4[i * 6 + 5]));
    }
    for (std::size_t i = 0; i < r.outcome.peers6_written; ++i) {
      r.ports6.push_back(static_cast<std::uint16_t>(b6[i * 18 + 16] << 8 | b6[i * 18 + 17]));
    }
    return r;
  }

  TorrentStore store_;
  Rng rng_{42};
};

TEST_F(StoreTest, FirstAnnounceCreatesTorrentAndReturnsTheAnnouncer) {
  Reply r = Announce(Hash(1), V4(7000), 0);
  EXPECT_TRUE(r.outcome.torrent_created);
  EXPECT_TRUE(r.outcome.peer_created);
  EXPECT_EQ(r.outcome.counts, (SwarmCounts{0, 1, 0}));
  EXPECT_EQ(r.ports4, std::vector<std::uint16_t>{7000});
  EXPECT_EQ(store_.TorrentCount(), 1u);
  EXPECT_EQ(store_.PeerCount(), 1u);
}

// The order of golden cases 13 and 17-22 (http-B-main): leechers in address
// order first, then seeders in reverse address order.
TEST_F(StoreTest, ReplyOrderMatchesUpstream) {
  InfoHash h = Hash(1);
  Announce(h, V4(7000), 0);
  EXPECT_EQ(Announce(h, V4(6881), 0).ports4, (std::vector<std::uint16_t>{6881, 7000}));
  EXPECT_EQ(Announce(h, V4(6882), kPeerSeeding).ports4, (std::vector<std::uint16_t>{6881, 7000, 6882}));
  EXPECT_EQ(Announce(h, V4(6883), 0).ports4, (std::vector<std::uint16_t>{6881, 6883, 7000, 6882}));
  // completed while still leeching: ignored
  Reply r = Announce(h, V4(6881), kPeerCompleted);
  EXPECT_FALSE(r.outcome.completed);
  EXPECT_EQ(r.outcome.counts, (SwarmCounts{1, 3, 0}));
  // completed with left=0: counted, becomes a seeder
  r = Announce(h, V4(6881), kPeerCompleted | kPeerSeeding);
  EXPECT_TRUE(r.outcome.completed);
  EXPECT_EQ(r.outcome.counts, (SwarmCounts{2, 2, 1}));
  EXPECT_EQ(r.ports4, (std::vector<std::uint16_t>{6883, 7000, 6882, 6881}));
  // again: counted once per peer lifetime
  r = Announce(h, V4(6881), kPeerCompleted | kPeerSeeding);
  EXPECT_FALSE(r.outcome.completed);
  EXPECT_EQ(r.outcome.counts.downloaded, 1u);
  EXPECT_EQ(r.outcome.previous_age, 0);
}

TEST_F(StoreTest, CompletedFlagSticksAcrossPlainAnnounces) {
  InfoHash h = Hash(2);
  Announce(h, V4(1), kPeerCompleted | kPeerSeeding);
  Announce(h, V4(1), kPeerSeeding);
  Reply r = Announce(h, V4(1), kPeerCompleted | kPeerSeeding);
  EXPECT_FALSE(r.outcome.completed);
  EXPECT_EQ(r.outcome.counts.downloaded, 1u);
}

TEST_F(StoreTest, SeederLeecherTransitionsKeepCounts) {
  InfoHash h = Hash(3);
  Announce(h, V4(1), kPeerSeeding);
  EXPECT_EQ(Announce(h, V4(1), 0).outcome.counts, (SwarmCounts{0, 1, 0}));
  EXPECT_EQ(Announce(h, V4(1), kPeerSeeding).outcome.counts, (SwarmCounts{1, 0, 0}));
}

TEST_F(StoreTest, StopRemovesPeerButKeepsTorrent) {
  InfoHash h = Hash(4);
  Announce(h, V4(1), kPeerSeeding);
  Announce(h, V4(2), 0);
  StopOutcome s = store_.Stop(h, V4(1), kNow);
  EXPECT_TRUE(s.removed);
  EXPECT_EQ(s.counts, (SwarmCounts{0, 1, 0}));
  s = store_.Stop(h, V4(1), kNow);
  EXPECT_FALSE(s.removed);
  store_.Stop(h, V4(2), kNow);
  EXPECT_EQ(store_.TorrentCount(), 1u);
  EXPECT_EQ(store_.PeerCount(), 0u);
}

TEST_F(StoreTest, StopOnUnknownTorrentCreatesNothing) {
  StopOutcome s = store_.Stop(Hash(5), V4(1), kNow);
  EXPECT_FALSE(s.removed);
  EXPECT_EQ(s.counts, SwarmCounts{});
  EXPECT_EQ(store_.TorrentCount(), 0u);
}

TEST_F(StoreTest, PeersAreKeyedByAddressAndPortPerFamily) {
  InfoHash h = Hash(6);
  Announce(h, V4(1, 1), 0);
  Announce(h, V4(1, 2), 0);
  Announce(h, V6(1), 0);
  Reply r = Announce(h, V4(1, 1), 0);
  EXPECT_FALSE(r.outcome.peer_created);
  EXPECT_EQ(r.outcome.counts.leechers, 3u);
  EXPECT_EQ(r.ports4.size(), 2u);
  EXPECT_EQ(r.ports6.size(), 1u);
}

TEST_F(StoreTest, ScrapeCountsAndUnknown) {
  InfoHash h = Hash(7);
  EXPECT_FALSE(store_.Scrape(h, kNow).has_value());
  Announce(h, V4(1), kPeerSeeding | kPeerCompleted);
  Announce(h, V6(2), 0);
  auto c = store_.Scrape(h, kNow);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*c, (SwarmCounts{1, 1, 1}));
}

TEST_F(StoreTest, PeersTimeOutAfter45Minutes) {
  InfoHash h = Hash(8);
  Announce(h, V4(1), 0, 50, false, kNow);
  Announce(h, V4(2), 0, 50, false, kNow + 30);  // peer 1 is 30 min old now
  store_.CleanShard(TorrentStore::ShardOf(h), kNow + 44);
  EXPECT_EQ(store_.Scrape(h, kNow + 44)->leechers, 2u);
  store_.CleanShard(TorrentStore::ShardOf(h), kNow + 45);  // peer 1 reaches 45
  EXPECT_EQ(store_.Scrape(h, kNow + 45)->leechers, 1u);
  EXPECT_EQ(store_.PeerCount(), 1u);
}

TEST_F(StoreTest, EmptyTorrentWithoutHistoryIsDeletedOnTheSecondClean) {
  InfoHash h = Hash(9);
  Announce(h, V4(1), 0);
  store_.Stop(h, V4(1), kNow);
  std::size_t shard = TorrentStore::ShardOf(h);
  EXPECT_EQ(store_.CleanShard(shard, kNow + 2).torrents_removed, 0u);  // dated back 45 minutes
  EXPECT_EQ(store_.CleanShard(shard, kNow + 4).torrents_removed, 1u);
  EXPECT_EQ(store_.TorrentCount(), 0u);
}

TEST_F(StoreTest, TorrentWithCompletionsIsKeptForADay) {
  InfoHash h = Hash(10);
  Announce(h, V4(1), kPeerSeeding | kPeerCompleted);
  std::size_t shard = TorrentStore::ShardOf(h);
  store_.CleanShard(shard, kNow + 50);  // the peer times out, base dated back to now-45
  EXPECT_EQ(store_.PeerCount(), 0u);
  store_.CleanShard(shard, kNow + 60);
  EXPECT_EQ(store_.TorrentCount(), 1u);
  store_.CleanShard(shard, kNow + 5 + 24 * 60);  // exactly 1440 minutes after its base: kept
  EXPECT_EQ(store_.TorrentCount(), 1u);
  store_.CleanShard(shard, kNow + 6 + 24 * 60);  // more than 1440 minutes
  EXPECT_EQ(store_.TorrentCount(), 0u);
}

TEST_F(StoreTest, ScrapeRunsThePerTorrentCleanAndMayDelete) {
  InfoHash h = Hash(11);
  Announce(h, V4(1), 0);
  EXPECT_FALSE(store_.Scrape(h, kNow + 24 * 60 + 1).has_value());
  EXPECT_EQ(store_.TorrentCount(), 0u);
}

TEST_F(StoreTest, RestoreStoresCountOnceAndNeverOverwrites) {
  InfoHash h = Hash(12);
  EXPECT_TRUE(store_.Restore(h, kNow - 10, 7));
  EXPECT_FALSE(store_.Restore(h, kNow, 99));
  EXPECT_EQ(*store_.Scrape(h, kNow), (SwarmCounts{0, 0, 7}));
  Reply r = Announce(h, V4(1), kPeerSeeding);
  EXPECT_EQ(r.outcome.counts, (SwarmCounts{1, 0, 7}));
}

TEST_F(StoreTest, RestoredTorrentWithoutCompletionsAgesAway) {
  InfoHash h = Hash(13);
  store_.Restore(h, kNow - 100, 0);
  store_.CleanShard(TorrentStore::ShardOf(h), kNow);
  EXPECT_EQ(store_.TorrentCount(), 0u);
}

TEST_F(StoreTest, HttpSplitsNumwantBetweenFamiliesLikeHead) {
  InfoHash h = Hash(14);
  for (std::uint16_t p = 1; p <= 4; ++p) Announce(h, V4(p), 0);
  Announce(h, V6(1), 0);
  Reply r = Announce(h, V6(2), kPeerSeeding, 2);  // golden upstream-head http-v6 803
  EXPECT_EQ(r.ports4.size(), 1u);
  EXPECT_EQ(r.ports6.size(), 1u);
  r = Announce(h, V6(2), kPeerSeeding, 0);
  EXPECT_EQ(r.ports4.size() + r.ports6.size(), 0u);
  r = Announce(h, V6(2), kPeerSeeding, 50);
  EXPECT_EQ(r.ports4.size(), 4u);
  EXPECT_EQ(r.ports6.size(), 2u);
}

TEST_F(StoreTest, UdpReturnsOnlyTheRequestersFamily) {
  InfoHash h = Hash(15);
  Announce(h, V4(1), 0);
  Announce(h, V6(1), 0);
  Reply r = Announce(h, V4(2), 0, 200, true);
  EXPECT_EQ(r.ports4.size(), 2u);
  EXPECT_EQ(r.ports6.size(), 0u);
  EXPECT_EQ(r.outcome.counts.leechers, 3u);
}

TEST_F(StoreTest, RandomSubsetIsDistinctAndSized) {
  InfoHash h = Hash(16);
  for (std::uint16_t p = 1; p <= 300; ++p) Announce(h, V4(p), p % 3 == 0 ? kPeerSeeding : 0);
  for (std::uint32_t want : {1u, 2u, 7u, 50u, 199u, 200u}) {
    Reply r = Announce(h, V4(1), 0, want);
    ASSERT_EQ(r.ports4.size(), want);
    std::set<std::uint16_t> distinct(r.ports4.begin(), r.ports4.end());
    EXPECT_EQ(distinct.size(), want);
    for (std::uint16_t p : r.ports4) EXPECT_TRUE(p >= 1 && p <= 300);
  }
}

TEST_F(StoreTest, RandomSubsetCoversTheWholeSwarmOverTime) {
  InfoHash h = Hash(17);
  for (std::uint16_t p = 1; p <= 100; ++p) Announce(h, V4(p), 0);
  std::set<std::uint16_t> seen;
  for (int i = 0; i < 200; ++i) {
    for (std::uint16_t p : Announce(h, V4(1), 0, 5).ports4) seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST_F(StoreTest, OutputBufferBoundsThePeersWritten) {
  InfoHash h = Hash(18);
  for (std::uint16_t p = 1; p <= 10; ++p) Announce(h, V4(p), 0);
  std::array<std::uint8_t, 3 * 6> b4{};
  AnnounceOutcome o = store_.Announce(h, V4(1), 0, kNow, PeerWant{50, true}, rng_, PeerBuffers{b4, {}});
  EXPECT_EQ(o.peers4_written, 3u);
}

TEST(StoreLimitsTest, TorrentAndPeerCapsAreHonoured) {
  TorrentStore store(StoreLimits{2, 3});
  Rng rng(1);
  std::array<std::uint8_t, 60> b4{};
  auto announce = [&](std::uint8_t h, std::uint16_t port) {
    return store.Announce(Hash(h), V4(port), 0, kNow, PeerWant{}, rng, PeerBuffers{b4, {}});
  };
  EXPECT_EQ(announce(1, 1).status, AnnounceOutcome::Status::kOk);
  EXPECT_EQ(announce(2, 1).status, AnnounceOutcome::Status::kOk);
  EXPECT_EQ(announce(3, 1).status, AnnounceOutcome::Status::kTorrentLimit);
  EXPECT_TRUE(announce(1, 2).peer_created);
  AnnounceOutcome capped = announce(1, 3);
  EXPECT_TRUE(capped.peer_dropped);
  EXPECT_EQ(store.PeerCount(), 3u);
  EXPECT_FALSE(announce(1, 1).peer_dropped);  // re-announces still work at the cap
}

TEST(StoreVisitTest, VisitsTorrentsInHashOrderAcrossShards) {
  TorrentStore store;
  Rng rng(1);
  std::array<std::uint8_t, 60> b4{};
  for (int v : {0xff, 0x01, 0x80, 0x7f, 0x02}) {
    store.Announce(Hash(static_cast<std::uint8_t>(v)), V4(1), 0, kNow, PeerWant{}, rng, PeerBuffers{b4, {}});
  }
  std::vector<std::uint8_t> order;
  for (std::size_t s = 0; s < TorrentStore::kShardCount; ++s) {
    store.VisitShard(s, [&](const TorrentView& t) { order.push_back(t.info_hash.bytes[0]); });
  }
  EXPECT_EQ(order, (std::vector<std::uint8_t>{0x01, 0x02, 0x7f, 0x80, 0xff}));
}

// Bounded concurrent use: counts must add up exactly afterwards.
TEST(StoreConcurrencyTest, ParallelAnnouncesAndCleansStayConsistent) {
  TorrentStore store;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, t] {
      Rng rng(static_cast<std::uint32_t>(t));
      std::array<std::uint8_t, 50 * 6> b4{};
      for (int i = 0; i < kPerThread; ++i) {
        InfoHash h = Hash(static_cast<std::uint8_t>(i % 64));
        store.Announce(h, V4(static_cast<std::uint16_t>(i), static_cast<std::uint8_t>(t)), kPeerSeeding, kNow,
                       PeerWant{}, rng, PeerBuffers{b4, {}});
        if (i % 100 == 0) store.CleanShard(TorrentStore::ShardOf(h), kNow);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::uint64_t peers = 0;
  std::uint64_t torrents = 0;
  for (std::size_t s = 0; s < TorrentStore::kShardCount; ++s) {
    store.VisitShard(s, [&](const TorrentView& v) {
      ++torrents;
      peers += v.peers4.size() + v.peers6.size();
      EXPECT_EQ(v.counts.seeders, v.peers4.size() + v.peers6.size());
    });
  }
  EXPECT_EQ(torrents, 64u);
  EXPECT_EQ(peers, static_cast<std::uint64_t>(kThreads) * kPerThread);
  EXPECT_EQ(store.PeerCount(), peers);
  EXPECT_EQ(store.TorrentCount(), torrents);
}

}  // namespace
}  // namespace ot::tracker

namespace ot::tracker {
namespace {

// The compact lists: a lone IPv4 peer lives inside the torrent, the second
// moves both to the heap and back; the IPv6 block appears and goes away.
TEST(StoreCompactListsTest, GrowAndShrinkThroughEveryShape) {
  TorrentStore store;
  Rng rng(3);
  std::array<std::uint8_t, 200 * 6> b4{};
  std::array<std::uint8_t, 200 * 18> b6{};
  const InfoHash h = Hash(0x42);
  auto announce = [&](const PeerEndpoint& p, std::uint8_t flags) {
    return store.Announce(h, p, flags, kNow, PeerWant{200, false}, rng, PeerBuffers{b4, b6});
  };
  for (int round = 0; round < 3; ++round) {
    for (std::uint16_t p = 1; p <= 40; ++p) {
      AnnounceOutcome o = announce(V4(p), p % 2 ? kPeerSeeding : 0);
      EXPECT_EQ(o.peers4_written, p);
      o = announce(V6(p), p % 3 ? 0 : kPeerSeeding);
      EXPECT_EQ(o.peers6_written, p);
    }
    EXPECT_EQ(*store.Scrape(h, kNow), (SwarmCounts{20 + 13, 80 - 33, 0}));
    for (std::uint16_t p = 40; p >= 1; --p) {
      store.Stop(h, V4(p), kNow);
      StopOutcome s = store.Stop(h, V6(p), kNow);
      EXPECT_EQ(s.counts.seeders + s.counts.leechers, 2u * (p - 1u));
    }
    EXPECT_EQ(store.PeerCount(), 0u);
  }
  // One of each family again, then ageing empties both.
  announce(V4(7), 0);
  announce(V6(7), kPeerSeeding);
  EXPECT_EQ(store.CleanShard(TorrentStore::ShardOf(h), kNow + kPeerTimeoutMinutes).peers_removed, 2u);
  EXPECT_EQ(store.PeerCount(), 0u);
}

}  // namespace
}  // namespace ot::tracker
