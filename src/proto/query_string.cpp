// Query walks for announce, scrape and stats, as ot_http.c's
// http_handle_announce / _scrape / _stats (spec §3.3, §3.5, §3.6, §6).
#include "opentracker/proto/query_string.hpp"

#include <cstring>

#include "opentracker/proto/ip_text.hpp"
#include "proto/url_classes.hpp"

namespace ot::proto {
namespace {

using internal::BoundedToken;
using internal::ScanResult;
using internal::ScanStatus;
using internal::UrlCursor;

// Longest known key is "info_hash"; a longer decoded key matches nothing.
using KeyToken = BoundedToken<16>;

// scan_fixed_int over a decoded value, fed byte by byte: optional '-', then
// digits in 32-bit wrapping arithmetic (no overflow check, as upstream);
// anything after the first non-digit makes it malformed.
struct FixedInt {
  std::uint32_t magnitude = 0;
  std::size_t seen = 0;
  bool negative = false;
  bool malformed = false;

  void operator()(std::uint8_t c) noexcept {
    const bool first = seen++ == 0;
    if (malformed) return;
    if (first && c == '-') {
      negative = true;
    } else if (c >= '0' && c <= '9') {
      magnitude = magnitude * 10u + static_cast<std::uint32_t>(c - '0');
    } else {
      malformed = true;
    }
  }
  std::int32_t Value() const noexcept {
    const std::uint32_t bits = negative ? 0u - magnitude : magnitude;
    return static_cast<std::int32_t>(bits);
  }
};

// Exactly 20 decoded bytes, or not valid.
struct Hash20 {
  std::uint8_t bytes[kInfoHashSize] = {};
  std::size_t size = 0;

