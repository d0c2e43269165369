// Every /stats mode and /metrics against the real daemon (spec §6,
// stats/render.hpp, PORT-DECISIONS §3/§4): a tracker is filled over HTTP and
// UDP, IPv4 and IPv6, with a known set of 50 torrents, seeders, leechers,
// completed events, stops, re-announces, scrapes, UDP garbage, a full scrape
// and one request for each HTTP error; then each mode's body must say exactly
// what the test did. `everything` is parsed as XML, its JSON form as JSON and
// /metrics as a Prometheus scraper (text format 0.0.4) would.
//
// Counting rules the expectations follow (spec §6 "Counter semantics"): one
// accept per TCP connection (the fixture's readiness probes included, see
// TrackerProcess::ReadinessConnects), one UDP packet per non-empty datagram,
// announces counted when they reach the store (stops included), errors by
// their HttpError slot. All stats queries go over one keep-alive connection,
// so asking does not change the accept count.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "support/net_http_client.hpp"
#include "support/net_http_message.hpp"
#include "support/net_socket.hpp"
#include "support/net_udp_client.hpp"
#include "tracker_process.hpp"
#include "tracker_requests.hpp"

namespace ot::integration {
namespace {

using Clock = std::chrono::steady_clock;
using test::Family;
using test::HttpConnection;
using test::ReadOutcome;

constexpr Millis kReply(3000);

// HttpError slots (core/http_error.hpp), the order of herr's counters,
// everything's http_error list and the JSON array.
enum ErrorSlot : std::size_t {
  kRedirect,
  kParseError,
  kInvalidParameter,
  kInvalidCompact,
  kNotModest,
  kPaymentRequired,
  kAccessDenied,
  kNotFound,
  kServerError,
  kErrorSlots
};
// everything's names (upstream's, with "400 Not Modest" one slot off) and the
// corrected names JSON and /metrics use.
constexpr std::array<std::string_view, kErrorSlots> kXmlErrorNames = {"302 Redirect",
                                                                      "400 Parse Error",
                                                                      "400 Invalid Parameter",
                                                                      "400 Invalid Parameter (compact=0)",
                                                                      "400 Not Modest",
                                                                      "402 Payment Required",
                                                                      "403 Access Denied",
                                                                      "404 Not found",
                                                                      "500 Internal Server Error"};
constexpr std::array<std::string_view, kErrorSlots> kErrorNames = {"302 Redirect",
                                                                   "400 Parse Error",
                                                                   "400 Invalid Parameter",
                                                                   "400 Invalid Parameter (compact=0)",
                                                                   "402 Not Modest",
                                                                   "402 Payment Required",
                                                                   "403 Access Denied",
                                                                   "404 Not found",
                                                                   "500 Internal Server Error"};

std::string UpperHex(std::string_view bytes) {
  static const char* const kDigits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl = text.find('\n'); nl != std::string_view::npos; nl = text.find('\n', start)) {
    lines.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  lines.emplace_back(text.substr(start));
  return lines;
}

std::optional<std::uint64_t> ParseU64(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::string Num(std::uint64_t v) { return std::to_string(v); }

// ---------------------------------------------------------------------------
// A request from a chosen loopback source address (127.0.0.2 is not blessed
// for stats, and is another client for modest full scrapes).

test::ReadResult RequestFrom(const std::string& source, std::uint16_t port, const std::string& request) {
  test::ReadResult result;
  result.outcome = ReadOutcome::kClosed;
  test::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd.get(), reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0 ||
      !test::SendAll(fd.get(), request)) {
    result.error = "connect/send from " + source + " failed";
    return result;
  }
  std::string buffer;
  bool eof = false;
  auto deadline = Clock::now() + kReply;
  for (int rounds = 0; rounds < 100000; ++rounds) {
    test::ParseResult parsed = test::ParseHttpResponse(buffer, eof);
    if (parsed.status == test::ParseStatus::kComplete) {
      result.outcome = ReadOutcome::kResponse;
      result.response = parsed.response;
      return result;
    }
    if (parsed.status == test::ParseStatus::kInvalid || eof || Clock::now() >= deadline) break;
    auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now());
    if (test::PollFd(fd.get(), POLLIN, left) == 0) break;
    char chunk[65536];
    ssize_t n = ::recv(fd.get(), chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof = true;
    } else {
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }
  result.partial = buffer;
  return result;
}

// ---------------------------------------------------------------------------
// A small strict JSON parser (RFC 8259): objects keep their member order.

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string number;  // the literal, so integers are compared exactly
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;

  const Json* Get(std::string_view key) const {
    for (const auto& [k, v] : object) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  std::vector<std::string> Keys() const {
    std::vector<std::string> keys;
    for (const auto& member : object) keys.push_back(member.first);
    return keys;
  }
  // An unsigned integer literal's value.
  std::optional<std::uint64_t> U64() const { return type == Type::kNumber ? ParseU64(number) : std::nullopt; }
};

class JsonParser {
 public:
  explicit JsonParser(std::string_view text) : text_(text) {}

  std::optional<Json> ParseDocument(std::string* error) {
    std::optional<Json> v = Value(0);
    SkipWhitespace();
    if (v && pos_ != text_.size()) Fail("trailing bytes");
    if (!error_.empty()) {
      *error = error_ + " at byte " + std::to_string(pos_);
      return std::nullopt;
    }
    return v;
  }

 private:
  void Fail(const std::string& why) {
    if (error_.empty()) error_ = why;
  }
  void SkipWhitespace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  std::optional<std::string> String() {
    if (pos_ >= text_.size() || text_[pos_] != '"') {
      Fail("expected a string");
      return std::nullopt;
    }
    ++pos_;
    std::string out;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"') return out;
      if (c < 0x20) {
        Fail("control character in a string");
        return std::nullopt;
      }
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        continue;
      }
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          if (pos_ + 4 > text_.size()) break;
          unsigned code = 0;
          for (int i = 0; i < 4; ++i) {
            const char h = text_[pos_++];
            code <<= 4;
            if (h >= '0' && h <= '9')
              code |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
              code |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
              code |= static_cast<unsigned>(h - 'A' + 10);
            else {
              Fail("bad \\u escape");
              return std::nullopt;
            }
          }
          if (code >= 0x80) {
            Fail("non-ASCII \\u escape (not expected from the tracker)");
            return std::nullopt;
          }
          out.push_back(static_cast<char>(code));
          break;
        }
        default:
          Fail("bad escape");
          return std::nullopt;
      }
    }
    Fail("unterminated string");
    return std::nullopt;
  }
  std::optional<std::string> Number() {
    const std::size_t start = pos_;
    auto digits = [&] {
      std::size_t n = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_, ++n;
      return n;
    };
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (digits() == 0) {
      Fail("bad number");
      return std::nullopt;
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) {
        Fail("bad fraction");
        return std::nullopt;
      }
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) {
        Fail("bad exponent");
        return std::nullopt;
      }
    }
    return std::string(text_.substr(start, pos_ - start));
  }
  std::optional<Json> Value(int depth) {
    if (depth > 64) {
      Fail("nested too deeply");
      return std::nullopt;
    }
    SkipWhitespace();
    Json v;
    if (pos_ >= text_.size()) {
      Fail("unexpected end");
      return std::nullopt;
    }
    const char c = text_[pos_];
    if (c == '{') {
      ++pos_;
      v.type = Json::Type::kObject;
      SkipWhitespace();
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        return v;
      }
      for (;;) {
        SkipWhitespace();
        std::optional<std::string> key = String();
        if (!key) return std::nullopt;
        SkipWhitespace();
        if (pos_ >= text_.size() || text_[pos_] != ':') {
          Fail("expected ':'");
          return std::nullopt;
        }
        ++pos_;
        std::optional<Json> member = Value(depth + 1);
        if (!member) return std::nullopt;
        if (v.Get(*key) != nullptr) {
          Fail("duplicate key " + *key);
          return std::nullopt;
        }
        v.object.emplace_back(std::move(*key), std::move(*member));
        SkipWhitespace();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == '}') {
          ++pos_;
          return v;
        }
        Fail("expected ',' or '}'");
        return std::nullopt;
      }
    }
    if (c == '[') {
      ++pos_;
      v.type = Json::Type::kArray;
      SkipWhitespace();
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        return v;
      }
      for (;;) {
        std::optional<Json> element = Value(depth + 1);
        if (!element) return std::nullopt;
        v.array.push_back(std::move(*element));
        SkipWhitespace();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < text_.size() && text_[pos_] == ']') {
          ++pos_;
          return v;
        }
        Fail("expected ',' or ']'");
        return std::nullopt;
      }
    }
    if (c == '"') {
      std::optional<std::string> s = String();
      if (!s) return std::nullopt;
      v.type = Json::Type::kString;
      v.string = std::move(*s);
      return v;
    }
    if (Literal("true") || Literal("false")) {
      v.type = Json::Type::kBool;
      v.boolean = text_[pos_ - 1] == 'e' && text_[pos_ - 2] == 'u';
      return v;
    }
    if (Literal("null")) return v;
    std::optional<std::string> n = Number();
    if (!n) return std::nullopt;
    v.type = Json::Type::kNumber;
    v.number = std::move(*n);
    return v;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

// ---------------------------------------------------------------------------
// A small XML well-formedness checker that builds the element tree (no DTD,
// no CDATA: the tracker writes neither).

struct XmlNode {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // character data directly inside, entities decoded
  std::vector<XmlNode> children;

  const XmlNode* Child(std::string_view n) const {
    for (const XmlNode& c : children) {
      if (c.name == n) return &c;
    }
    return nullptr;
  }
  // The node at "a/b/c" below this one.
  const XmlNode* At(std::string_view path) const {
    const XmlNode* node = this;
    while (node != nullptr && !path.empty()) {
      std::size_t slash = path.find('/');
      node = node->Child(path.substr(0, slash));
      path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    }
    return node;
  }
};

class XmlParser {
 public:
  explicit XmlParser(std::string_view text) : text_(text) {}

  std::optional<XmlNode> ParseDocument(std::string* error) {
    std::optional<XmlNode> root;
    if (!Literal("<?xml")) {
      Fail("no XML declaration");
    } else {
      std::size_t end = text_.find("?>", pos_);
      if (end == std::string_view::npos) {
        Fail("unterminated XML declaration");
      } else {
        std::string_view decl = text_.substr(pos_, end - pos_);
        if (decl.find("version=\"1.0\"") == std::string_view::npos) Fail("declaration without version 1.0");
        pos_ = end + 2;
        SkipWhitespace();
        root = Element(0);
        SkipWhitespace();
        if (root && pos_ != text_.size()) Fail("content after the root element");
      }
    }
    if (!error_.empty()) {
      *error = error_ + " at byte " + std::to_string(pos_);
      return std::nullopt;
    }
    return root;
  }

