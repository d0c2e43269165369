// The port's machine-readable stats (PORT-DECISIONS §4): the JSON form of
// `everything`, checked with a strict RFC 8259 parser written here, and the
// Prometheus text at /metrics, checked line by line against the 0.0.4
// exposition format rules.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "opentracker/stats/render.hpp"
#include "stats_test_data.hpp"

namespace ot::stats {
namespace {

using namespace test_data;

// ---------------------------------------------------------------- a strict JSON reader

struct JValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::optional<std::uint64_t> integer;  // set for non-negative integers
  std::string string;
  std::vector<JValue> array;
  // An object's members in order: keys[i] names values[i]. (A vector of
  // pair<string, JValue> would need JValue complete here.)
  std::vector<std::string> keys;
  std::vector<JValue> values;

  const JValue* Get(std::string_view key) const {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return &values[i];
    }
    return nullptr;
  }
  // Follows a path of object keys; ADD_FAILURE and nullptr if one is missing.
  const JValue& At(std::initializer_list<std::string_view> path) const {
    static const JValue kMissing;
    const JValue* v = this;
    for (std::string_view key : path) {
      v = v->type == Type::kObject ? v->Get(key) : nullptr;
      if (v == nullptr) {
        ADD_FAILURE() << "missing key " << key;
        return kMissing;
      }
    }
    return *v;
  }
  std::uint64_t Int(std::initializer_list<std::string_view> path) const {
    const JValue& v = At(path);
    EXPECT_TRUE(v.integer.has_value());
    return v.integer.value_or(~std::uint64_t{0});
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}

  // The whole text must be one value (surrounding blanks allowed).
  std::optional<JValue> ParseDocument() {
    JValue v;
    SkipBlanks();
    if (!ParseValue(v, 0)) return std::nullopt;
    SkipBlanks();
    if (pos_ != text_.size()) return std::nullopt;
    return v;
  }

 private:
  bool ParseValue(JValue& v, int depth) {
    if (depth > 64 || pos_ >= text_.size()) return false;
    const char ch = text_[pos_];
    if (ch == '{') return ParseObject(v, depth);
    if (ch == '[') return ParseArray(v, depth);
    if (ch == '"') {
      v.type = JValue::Type::kString;
      return ParseString(v.string);
    }
    if (ch == '-' || (ch >= '0' && ch <= '9')) return ParseNumber(v);
    if (Literal("true")) {
      v.type = JValue::Type::kBool;
      v.boolean = true;
      return true;
    }
    if (Literal("false")) {
      v.type = JValue::Type::kBool;
      return true;
    }
    if (Literal("null")) return true;
    return false;
  }

  bool ParseObject(JValue& v, int depth) {
    v.type = JValue::Type::kObject;
    ++pos_;
    SkipBlanks();
    if (Consume('}')) return true;
    std::set<std::string> seen;
    while (true) {
      SkipBlanks();
      std::string key;
      if (pos_ >= text_.size() || text_[pos_] != '"' || !ParseString(key)) return false;
      if (!seen.insert(key).second) return false;  // duplicate keys: refuse, they hide data
      SkipBlanks();
      if (!Consume(':')) return false;
      SkipBlanks();
      JValue member;
      if (!ParseValue(member, depth + 1)) return false;
      v.keys.push_back(std::move(key));
      v.values.push_back(std::move(member));
      SkipBlanks();
      if (Consume('}')) return true;
      if (!Consume(',')) return false;
    }
  }

  bool ParseArray(JValue& v, int depth) {
    v.type = JValue::Type::kArray;
    ++pos_;
    SkipBlanks();
    if (Consume(']')) return true;
    while (true) {
      SkipBlanks();
      JValue element;
      if (!ParseValue(element, depth + 1)) return false;
      v.array.push_back(std::move(element));
      SkipBlanks();
      if (Consume(']')) return true;
      if (!Consume(',')) return false;
    }
  }

