#include "opentracker/service/udp_connection_id.hpp"

#include <gtest/gtest.h>

#include <set>

namespace ot::service {
namespace {

// Deterministic secrets: 1, 2, 3, ... so tests can count rotations.
struct CountingSource {
  int* calls;
  void operator()(std::array<std::uint8_t, 16>& out) const {
    ++*calls;
    out.fill(static_cast<std::uint8_t>(*calls));
  }
};

constexpr std::int64_t kT0 = 1'800'000'000;  // a 2027 timestamp

IpAddress Client(std::uint8_t last) { return IpAddress::FromV4(10, 0, 0, last); }

TEST(ConnectionIdTest, IssuedIdVerifiesForTheSameAddress) {
  ConnectionIdIssuer issuer(1800);
  ConnectionIdIssuer::Cache cache;
  proto::ConnectionId id = issuer.Issue(Client(1), TimePoint{kT0}, cache);
  EXPECT_TRUE(issuer.Verify(id, Client(1), TimePoint{kT0}, cache));
  EXPECT_FALSE(issuer.Verify(id, Client(2), TimePoint{kT0}, cache));
}

TEST(ConnectionIdTest, AnyThreadCacheVerifies) {
  ConnectionIdIssuer issuer(1800);
  ConnectionIdIssuer::Cache a;
  ConnectionIdIssuer::Cache b;
  proto::ConnectionId id = issuer.Issue(Client(1), TimePoint{kT0}, a);
  EXPECT_TRUE(issuer.Verify(id, Client(1), TimePoint{kT0 + 5}, b));
}

TEST(ConnectionIdTest, ValidForAtLeastTwoMinutesWithTheShortestLifetime) {
  ConnectionIdIssuer issuer(60);  // clamped up to the BEP 15 minimum
  ConnectionIdIssuer::Cache cache;
  proto::ConnectionId id = issuer.Issue(Client(1), TimePoint{kT0}, cache);
  EXPECT_TRUE(issuer.Verify(id, Client(1), TimePoint{kT0 + 120}, cache));
  EXPECT_FALSE(issuer.Verify(id, Client(1), TimePoint{kT0 + 60 * 4}, cache));
}

TEST(ConnectionIdTest, ExpiresAfterTheConfiguredLifetime) {
  ConnectionIdIssuer issuer(1800);
  ConnectionIdIssuer::Cache cache;
  const std::int64_t issued = kT0 - kT0 % 60;  // start of a slot
  proto::ConnectionId id = issuer.Issue(Client(1), TimePoint{issued}, cache);
  for (std::int64_t age = 0; age < 1800; age += 37) {
    EXPECT_TRUE(issuer.Verify(id, Client(1), TimePoint{issued + age}, cache)) << age;
  }
  EXPECT_FALSE(issuer.Verify(id, Client(1), TimePoint{issued + 1800 + 60}, cache));
  EXPECT_FALSE(issuer.Verify(id, Client(1), TimePoint{issued + 86400}, cache));
}

TEST(ConnectionIdTest, SecretsRotateEveryLifetimeAndOldOnesAreForgotten) {
  int calls = 0;
  ConnectionIdIssuer issuer(600, CountingSource{&calls});
  ConnectionIdIssuer::Cache cache;
  for (std::int64_t t = 0; t < 3600; t += 30) issuer.Issue(Client(1), TimePoint{kT0 + t}, cache);
  // An hour of ten-minute epochs: six or seven secrets, never one per call.
  EXPECT_GE(calls, 6);
  EXPECT_LE(calls, 7);
}

TEST(ConnectionIdTest, ForgedOrFlippedIdsAreRejected) {
  ConnectionIdIssuer issuer(1800);
  ConnectionIdIssuer::Cache cache;
  proto::ConnectionId id = issuer.Issue(Client(7), TimePoint{kT0}, cache);
  for (std::size_t byte = 0; byte < id.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      proto::ConnectionId bad = id;
      bad[byte] ^= static_cast<std::uint8_t>(1 << bit);
      EXPECT_FALSE(issuer.Verify(bad, Client(7), TimePoint{kT0}, cache)) << byte << ":" << bit;
    }
  }
  EXPECT_FALSE(issuer.Verify(proto::ConnectionId{}, Client(7), TimePoint{kT0}, cache));
}

TEST(ConnectionIdTest, DifferentProcessesGiveDifferentIds) {
  ConnectionIdIssuer a(1800);
  ConnectionIdIssuer b(1800);
  ConnectionIdIssuer::Cache ca;
  ConnectionIdIssuer::Cache cb;
  proto::ConnectionId id = a.Issue(Client(1), TimePoint{kT0}, ca);
  EXPECT_FALSE(b.Verify(id, Client(1), TimePoint{kT0}, cb));
}

TEST(ConnectionIdTest, IdsLookRandomAcrossAddresses) {
  ConnectionIdIssuer issuer(1800);
  ConnectionIdIssuer::Cache cache;
  std::set<proto::ConnectionId> seen;
  for (int i = 0; i < 256; ++i) seen.insert(issuer.Issue(Client(static_cast<std::uint8_t>(i)), TimePoint{kT0}, cache));
  EXPECT_EQ(seen.size(), 256u);
}

}  // namespace
}  // namespace ot::service