 private:
  void Fail(const std::string& why) {
    if (error_.empty()) error_ = why;
  }
  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  void SkipWhitespace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  static bool NameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
  static bool NameChar(char c) { return NameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }
  std::optional<std::string> Name() {
    if (pos_ >= text_.size() || !NameStart(text_[pos_])) {
      Fail("expected a name");
      return std::nullopt;
    }
    std::size_t start = pos_;
    while (pos_ < text_.size() && NameChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  // Character data up to '<' (or `quote` inside an attribute), entities decoded.
  std::optional<std::string> CharData(char stop) {
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != stop) {
      const char c = text_[pos_];
      if (c == '<') {
        Fail("'<' in an attribute value");
        return std::nullopt;
      }
      if (c != '&') {
        out.push_back(c);
        ++pos_;
        continue;
      }
      static constexpr std::array<std::pair<std::string_view, char>, 5> kEntities{
          {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}}};
      bool known = false;
      for (const auto& [entity, ch] : kEntities) {
        if (Literal(entity)) {
          out.push_back(ch);
          known = true;
          break;
        }
      }
      if (!known) {
        Fail("bare '&' or unknown entity");
        return std::nullopt;
      }
    }
    return out;
  }
  std::optional<XmlNode> Element(int depth) {
    if (depth > 64) {
      Fail("nested too deeply");
      return std::nullopt;
    }
    XmlNode node;
    if (!Literal("<")) {
      Fail("expected '<'");
      return std::nullopt;
    }
    std::optional<std::string> name = Name();
    if (!name) return std::nullopt;
    node.name = *name;
    for (;;) {
      const std::size_t before = pos_;
      SkipWhitespace();
      if (Literal("/>")) return node;
      if (Literal(">")) break;
      if (pos_ == before) {
        Fail("expected whitespace before an attribute");
        return std::nullopt;
      }
      std::optional<std::string> attribute = Name();
      if (!attribute || !Literal("=\"")) {
        Fail("bad attribute");
        return std::nullopt;
      }
      std::optional<std::string> value = CharData('"');
      if (!value || !Literal("\"")) {
        Fail("unterminated attribute value");
        return std::nullopt;
      }
      for (const auto& a : node.attributes) {
        if (a.first == *attribute) {
          Fail("duplicate attribute " + *attribute);
          return std::nullopt;
        }
      }
      node.attributes.emplace_back(*attribute, *value);
    }
    for (;;) {
      if (pos_ >= text_.size()) {
        Fail("unterminated element <" + node.name + ">");
        return std::nullopt;
      }
      if (Literal("</")) {
        std::optional<std::string> end = Name();
        if (!end || *end != node.name) {
          Fail("</" + end.value_or("?") + "> closes <" + node.name + ">");
          return std::nullopt;
        }
        SkipWhitespace();
        if (!Literal(">")) {
          Fail("bad end tag");
          return std::nullopt;
        }
        return node;
      }
      if (text_[pos_] == '<') {
        std::optional<XmlNode> child = Element(depth + 1);
        if (!child) return std::nullopt;
        node.children.push_back(std::move(*child));
        continue;
      }
      std::optional<std::string> data = CharData('<');
      if (!data) return std::nullopt;
      node.text += *data;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::string error_;
};

// ---------------------------------------------------------------------------
// The Prometheus text format 0.0.4, read the way a scraper does.

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
  std::string value_text;
};

struct PromFamily {
  std::string name, type, help;
  bool has_help = false, has_type = false;
  std::vector<PromSample> samples;
};

struct Prometheus {
  std::vector<PromFamily> families;
  std::vector<std::string> errors;  // every rule broken, empty when valid

  const PromFamily* Family(std::string_view name) const {
    for (const PromFamily& f : families) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
  // The value of the one sample `name` with exactly `labels`.
  std::optional<std::string> Value(std::string_view name,
                                   const std::map<std::string, std::string>& labels = {}) const {
    for (const PromFamily& f : families) {
      for (const PromSample& s : f.samples) {
        if (s.name == name && s.labels == labels) return s.value_text;
      }
    }
    return std::nullopt;
  }
};

bool MetricNameOk(std::string_view n) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool LabelNameOk(std::string_view n) {
  if (n.empty() || n.substr(0, 2) == "__") return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::optional<double> PromValue(const std::string& v) {
  if (v == "NaN") return 0.0;
  if (v == "+Inf" || v == "-Inf") return 0.0;
  if (v.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (end != v.c_str() + v.size()) return std::nullopt;
  return d;
}

// The family a sample name belongs to, given the family's type.
bool SampleBelongs(const PromFamily& f, std::string_view sample) {
  if (sample == f.name) return true;
  if (f.type == "histogram" || f.type == "summary") {
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (sample.size() == f.name.size() + suffix.size() && sample.substr(0, f.name.size()) == f.name &&
          sample.substr(f.name.size()) == suffix) {
        return true;
      }
    }
  }
  return false;
}

Prometheus ParsePrometheus(std::string_view text) {
  Prometheus out;
  auto error = [&](std::size_t line_no, const std::string& why) {
    out.errors.push_back("line " + std::to_string(line_no) + ": " + why);
  };
  if (text.empty() || text.back() != '\n') out.errors.push_back("the text does not end with a newline");
  std::set<std::string> series;
  std::set<std::string> closed_families;  // families whose samples may not continue
  std::string current;                    // family of the previous sample
  std::vector<std::string> lines = SplitLines(text);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  auto family_of = [&](const std::string& name) -> PromFamily* {
    for (PromFamily& f : out.families) {
      if (f.name == name) return &f;
    }
    out.families.push_back(PromFamily{name});
    return &out.families.back();
  };
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    const std::size_t no = n + 1;
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::string_view rest(line);
      const bool help = rest.substr(0, 7) == "# HELP ";
      const bool type = rest.substr(0, 7) == "# TYPE ";
      if (!help && !type) continue;  // a plain comment
      rest.remove_prefix(7);
      const std::size_t space = rest.find(' ');
      const std::string name(rest.substr(0, space));
      const std::string value(space == std::string_view::npos ? "" : rest.substr(space + 1));
      if (!MetricNameOk(name)) error(no, "bad metric name '" + name + "'");
      PromFamily* f = family_of(name);
      if (!f->samples.empty()) error(no, "HELP/TYPE for " + name + " after its samples");
      if (help) {
        if (f->has_help) error(no, "second HELP for " + name);
        f->has_help = true;
        f->help = value;
        for (std::size_t i = 0; i < value.size(); ++i) {
          if (value[i] == '\\' && (i + 1 >= value.size() || (value[i + 1] != '\\' && value[i + 1] != 'n')))
            error(no, "bad escape in HELP");
          if (value[i] == '\\') ++i;
        }
      } else {
        if (f->has_type) error(no, "second TYPE for " + name);
        f->has_type = true;
        f->type = value;
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary", "untyped"};
        if (kTypes.count(value) == 0) error(no, "unknown type '" + value + "'");
      }
      continue;
    }
    // name{label="value",...} value [timestamp]
    PromSample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (!MetricNameOk(s.name)) error(no, "bad metric name '" + s.name + "'");
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
          error(no, "bad label syntax");
          break;
        }
        std::string label = line.substr(i, eq - i);
        if (!LabelNameOk(label)) error(no, "bad label name '" + label + "'");
        std::string value;
        std::size_t j = eq + 2;
        bool closed = false;
        for (; j < line.size(); ++j) {
          if (line[j] == '\\') {
            if (j + 1 < line.size() && (line[j + 1] == '\\' || line[j + 1] == '"' || line[j + 1] == 'n')) {
              value.push_back(line[j + 1] == 'n' ? '\n' : line[j + 1]);
              ++j;
              continue;
            }
            error(no, "bad escape in a label value");
          } else if (line[j] == '"') {
            closed = true;
            break;
          } else {
            value.push_back(line[j]);
          }
        }
        if (!closed) {
          error(no, "unterminated label value");
          break;
        }
        if (s.labels.count(label) != 0) error(no, "duplicate label " + label);
        s.labels[label] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (i >= line.size() || line[i] != '}') {
        error(no, "unterminated label set");
        continue;
      }
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') {
      error(no, "no blank before the value");
      continue;
    }
    std::string rest = line.substr(i + 1);
    std::size_t blank = rest.find(' ');
    s.value_text = rest.substr(0, blank);
    if (blank != std::string::npos) {
      std::string timestamp = rest.substr(blank + 1);
      if (!ParseU64(timestamp.size() > 0 && timestamp[0] == '-' ? timestamp.substr(1) : timestamp))
        error(no, "bad timestamp");
    }
    std::optional<double> v = PromValue(s.value_text);
    if (!v) error(no, "bad value '" + s.value_text + "'");
    s.value = v.value_or(0);
    PromFamily* owner = nullptr;
    for (PromFamily& f : out.families) {
      if (f.has_type && SampleBelongs(f, s.name)) owner = &f;
    }
    if (owner == nullptr) {
      error(no, "sample " + s.name + " belongs to no declared family");
      continue;
    }
    if (owner->name != current) {
      if (!current.empty()) closed_families.insert(current);
      if (closed_families.count(owner->name) != 0)
        error(no, "samples of " + owner->name + " are not contiguous");
      current = owner->name;
    }
    std::string key = s.name + "{";
    for (const auto& [k, val] : s.labels) key += k + "=" + val + ",";
    if (!series.insert(key).second) error(no, "duplicate series " + key + "}");
    owner->samples.push_back(std::move(s));
  }
  for (const PromFamily& f : out.families) {
    if (!f.has_help) out.errors.push_back("family " + f.name + " has no HELP");
    if (!f.has_type) out.errors.push_back("family " + f.name + " has no TYPE");
    if (f.samples.empty()) out.errors.push_back("family " + f.name + " has no samples");
    if (f.type == "counter" && (f.name.size() < 6 || f.name.substr(f.name.size() - 6) != "_total"))
      out.errors.push_back("counter " + f.name + " does not end in _total");
    if (f.name.rfind("opentracker_", 0) != 0)
      out.errors.push_back(f.name + " does not start with opentracker_");
  }
  return out;
}