  void operator()(std::uint8_t c) noexcept {
    if (size < kInfoHashSize) bytes[size] = c;
    ++size;
  }
};

enum class AnnounceKey : std::uint8_t {
  kUnknown, kPort, kLeft, kEvent, kNumwant, kCompact, kInfoHash, kIp, kPeerId, kLognet
};

AnnounceKey MatchAnnounceKey(const KeyToken& key, const AnnounceQueryOptions& options) noexcept {
  if (key.Equals("info_hash")) return AnnounceKey::kInfoHash;
  if (key.Equals("peer_id")) return AnnounceKey::kPeerId;
  if (key.Equals("port")) return AnnounceKey::kPort;
  if (key.Equals("left")) return AnnounceKey::kLeft;
  if (key.Equals("event")) return AnnounceKey::kEvent;
  if (key.Equals("numwant")) return AnnounceKey::kNumwant;
  if (key.Equals("compact") || key.Equals("compact6")) return AnnounceKey::kCompact;
  if (options.parse_ip && key.Equals("ip")) return AnnounceKey::kIp;
  if (options.parse_lognet && key.Equals("lognet")) return AnnounceKey::kLognet;
  return AnnounceKey::kUnknown;
}

// The integer keys' rule: an empty value ("len <= 0") or junk is 400. nullopt
// means 400; `left` is the exception and is handled by its caller.
std::optional<FixedInt> ScanInt(UrlCursor& cursor) noexcept {
  FixedInt value;
  const ScanResult scan = internal::ScanUrlEncoded(cursor, internal::kInValue, value);
  if (scan.status != ScanStatus::kOk || scan.length == 0) return std::nullopt;
  return value;
}

// Upstream's three-way key scan result (scan_find_keywords): end of query,
// parse error, or a key (possibly empty, which matches nothing).
enum class KeyScan : std::uint8_t { kEnd, kError, kKey };

KeyScan ScanKey(UrlCursor& cursor, KeyToken& key) noexcept {
  key = KeyToken{};
  const ScanResult scan = internal::ScanUrlEncoded(cursor, internal::kInKey, key);
  if (scan.status == ScanStatus::kEnd) return KeyScan::kEnd;
  if (scan.status == ScanStatus::kError) return KeyScan::kError;
  return KeyScan::kKey;
}

// Decodes an ignored-but-checked value of up to N bytes for keyword matching.
template <std::size_t N>
ScanStatus ScanWord(UrlCursor& cursor, BoundedToken<N>& word) noexcept {
  return internal::ScanUrlEncoded(cursor, internal::kInValue, word).status;
}

}  // namespace

AnnounceQuery ParseAnnounceQuery(std::string_view query, const AnnounceQueryOptions& options) noexcept {
  AnnounceQuery result;
  AnnounceRequest& request = result.request;
  const auto fail = [&result]() {
    result.status = AnnounceQuery::Status::kError;
    result.error = HttpError::kInvalidParameter;
    return result;
  };
  bool have_hash = false;
  UrlCursor cursor(query);
  KeyToken key;
  for (;;) {
    const KeyScan key_scan = ScanKey(cursor, key);
    if (key_scan == KeyScan::kEnd) break;
    if (key_scan == KeyScan::kError) return fail();
    switch (MatchAnnounceKey(key, options)) {
      case AnnounceKey::kUnknown:
        internal::SkipUrlValue(cursor);
        break;
      case AnnounceKey::kPort: {
        const std::optional<FixedInt> port = ScanInt(cursor);
        if (!port || port->malformed || port->Value() > 0xffff) return fail();
        // Negative ports pass the check and wrap (htons of an int, ot_http.c).
        request.port = static_cast<std::uint16_t>(static_cast<std::uint32_t>(port->Value()));
        break;
      }
      case AnnounceKey::kLeft: {
        FixedInt left;
        const ScanResult scan = internal::ScanUrlEncoded(cursor, internal::kInValue, left);
        if (scan.status != ScanStatus::kOk || scan.length == 0) return fail();
        // Junk counts as 0, so "left=abc" is a seeder; flags are OR'ed (ot_http.c).
        if (left.malformed || left.Value() == 0) request.seeding = true;
        break;
      }
      case AnnounceKey::kEvent: {
        BoundedToken<16> word;
        if (ScanWord(cursor, word) == ScanStatus::kError) return fail();
        // Upstream ORs COMPLETED/STOPPED flags and checks STOPPED first; the
        // enum's order (none < started < completed < stopped) keeps that.
        AnnounceEvent event = AnnounceEvent::kNone;
        if (word.Equals("completed")) event = AnnounceEvent::kCompleted;
        if (word.Equals("stopped")) event = AnnounceEvent::kStopped;
        if (word.Equals("started")) event = AnnounceEvent::kStarted;
        if (event > request.event) request.event = event;
        break;
      }
      case AnnounceKey::kNumwant: {
        const std::optional<FixedInt> numwant = ScanInt(cursor);
        if (!numwant || numwant->malformed) return fail();
        const std::int32_t value = numwant->Value();
        request.numwant = value < 0 ? kDefaultNumwant
                                    : (static_cast<std::uint32_t>(value) > kMaxNumwantHttp
                                           ? kMaxNumwantHttp
                                           : static_cast<std::uint32_t>(value));
        break;
      }
      case AnnounceKey::kCompact: {
        const std::optional<FixedInt> compact = ScanInt(cursor);
        if (!compact || compact->malformed) return fail();
        // Port decision (PORT-DECISIONS §4): compact=0 asks for BEP 3
        // dictionary peers instead of upstream's 400; other values are ignored.
        if (compact->Value() == 0) request.compact = false;
        break;
      }
      case AnnounceKey::kInfoHash: {
        if (have_hash) return fail();  // a second info_hash is 400 (ot_http.c)
        Hash20 hash;
        const ScanResult scan = internal::ScanUrlEncoded(cursor, internal::kInValue, hash);
        if (scan.status != ScanStatus::kOk || hash.size != kInfoHashSize) return fail();
        std::memcpy(request.info_hash.bytes.data(), hash.bytes, kInfoHashSize);
        have_hash = true;
        break;
      }
      case AnnounceKey::kPeerId: {
        Hash20 id;
        const ScanResult scan = internal::ScanUrlEncoded(cursor, internal::kInValue, id);
        if (scan.status != ScanStatus::kOk || id.size != kPeerIdSize) return fail();
        PeerId peer_id;
        std::memcpy(peer_id.data(), id.bytes, kPeerIdSize);
        request.peer_id = peer_id;
        break;
      }
      case AnnounceKey::kIp: {
        // scan_ip6 is a prefix match over the decoded value. No address text
        // is anywhere near this long, so a longer value is judged on its
        // first bytes.
        BoundedToken<256> text;
        const ScanResult scan = internal::ScanUrlEncoded(cursor, internal::kInValue, text);
        if (scan.status != ScanStatus::kOk || scan.length == 0) return fail();
        const std::optional<IpPrefix> ip = ScanIpAddress(text.View());
        if (!ip) return fail();
        request.ip_param = ip->ip;
        break;
      }
      case AnnounceKey::kLognet: {
        std::size_t size = 0;
        const ScanResult scan = internal::ScanUrlEncoded(cursor, internal::kInValue, [&](std::uint8_t c) {
          if (size < sizeof(result.lognet)) result.lognet[size] = static_cast<char>(c);
          ++size;
        });
        if (scan.status != ScanStatus::kOk || size == 0 || size > sizeof(result.lognet)) return fail();
        result.has_lognet = true;
        result.lognet_size = size;
        break;
      }
    }
  }
  // A lognet request manages the request log; it needs no info_hash.
  if (result.has_lognet) have_hash = true;
  result.status = have_hash ? AnnounceQuery::Status::kOk : AnnounceQuery::Status::kMissingInfoHash;
  return result;
}

ScrapeQuery ParseScrapeQuery(std::string_view query) noexcept {
  ScrapeQuery result;
  ScrapeRequest& request = result.request;
  std::size_t seen = 0;
  UrlCursor cursor(query);
  KeyToken key;
  for (;;) {
    const KeyScan key_scan = ScanKey(cursor, key);
    if (key_scan == KeyScan::kEnd) break;
    if (key_scan == KeyScan::kError) return result;
    if (!key.Equals("info_hash")) {
      internal::SkipUrlValue(cursor);
      continue;
    }
    Hash20 hash;
    const ScanResult scan = internal::ScanUrlEncoded(cursor, internal::kInValue, hash);
    if (scan.status != ScanStatus::kOk || hash.size != kInfoHashSize) return result;
    // Beyond OT_MAXMULTISCRAPE_COUNT hashes are still validated, then dropped.
    if (seen < kMaxHttpScrapeHashes) {
      std::memcpy(request.hashes[seen].bytes.data(), hash.bytes, kInfoHashSize);
    }
    ++seen;
  }
  if (seen == 0) return result;
  request.count = seen < kMaxHttpScrapeHashes ? seen : kMaxHttpScrapeHashes;
  result.ok = true;
  return result;
}

StatsQuery ParseStatsQuery(std::string_view query) noexcept {
  StatsQuery result;
  UrlCursor cursor(query);
  KeyToken key;
  const auto scan_into = [&cursor](char* buffer, std::size_t capacity, std::size_t& size) {
    size = 0;
    const ScanResult scan = internal::ScanUrlEncoded(cursor, internal::kInValue, [&](std::uint8_t c) {
      if (size < capacity) buffer[size] = static_cast<char>(c);
      ++size;
    });
    return scan.status != ScanStatus::kError;
  };
  for (;;) {
    const KeyScan key_scan = ScanKey(cursor, key);
    if (key_scan == KeyScan::kEnd) break;
    if (key_scan == KeyScan::kError) return result;
    if (key.Equals("mode")) {
      result.has_mode = true;  // the last one wins
      if (!scan_into(result.mode, sizeof(result.mode), result.mode_size)) return result;
    } else if (key.Equals("format")) {
      result.has_format = true;
      if (!scan_into(result.format, sizeof(result.format), result.format_size)) return result;
    } else {
      // info_hash is only recorded: HEAD answers 400 for it, DEB ignores it.
      if (key.Equals("info_hash")) result.has_info_hash = true;
      internal::SkipUrlValue(cursor);
    }
  }
  result.ok = true;
  return result;
}

}  // namespace ot::proto
