#include "support/net_http_message.hpp"

#include <zlib.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace ot::test {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ParseDecimal(std::string_view s, std::size_t& out) {
  if (s.empty() || s.size() > 15) return false;
  std::size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::HeaderLines() const {
  std::vector<std::string> out;
  out.reserve(headers.size());
  for (const auto& [k, v] : headers) out.push_back(k + ": " + v);
  return out;
}

std::optional<std::string> Dechunk(std::string_view body, std::size_t* consumed, bool* incomplete) {
  std::string out;
  std::size_t pos = 0;
  if (incomplete) *incomplete = false;
  for (int chunks = 0; chunks < 1'000'000; ++chunks) {
    std::size_t eol = body.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      if (incomplete) *incomplete = true;
      return std::nullopt;
    }
    std::string_view size_text = body.substr(pos, eol - pos);
    if (std::size_t semi = size_text.find(';'); semi != std::string_view::npos)
      size_text = size_text.substr(0, semi);
    if (size_text.empty() || size_text.size() > 12) return std::nullopt;
    std::size_t size = 0;
    for (char c : size_text) {
      int digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      else
        return std::nullopt;
      size = size * 16 + static_cast<std::size_t>(digit);
    }
    pos = eol + 2;
    if (size == 0) {
      // Optional trailers, then the final CRLF.
      for (int trailers = 0; trailers < 1000; ++trailers) {
        std::size_t end = body.find("\r\n", pos);
        if (end == std::string_view::npos) {
          if (incomplete) *incomplete = true;
          return std::nullopt;
        }
        bool blank = end == pos;
        pos = end + 2;
        if (blank) {
          if (consumed) *consumed = pos;
          return out;
        }
      }
      return std::nullopt;
    }
    if (body.size() < pos + size + 2) {
      if (incomplete) *incomplete = true;
      return std::nullopt;
    }
    out.append(body.substr(pos, size));
    if (body.substr(pos + size, 2) != "\r\n") return std::nullopt;
    pos += size + 2;
  }
  return std::nullopt;
}

std::optional<std::string> Gunzip(std::string_view data) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  char buf[16384];
  int rc = Z_OK;
  for (int rounds = 0; rounds < 1'000'000 && rc == Z_OK; ++rounds) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // truncated input
  }
  bool ok = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  if (!ok) return std::nullopt;
  return out;
}

ParseResult ParseHttpResponse(std::string_view buffer, bool at_eof) {
  ParseResult result;
  std::size_t head_end = buffer.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (at_eof && !buffer.empty()) {
      result.status = ParseStatus::kInvalid;
      result.error = "connection closed inside the header";
    }
    return result;
  }
  HttpResponse& r = result.response;
  r.head = std::string(buffer.substr(0, head_end + 4));
  std::string_view head(r.head);
  std::size_t line_end = head.find("\r\n");
  r.status_line = std::string(head.substr(0, line_end));
  if (r.status_line.size() < 12 || r.status_line.compare(0, 5, "HTTP/") != 0 || r.status_line[8] != ' ') {
    result.status = ParseStatus::kInvalid;
    result.error = "bad status line";
    return result;
  }
  r.status = std::atoi(r.status_line.substr(9, 3).c_str());
  std::size_t pos = line_end + 2;
  while (pos < head_end) {
    std::size_t eol = head.find("\r\n", pos);
    std::string_view line = head.substr(pos, eol - pos);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      result.status = ParseStatus::kInvalid;
      result.error = "bad header line";
      return result;
    }
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(Trim(line.substr(colon + 1))));
    pos = eol + 2;
  }
  std::string_view rest = buffer.substr(head_end + 4);
  auto te = r.Header("Transfer-Encoding");
  auto cl = r.Header("Content-Length");
  auto ce = r.Header("Content-Encoding");
  r.gzip = ce && EqualsIgnoreCase(*ce, "gzip");
  std::size_t body_len = 0;
  if (te && EqualsIgnoreCase(*te, "chunked")) {
    r.chunked = true;
    bool incomplete = false;
    std::size_t consumed = 0;
    auto payload = Dechunk(rest, &consumed, &incomplete);
    if (!payload) {
      if (incomplete && !at_eof) return result;  // kNeedMore
      result.status = ParseStatus::kInvalid;
      result.error = incomplete ? "connection closed inside the chunked body" : "malformed chunked body";
      return result;
    }
    body_len = consumed;
    r.content = std::move(*payload);
  } else if (cl) {
    if (!ParseDecimal(*cl, body_len)) {
      result.status = ParseStatus::kInvalid;
      result.error = "bad Content-Length";
      return result;
    }
    if (rest.size() < body_len) {
      if (!at_eof) return result;
      result.status = ParseStatus::kInvalid;
      result.error = "connection closed inside the body";
      return result;
    }
    r.content = std::string(rest.substr(0, body_len));
  } else {
    if (!at_eof) return result;  // body runs to EOF
    body_len = rest.size();
    r.content = std::string(rest);
  }
  r.body = std::string(rest.substr(0, body_len));
  r.payload = r.content;
  if (r.gzip) {
    auto inflated = Gunzip(r.content);
    if (!inflated) {
      result.status = ParseStatus::kInvalid;
      result.error = "gzip body does not inflate";
      return result;
    }
    r.content = std::move(*inflated);
  }
  result.consumed = head_end + 4 + body_len;
  r.raw = std::string(buffer.substr(0, result.consumed));
  result.status = ParseStatus::kComplete;
  return result;
}

std::string RequestVersion(std::string_view request) {
  std::size_t eol = request.find('\n');
  std::string_view line = request.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t space = line.rfind(' ');
  if (space == std::string_view::npos) return "";
  std::string_view last = line.substr(space + 1);
  if (last.substr(0, 5) != "HTTP/") return "";
  return std::string(last);
}

std::string RequestTarget(std::string_view request) {
  std::size_t eol = request.find('\n');
  std::string_view line = request.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::size_t first = line.find(' ');
  if (first == std::string_view::npos) return "";
  std::string_view rest = line.substr(first + 1);
  std::size_t space = rest.rfind(' ');
  if (space != std::string_view::npos && rest.substr(space + 1, 5) == "HTTP/") rest = rest.substr(0, space);
  return std::string(rest);
}

std::string Printable(std::string_view bytes, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (out.size() >= max) {
      out += "...(" + std::to_string(bytes.size()) + " bytes)";
      break;
    }
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == '\r')
      out += "\\r";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\\')
      out += "\\\\";
    else if (c >= 0x20 && c < 0x7f)
      out += static_cast<char>(c);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace ot::test