// ---------------------------------------------------------------------------
// The data set.

enum class Channel : std::uint8_t { kHttp4, kHttp6, kUdp4, kUdp6 };
enum class Event : std::uint8_t { kNone, kCompleted, kStarted, kStopped };  // BEP 15 numbering

bool IsV4(Channel c) { return c == Channel::kHttp4 || c == Channel::kUdp4; }
bool IsHttp(Channel c) { return c == Channel::kHttp4 || c == Channel::kHttp6; }

struct TorrentModel {
  std::string hash;
  std::uint64_t seeders = 0, leechers = 0, downloaded = 0;
  std::uint64_t Peers() const { return seeders + leechers; }
};

// What the tracker must have counted once Fill() is done.
struct Expected {
  std::uint64_t tcp_accepts = 0, tcp_announces = 0, tcp_scrapes = 0, tcp_requests = 0;
  std::uint64_t udp_packets = 0, udp_connects = 0, udp_announces = 0, udp_scrapes = 0, udp_mismatches = 0;
  std::uint64_t completed = 0, started = 0, stopped = 0, renewals = 0;
  std::uint64_t full_scrapes = 0, full_scrape_bytes = 0;
  std::uint64_t v4_peers = 0;
  std::array<std::uint64_t, kErrorSlots> http_errors{};
  std::map<unsigned, std::uint64_t> numwant;  // HTTP numwant after clamping -> announces
};

constexpr std::size_t kTorrents = 50;

struct Switches {
  bool numwant = true, woodpeckers = true, fulllog = true;
};

class StatsModes : public ::testing::Test {
 protected:
  void SetUp() override {
    OT_SKIP_UNLESS_PORT("the port's /stats layouts, counters and /metrics");
    ASSERT_NO_FATAL_FAILURE(StartTracker(Switches{}));
    ASSERT_NO_FATAL_FAILURE(Fill());
  }
  void TearDown() override {
    idle_.clear();
    client_.reset();
    if (tracker_) {
      EXPECT_TRUE(tracker_->Stop());
    }
  }

  void StartTracker(const Switches& on) {
    v6_ = DualStackAvailable();
    TrackerOptions o;
    o.config_lines = ListenLines(v6_);
    o.config_lines.push_back("access.stats 127.0.0.1");
    o.config_lines.push_back("tracker.redirect_url http://redirect.invalid/");
    o.config_lines.push_back("tracker.modest_fullscrapes on");
    if (on.numwant) o.config_lines.push_back("tracker.log_numwant on");
    if (on.woodpeckers) o.config_lines.push_back("tracker.woodpeckers on");
    if (on.fulllog) o.config_lines.push_back("tracker.fulllog on");
    tracker_ = std::make_unique<TrackerProcess>(o);
    started_at_ = Clock::now();
    ASSERT_TRUE(tracker_->Start());
    want_.tcp_accepts = static_cast<std::uint64_t>(tracker_->ReadinessConnects());
    want_.tcp_requests = want_.tcp_accepts;  // one request per readiness probe
  }

  // v6 channels fall back to v4 where ::1 is missing.
  Channel ChannelFor(std::size_t n) const {
    auto c = static_cast<Channel>(n % 4);
    if (!v6_ && c == Channel::kHttp6) return Channel::kHttp4;
    if (!v6_ && c == Channel::kUdp6) return Channel::kUdp4;
    return c;
  }

  HttpConnection& Http(Channel c) { return c == Channel::kHttp6 ? *http6_ : *http4_; }
  test::UdpClient& Udp(Channel c) { return c == Channel::kUdp6 ? *udp6_ : *udp4_; }
  std::uint64_t UdpId(Channel c) const { return c == Channel::kUdp6 ? id6_ : id4_; }

  HttpConnection* OpenHttp(Family f) {
    auto conn = std::make_unique<HttpConnection>(test::LoopbackText(f), tracker_->Port());
    EXPECT_TRUE(conn->Connected());
    ++want_.tcp_accepts;
    owned_.push_back(std::move(conn));
    return owned_.back().get();
  }

  std::uint64_t UdpConnect(test::UdpClient& c) {
    EXPECT_TRUE(c.Send(test::UdpConnectPacket(0xc0ffee), tracker_->Port()));
    auto r = c.Receive(kReply);
    ++want_.udp_packets;
    ++want_.udp_connects;
    if (!r || r->size() != 16 || test::GetU32(*r, 0) != 0) {
      ADD_FAILURE() << "no UDP connect reply";
      return 0;
    }
    return test::GetU64(*r, 8);
  }

  // One announce of `peer_port` on torrent `t` through `c`; numwant 0 means
  // the default (HTTP 50, UDP -1).
  void Announce(const TorrentModel& t, Channel c, std::uint16_t peer_port, bool seeder, Event event,
                unsigned numwant = 0) {
    if (IsHttp(c)) {
      AnnounceParams p;
      p.info_hash = t.hash;
      p.port = std::to_string(peer_port);
      p.left = seeder ? "0" : "1000";
      static constexpr std::array<const char*, 4> kEvents = {"", "&event=completed", "&event=started",
                                                             "&event=stopped"};
      p.extra = kEvents[static_cast<std::size_t>(event)];
      if (numwant != 0) p.extra += "&numwant=" + std::to_string(numwant);
      ASSERT_TRUE(Http(c).Send(AnnounceRequest(p)));
      test::ReadResult r = Http(c).ReadResponse(kReply);
      ASSERT_EQ(r.outcome, ReadOutcome::kResponse) << test::ToString(r.outcome);
      AnnounceReply reply = DecodeAnnounce(r.response.content);
      ASSERT_TRUE(reply.error.empty() && reply.failure.empty()) << test::Printable(r.response.raw);
      ++want_.tcp_announces;
      ++want_.tcp_requests;
      ++want_.numwant[std::min(numwant == 0 ? 50u : numwant, 200u)];
    } else {
      test::UdpAnnounce a;
      a.connection_id = UdpId(c);
      a.transaction_id = ++txid_;
      a.info_hash = t.hash;
      a.port = peer_port;
      a.left = seeder ? 0 : 1000;
      a.event = static_cast<std::uint32_t>(event);
      ASSERT_TRUE(Udp(c).Send(test::UdpAnnouncePacket(a), tracker_->Port()));
      auto r = Udp(c).Receive(kReply);
      ASSERT_TRUE(r) << "no UDP announce reply";
      UdpAnnounceReply reply = DecodeUdpAnnounce(*r, c == Channel::kUdp6 ? Family::kV6 : Family::kV4);
      ASSERT_TRUE(reply.ok && reply.transaction_id == a.transaction_id) << test::Printable(*r);
      ++want_.udp_packets;
      ++want_.udp_announces;
    }
    if (event == Event::kStarted) ++want_.started;
    if (event == Event::kStopped) ++want_.stopped;
  }

  // A request on a fresh connection that must get `status` (and counts as
  // error `slot` unless slot == kErrorSlots).
  void ExpectError(const std::string& request, int status, std::size_t slot, bool counted_request = true) {
    test::Exchange ex = Request(*tracker_, request);
    ++want_.tcp_accepts;
    if (counted_request) ++want_.tcp_requests;
    if (slot < kErrorSlots) ++want_.http_errors[slot];
    ASSERT_EQ(ex.read.outcome, ReadOutcome::kResponse) << test::Printable(request, 80);
    EXPECT_EQ(ex.read.response.status, status) << test::Printable(request, 80) << "\n"
                                               << test::Printable(ex.read.response.raw);
  }