  bool ParseString(std::string& out) {
    ++pos_;  // opening quote
    while (pos_ < text_.size()) {
      const char ch = text_[pos_++];
      if (ch == '"') return true;
      if (static_cast<unsigned char>(ch) < 0x20) return false;
      if (ch != '\\') {
        out.push_back(ch);
        continue;
      }
      if (pos_ >= text_.size()) return false;
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
          if (pos_ + 4 > text_.size()) return false;
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
            else
              return false;
          }
          if (code >= 0x80) return false;  // enough for this test: the writer only escapes controls
          out.push_back(static_cast<char>(code));
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool ParseNumber(JValue& v) {
    v.type = JValue::Type::kNumber;
    const std::size_t start = pos_;
    const bool negative = Consume('-');
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == '0') {
      ++pos_;
    } else if (text_[pos_] >= '1' && text_[pos_] <= '9') {
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    } else {
      return false;
    }
    bool integral = true;
    if (Consume('.')) {
      integral = false;
      if (!Digits()) return false;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!Digits()) return false;
    }
    if (integral && !negative) {
      std::uint64_t value = 0;
      for (std::size_t i = start; i < pos_; ++i) {
        const std::uint64_t digit = static_cast<std::uint64_t>(text_[i] - '0');
        if (value > (~std::uint64_t{0} - digit) / 10) return false;
        value = value * 10 + digit;
      }
      v.integer = value;
    }
    return true;
  }

  bool Digits() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }
  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool Consume(char ch) {
    if (pos_ < text_.size() && text_[pos_] == ch) {
      ++pos_;
      return true;
    }
    return false;
  }
  void SkipBlanks() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

TEST(JsonReaderTest, TheCheckerItselfRejectsBadJson) {
  for (std::string_view bad :
       {"", "{", "{\"a\":1,}", "[1,]", "{\"a\":1,\"a\":2}", "{a:1}", "01", "1.", "\"\x01\"", "\"\\x\"",
        "[1] [2]", "{\"a\" 1}", "nul", "-", "1e", "{\"a\":1}}"}) {
    EXPECT_FALSE(JsonReader(bad).ParseDocument().has_value()) << bad;
  }
  for (std::string_view good : {"{}", "[]", "0", "-1.5e+3", "\"\\u0041\\n\"", " {\"a\":[1,{\"b\":null}]} ",
                                "true", "18446744073709551615"}) {
    EXPECT_TRUE(JsonReader(good).ParseDocument().has_value()) << good;
  }
}

StatsContext BusyContext() {
  StatsContext context;
  context.tracker_id = 4294967295u;
  context.uptime_seconds = 86400;
  context.torrent_count = 3;
  context.peer_count = 16;
  context.open_connections = 5;
  context.queued_jobs = 2;
  context.version = "0.1.0 \"beta\"\n\\x\x01";
  for (std::size_t i = 0; i < kScalarCounterCount; ++i) context.counters.scalars[i] = 1000 + i;
  for (std::size_t i = 0; i < kHttpErrorCount; ++i) context.counters.http_errors[i] = 2000 + i;
  for (std::size_t i = 0; i < kRenewBuckets; ++i) context.counters.renew[i] = 3000 + i;
  return context;
}

StoreSnapshot BusyStore() {
  StoreSnapshot store;
  store.torrents = 4;
  store.peers = 15;
  store.seeders = 5;
  store.completed = 77;
  return store;
}

std::uint64_t CounterValue(Counter c) { return 1000 + static_cast<std::uint64_t>(c); }

