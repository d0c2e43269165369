// File: access/access_list.hpp
// The info-hash white/blacklist (spec §8): the text format of the list file
// (-w/-b, access.whitelist/access.blacklist), the line format of the dynamic
// FIFO change-sets (access.fifo_add/access.fifo_delete) and the immutable
// sorted set they become. The loader reads the file and calls the parser; the
// service asks Contains() on every non-stopped announce. Parsing is pure. An
// AccessList is immutable once built, so any thread may read it concurrently.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "opentracker/core/types.hpp"

namespace ot::access {

// Immutable sorted set of info hashes, shared read-only between threads once built.
class AccessList {
 public:
  AccessList() = default;
  // Sorts and removes duplicates (upstream keeps them; a set answers the same).
  explicit AccessList(std::vector<InfoHash> hashes);

  // Binary search, as ot_accesslist.c.
  bool Contains(const InfoHash& hash) const noexcept;
  // Distinct hashes.
  std::size_t size() const noexcept { return hashes_.size(); }
  bool empty() const noexcept { return hashes_.empty(); }
  // Sorted ascending (bytewise), no duplicates; valid as long as the list lives.
  std::span<const InfoHash> hashes() const noexcept { return hashes_; }

 private:
  std::vector<InfoHash> hashes_;
};

struct AccessListParse {
  AccessList list;
  std::size_t accepted_lines = 0;  // duplicates included, so it may exceed list.size()
  std::size_t rejected_lines = 0;  // non-blank lines that were not accepted, '#' comments included
};

// Upstream's file rules (ot_accesslist.c): a line is accepted when it begins with
// exactly 40 hex digits (either case) followed by a non-hex byte or the end of the
// text; the rest of the line is ignored. Leading blanks, '#' lines, 41+ hex digits
// and fewer than 40 are rejected. Blank lines (only spaces, tabs, CR) are neither.
// Lines end at LF, so CRLF files work. Pure; never fails on any input.
AccessListParse ParseAccessList(std::string_view text);

// One FIFO change-set line: 40 hex digits at the start, then the end of the line,
// a blank (space, tab, CR, LF) or '#' and anything after it. nullopt for anything
// else (leading blanks, 41 hex digits, short or junk lines). `line` may include its LF.
std::optional<InfoHash> ParseAccessListLine(std::string_view line) noexcept;

}  // namespace ot::access