  void Fill() {
    http4_ = OpenHttp(Family::kV4);
    if (v6_) http6_ = OpenHttp(Family::kV6);
    udp4_ = std::make_unique<test::UdpClient>(Family::kV4);
    ASSERT_TRUE(udp4_->Open());
    id4_ = UdpConnect(*udp4_);
    if (v6_) {
      udp6_ = std::make_unique<test::UdpClient>(Family::kV6);
      ASSERT_TRUE(udp6_->Open());
      id6_ = UdpConnect(*udp6_);
    }

    for (std::size_t i = 0; i < kTorrents; ++i) {
      TorrentModel t;
      t.hash = TestHash(static_cast<std::uint32_t>(7000 + i));
      const std::uint64_t seeders = i % 4;
      std::uint64_t leechers = (3 * i) % 5;
      if (seeders + leechers == 0) leechers = 1;
      for (std::size_t j = 0; j < seeders + leechers; ++j) {
        const bool seeder = j < seeders;
        const Channel c = ChannelFor(i + j);
        const auto port = static_cast<std::uint16_t>(20000 + i * 10 + j);
        Event event = j % 2 == 0 ? Event::kStarted : Event::kNone;
        bool completes = seeder && ((j == 0 && i % 3 == 0) || (j == 1 && i % 9 == 0));
        if (completes) event = Event::kCompleted;
        // A "completed" from a client that still has data to fetch counts for nothing.
        if (i == 49 && j == 1) event = Event::kCompleted;
        ASSERT_NO_FATAL_FAILURE(Announce(t, c, port, seeder, event));
        if (completes) {
          ++t.downloaded;
          ++want_.completed;
        }
        if (IsV4(c)) ++want_.v4_peers;
      }
      t.seeders = seeders;
      t.leechers = leechers;
      if (i % 5 == 0) {  // a leecher that comes and goes
        const std::size_t k = seeders + leechers;
        const Channel c = ChannelFor(i + k);
        const auto port = static_cast<std::uint16_t>(20000 + i * 10 + 9);
        ASSERT_NO_FATAL_FAILURE(Announce(t, c, port, false, Event::kNone, 500));
        ASSERT_NO_FATAL_FAILURE(Announce(t, c, port, false, Event::kStopped));
      }
      if (i % 7 == 0) {  // peer 0 announces again, unchanged
        ASSERT_NO_FATAL_FAILURE(Announce(t, ChannelFor(i), static_cast<std::uint16_t>(20000 + i * 10),
                                         seeders > 0, Event::kNone, 5));
        ++want_.renewals;
      }
      torrents_.push_back(t);
    }
    // A stop for a torrent nobody announced: answered, counted, creates nothing.
    TorrentModel unknown;
    unknown.hash = TestHash(9999);
    ASSERT_NO_FATAL_FAILURE(Announce(unknown, Channel::kHttp4, 6881, false, Event::kStopped, 1));

    // Scrapes: HTTP over both families, UDP with an unknown hash.
    ASSERT_TRUE(http4_->Send(ScrapeRequest({torrents_[1].hash, TestHash(9998), torrents_[2].hash})));
    test::ReadResult s = http4_->ReadResponse(kReply);
    ASSERT_EQ(s.outcome, ReadOutcome::kResponse);
    EXPECT_EQ(s.response.content.substr(0, 9), "d5:filesd") << test::Printable(s.response.content);
    HttpConnection& second = v6_ ? *http6_ : *http4_;
    ASSERT_TRUE(second.Send(ScrapeRequest({torrents_[3].hash})));
    ASSERT_EQ(second.ReadResponse(kReply).outcome, ReadOutcome::kResponse);
    want_.tcp_scrapes += 2;
    want_.tcp_requests += 2;
    ASSERT_TRUE(
        udp4_->Send(test::UdpScrapePacket(id4_, 77, torrents_[4].hash + TestHash(9998)), tracker_->Port()));
    auto udp_scrape = udp4_->Receive(kReply);
    ASSERT_TRUE(udp_scrape && udp_scrape->size() == 8 + 24);
    ++want_.udp_packets;
    ++want_.udp_scrapes;

    // UDP: a wrong connection id (the error reply), then garbage (no reply;
    // a connect after it on the same socket proves it was read).
    test::UdpAnnounce wrong;
    wrong.connection_id = id4_ ^ 0x0101010101010101ULL;
    wrong.transaction_id = 4242;
    wrong.info_hash = torrents_[0].hash;
    ASSERT_TRUE(udp4_->Send(test::UdpAnnouncePacket(wrong), tracker_->Port()));
    auto mismatch = udp4_->Receive(kReply);
    ASSERT_TRUE(mismatch && test::GetU32(*mismatch, 0) == 3u);
    ++want_.udp_packets;
    ++want_.udp_mismatches;
    ASSERT_TRUE(udp4_->Send("hello", tracker_->Port()));
    ++want_.udp_packets;
    id4_ = UdpConnect(*udp4_);

    // One of each HTTP error the port can produce.
    ExpectError("POST /announce HTTP/1.1\r\nHost: x\r\n\r\n", 400, kParseError);
    ExpectError(GetRequest("/stats?mode=bogus"), 400, kInvalidParameter);
    ExpectError(GetRequest("/stats?mode=peer&info_hash=" + Pct(torrents_[0].hash)), 400, kInvalidParameter);
    ExpectError(GetRequest("/scrape?foo=bar"), 400, kInvalidParameter);
    ExpectError(GetRequest("/nothing/here"), 404, kNotFound);
    ExpectError(GetRequest("/"), 302, kRedirect);
    ExpectError("GET /stats?mode=version HTTP/1.1\r\nX-Pad: " + std::string(9000, 'p') + "\r\n\r\n", 500,
                kServerError, false);
    {
      test::ReadResult r = RequestFrom("127.0.0.2", tracker_->Port(), GetRequest("/stats?mode=version"));
      ++want_.tcp_accepts;
      ++want_.tcp_requests;
      ++want_.http_errors[kAccessDenied];
      ASSERT_EQ(r.outcome, ReadOutcome::kResponse) << r.error;
      EXPECT_EQ(r.response.status_line, "HTTP/1.0 403 Access Denied");
    }
    // A full scrape, then (modest) a second one from the same address: 402.
    {
      test::Exchange ex = Request(*tracker_, GetRequest("/scrape", "HTTP/1.1", "Connection: close\r\n"));
      ++want_.tcp_accepts;
      ++want_.tcp_requests;
      ASSERT_EQ(ex.read.outcome, ReadOutcome::kResponse);
      ASSERT_EQ(ex.read.response.status, 200);
      EXPECT_EQ(ex.read.response.content, ExpectedFullScrape());
      ++want_.full_scrapes;
      want_.full_scrape_bytes += ex.read.response.content.size();
    }
    ExpectError(GetRequest("/scrape"), 402, kNotModest);

    // The announce connections go; a keep-alive client connection and two
    // idle ones stay (for `busy` and the keep-alive test).
    http4_ = http6_ = nullptr;
    owned_.clear();
    client_ = std::make_unique<HttpConnection>("127.0.0.1", tracker_->Port());
    ASSERT_TRUE(client_->Connected());
    ++want_.tcp_accepts;
    for (int i = 0; i < 2; ++i) {
      idle_.push_back(std::make_unique<HttpConnection>("127.0.0.1", tracker_->Port()));
      ASSERT_TRUE(idle_.back()->Connected());
      ++want_.tcp_accepts;
    }
    ASSERT_NO_FATAL_FAILURE(SettledBusy());
  }

  // Closed connections leave the reactor's count in their own time: asks
  // `busy` (bounded) until only the three kept connections and the asking
  // one are open, with no job queued; that body.
  std::string SettledBusy() {
    std::string busy;
    auto deadline = Clock::now() + Millis(5000);
    for (int i = 0; i < 500 && Clock::now() < deadline; ++i) {
      busy = Stats("busy");
      if (busy.rfind("4\n0\n", 0) == 0) return busy;
      std::this_thread::sleep_for(Millis(10));
    }
    ADD_FAILURE() << "open connections / queued jobs never settled: " << busy;
    return busy;
  }

  static std::string StatsRequest(const std::string& query,
                                  std::string_view headers = "Connection: close\r\n") {
    std::string target = query.empty()
                             ? std::string("/stats")
                             : "/stats?" + (query.find('=') == std::string::npos ? "mode=" + query : query);
    return GetRequest(target, "HTTP/1.1", headers);
  }

  // GET /stats?<query> ("peer", "mode=everything&format=json", "" for none)
  // on a fresh connection, HTTP/1.1 with Connection: close; the 200 body.
  std::string Stats(const std::string& query, test::HttpResponse* response = nullptr) {
    ++want_.tcp_accepts;
    ++want_.tcp_requests;
    const std::string request = StatsRequest(query);
    test::Exchange ex = Request(*tracker_, request);
    if (ex.read.outcome != ReadOutcome::kResponse) {
      ADD_FAILURE() << test::Printable(request) << ": " << test::ToString(ex.read.outcome) << " "
                    << test::Printable(ex.read.partial);
      return "";
    }
    EXPECT_EQ(ex.read.response.status_line, "HTTP/1.1 200 OK") << test::Printable(request);
    EXPECT_EQ(ex.read.response.Header("Connection").value_or(""), "close") << test::Printable(request);
    if (response != nullptr) *response = ex.read.response;
    return ex.read.response.content;
  }

  std::uint64_t MaxUptime() const {
    return static_cast<std::uint64_t>(
               std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_at_).count()) +
           1;
  }

  std::uint64_t Sum(std::uint64_t TorrentModel::*field) const {
    std::uint64_t total = 0;
    for (const TorrentModel& t : torrents_) total += t.*field;
    return total;
  }
  std::uint64_t Peers() const { return Sum(&TorrentModel::seeders) + Sum(&TorrentModel::leechers); }

  std::string ExpectedFullScrape() const {
    std::vector<const TorrentModel*> sorted;
    for (const TorrentModel& t : torrents_) sorted.push_back(&t);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->hash < b->hash; });
    std::string out = "d5:filesd";
    for (const TorrentModel* t : sorted) {
      out += "20:" + t->hash + "d8:completei" + Num(t->seeders) + "e10:downloadedi" + Num(t->downloaded) +
             "e10:incompletei" + Num(t->leechers) + "ee";
    }
    return out + "ee";
  }

  // "Top <k> torrents by <what>:\n" + "\t<count>\t<HASH>\n" for the k
  // largest counts > 0, ties: the higher hash first.
  std::string TopBlock(std::size_t k, const std::string& what,
                       std::uint64_t (*count)(const TorrentModel&)) const {
    std::vector<const TorrentModel*> ranked;
    for (const TorrentModel& t : torrents_) {
      if (count(t) > 0) ranked.push_back(&t);
    }
    std::sort(ranked.begin(), ranked.end(), [&](auto* a, auto* b) {
      return count(*a) != count(*b) ? count(*a) > count(*b) : a->hash > b->hash;
    });
    std::string out = "Top " + Num(k) + " torrents by " + what + ":\n";
    for (std::size_t i = 0; i < ranked.size() && i < k; ++i)
      out += "\t" + Num(count(*ranked[i])) + "\t" + UpperHex(ranked[i]->hash) + "\n";
    return out;
  }

  std::unique_ptr<TrackerProcess> tracker_;
  Clock::time_point started_at_;
  bool v6_ = false;
  std::vector<std::unique_ptr<HttpConnection>> owned_;
  HttpConnection* http4_ = nullptr;
  HttpConnection* http6_ = nullptr;
  std::unique_ptr<test::UdpClient> udp4_, udp6_;
  std::uint64_t id4_ = 0, id6_ = 0;
  std::uint32_t txid_ = 0x5000;
  std::unique_ptr<HttpConnection> client_;  // keep-alive, for requests that are not /stats queries
  std::vector<std::unique_ptr<HttpConnection>> idle_;
  std::vector<TorrentModel> torrents_;
  Expected want_;
};

// The four MRTG lines of a timed block: "<a>\n<b>\n<t> seconds (<h> hours)\n<rate line>"
// with no trailing newline; returns t.
std::uint64_t ExpectTimedBlock(const std::string& body, std::uint64_t a, std::uint64_t b,
                               std::uint64_t max_uptime, const std::string& what) {
  std::vector<std::string> lines = SplitLines(body);
  EXPECT_EQ(lines.size(), 4u) << what << ":\n" << body;
  if (lines.size() != 4) return 0;
  EXPECT_EQ(lines[0], Num(a)) << what;
  EXPECT_EQ(lines[1], Num(b)) << what;
  const std::size_t space = lines[2].find(' ');
  std::optional<std::uint64_t> t = ParseU64(lines[2].substr(0, space));
  EXPECT_TRUE(t.has_value()) << what << ": " << lines[2];
  if (!t) return 0;
  EXPECT_LE(*t, max_uptime) << what;
  EXPECT_EQ(lines[2], Num(*t) + " seconds (" + Num(*t / 3600) + " hours)") << what;
  return *t;
}

std::uint64_t Per(std::uint64_t x, std::uint64_t t) { return x / (t == 0 ? 1 : t); }

