// Upstream's URL byte classes and %XY scanner (spec §3.3; scan_urlencoded_query.c),
// shared by the request-line router and the query parsers. Private to proto/.
//
// Upstream decodes in place over a NUL-terminated buffer. Here the input is a
// read-only view and the end of the view reads as NUL (a hard terminator), so
// no scan can run past it; decoded bytes go to a caller-supplied sink.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ot::proto::internal {

// Bit set per byte: may the byte continue a path, a key, a value? kStop marks
// the hard terminators (NUL CR LF blank) and the class-X bytes, which a value
// skip must leave in place.
enum UrlClassBits : std::uint8_t {
  kInPath = 1,
  kInKey = 2,
  kInValue = 4,
  kStop = 8,
};

constexpr std::array<std::uint8_t, 256> MakeUrlClassTable() {
  std::array<std::uint8_t, 256> table{};  // class Z (0) unless listed
  constexpr std::uint8_t kAll = kInPath | kInKey | kInValue;
  // Class A: everywhere. '%' starts an escape; '+' is not a space.
  for (char c : std::string_view("!%'()*+,-./:;<>_~")) table[static_cast<std::uint8_t>(c)] = kAll;
  for (int c = '0'; c <= '9'; ++c) table[c] = kAll;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = kAll;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = kAll;
  table['?'] = kInKey | kInValue;        // class B
  table['='] = kInValue;                 // class C
  table['@'] = kInValue;                 // class C
  for (char c : std::string_view("\"#$[\\]^`{|}")) table[static_cast<std::uint8_t>(c)] = kStop;  // class X
  table[0] = table['\r'] = table['\n'] = table[' '] = kStop;  // class T
  return table;
}

inline constexpr std::array<std::uint8_t, 256> kUrlClass = MakeUrlClassTable();

constexpr bool IsHardTerminator(std::uint8_t c) noexcept { return c == 0 || c == '\r' || c == '\n' || c == ' '; }

// A read position in a view; reading at or past the end yields NUL.
class UrlCursor {
 public:
  constexpr explicit UrlCursor(std::string_view text, std::size_t pos = 0) noexcept : text_(text), pos_(pos) {}

  constexpr std::uint8_t Peek() const noexcept {
    return pos_ < text_.size() ? static_cast<std::uint8_t>(text_[pos_]) : 0;
  }
  // Never moves past the end, so a NUL from the end is "left in place".
  constexpr void Advance() noexcept {
    if (pos_ < text_.size()) ++pos_;
  }
  constexpr std::size_t pos() const noexcept { return pos_; }

 private:
  std::string_view text_;
  std::size_t pos_;
};

constexpr int FromHex(std::uint8_t c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class ScanStatus : std::uint8_t {
  kOk,     // a (possibly empty) token ended normally
  kEnd,    // nothing decoded and the scan sits on a hard terminator (upstream's -2)
  kError,  // bad escape or a byte the context forbids (upstream's -1)
};

struct ScanResult {
  ScanStatus status;
  std::size_t length;  // decoded bytes handed to the sink
  std::uint8_t stop;   // the byte the scan stopped on
};

// Decodes one path, key or value (`context` is kInPath, kInKey or kInValue),
// as scan_urlencoded_query: '?' ends (and is consumed by) a path only, '='
// ends a key only, '&' ends a key (left for the value scan) or a value
// (consumed); a hard terminator is left in place. `sink(std::uint8_t)`
// receives the decoded bytes.
template <class Sink>
constexpr ScanResult ScanUrlEncoded(UrlCursor& cursor, std::uint8_t context, Sink&& sink) noexcept {
  std::size_t length = 0;
  std::uint8_t c;
  while (kUrlClass[c = cursor.Peek()] & context) {
    cursor.Advance();
    if (c == '%') {
      const int high = FromHex(cursor.Peek());
      if (high < 0) return {ScanStatus::kError, length, c};
      cursor.Advance();
      const int low = FromHex(cursor.Peek());
      if (low < 0) return {ScanStatus::kError, length, c};
      cursor.Advance();
      c = static_cast<std::uint8_t>(high << 4 | low);
    }
    sink(c);
    ++length;
  }
  if (IsHardTerminator(c)) {
    return {length == 0 ? ScanStatus::kEnd : ScanStatus::kOk, length, c};
  }
  switch (c) {
    case '?':
      if (context != kInPath) break;
      cursor.Advance();
      return {ScanStatus::kOk, length, c};
    case '=':
      if (context != kInKey) break;
      cursor.Advance();
      return {ScanStatus::kOk, length, c};
    case '&':
      if (context == kInPath) break;
      if (context == kInValue) cursor.Advance();
      return {ScanStatus::kOk, length, c};
    default:
      break;
  }
  return {ScanStatus::kError, length, c};
}

// Skips an ignored value without decoding it (scan_urlencoded_skipvalue):
// class A/B/C bytes are passed over; a terminator or class-X byte is left for
// the next key scan (which then ends the walk or fails); any other byte is
// consumed and so separates like '&'.
constexpr void SkipUrlValue(UrlCursor& cursor) noexcept {
  while (kUrlClass[cursor.Peek()] & kInValue) cursor.Advance();
  if (!(kUrlClass[cursor.Peek()] & kStop)) cursor.Advance();
}

// Collects the first N decoded bytes and counts them all, so a too-long
// token is recognisable without storing it.
template <std::size_t N>
struct BoundedToken {
  std::array<std::uint8_t, N> bytes{};
  std::size_t size = 0;  // total decoded, may exceed N

  constexpr void operator()(std::uint8_t c) noexcept {
    if (size < N) bytes[size] = c;
    ++size;
  }
  constexpr bool Equals(std::string_view text) const noexcept {
    if (size != text.size() || size > N) return false;
    for (std::size_t i = 0; i < size; ++i) {
      if (bytes[i] != static_cast<std::uint8_t>(text[i])) return false;
    }
    return true;
  }
  std::string_view View() const noexcept {
    return {reinterpret_cast<const char*>(bytes.data()), size < N ? size : N};
  }
};

}  // namespace ot::proto::internal
