#include "golden_template.hpp"

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "support/net_http_message.hpp"

namespace ot::integration {
namespace {

struct Token {
  enum class Kind {
    kLiteral,
    kAnyInt,
    kPosInt,
    kAccepts,
    kAnyText,
    kInterval,
    kMinInterval,
    kPeers4,
    kPeers6
  };
  Kind kind = Kind::kLiteral;
  std::string literal;
  long n = 0;
};

// Splits a template into tokens; a malformed token is an error message.
bool Tokenize(std::string_view t, std::vector<Token>& out, std::string& error) {
  std::string lit;
  auto flush = [&] {
    if (!lit.empty()) {
      out.push_back(Token{Token::Kind::kLiteral, lit, 0});
      lit.clear();
    }
  };
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] != '{') {
      lit.push_back(t[i]);
      continue;
    }
    if (i + 1 < t.size() && t[i + 1] == '{') {
      lit.push_back('{');
      ++i;
      continue;
    }
    std::size_t close = t.find('}', i);
    if (close == std::string_view::npos) {
      error = "unterminated token at " + std::to_string(i);
      return false;
    }
    std::string_view name = t.substr(i + 1, close - i - 1);
    Token tok;
    if (name == "*")
      tok.kind = Token::Kind::kAnyInt;
    else if (name == "+")
      tok.kind = Token::Kind::kPosInt;
    else if (name == "~")
      tok.kind = Token::Kind::kAnyText;
    else if (name == "IV")
      tok.kind = Token::Kind::kInterval;
    else if (name == "MIV")
      tok.kind = Token::Kind::kMinInterval;
    else if (name.substr(0, 2) == "A+") {
      tok.kind = Token::Kind::kAccepts;
      tok.n = std::atol(std::string(name.substr(2)).c_str());
    } else if (name.substr(0, 3) == "P4:" || name.substr(0, 3) == "P6:") {
      tok.kind = name[1] == '4' ? Token::Kind::kPeers4 : Token::Kind::kPeers6;
      tok.n = std::atol(std::string(name.substr(3)).c_str());
    } else {
      error = "unknown token {" + std::string(name) + "}";
      return false;
    }
    flush();
    out.push_back(tok);
    i = close;
  }
  flush();
  return true;
}

// Reads a decimal at `pos`; false if there is none.
bool ReadNumber(std::string_view s, std::size_t& pos, std::uint64_t& value) {
  std::size_t start = pos;
  value = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < 19) {
    value = value * 10 + static_cast<std::uint64_t>(s[pos] - '0');
    ++pos;
  }
  return pos > start;
}

std::string Around(std::string_view s, std::size_t pos) {
  std::size_t from = pos > 60 ? pos - 60 : 0;
  return test::Printable(s.substr(from, 160), 400);
}

}  // namespace

std::string EscapeTemplate(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    out.push_back(c);
    if (c == '{') out.push_back('{');
  }
  return out;
}

