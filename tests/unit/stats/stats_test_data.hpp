// Shared by the stats unit tests: the torrents of the golden captures, golden
// response bodies (de-chunked, gunzipped), and counter helpers.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "opentracker/core/replies.hpp"
#include "opentracker/core/types.hpp"
#include "opentracker/stats/snapshot.hpp"
#include "support/golden.hpp"
#include "support/net_http_message.hpp"

namespace ot::stats::test_data {

inline InfoHash Filled(std::uint8_t byte) {
  InfoHash h;
  h.bytes.fill(byte);
  return h;
}

inline InfoHash FromText(std::string_view twenty) {
  InfoHash h;
  EXPECT_EQ(twenty.size(), kInfoHashSize);
  std::memcpy(h.bytes.data(), twenty.data(), kInfoHashSize);
  return h;
}

// The hashes the probes announced.
inline InfoHash H0102() {
  InfoHash h;
  for (std::size_t i = 0; i < kInfoHashSize; ++i) h.bytes[i] = static_cast<std::uint8_t>(i + 1);
  return h;
}
inline InfoHash HSt() { return FromText("ABCDEFGHIJKLMNOPQRST"); }
inline InfoHash HPlusT() { return FromText("ABCDEFGHIJKLMNOPQR+T"); }

struct Torrent {
  InfoHash hash;
  SwarmCounts counts;  // seeders, leechers, downloaded
  std::uint32_t base_minutes = 0;
};

// DEB (http-B-main 85..121): three torrents, hash order.
inline std::vector<Torrent> DebMainTorrents() {
  constexpr std::uint32_t kBase = 29930382;
  return {{H0102(), {1, 3, 1}, kBase}, {HSt(), {3, 7, 0}, kBase}, {Filled(0xdd), {1, 0, 0}, kBase}};
}

// DEB after the cross probes (http-B-cross 509, 510).
inline std::vector<Torrent> DebCrossTorrents() {
  constexpr std::uint32_t kBase = 29930382;
  return {{H0102(), {1, 3, 1}, kBase},
          {HSt(), {3, 7, 0}, kBase},
          {Filled(0xaa), {1, 3, 1}, kBase},
          {Filled(0xdd), {1, 0, 0}, kBase}};
}

// HEAD (upstream-head-localbuild/http-v4 119..125): eight torrents.
inline std::vector<Torrent> HeadMainTorrents() {
  constexpr std::uint32_t kBase = 29930384;
  return {{H0102(), {1, 3, 1}, kBase},      {HPlusT(), {0, 1, 0}, kBase},
          {HSt(), {3, 7, 0}, kBase},        {Filled(0x55), {1, 0, 14}, kBase},
          {Filled(0x99), {0, 1, 0}, kBase}, {Filled(0xdd), {1, 0, 0}, kBase},
          {Filled(0xee), {0, 1, 0}, kBase}, {Filled(0xff), {0, 1, 0}, kBase}};
}

// HEAD after the cross probes (http-v4-cross 508..510).
inline std::vector<Torrent> HeadCrossTorrents() {
  constexpr std::uint32_t kOld = 29930384;
  constexpr std::uint32_t kNew = 29930385;
  return {{H0102(), {1, 4, 1}, kNew},       {HPlusT(), {0, 1, 0}, kOld},     {HSt(), {3, 7, 0}, kOld},
          {Filled(0x55), {1, 0, 14}, kOld}, {Filled(0x99), {0, 2, 0}, kNew}, {Filled(0xaa), {2, 5, 2}, kNew},
          {Filled(0xdd), {1, 0, 0}, kOld},  {Filled(0xee), {0, 1, 0}, kOld}, {Filled(0xff), {0, 1, 0}, kOld}};
}

// The decoded body (de-chunked, gunzipped) of a golden response.
inline std::string GoldenContent(std::string_view relative) {
  const std::string raw = ot::test::ReadGolden(relative);
  const ot::test::ParseResult parsed = ot::test::ParseHttpResponse(raw, true);
  EXPECT_EQ(parsed.status, ot::test::ParseStatus::kComplete) << relative << ": " << parsed.error;
  return parsed.response.content;
}

inline void Set(StatsContext& context, Counter counter, std::uint64_t value) {
  context.counters.scalars[static_cast<std::size_t>(counter)] = value;
}

inline void SetHttpErrors(StatsContext& context, const std::vector<std::uint64_t>& values) {
  std::size_t i = 0;
  for (std::uint64_t v : values) context.counters.http_errors.at(i++) = v;
}

}  // namespace ot::stats::test_data