TEST(EverythingJsonTest, WellFormedAndMirrorsTheXml) {
  const StatsContext context = BusyContext();
  const StoreSnapshot store = BusyStore();
  std::string out = "keep";
  RenderEverythingJson(context, store, out);
  ASSERT_EQ(out.substr(0, 4), "keep");
  const std::optional<JValue> doc = JsonReader(std::string_view(out).substr(4)).ParseDocument();
  ASSERT_TRUE(doc.has_value()) << out;
  ASSERT_EQ(doc->type, JValue::Type::kObject);

  EXPECT_EQ(doc->keys, (std::vector<std::string>{"tracker_id", "version", "uptime", "torrents", "peers",
                                                 "seeds", "completed", "connections", "debug", "port"}));
  EXPECT_EQ(doc->Int({"tracker_id"}), 4294967295u);
  EXPECT_EQ(doc->At({"version"}).string, context.version);
  EXPECT_EQ(doc->Int({"uptime"}), 86400u);
  EXPECT_EQ(doc->Int({"torrents", "count_mutex"}), 3u);
  EXPECT_EQ(doc->Int({"torrents", "count_iterator"}), 4u);
  EXPECT_EQ(doc->Int({"peers", "count"}), 15u);
  EXPECT_EQ(doc->Int({"seeds", "count"}), 5u);
  EXPECT_EQ(doc->Int({"completed", "count"}), CounterValue(Counter::kCompleted));
  EXPECT_EQ(doc->Int({"connections", "tcp", "accept"}), CounterValue(Counter::kTcpAccepts));
  EXPECT_EQ(doc->Int({"connections", "tcp", "announce"}), CounterValue(Counter::kTcpAnnounces));
  EXPECT_EQ(doc->Int({"connections", "tcp", "scrape"}), CounterValue(Counter::kTcpScrapes));
  EXPECT_EQ(doc->Int({"connections", "udp", "overall"}), CounterValue(Counter::kUdpPackets));
  EXPECT_EQ(doc->Int({"connections", "udp", "connect"}), CounterValue(Counter::kUdpConnects));
  EXPECT_EQ(doc->Int({"connections", "udp", "announce"}), CounterValue(Counter::kUdpAnnounces));
  EXPECT_EQ(doc->Int({"connections", "udp", "scrape"}), CounterValue(Counter::kUdpScrapes));
  EXPECT_EQ(doc->Int({"connections", "udp", "missmatch"}), CounterValue(Counter::kUdpMismatches));
  EXPECT_EQ(doc->Int({"connections", "livesync", "count"}), CounterValue(Counter::kLivesyncReceived));

  const JValue& renew = doc->At({"debug", "renew"});
  ASSERT_EQ(renew.type, JValue::Type::kArray);
  ASSERT_EQ(renew.array.size(), kRenewBuckets);
  for (std::size_t i = 0; i < kRenewBuckets; ++i) EXPECT_EQ(renew.array[i].integer, 3000 + i);

  const JValue& errors = doc->At({"debug", "http_error"});
  ASSERT_EQ(errors.type, JValue::Type::kArray);
  ASSERT_EQ(errors.array.size(), kHttpErrorCount);
  for (std::size_t i = 0; i < kHttpErrorCount; ++i) {
    EXPECT_EQ(errors.array[i].At({"code"}).string, HttpErrorName(static_cast<HttpError>(i)));
    EXPECT_EQ(errors.array[i].Int({"count"}), 2000 + i);
  }
  EXPECT_EQ(doc->Int({"debug", "mutex_stall", "count"}), 0u);

  EXPECT_EQ(doc->Int({"port", "peers_maintained"}), 16u);
  EXPECT_EQ(doc->Int({"port", "downloaded"}), 77u);
  EXPECT_EQ(doc->Int({"port", "open_connections"}), 5u);
  EXPECT_EQ(doc->Int({"port", "queued_jobs"}), 2u);
  const JValue& counters = doc->At({"port", "counters"});
  ASSERT_EQ(counters.keys.size(), kScalarCounterCount);
  EXPECT_EQ(counters.keys.front(), "tcp_accepts");
  EXPECT_EQ(doc->Int({"port", "counters", "udp_mismatches"}), CounterValue(Counter::kUdpMismatches));
  EXPECT_EQ(doc->Int({"port", "counters", "full_scrape_bytes"}), CounterValue(Counter::kFullScrapeBytes));
  EXPECT_EQ(doc->Int({"port", "counters", "torrents_removed"}), CounterValue(Counter::kTorrentsRemoved));
  for (std::size_t i = 0; i < kScalarCounterCount; ++i) EXPECT_EQ(counters.values[i].integer, 1000 + i);
}