TEST_F(StatsModes, PeerAndTorrModesCountTorrentsPeersAndSeeders) {
  EXPECT_EQ(Stats("peer"), Num(Peers()) + "\n" + Num(Sum(&TorrentModel::seeders)) + "\nopentracker serving " +
                               Num(kTorrents) + " torrents\nopentracker");
  EXPECT_EQ(Stats(""), Stats("peer")) << "no mode= means peer";
  EXPECT_EQ(Stats("torr"),
            Num(kTorrents) + "\n0\nopentracker serving " + Num(kTorrents) + " torrents\nopentracker");
}

TEST_F(StatsModes, ConnectionModesCountAcceptsPacketsAndAnnounces) {
  // Each query is a new connection, counted before its own answer.
  const std::uint64_t max_t = MaxUptime();
  {
    const std::string body = Stats("conn");
    const std::uint64_t a = want_.tcp_accepts + want_.udp_packets;
    const std::uint64_t b = want_.tcp_announces + want_.udp_announces + want_.udp_connects;
    const std::uint64_t t = ExpectTimedBlock(body, a, b, max_t, "conn");
    EXPECT_EQ(SplitLines(body).back(),
              "opentracker connections, " + Num(Per(a, t)) + " conns/s :: " + Num(Per(b, t)) + " success/s.");
  }
  {
    const std::string body = Stats("udp4");
    const std::uint64_t a = want_.udp_packets, b = want_.udp_announces + want_.udp_connects;
    const std::uint64_t t = ExpectTimedBlock(body, a, b, max_t, "udp4");
    EXPECT_EQ(SplitLines(body).back(),
              "opentracker udp4 stats, " + Num(Per(a, t)) + " conns/s :: " + Num(Per(b, t)) + " success/s.");
  }
  {
    const std::string body = Stats("tcp4");
    const std::uint64_t a = want_.tcp_accepts, b = want_.tcp_announces;
    const std::uint64_t t = ExpectTimedBlock(body, a, b, max_t, "tcp4");
    EXPECT_EQ(SplitLines(body).back(),
              "opentracker tcp4 stats, " + Num(Per(a, t)) + " conns/s :: " + Num(Per(b, t)) + " success/s.");
  }
  {
    const std::string body = Stats("scrp");
    const std::uint64_t t = ExpectTimedBlock(body, want_.tcp_scrapes, want_.udp_scrapes, max_t, "scrp");
    EXPECT_EQ(SplitLines(body).back(), "opentracker scrape stats, " +
                                           Num(Per(want_.tcp_scrapes + want_.udp_scrapes, t)) +
                                           " scrape/s (tcp and udp)");
  }
  {
    const std::string body = Stats("syncs");
    // Sync counts live-sync records (none here) but repeats conn's rates (upstream).
    const std::uint64_t a = want_.tcp_accepts + want_.udp_packets;
    const std::uint64_t b = want_.tcp_announces + want_.udp_announces + want_.udp_connects;
    const std::uint64_t t = ExpectTimedBlock(body, 0, 0, max_t, "syncs");
    EXPECT_EQ(SplitLines(body).back(),
              "opentracker connections, " + Num(Per(a, t)) + " conns/s :: " + Num(Per(b, t)) + " success/s.");
  }
}

TEST_F(StatsModes, CompletedFscrStartstopToraddremAndBusy) {
  const std::uint64_t max_t = MaxUptime();
  ASSERT_GT(want_.completed, 10u);
  {
    const std::string body = Stats("completed");
    const std::uint64_t t = ExpectTimedBlock(body, want_.completed, 0, max_t, "completed");
    const std::uint64_t hours = t / 3600;
    EXPECT_EQ(SplitLines(body).back(),
              "opentracker, " + Num(want_.completed / (hours == 0 ? 1 : hours)) + " completed/h.");
  }
  {
    // Line 1 is the count times 1000 (upstream's scale), line 2 the bytes sent.
    ASSERT_EQ(want_.full_scrapes, 1u);
    const std::string body = Stats("fscr");
    const std::uint64_t t =
        ExpectTimedBlock(body, 1000 * want_.full_scrapes, want_.full_scrape_bytes, max_t, "fscr");
    EXPECT_EQ(SplitLines(body).back(), "opentracker full scrape stats, " + Num(Per(want_.full_scrapes, t)) +
                                           " conns/s :: " + Num(Per(want_.full_scrape_bytes, t)) +
                                           " bytes/s.");
  }
  {
    ASSERT_GT(want_.started, 0u);
    ASSERT_GT(want_.stopped, 1u);
    const std::string body = Stats("startstop");
    const std::uint64_t t = ExpectTimedBlock(body, want_.started, want_.stopped, max_t, "startstop");
    EXPECT_EQ(SplitLines(body).back(), "opentracker start/stop stats, " + Num(Per(want_.started, t)) +
                                           " starts/s :: " + Num(Per(want_.stopped, t)) + " stops/s.");
  }
  {
    const std::string body = Stats("toraddrem");
    const std::uint64_t t = ExpectTimedBlock(body, kTorrents, 0, max_t, "toraddrem");
    EXPECT_EQ(SplitLines(body).back(),
              "opentracker torrent add/remove stats, " + Num(Per(kTorrents, t)) + " added/s :: 0 removed/s.");
  }
  {
    // The kept connections, the asking one; no job waiting.
    const std::string body = SettledBusy();
    ExpectTimedBlock(body, 4, 0, max_t, "busy");
    EXPECT_EQ(SplitLines(body).back(), "opentracker busy, 4 connections open :: 0 jobs queued.");
  }
}

TEST_F(StatsModes, HerrHasOneLineForEveryErrorCounter) {
  const auto& e = want_.http_errors;
  EXPECT_EQ(e[kPaymentRequired], 0u);
  EXPECT_EQ(e[kInvalidCompact], 0u);
  EXPECT_EQ(Stats("herr"), "302 RED " + Num(e[kRedirect]) + "\n400 ... " + Num(e[kParseError]) +
                               "\n400 PAR " + Num(e[kInvalidParameter]) + "\n400 COM 0\n403 IP  " +
                               Num(e[kAccessDenied]) + "\n404 INV " + Num(e[kNotFound]) + "\n500 SRV " +
                               Num(e[kServerError]) + "\n402 NMD " + Num(e[kNotModest]) + "\n402 PAY 0\n");
  // Every error above counted once more than the setup's, exact values too.
  EXPECT_EQ(e[kInvalidParameter], 3u);
  EXPECT_EQ(e[kRedirect] + e[kParseError] + e[kAccessDenied] + e[kNotFound] + e[kServerError] + e[kNotModest],
            6u);
}

TEST_F(StatsModes, RenewCountsEveryReannounceByTheAgeItFound) {
  std::vector<std::string> lines = SplitLines(Stats("renew"));
  ASSERT_EQ(lines.size(), 46u) << "45 lines, each ending in a newline";
  EXPECT_EQ(lines.back(), "");
  std::uint64_t total = 0;
  for (std::size_t age = 0; age < 45; ++age) {
    const std::string prefix = (age < 10 ? "0" : "") + Num(age) + " ";
    ASSERT_EQ(lines[age].substr(0, 3), prefix) << lines[age];
    std::optional<std::uint64_t> n = ParseU64(lines[age].substr(3));
    ASSERT_TRUE(n) << lines[age];
    // A re-announce seconds after the first finds age 0, or 1 across a minute boundary.
    if (age > 1) {
      EXPECT_EQ(*n, 0u) << lines[age];
    }
    total += *n;
  }
  EXPECT_EQ(total, want_.renewals);
}

TEST_F(StatsModes, TopListsRankPeersSeedsAndLeechersWithTheHigherHashFirstOnTies) {
  auto peers = [](const TorrentModel& t) { return t.Peers(); };
  auto seeds = [](const TorrentModel& t) { return t.seeders; };
  auto leechers = [](const TorrentModel& t) { return t.leechers; };
  for (std::size_t k : {5u, 10u, 100u}) {
    EXPECT_EQ(Stats("top" + Num(k)),
              TopBlock(k, "peers", peers) + TopBlock(k, "seeds", seeds) + TopBlock(k, "leechers", leechers))
        << "top" << k;
  }
  // The data has ties at every count; spell one out so a stub cannot guess.
  const std::string top5 = Stats("top5");
  EXPECT_EQ(top5.substr(0, top5.find("Top 5 torrents by seeds")),
            "Top 5 torrents by peers:\n\t7\t" + UpperHex(torrents_[43].hash) + "\n\t7\t" +
                UpperHex(torrents_[23].hash) + "\n\t7\t" + UpperHex(torrents_[3].hash) + "\n\t6\t" +
                UpperHex(torrents_[38].hash) + "\n\t6\t" + UpperHex(torrents_[31].hash) + "\n");
}

TEST_F(StatsModes, S24sCountsTheIpv4PeersPerNetwork) {
  ASSERT_GT(want_.v4_peers, 0u);
  char count[16];
  std::snprintf(count, sizeof count, "%08llu", static_cast<unsigned long long>(want_.v4_peers));
  EXPECT_EQ(Stats("s24s"), std::string("Networks, limit /28:\n") + count +
                               ": 127.0.0.0\n\nNetworks, limit /24:\n" + count + ": 127.0.0.0\n\n");
}

TEST_F(StatsModes, VersionIsUpstreamsFourteenLines) {
  std::string want;
  for (int i = 0; i < 14; ++i) want += "$Source$: $Revision$\n";
  EXPECT_EQ(Stats("version"), want);
}

TEST_F(StatsModes, UnknownModesAndAnInfoHashAre400) {
  for (const std::string& target :
       std::vector<std::string>{"/stats?mode=bogus", "/stats?mode=", "/stats?mode=PEER", "/stats?mode=top7",
                                "/stats?mode=tpbs&format=xml", "/stats?info_hash=" + Pct(torrents_[0].hash),
                                "/stats?mode=version&info_hash=x"}) {
    test::Exchange ex = Request(*tracker_, GetRequest(target));
    ASSERT_EQ(ex.read.outcome, ReadOutcome::kResponse) << target;
    EXPECT_EQ(ex.read.response.raw,
              "HTTP/1.0 400 Invalid Request\r\nContent-Type: text/html\r\nContent-Length: 31\r\nConnection: "
              "close\r\n\r\n<title>Invalid Request</title>\n")
        << target;
  }
}

