// File: stats/scrape_formats.hpp
// The record layouts of full scrapes (GET /scrape), of /stats?mode=tpbs
// (format=ben|txt|txtp|bin|url) and of /stats?mode=statedump (spec §7.1,
// §10.1), one torrent at a time so the work module can stream a dump in
// chunks while it walks the store: prefix, then a record per torrent in hash
// order, then suffix. Pure appenders into a caller-owned string; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "opentracker/core/replies.hpp"
#include "opentracker/core/types.hpp"

namespace ot::stats {

enum class DumpFormat : std::uint8_t {
  kBencode,   // "d5:filesd" + "20:<hash>d8:completei<s>e10:downloadedi<d>e10:incompletei<l>ee"... + "ee"
  kText,      // "<HASH>:<seeders>:<leechers>\n"
  kTextPlus,  // "<HASH>:<seeders>:<leechers>:<downloaded>\n"
  kBinary,    // 20 hash bytes, seeders and leechers as u32 big-endian (28 bytes)
  kUrl,       // "<url-encoded hash>:<seeders>:<leechers>\n"
  kStatedump  // "<HASH>:<base minutes>:<downloaded>\n" (statedump.hpp parses it back)
};
// <HASH> is 40 uppercase hex digits. The url encoding keeps A-Z a-z 0-9 and
// $ / . = ~ - _ and writes every other byte as %xx in lowercase hex, as
// upstream's fmt_urlencoded in ot_fullscrape.c.

// The `format=` keyword of mode=tpbs: "ben", "txt", "txtp", "bin", "url"
// (exact match); anything else -> nullopt, which the caller answers with 400.
// kStatedump has no keyword: it is mode=statedump.
std::optional<DumpFormat> ParseDumpFormat(std::string_view keyword) noexcept;

// Appends what comes before the first record ("d5:filesd" for bencode,
// nothing for the others).
void AppendDumpPrefix(DumpFormat format, std::string& out);
// Appends one torrent's record. `base_minutes` is only used by kStatedump,
// downloaded only by kBencode, kTextPlus and kStatedump.
void AppendDumpRecord(DumpFormat format, const InfoHash& hash, const SwarmCounts& counts,
                      std::uint32_t base_minutes, std::string& out);
// Appends what comes after the last record ("ee" for bencode, nothing else).
void AppendDumpSuffix(DumpFormat format, std::string& out);

// Upper bound of the bytes AppendDumpRecord appends for any torrent, so a
// streaming writer can start a new chunk before it runs out of room.
inline constexpr std::size_t kMaxDumpRecordSize = 120;

}  // namespace ot::stats
