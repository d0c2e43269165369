// Full scrape, tpbs and statedump records (ot_fullscrape.c layouts).
#include "opentracker/stats/scrape_formats.hpp"

#include <array>

#include "opentracker/stats/statedump.hpp"
#include "stats/text_format.hpp"

namespace ot::stats {

namespace {

using internal::AppendDecimal;

void AppendBigEndian32(std::uint32_t value, std::string& out) {
  out.push_back(static_cast<char>(value >> 24));
  out.push_back(static_cast<char>(value >> 16));
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value));
}

// The bytes fmt_urlencoded leaves alone.
bool KeptByUrlEncoding(std::uint8_t b) noexcept {
  if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) return true;
  switch (b) {
    case '$':
    case '/':
    case '.':
    case '=':
    case '~':
    case '-':
    case '_':
      return true;
    default:
      return false;
  }
}

// "<seeders>:<leechers>"
void AppendSeedersLeechers(const SwarmCounts& counts, std::string& out) {
  AppendDecimal(counts.seeders, out);
  out.push_back(':');
  AppendDecimal(counts.leechers, out);
}

}  // namespace

std::optional<DumpFormat> ParseDumpFormat(std::string_view keyword) noexcept {
  if (keyword == "ben") return DumpFormat::kBencode;
  if (keyword == "txt") return DumpFormat::kText;
  if (keyword == "txtp") return DumpFormat::kTextPlus;
  if (keyword == "bin") return DumpFormat::kBinary;
  if (keyword == "url") return DumpFormat::kUrl;
  return std::nullopt;
}

void AppendDumpPrefix(DumpFormat format, std::string& out) {
  if (format == DumpFormat::kBencode) out += "d5:filesd";
}

void AppendDumpSuffix(DumpFormat format, std::string& out) {
  if (format == DumpFormat::kBencode) out += "ee";
}

void AppendDumpRecord(DumpFormat format, const InfoHash& hash, const SwarmCounts& counts,
                      std::uint32_t base_minutes, std::string& out) {
  switch (format) {
    case DumpFormat::kBencode:
      out += "20:";
      out.append(reinterpret_cast<const char*>(hash.bytes.data()), hash.bytes.size());
      out += "d8:completei";
      AppendDecimal(counts.seeders, out);
      out += "e10:downloadedi";
      AppendDecimal(counts.downloaded, out);
      out += "e10:incompletei";
      AppendDecimal(counts.leechers, out);
      out += "ee";
      return;
    case DumpFormat::kText:
      internal::AppendHash(hash, out);
      out.push_back(':');
      AppendSeedersLeechers(counts, out);
      out.push_back('\n');
      return;
    case DumpFormat::kTextPlus:
      internal::AppendHash(hash, out);
      out.push_back(':');
      AppendSeedersLeechers(counts, out);
      out.push_back(':');
      AppendDecimal(counts.downloaded, out);
      out.push_back('\n');
      return;
    case DumpFormat::kBinary:
      out.append(reinterpret_cast<const char*>(hash.bytes.data()), hash.bytes.size());
      AppendBigEndian32(counts.seeders, out);
      AppendBigEndian32(counts.leechers, out);
      return;
    case DumpFormat::kUrl:
      for (const std::uint8_t b : hash.bytes) {
        if (KeptByUrlEncoding(b)) {
          out.push_back(static_cast<char>(b));
        } else {
          out.push_back('%');
          out.push_back(internal::kHexLower[b >> 4]);
          out.push_back(internal::kHexLower[b & 15]);
        }
      }
      out.push_back(':');
      AppendSeedersLeechers(counts, out);
      out.push_back('\n');
      return;
    case DumpFormat::kStatedump:
      AppendStatedumpLine({hash, base_minutes, counts.downloaded}, out);
      return;
  }
}

}  // namespace ot::stats