std::string XmlExpected(const Expected& w, std::uint64_t peers, std::uint64_t seeds, std::uint64_t tracker_id,
                        std::uint64_t uptime, const std::vector<std::uint64_t>& renew) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<stats>\n  <tracker_id>" + Num(tracker_id) +
                  "</tracker_id>\n  <version>\n";
  for (int i = 0; i < 14; ++i) x += "$Source$: $Revision$\n";
  x += "  </version>\n  <uptime>" + Num(uptime) + "</uptime>\n  <torrents>\n    <count_mutex>" +
       Num(kTorrents) + "</count_mutex>\n    <count_iterator>" + Num(kTorrents) +
       "</count_iterator>\n  </torrents>\n" + "  <peers>\n    <count>" + Num(peers) +
       "</count>\n  </peers>\n  <seeds>\n    <count>" + Num(seeds) +
       "</count>\n  </seeds>\n  <completed>\n    <count>" + Num(w.completed) + "</count>\n  </completed>\n" +
       "  <connections>\n    <tcp>\n      <accept>" + Num(w.tcp_accepts) + "</accept>\n      <announce>" +
       Num(w.tcp_announces) + "</announce>\n      <scrape>" + Num(w.tcp_scrapes) + "</scrape>\n    </tcp>\n" +
       "    <udp>\n      <overall>" + Num(w.udp_packets) + "</overall>\n      <connect>" +
       Num(w.udp_connects) + "</connect>\n      <announce>" + Num(w.udp_announces) +
       "</announce>\n      <scrape>" + Num(w.udp_scrapes) + "</scrape>\n      <missmatch>" +
       Num(w.udp_mismatches) + "</missmatch>\n    </udp>\n" +
       "    <livesync>\n      <count>0</count>\n    </livesync>\n  </connections>\n  <debug>\n    <renew>\n";
  for (std::size_t age = 0; age < 45; ++age) {
    x += "      <count interval=\"" + std::string(age < 10 ? "0" : "") + Num(age) + "\">" + Num(renew[age]) +
         "</count>\n";
  }
  x += "    </renew>\n    <http_error>\n";
  for (std::size_t i = 0; i < kErrorSlots; ++i)
    x += "      <count code=\"" + std::string(kXmlErrorNames[i]) + "\">" + Num(w.http_errors[i]) +
         "</count>\n";
  x += "    </http_error>\n    <mutex_stall>\n      <count>0</count>\n    </mutex_stall>\n  "
       "</debug>\n</stats>";
  return x;
}

TEST_F(StatsModes, EverythingIsWellFormedXmlWithTheRightNumbers) {
  const std::string body = Stats("everything");
  std::string error;
  std::optional<XmlNode> root = XmlParser(body).ParseDocument(&error);
  ASSERT_TRUE(root) << error << "\n" << body;
  EXPECT_EQ(root->name, "stats");
  EXPECT_EQ(body.substr(body.size() - 8), "</stats>") << "no newline after </stats>";
  auto value = [&](std::string_view path) -> std::optional<std::uint64_t> {
    const XmlNode* n = root->At(path);
    return n == nullptr ? std::nullopt : ParseU64(n->text);
  };
  EXPECT_EQ(value("torrents/count_mutex"), kTorrents);
  EXPECT_EQ(value("torrents/count_iterator"), kTorrents);
  EXPECT_EQ(value("peers/count"), Peers());
  EXPECT_EQ(value("seeds/count"), Sum(&TorrentModel::seeders));
  EXPECT_EQ(value("completed/count"), want_.completed);
  EXPECT_EQ(value("connections/tcp/accept"), want_.tcp_accepts);
  EXPECT_EQ(value("connections/tcp/announce"), want_.tcp_announces);
  EXPECT_EQ(value("connections/tcp/scrape"), want_.tcp_scrapes);
  EXPECT_EQ(value("connections/udp/overall"), want_.udp_packets);
  EXPECT_EQ(value("connections/udp/connect"), want_.udp_connects);
  EXPECT_EQ(value("connections/udp/announce"), want_.udp_announces);
  EXPECT_EQ(value("connections/udp/scrape"), want_.udp_scrapes);
  EXPECT_EQ(value("connections/udp/missmatch"), want_.udp_mismatches);
  EXPECT_EQ(value("connections/livesync/count"), 0u);
  EXPECT_EQ(value("debug/mutex_stall/count"), 0u);
  std::optional<std::uint64_t> tracker_id = value("tracker_id");
  std::optional<std::uint64_t> uptime = value("uptime");
  ASSERT_TRUE(tracker_id && uptime);
  EXPECT_LE(*tracker_id, 0xffffffffu);
  EXPECT_LE(*uptime, MaxUptime());

  const XmlNode* renew = root->At("debug/renew");
  ASSERT_NE(renew, nullptr);
  ASSERT_EQ(renew->children.size(), 45u);
  std::vector<std::uint64_t> renew_counts;
  std::uint64_t renew_total = 0;
  for (std::size_t age = 0; age < 45; ++age) {
    const XmlNode& c = renew->children[age];
    ASSERT_EQ(c.attributes.size(), 1u);
    EXPECT_EQ(c.attributes[0], std::make_pair(std::string("interval"), (age < 10 ? "0" : "") + Num(age)));
    renew_counts.push_back(ParseU64(c.text).value_or(999999));
    renew_total += renew_counts.back();
  }
  EXPECT_EQ(renew_total, want_.renewals);
  const XmlNode* errors = root->At("debug/http_error");
  ASSERT_NE(errors, nullptr);
  ASSERT_EQ(errors->children.size(), kErrorSlots);
  for (std::size_t i = 0; i < kErrorSlots; ++i) {
    const XmlNode& c = errors->children[i];
    ASSERT_EQ(c.attributes.size(), 1u);
    EXPECT_EQ(c.attributes[0].second, kXmlErrorNames[i]);
    EXPECT_EQ(ParseU64(c.text), want_.http_errors[i]) << kXmlErrorNames[i];
  }
  // And byte for byte, with the values only the tracker knows taken from it.
  EXPECT_EQ(body,
            XmlExpected(want_, Peers(), Sum(&TorrentModel::seeders), *tracker_id, *uptime, renew_counts));
}

TEST_F(StatsModes, EverythingAsJsonParsesAndAgreesWithTheXml) {
  test::HttpResponse response;
  const std::string body = Stats("mode=everything&format=json", &response);
  std::string error;
  std::optional<Json> doc = JsonParser(body).ParseDocument(&error);
  ASSERT_TRUE(doc) << error << "\n" << body;
  ASSERT_EQ(doc->type, Json::Type::kObject);
  EXPECT_EQ(doc->Keys(), (std::vector<std::string>{"tracker_id", "version", "uptime", "torrents", "peers",
                                                   "seeds", "completed", "connections", "debug", "port"}));
  auto at = [&](std::initializer_list<std::string_view> path) -> const Json* {
    const Json* node = &*doc;
    for (std::string_view key : path) {
      if (node == nullptr) return nullptr;
      node = node->Get(key);
    }
    return node;
  };
  auto u64 = [&](std::initializer_list<std::string_view> path) -> std::optional<std::uint64_t> {
    const Json* n = at(path);
    return n == nullptr ? std::nullopt : n->U64();
  };
  ASSERT_NE(at({"version"}), nullptr);
  EXPECT_EQ(at({"version"})->type, Json::Type::kString);
  EXPECT_FALSE(at({"version"})->string.empty());
  EXPECT_LE(u64({"tracker_id"}).value_or(1ull << 40), 0xffffffffu);
  EXPECT_LE(u64({"uptime"}).value_or(1ull << 40), MaxUptime());
  EXPECT_EQ(u64({"torrents", "count_mutex"}), kTorrents);
  EXPECT_EQ(u64({"torrents", "count_iterator"}), kTorrents);
  EXPECT_EQ(u64({"peers", "count"}), Peers());
  EXPECT_EQ(u64({"seeds", "count"}), Sum(&TorrentModel::seeders));
  EXPECT_EQ(u64({"completed", "count"}), want_.completed);
  EXPECT_EQ(at({"connections"})->Keys(), (std::vector<std::string>{"tcp", "udp", "livesync"}));
  EXPECT_EQ(u64({"connections", "tcp", "accept"}), want_.tcp_accepts);
  EXPECT_EQ(u64({"connections", "tcp", "announce"}), want_.tcp_announces);
  EXPECT_EQ(u64({"connections", "tcp", "scrape"}), want_.tcp_scrapes);
  EXPECT_EQ(at({"connections", "udp"})->Keys(),
            (std::vector<std::string>{"overall", "connect", "announce", "scrape", "missmatch"}));
  EXPECT_EQ(u64({"connections", "udp", "overall"}), want_.udp_packets);
  EXPECT_EQ(u64({"connections", "udp", "connect"}), want_.udp_connects);
  EXPECT_EQ(u64({"connections", "udp", "announce"}), want_.udp_announces);
  EXPECT_EQ(u64({"connections", "udp", "scrape"}), want_.udp_scrapes);
  EXPECT_EQ(u64({"connections", "udp", "missmatch"}), want_.udp_mismatches);
  EXPECT_EQ(u64({"connections", "livesync", "count"}), 0u);
  const Json* renew = at({"debug", "renew"});
  ASSERT_TRUE(renew != nullptr && renew->type == Json::Type::kArray);
  ASSERT_EQ(renew->array.size(), 45u);
  std::uint64_t renew_total = 0;
  for (const Json& n : renew->array) renew_total += n.U64().value_or(999999);
  EXPECT_EQ(renew_total, want_.renewals);
  const Json* errors = at({"debug", "http_error"});
  ASSERT_TRUE(errors != nullptr && errors->type == Json::Type::kArray);
  ASSERT_EQ(errors->array.size(), kErrorSlots);
  for (std::size_t i = 0; i < kErrorSlots; ++i) {
    const Json& e = errors->array[i];
    EXPECT_EQ(e.Keys(), (std::vector<std::string>{"code", "count"}));
    ASSERT_NE(e.Get("code"), nullptr);
    EXPECT_EQ(e.Get("code")->string, kErrorNames[i]);
    EXPECT_EQ(e.Get("count")->U64(), want_.http_errors[i]) << kErrorNames[i];
  }
  EXPECT_EQ(u64({"debug", "mutex_stall", "count"}), 0u);
  // The port's own facts: every counter under its snake_case name.
  EXPECT_EQ(u64({"port", "peers_maintained"}), Peers());
  EXPECT_EQ(u64({"port", "downloaded"}), Sum(&TorrentModel::downloaded));
  EXPECT_GE(u64({"port", "open_connections"}).value_or(0), 4u)
      << "3 kept, the asking one, maybe closing ones";
  EXPECT_EQ(u64({"port", "queued_jobs"}), 0u);
  const std::map<std::string, std::uint64_t> counters = {{"tcp_accepts", want_.tcp_accepts},
                                                         {"tcp_announces", want_.tcp_announces},
                                                         {"tcp_scrapes", want_.tcp_scrapes},
                                                         {"tcp_requests", want_.tcp_requests},
                                                         {"udp_packets", want_.udp_packets},
                                                         {"udp_connects", want_.udp_connects},
                                                         {"udp_announces", want_.udp_announces},
                                                         {"udp_scrapes", want_.udp_scrapes},
                                                         {"udp_mismatches", want_.udp_mismatches},
                                                         {"udp_errors", 0},
                                                         {"completed", want_.completed},
                                                         {"full_scrapes", want_.full_scrapes},
                                                         {"full_scrape_bytes", want_.full_scrape_bytes},
                                                         {"livesync_received", 0},
                                                         {"peers_dropped", 0},
                                                         {"torrents_refused", 0},
                                                         {"started_events", want_.started},
                                                         {"stopped_events", want_.stopped},
                                                         {"torrents_added", kTorrents},
                                                         {"torrents_removed", 0}};
  const Json* port_counters = at({"port", "counters"});
  ASSERT_TRUE(port_counters != nullptr && port_counters->type == Json::Type::kObject);
  EXPECT_EQ(port_counters->object.size(), counters.size());
  for (const auto& [name, value] : counters) {
    const Json* c = port_counters->Get(name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->U64(), value) << name;
  }
  EXPECT_NE(body.back(), '\n') << "no trailing newline";
}