::testing::AssertionResult MatchTemplate(std::string_view tmpl, std::string_view actual,
                                         const MatchContext& ctx) {
  std::vector<Token> tokens;
  std::string error;
  if (!Tokenize(tmpl, tokens, error)) return ::testing::AssertionFailure() << "bad template: " << error;
  std::size_t pos = 0;
  std::uint64_t last_interval = 0;
  bool have_interval = false;
  auto fail = [&](const std::string& what) {
    return ::testing::AssertionFailure()
           << what << " at byte " << pos << "\n  actual near there: " << Around(actual, pos)
           << "\n  template: " << test::Printable(tmpl, 1500)
           << "\n  actual:   " << test::Printable(actual, 1500);
  };
  for (std::size_t ti = 0; ti < tokens.size(); ++ti) {
    const Token& tok = tokens[ti];
    std::uint64_t v = 0;
    switch (tok.kind) {
      case Token::Kind::kLiteral: {
        std::string_view got = actual.substr(pos, tok.literal.size());
        if (got != tok.literal) {
          std::size_t at = 0;
          while (at < got.size() && got[at] == tok.literal[at]) ++at;
          pos += at;
          return fail("expected \"" + test::Printable(std::string_view(tok.literal).substr(at), 120) + "\"");
        }
        pos += tok.literal.size();
        break;
      }
      case Token::Kind::kAnyInt:
        if (!ReadNumber(actual, pos, v)) return fail("expected a number");
        break;
      case Token::Kind::kPosInt:
        if (!ReadNumber(actual, pos, v) || v == 0) return fail("expected a number > 0");
        break;
      case Token::Kind::kAccepts: {
        std::size_t start = pos;
        if (!ReadNumber(actual, pos, v)) return fail("expected a connection count");
        std::uint64_t want = static_cast<std::uint64_t>(tok.n + ctx.readiness_connects);
        if (v != want) {
          pos = start;
          return fail("connection count " + std::to_string(v) + " != " + std::to_string(tok.n) +
                      " (golden) + " + std::to_string(ctx.readiness_connects) + " (readiness probes)");
        }
        break;
      }
      case Token::Kind::kInterval:
        if (!ReadNumber(actual, pos, v) || v < 1620 || v > 1979) return fail("interval not in 1620..1979");
        last_interval = v;
        have_interval = true;
        break;
      case Token::Kind::kMinInterval:
        if (!ReadNumber(actual, pos, v) || !have_interval || v != last_interval / 2)
          return fail("min interval is not interval/2 (" + std::to_string(last_interval) + "/2)");
        break;
      case Token::Kind::kAnyText: {
        if (ti + 1 == tokens.size()) {
          pos = actual.size();
          break;
        }
        const Token& next = tokens[ti + 1];
        if (next.kind != Token::Kind::kLiteral) return fail("{~} must be followed by literal text");
        std::size_t found = actual.find(next.literal, pos);
        if (found == std::string_view::npos) return fail("text after {~} not found");
        pos = found;
        break;
      }
      case Token::Kind::kPeers4:
      case Token::Kind::kPeers6: {
        bool v4 = tok.kind == Token::Kind::kPeers4;
        std::size_t step = v4 ? 6 : 18;
        std::size_t len = static_cast<std::size_t>(tok.n) * step;
        if (actual.size() - pos < len) return fail("peer list too short");
        auto peers = ParseCompactPeers(actual.substr(pos, len), v4 ? test::Family::kV4 : test::Family::kV6);
        const std::set<Peer>& swarm = v4 ? ctx.swarm4 : ctx.swarm6;
        std::set<Peer> seen;
        for (const Peer& p : *peers) {
          if (!seen.insert(p).second) return fail("peer " + p.ToString() + " returned twice");
          if (!swarm.count(p)) return fail("peer " + p.ToString() + " is not in the swarm");
        }
        pos += len;
        break;
      }
    }
  }
  if (pos != actual.size()) return fail("trailing bytes");
  return ::testing::AssertionSuccess();
}