TEST(EverythingJsonTest, ZeroContextIsWellFormedToo) {
  std::string out;
  RenderEverythingJson(StatsContext{}, StoreSnapshot{}, out);
  const std::optional<JValue> doc = JsonReader(out).ParseDocument();
  ASSERT_TRUE(doc.has_value()) << out;
  EXPECT_EQ(doc->At({"version"}).string, "");
  EXPECT_EQ(doc->Int({"torrents", "count_iterator"}), 0u);
}

// ---------------------------------------------------------------- Prometheus text

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::uint64_t value = 0;
};

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

// One sample line "name{k="v",...} value"; nullopt if it breaks the grammar.
std::optional<Sample> ParseSampleLine(std::string_view line) {
  Sample s;
  std::size_t i = 0;
  if (line.empty() || !IsNameStart(line[0])) return std::nullopt;
  while (i < line.size() && IsNameChar(line[i])) s.name.push_back(line[i++]);
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      std::string key;
      if (i >= line.size() || !IsNameStart(line[i]) || line[i] == ':') return std::nullopt;
      while (i < line.size() && IsNameChar(line[i]) && line[i] != ':') key.push_back(line[i++]);
      if (i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') return std::nullopt;
      i += 2;
      std::string value;
      while (true) {
        if (i >= line.size()) return std::nullopt;
        const char c = line[i++];
        if (c == '"') break;
        if (c == '\n') return std::nullopt;
        if (c == '\\') {
          if (i >= line.size()) return std::nullopt;
          const char e = line[i++];
          if (e == 'n')
            value.push_back('\n');
          else if (e == '\\' || e == '"')
            value.push_back(e);
          else
            return std::nullopt;
        } else {
          value.push_back(c);
        }
      }
      if (!s.labels.emplace(key, value).second) return std::nullopt;
      if (i < line.size() && line[i] == ',') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      return std::nullopt;
    }
  }
  if (i >= line.size() || line[i] != ' ') return std::nullopt;
  ++i;
  if (i >= line.size()) return std::nullopt;
  std::uint64_t v = 0;
  for (; i < line.size(); ++i) {
    if (line[i] < '0' || line[i] > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(line[i] - '0');
  }
  s.value = v;
  return s;
}

struct Exposition {
  std::vector<Sample> samples;
  std::map<std::string, std::string> types;
  bool ok = true;
};

// Checks the rules a scraper relies on and collects the samples.
Exposition CheckExposition(std::string_view text) {
  Exposition e;
  auto fail = [&e](const std::string& why) {
    ADD_FAILURE() << why;
    e.ok = false;
  };
  if (text.empty() || text.back() != '\n') fail("must end in a newline");
  std::set<std::string> helped;
  std::set<std::string> finished;  // families whose samples are over
  std::set<std::string> series;
  std::string current;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty()) {
      fail("empty line");
      continue;
    }
    if (line.substr(0, 7) == "# HELP ") {
      const std::string_view rest = line.substr(7);
      const std::string name(rest.substr(0, rest.find(' ')));
      if (rest.find(' ') == std::string_view::npos || rest.size() <= name.size() + 1)
        fail("HELP without text");
      if (!helped.insert(name).second) fail("HELP twice for " + name);
      if (!current.empty() && current != name) finished.insert(current);
      current = name;
      continue;
    }
    if (line.substr(0, 7) == "# TYPE ") {
      const std::string_view rest = line.substr(7);
      const std::size_t space = rest.find(' ');
      const std::string name(rest.substr(0, space));
      const std::string type(space == std::string_view::npos ? "" : rest.substr(space + 1));
      if (type != "counter" && type != "gauge") fail("bad TYPE " + std::string(line));
      if (!e.types.emplace(name, type).second) fail("TYPE twice for " + name);
      if (name != current) fail("TYPE " + name + " not right after its HELP");
      continue;
    }
    if (line[0] == '#') {
      fail("stray comment " + std::string(line));
      continue;
    }
    const std::optional<Sample> s = ParseSampleLine(line);
    if (!s) {
      fail("bad sample line: " + std::string(line));
      continue;
    }
    if (!e.types.count(s->name)) fail("sample before its TYPE: " + s->name);
    if (s->name != current || finished.count(s->name)) fail("samples of " + s->name + " are not contiguous");
    std::string key = s->name;
    for (const auto& [k, v] : s->labels) key += "|" + k + "=" + v;
    if (!series.insert(key).second) fail("duplicate series " + key);
    e.samples.push_back(*s);
  }
  return e;
}