// Optional features, each with its switch on (the fixture turns all on).
TEST_F(StatsModes, NumwantsCountsTheClampedNumwantOfHttpAnnounces) {
  std::vector<std::string> lines = SplitLines(Stats("numwants"));
  ASSERT_EQ(lines.size(), 202u) << "201 lines, each ending in a newline";
  std::uint64_t total = 0;
  for (unsigned n = 0; n <= 200; ++n) {
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "%03u => ", n);
    const auto it = want_.numwant.find(n);
    EXPECT_EQ(lines[n], prefix + Num(it == want_.numwant.end() ? 0 : it->second));
    total += it == want_.numwant.end() ? 0 : it->second;
  }
  EXPECT_EQ(total, want_.tcp_announces) << "every HTTP announce, stops included";
  EXPECT_GT(want_.numwant[200], 0u);
  EXPECT_GT(want_.numwant[5], 0u);
}

TEST_F(StatsModes, WoodpeckersListsNetworksOfEarlyReannounces) {
  // Re-announces here come seconds after the first, so at age 0 (not
  // counted) or, across a minute boundary, 1 (counted): at most the
  // 127.0.0.0/28 and ::/48 networks, together at most `renewals`.
  const std::string body = Stats("woodpeckers");
  ASSERT_EQ(body.rfind("Networks, limit /28:\n", 0), 0u) << body;
  ASSERT_EQ(body.back(), '\n');
  std::vector<std::string> lines = SplitLines(body.substr(21));
  ASSERT_GE(lines.size(), 2u);
  ASSERT_LE(lines.size(), 4u) << body;
  EXPECT_EQ(lines[lines.size() - 2], "") << "an empty line ends the list";
  std::uint64_t total = 0;
  for (std::size_t i = 0; i + 2 < lines.size(); ++i) {
    const std::string& l = lines[i];
    ASSERT_GT(l.size(), 10u) << l;
    EXPECT_TRUE(l.substr(8) == ": 127.0.0.0" || l.substr(8) == ": ::") << l;
    std::optional<std::uint64_t> n = ParseU64(l.substr(0, 8));
    ASSERT_TRUE(n) << l;
    total += *n;
  }
  EXPECT_LE(total, want_.renewals);
}

TEST_F(StatsModes, FulllogKeepsTheRawRequestsOfLoggedNetworks) {
  // lognet needs the stats blessing: from 127.0.0.2 it is refused.
  AnnounceParams lognet;
  lognet.info_hash = torrents_[0].hash;
  lognet.extra = "&lognet=127.0.0.1/32";
  test::ReadResult refused = RequestFrom("127.0.0.2", tracker_->Port(), AnnounceRequest(lognet));
  ASSERT_EQ(refused.outcome, ReadOutcome::kResponse);
  EXPECT_EQ(refused.response.status_line, "HTTP/1.0 403 Access Denied");
  EXPECT_EQ(Stats("fulllog"), "") << "nothing logged yet";

  ASSERT_TRUE(client_->Send(AnnounceRequest(lognet)));
  test::ReadResult added = client_->ReadResponse(kReply);
  ASSERT_EQ(added.outcome, ReadOutcome::kResponse);
  EXPECT_EQ(added.response.content, "Successfully added.\n");
  const auto before = std::chrono::system_clock::now();
  AnnounceParams logged;
  logged.info_hash = torrents_[1].hash;
  logged.port = "31337";
  const std::string logged_request = AnnounceRequest(logged);
  ASSERT_TRUE(client_->Send(logged_request));
  ASSERT_EQ(client_->ReadResponse(kReply).outcome, ReadOutcome::kResponse);
  // From 127.0.0.2: not in the logged network.
  AnnounceParams other = logged;
  other.port = "31338";
  ASSERT_EQ(RequestFrom("127.0.0.2", tracker_->Port(), AnnounceRequest(other)).outcome,
            ReadOutcome::kResponse);
  const std::string fulllog_request = StatsRequest("fulllog");
  // "<unix time %08d>: <ip>\n<raw request>\n*\n\n" per request, oldest first.
  auto expect_entries = [&](const std::string& body, const std::vector<std::string>& raws,
                            std::chrono::system_clock::time_point since) {
    const auto until = std::chrono::system_clock::now();
    std::size_t at = 0;
    for (const std::string& raw : raws) {
      const std::size_t colon = body.find(": ", at);
      ASSERT_NE(colon, std::string::npos) << test::Printable(body, 2000);
      ASSERT_GE(colon - at, 8u) << "at least 8 digits (%08d)";
      std::optional<std::uint64_t> when = ParseU64(body.substr(at, colon - at));
      ASSERT_TRUE(when) << test::Printable(body, 2000);
      EXPECT_GE(*when + 1, static_cast<std::uint64_t>(std::chrono::system_clock::to_time_t(since)));
      EXPECT_LE(*when, static_cast<std::uint64_t>(std::chrono::system_clock::to_time_t(until)) + 1);
      const std::string entry = ": 127.0.0.1\n" + raw + "\n*\n\n";
      EXPECT_EQ(body.substr(colon, entry.size()), entry);
      at = colon + entry.size();
    }
    EXPECT_EQ(at, body.size()) << raws.size() << " entries expected:\n" << test::Printable(body, 2000);
  };
  // The fulllog request itself is from the logged network too.
  expect_entries(Stats("fulllog"), {logged_request, fulllog_request}, before);
  // Each read drains: the next one holds only itself.
  expect_entries(Stats("fulllog"), {fulllog_request}, before);

  // "lognet=-" forgets the networks (and is the last request logged).
  AnnounceParams clear = lognet;
  clear.extra = "&lognet=-";
  const std::string clear_request = AnnounceRequest(clear);
  ASSERT_TRUE(client_->Send(clear_request));
  test::ReadResult removed = client_->ReadResponse(kReply);
  ASSERT_EQ(removed.outcome, ReadOutcome::kResponse);
  EXPECT_EQ(removed.response.content, "Successfully removed.\n");
  expect_entries(Stats("fulllog"), {clear_request}, before);
  EXPECT_EQ(Stats("fulllog"), "") << "nothing is logged any more";
}

// Keep-alive (PORT-DECISIONS §1): every mode, immediate or answered by a
// worker, leaves the HTTP/1.1 connection open for the next request.
TEST_F(StatsModes, EveryModeAnswersOnOneKeepAliveConnection) {
  std::size_t answered = 0;
  for (const std::string mode : {"peer",
                                 "conn",
                                 "scrp",
                                 "udp4",
                                 "tcp4",
                                 "torr",
                                 "fscr",
                                 "completed",
                                 "syncs",
                                 "herr",
                                 "renew",
                                 "version",
                                 "top5",
                                 "top10",
                                 "top100",
                                 "s24s",
                                 "everything",
                                 "busy",
                                 "startstop",
                                 "toraddrem",
                                 "woodpeckers",
                                 "numwants",
                                 "fulllog",
                                 "everything&format=json",
                                 "tpbs&format=txt",
                                 "statedump"}) {
    ++want_.tcp_requests;
    ASSERT_TRUE(client_->Send(StatsRequest("mode=" + mode, ""))) << mode;
    test::ReadResult r = client_->ReadResponse(kReply);
    ASSERT_EQ(r.outcome, ReadOutcome::kResponse)
        << "mode=" << mode << " after " << answered
        << " answered modes on this connection: " << test::ToString(r.outcome);
    ++answered;
    EXPECT_EQ(r.response.status_line, "HTTP/1.1 200 OK") << mode;
    EXPECT_FALSE(r.response.Header("Connection").has_value()) << mode;
    if (mode == "tpbs&format=txt" || mode == "statedump") {
      EXPECT_EQ(r.response.Header("Transfer-Encoding").value_or(""), "chunked") << mode;
    } else {
      EXPECT_TRUE(r.response.Header("Content-Length").has_value()) << mode;
    }
  }
  // The same connection made no new accept: tcp4 counts only the query's own.
  const std::string tcp4 = Stats("tcp4");
  EXPECT_EQ(tcp4.substr(0, tcp4.find('\n')), Num(want_.tcp_accepts));
}