namespace {

// Replaces the number following each occurrence of `prefix` with `token`.
std::string MaskNumberAfter(std::string t, std::string_view prefix, std::string_view token) {
  std::size_t pos = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    pos = t.find(prefix, pos);
    if (pos == std::string::npos) break;
    std::size_t start = pos + prefix.size();
    std::size_t end = start;
    while (end < t.size() && t[end] >= '0' && t[end] <= '9') ++end;
    if (end == start) {
      pos = start;
      continue;
    }
    t.replace(start, end - start, token);
    pos = start + token.size();
  }
  return t;
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (int guard = 0; guard < 100000; ++guard) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(s.substr(start));
      break;
    }
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// Numbers that stand alone (start of line, or after a blank or '('): "udp4"
// keeps its digit.
std::string MaskAllNumbers(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool starts_word = i == 0 || s[i - 1] == ' ' || s[i - 1] == '(';
    if (starts_word && s[i] >= '0' && s[i] <= '9') {
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      out += "{*}";
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string MaskAnnounceIntervals(std::string tmpl) {
  tmpl = MaskNumberAfter(std::move(tmpl), "8:intervali", "{IV}");
  return MaskNumberAfter(std::move(tmpl), "12:min intervali", "{MIV}");
}

std::string MaskMrtg(std::string tmpl, bool accepts_in_line1) {
  std::vector<std::string> lines = SplitLines(tmpl);
  if (lines.size() != 4) return tmpl;
  if (accepts_in_line1 && AllDigits(lines[0])) lines[0] = "{A+" + lines[0] + "}";
  lines[2] = MaskAllNumbers(lines[2]);
  lines[3] = MaskAllNumbers(lines[3]);
  return lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + lines[3];
}

std::string MaskEverything(std::string tmpl, bool any_version) {
  tmpl = MaskNumberAfter(std::move(tmpl), "<tracker_id>", "{*}");
  tmpl = MaskNumberAfter(std::move(tmpl), "<uptime>", "{*}");
  std::size_t pos = tmpl.find("<accept>");
  if (pos != std::string::npos) {
    std::size_t start = pos + 8;
    std::size_t end = tmpl.find('<', start);
    std::string n = tmpl.substr(start, end - start);
    if (AllDigits(n)) tmpl.replace(start, end - start, "{A+" + n + "}");
  }
  if (any_version) {
    std::size_t open = tmpl.find("<version>\n");
    std::size_t close = tmpl.find("  </version>");
    if (open != std::string::npos && close != std::string::npos && close > open)
      tmpl.replace(open + 10, close - open - 10, "{~}");
  }
  return tmpl;
}

std::string MaskStatedump(std::string tmpl) {
  std::vector<std::string> lines = SplitLines(tmpl);
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string& l = lines[i];
    if (l.size() > 41 && l[40] == ':') {
      std::size_t colon = l.find(':', 41);
      if (colon != std::string::npos && AllDigits(l.substr(41, colon - 41))) l.replace(41, colon - 41, "{*}");
    }
    out += l;
    if (i + 1 < lines.size()) out += "\n";
  }
  return out;
}

std::string RandomPeersTemplate(std::string_view raw) {
  std::string out;
  std::size_t pos = 0;
  for (int guard = 0; guard < 4; ++guard) {
    std::size_t p4 = raw.find("5:peers", pos);
    std::size_t p6 = raw.find("6:peers6", pos);
    std::size_t key = std::min(p4, p6);
    if (key == std::string_view::npos) break;
    bool v6 = key == p6;
    std::size_t len_start = key + (v6 ? 8 : 7);
    std::size_t colon = raw.find(':', len_start);
    if (colon == std::string_view::npos) break;
    std::size_t len =
        static_cast<std::size_t>(std::atol(std::string(raw.substr(len_start, colon - len_start)).c_str()));
    out += EscapeTemplate(raw.substr(pos, colon + 1 - pos));
    out += std::string(v6 ? "{P6:" : "{P4:") + std::to_string(len / (v6 ? 18 : 6)) + "}";
    pos = colon + 1 + len;
  }
  out += EscapeTemplate(raw.substr(pos));
  return out;
}

std::string FoldRenewMinuteBoundary(std::string content) {
  // renew mode: "00 <a>\n01 <b>\n"
  if (content.compare(0, 3, "00 ") == 0) {
    std::size_t nl = content.find('\n');
    std::size_t nl2 = content.find('\n', nl + 1);
    if (nl != std::string::npos && nl2 != std::string::npos && content.compare(nl + 1, 3, "01 ") == 0) {
      long a = std::atol(content.substr(3, nl - 3).c_str());
      long b = std::atol(content.substr(nl + 4, nl2 - nl - 4).c_str());
      content.replace(0, nl2, "00 " + std::to_string(a + b) + "\n01 0");
    }
    return content;
  }
  // everything: <count interval="00">a</count> ... <count interval="01">b</count>
  const std::string k0 = "<count interval=\"00\">", k1 = "<count interval=\"01\">";
  std::size_t p0 = content.find(k0), p1 = content.find(k1);
  if (p0 == std::string::npos || p1 == std::string::npos || p1 < p0) return content;
  std::size_t e0 = content.find('<', p0 + k0.size());
  std::size_t e1 = content.find('<', p1 + k1.size());
  long a = std::atol(content.substr(p0 + k0.size(), e0 - p0 - k0.size()).c_str());
  long b = std::atol(content.substr(p1 + k1.size(), e1 - p1 - k1.size()).c_str());
  content.replace(p1 + k1.size(), e1 - p1 - k1.size(), "0");
  content.replace(p0 + k0.size(), e0 - p0 - k0.size(), std::to_string(a + b));
  return content;
}

}  // namespace ot::integration