const Sample* Find(const Exposition& e, std::string_view name,
                   const std::map<std::string, std::string>& labels) {
  for (const Sample& s : e.samples) {
    if (s.name == name && s.labels == labels) return &s;
  }
  ADD_FAILURE() << "no sample " << name;
  return nullptr;
}

std::uint64_t Value(const Exposition& e, std::string_view name,
                    const std::map<std::string, std::string>& labels = {}) {
  const Sample* s = Find(e, name, labels);
  return s != nullptr ? s->value : ~std::uint64_t{0};
}

TEST(PrometheusTest, CheckerRejectsBrokenLines) {
  for (std::string_view bad : {"x{a=\"1\"} ", "x{a=1} 2", "x{a=\"1\",a=\"2\"} 3", "x 1.5x", "{a=\"b\"} 1",
                               "x{a=\"\\q\"} 1", "9x 1", "x  1"}) {
    EXPECT_FALSE(ParseSampleLine(bad).has_value()) << bad;
  }
  const std::optional<Sample> ok = ParseSampleLine(R"(a_b:c{k="v \"q\"\\",l="2"} 42)");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->labels.at("k"), "v \"q\"\\");
  EXPECT_EQ(ok->value, 42u);
}

TEST(PrometheusTest, WellFormedNamedAndComplete) {
  const StatsContext context = BusyContext();
  const StoreSnapshot store = BusyStore();
  std::string out = "keep";
  RenderPrometheus(context, store, out);
  ASSERT_EQ(out.substr(0, 4), "keep");
  const Exposition e = CheckExposition(std::string_view(out).substr(4));
  ASSERT_TRUE(e.ok) << out;

  for (const auto& [name, type] : e.types) {
    EXPECT_EQ(name.substr(0, 12), "opentracker_") << name;
    const bool total = name.size() > 6 && name.substr(name.size() - 6) == "_total";
    EXPECT_EQ(type == "counter", total) << name << " " << type;
  }

  EXPECT_EQ(Value(e, "opentracker_build_info", {{"version", context.version}}), 1u);
  EXPECT_EQ(Value(e, "opentracker_uptime_seconds"), 86400u);
  EXPECT_EQ(Value(e, "opentracker_torrents"), 3u);
  EXPECT_EQ(Value(e, "opentracker_peers"), 15u);
  EXPECT_EQ(Value(e, "opentracker_seeders"), 5u);
  EXPECT_EQ(Value(e, "opentracker_downloaded"), 77u);
  EXPECT_EQ(Value(e, "opentracker_open_connections"), 5u);
  EXPECT_EQ(Value(e, "opentracker_queued_jobs"), 2u);

  const std::string requests = "opentracker_requests_total";
  EXPECT_EQ(Value(e, requests, {{"protocol", "http"}, {"kind", "announce"}}),
            CounterValue(Counter::kTcpAnnounces));
  EXPECT_EQ(Value(e, requests, {{"protocol", "http"}, {"kind", "scrape"}}),
            CounterValue(Counter::kTcpScrapes));
  EXPECT_EQ(Value(e, requests, {{"protocol", "udp"}, {"kind", "connect"}}),
            CounterValue(Counter::kUdpConnects));
  EXPECT_EQ(Value(e, requests, {{"protocol", "udp"}, {"kind", "announce"}}),
            CounterValue(Counter::kUdpAnnounces));
  EXPECT_EQ(Value(e, requests, {{"protocol", "udp"}, {"kind", "scrape"}}),
            CounterValue(Counter::kUdpScrapes));
  EXPECT_EQ(Value(e, "opentracker_tcp_connections_total"), CounterValue(Counter::kTcpAccepts));
  EXPECT_EQ(Value(e, "opentracker_http_requests_received_total"), CounterValue(Counter::kTcpRequests));
  EXPECT_EQ(Value(e, "opentracker_udp_packets_total"), CounterValue(Counter::kUdpPackets));
  EXPECT_EQ(Value(e, "opentracker_udp_connection_id_mismatches_total"),
            CounterValue(Counter::kUdpMismatches));
  EXPECT_EQ(Value(e, "opentracker_udp_errors_total"), CounterValue(Counter::kUdpErrors));
  EXPECT_EQ(Value(e, "opentracker_completed_total"), CounterValue(Counter::kCompleted));
  EXPECT_EQ(Value(e, "opentracker_full_scrapes_total"), CounterValue(Counter::kFullScrapes));
  EXPECT_EQ(Value(e, "opentracker_full_scrape_bytes_total"), CounterValue(Counter::kFullScrapeBytes));
  EXPECT_EQ(Value(e, "opentracker_livesync_peers_received_total"), CounterValue(Counter::kLivesyncReceived));
  EXPECT_EQ(Value(e, "opentracker_peers_dropped_total"), CounterValue(Counter::kPeersDropped));
  EXPECT_EQ(Value(e, "opentracker_torrents_refused_total"), CounterValue(Counter::kTorrentsRefused));
  EXPECT_EQ(Value(e, "opentracker_announce_events_total", {{"event", "started"}}),
            CounterValue(Counter::kStartedEvents));
  EXPECT_EQ(Value(e, "opentracker_announce_events_total", {{"event", "stopped"}}),
            CounterValue(Counter::kStoppedEvents));
  EXPECT_EQ(Value(e, "opentracker_torrents_added_total"), CounterValue(Counter::kTorrentsAdded));
  EXPECT_EQ(Value(e, "opentracker_torrents_removed_total"), CounterValue(Counter::kTorrentsRemoved));

  const std::pair<const char*, const char*> codes[] = {{"302", "Redirect"},
                                                       {"400", "Parse Error"},
                                                       {"400", "Invalid Parameter"},
                                                       {"400", "Invalid Parameter (compact=0)"},
                                                       {"402", "Not Modest"},
                                                       {"402", "Payment Required"},
                                                       {"403", "Access Denied"},
                                                       {"404", "Not found"},
                                                       {"500", "Internal Server Error"}};
  for (std::size_t i = 0; i < kHttpErrorCount; ++i) {
    EXPECT_EQ(
        Value(e, "opentracker_http_errors_total", {{"code", codes[i].first}, {"name", codes[i].second}}),
        2000 + i);
  }
  for (std::size_t age = 0; age < kRenewBuckets; ++age) {
    EXPECT_EQ(Value(e, "opentracker_renewals_total", {{"age_minutes", std::to_string(age)}}), 3000 + age);
  }

  // Every scalar counter is exported once: the 1000+i values all appear.
  std::set<std::uint64_t> seen;
  for (const Sample& s : e.samples) {
    if (s.value >= 1000 && s.value < 1000 + kScalarCounterCount) {
      EXPECT_TRUE(seen.insert(s.value).second);
    }
  }
  EXPECT_EQ(seen.size(), kScalarCounterCount);
}

TEST(PrometheusTest, ZeroContextIsWellFormedToo) {
  std::string out;
  RenderPrometheus(StatsContext{}, StoreSnapshot{}, out);
  const Exposition e = CheckExposition(out);
  EXPECT_TRUE(e.ok) << out;
  EXPECT_EQ(Value(e, "opentracker_build_info", {{"version", ""}}), 1u);
}

}  // namespace
}  // namespace ot::stats