// The same modes with their switches off.
TEST(StatsSwitches, OptionalModesWithoutTheirSwitches) {
  OT_SKIP_UNLESS_PORT("tracker.* switches are the port's");
  TrackerOptions o;
  o.config_lines = ListenLines(false);
  TrackerProcess tracker(o);
  ASSERT_TRUE(tracker.Start());
  test::Exchange numwants = Request(tracker, GetRequest("/stats?mode=numwants"));
  ASSERT_EQ(numwants.read.outcome, ReadOutcome::kResponse);
  EXPECT_EQ(numwants.read.response.status_line, "HTTP/1.0 400 Invalid Request");
  for (const char* mode : {"woodpeckers", "fulllog"}) {
    HttpConnection c("127.0.0.1", tracker.Port());
    ASSERT_TRUE(c.Connected());
    ASSERT_TRUE(c.Send(GetRequest(std::string("/stats?mode=") + mode)));
    test::ReadResult r = c.ReadResponse(kReply);
    EXPECT_TRUE(r.outcome == ReadOutcome::kClosed || r.outcome == ReadOutcome::kReset)
        << mode << ": " << test::ToString(r.outcome);
    EXPECT_EQ(r.partial, "") << mode << ": closed without a reply (HEAD)";
  }
  // lognet= is an ordinary unknown parameter then: a normal announce.
  AnnounceParams p;
  p.info_hash = TestHash(1);
  p.extra = "&lognet=127.0.0.1/32";
  test::Exchange ex = Request(tracker, AnnounceRequest(p));
  ASSERT_EQ(ex.read.outcome, ReadOutcome::kResponse);
  AnnounceReply reply = DecodeAnnounce(ex.read.response.content);
  EXPECT_TRUE(reply.error.empty() && reply.failure.empty()) << test::Printable(ex.read.response.raw);
  EXPECT_EQ(reply.complete + reply.incomplete, 1);
  // The tracker still serves the rest.
  EXPECT_TRUE(ServesAnnounce(tracker, TestHash(2)));
}

// ---------------------------------------------------------------------------
// /metrics

using StatsMetrics = StatsModes;

TEST_F(StatsMetrics, PrometheusTextParsesAndCountsWhatHappened) {
  ++want_.tcp_accepts;
  ++want_.tcp_requests;
  test::ReadResult r = Request(*tracker_, GetRequest("/metrics", "HTTP/1.1", "Connection: close\r\n")).read;
  ASSERT_EQ(r.outcome, ReadOutcome::kResponse);
  EXPECT_EQ(r.response.status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(r.response.Header("Content-Type").value_or("").rfind("text/plain", 0), 0u);
  const std::string& body = r.response.content;
  Prometheus p = ParsePrometheus(body);
  for (const std::string& e : p.errors) ADD_FAILURE() << e;
  ASSERT_TRUE(p.errors.empty()) << body;

  auto value = [&](std::string_view name, std::map<std::string, std::string> labels = {}) {
    return p.Value(name, labels).value_or("<missing>");
  };
  auto type = [&](std::string_view name) {
    const PromFamily* f = p.Family(name);
    return f == nullptr ? std::string("<missing>") : f->type;
  };
  EXPECT_EQ(type("opentracker_torrents"), "gauge");
  EXPECT_EQ(value("opentracker_torrents"), Num(kTorrents));
  EXPECT_EQ(type("opentracker_peers"), "gauge");
  EXPECT_EQ(value("opentracker_peers"), Num(Peers()));
  EXPECT_EQ(value("opentracker_seeders"), Num(Sum(&TorrentModel::seeders)));
  EXPECT_EQ(value("opentracker_downloaded"), Num(Sum(&TorrentModel::downloaded)));
  EXPECT_GE(ParseU64(value("opentracker_open_connections")).value_or(0), 4u);
  EXPECT_EQ(value("opentracker_queued_jobs"), "0");
  EXPECT_EQ(type("opentracker_completed_total"), "counter");
  EXPECT_EQ(value("opentracker_completed_total"), Num(want_.completed));
  EXPECT_EQ(type("opentracker_requests_total"), "counter");
  const std::string kRequests = "opentracker_requests_total";
  EXPECT_EQ(value(kRequests, {{"protocol", "http"}, {"kind", "announce"}}), Num(want_.tcp_announces));
  EXPECT_EQ(value(kRequests, {{"protocol", "http"}, {"kind", "scrape"}}), Num(want_.tcp_scrapes));
  EXPECT_EQ(value(kRequests, {{"protocol", "udp"}, {"kind", "connect"}}), Num(want_.udp_connects));
  EXPECT_EQ(value(kRequests, {{"protocol", "udp"}, {"kind", "announce"}}), Num(want_.udp_announces));
  EXPECT_EQ(value(kRequests, {{"protocol", "udp"}, {"kind", "scrape"}}), Num(want_.udp_scrapes));
  EXPECT_EQ(p.Family(kRequests)->samples.size(), 5u);
  EXPECT_EQ(value("opentracker_tcp_connections_total"), Num(want_.tcp_accepts));
  EXPECT_EQ(value("opentracker_http_requests_received_total"), Num(want_.tcp_requests));
  EXPECT_EQ(value("opentracker_udp_packets_total"), Num(want_.udp_packets));
  EXPECT_EQ(value("opentracker_udp_connection_id_mismatches_total"), Num(want_.udp_mismatches));
  EXPECT_EQ(value("opentracker_udp_errors_total"), "0");
  EXPECT_EQ(value("opentracker_full_scrapes_total"), Num(want_.full_scrapes));
  EXPECT_EQ(value("opentracker_full_scrape_bytes_total"), Num(want_.full_scrape_bytes));
  EXPECT_EQ(value("opentracker_livesync_peers_received_total"), "0");
  EXPECT_EQ(value("opentracker_announce_events_total", {{"event", "started"}}), Num(want_.started));
  EXPECT_EQ(value("opentracker_announce_events_total", {{"event", "stopped"}}), Num(want_.stopped));
  EXPECT_EQ(value("opentracker_torrents_added_total"), Num(kTorrents));
  EXPECT_EQ(value("opentracker_torrents_removed_total"), "0");
  EXPECT_EQ(type("opentracker_http_errors_total"), "counter");
  const PromFamily* errors = p.Family("opentracker_http_errors_total");
  ASSERT_NE(errors, nullptr);
  EXPECT_EQ(errors->samples.size(), kErrorSlots);
  for (std::size_t i = 0; i < kErrorSlots; ++i) {
    const std::string full(kErrorNames[i]);
    const std::string code = full.substr(0, 3), name = full.substr(4);
    EXPECT_EQ(value("opentracker_http_errors_total", {{"code", code}, {"name", name}}),
              Num(want_.http_errors[i]))
        << full;
  }
  const PromFamily* renewals = p.Family("opentracker_renewals_total");
  ASSERT_NE(renewals, nullptr);
  EXPECT_EQ(renewals->samples.size(), 45u);
  double renew_total = 0;
  for (const PromSample& s : renewals->samples) renew_total += s.value;
  EXPECT_EQ(renew_total, static_cast<double>(want_.renewals));
  EXPECT_EQ(type("opentracker_uptime_seconds"), "gauge");
  std::optional<std::uint64_t> uptime = ParseU64(value("opentracker_uptime_seconds"));
  ASSERT_TRUE(uptime);
  EXPECT_LE(*uptime, MaxUptime());
  const PromFamily* build = p.Family("opentracker_build_info");
  ASSERT_TRUE(build != nullptr && build->samples.size() == 1);
  EXPECT_EQ(build->samples[0].value_text, "1");
  EXPECT_FALSE(build->samples[0].labels.at("version").empty());

  // Behind the stats blessing like /stats.
  test::ReadResult denied = RequestFrom("127.0.0.2", tracker_->Port(), GetRequest("/metrics"));
  ASSERT_EQ(denied.outcome, ReadOutcome::kResponse);
  EXPECT_EQ(denied.response.status_line, "HTTP/1.0 403 Access Denied");
}

// The parser itself must reject what a scraper rejects, or the test above
// proves nothing.
TEST(StatsPrometheusParser, RejectsBrokenExpositions) {
  const std::string good =
      "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"1\"} 3\n# HELP opentracker_g G.\n"
      "# TYPE opentracker_g gauge\nopentracker_g 1\n";
  EXPECT_EQ(ParsePrometheus(good).errors.size(), 1u) << "a_total lacks the opentracker_ prefix";
  const std::string ok =
      "# HELP opentracker_a_total A.\n# TYPE opentracker_a_total counter\nopentracker_a_total 3\n";
  EXPECT_TRUE(ParsePrometheus(ok).errors.empty());
  const std::string head = "# HELP opentracker_a_total A.\n# TYPE opentracker_a_total counter\n";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"counter without _total", "# HELP opentracker_a A.\n# TYPE opentracker_a counter\nopentracker_a 3\n"},
      {"no family", "opentracker_a_total 3\n"},
      {"no final newline", head + "opentracker_a_total 3"},
      {"unquoted label value", head + "opentracker_a_total{x=1} 3\n"},
      {"bad value", head + "opentracker_a_total x\n"},
      {"no HELP", "# TYPE opentracker_a_total counter\nopentracker_a_total 3\n"},
      {"duplicate series", head + "opentracker_a_total 3\nopentracker_a_total 4\n"},
      {"family not contiguous",
       head + "# HELP opentracker_b B.\n# TYPE opentracker_b gauge\n"
              "opentracker_a_total{k=\"1\"} 1\nopentracker_b 1\nopentracker_a_total{k=\"2\"} 1\n"},
      {"TYPE after samples",
       "# HELP opentracker_a_total A.\nopentracker_a_total 1\n# TYPE opentracker_a_total counter\n"},
  };
  for (const auto& [why, text] : bad) EXPECT_FALSE(ParsePrometheus(text).errors.empty()) << why;
}

TEST(StatsJsonAndXmlParsers, RejectBrokenDocuments) {
  std::string error;
  EXPECT_TRUE(JsonParser(R"({"a":[1,2,{"b":"c\n"}],"d":-1.5e3,"e":true,"f":null})").ParseDocument(&error))
      << error;
  for (const char* bad :
       {"{", "{\"a\":1,}", "{\"a\":01}", "[1 2]", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "\"\x01\""}) {
    EXPECT_FALSE(JsonParser(bad).ParseDocument(&error)) << bad;
  }
  EXPECT_TRUE(XmlParser("<?xml version=\"1.0\"?>\n<a><b x=\"1\">t</b><c/></a>").ParseDocument(&error))
      << error;
  for (const char* bad : {"<a></a>", "<?xml version=\"1.0\"?><a><b></a></b>",
                          "<?xml version=\"1.0\"?><a>&</a>", "<?xml version=\"1.0\"?><a></a><b></b>",
                          "<?xml version=\"1.0\"?><a x=1></a>", "<?xml version=\"1.0\"?><a>"}) {
    EXPECT_FALSE(XmlParser(bad).ParseDocument(&error)) << bad;
  }
}

}  // namespace
}  // namespace ot::integration
