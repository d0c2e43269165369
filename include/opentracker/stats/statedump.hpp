// File: stats/statedump.hpp
// The state file: what mode=statedump writes (one line per torrent, hash
// order, through scrape_formats.hpp's kStatedump) and what -l FILE /
// tracker.statefile reads back at start-up (spec §10.1). Pure; the app reads
// the file, this parses its text. Any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "opentracker/core/types.hpp"

namespace ot::stats {

struct StatedumpRecord {
  InfoHash info_hash;
  std::uint32_t base_minutes = 0;  // minutes since the epoch of the torrent's last activity
  std::uint32_t downloaded = 0;

  friend bool operator==(const StatedumpRecord&, const StatedumpRecord&) = default;
};

// Appends "<40 uppercase hex>:<base_minutes>:<downloaded>\n".
void AppendStatedumpLine(const StatedumpRecord& record, std::string& out);

// Reads a state file's text. A good line is exactly 40 hex digits (either
// case), ':', a decimal base minute, ':', a decimal downloaded count, then
// '\n', "\r\n" or the end of the text; each number is 1+ ASCII digits whose
// value fits 32 bits (leading zeros allowed, no sign, no blanks). Empty lines
// (also a lone "\r") are skipped silently. Anything else is malformed, skipped
// and counted; upstream's lenient hex (a bad pair keeps a stale byte) is not
// copied. Calls `on_record` for each good line in file order and returns the
// number of malformed lines. No allocation, never throws on its own (only
// what `on_record` throws passes through), linear in the text's size.
std::size_t ParseStatedump(std::string_view text,
                           const std::function<void(const StatedumpRecord&)>& on_record);

}  // namespace ot::stats
