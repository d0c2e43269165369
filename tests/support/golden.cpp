#include "support/golden.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace ot::test {
namespace {

long LeadingNumber(const std::string& name) {
  return std::strtol(name.c_str(), nullptr, 10);
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string GoldenPath(std::string_view relative) {
  std::string path = OT_TEST_DATA_DIR "/golden/";
  path.append(relative);
  return path;
}

std::optional<std::string> TryReadGolden(std::string_view relative) {
  std::ifstream in(GoldenPath(relative), std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string ReadGolden(std::string_view relative) {
  std::optional<std::string> bytes = TryReadGolden(relative);
  if (!bytes) {
    ADD_FAILURE() << "golden file missing: " << GoldenPath(relative);
    return {};
  }
  return std::move(*bytes);
}

std::vector<std::string> ListGoldenCases(std::string_view dir) {
  std::vector<std::string> cases;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(GoldenPath(dir), error)) {
    if (entry.path().extension() == ".req") cases.push_back(entry.path().stem().string());
  }
  if (error) ADD_FAILURE() << "cannot list " << GoldenPath(dir) << ": " << error.message();
  std::sort(cases.begin(), cases.end(), [](const std::string& a, const std::string& b) {
    const long na = LeadingNumber(a);
    const long nb = LeadingNumber(b);
    return na != nb ? na < nb : a < b;
  });
  return cases;
}

HttpResponseParts SplitHttpResponse(std::string_view response) {
  HttpResponseParts parts;
  parts.status_line = response.substr(0, response.find("\r\n"));
  const std::size_t end = response.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    parts.head = response;
    return parts;
  }
  parts.head = response.substr(0, end + 4);
  parts.body = response.substr(end + 4);
  parts.complete = true;
  return parts;
}

std::optional<std::string_view> HeaderValue(std::string_view head, std::string_view name) {
  std::size_t line_start = head.find("\r\n");
  while (line_start != std::string_view::npos) {
    line_start += 2;
    const std::size_t line_end = head.find("\r\n", line_start);
    const std::string_view line = head.substr(line_start, line_end - line_start);
    if (line.size() > name.size() && line[name.size()] == ':' &&
        std::equal(name.begin(), name.end(), line.begin(),
                   [](char a, char b) { return Lower(a) == Lower(b); })) {
      std::string_view value = line.substr(name.size() + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      return value;
    }
    line_start = line_end;
  }
  return std::nullopt;
}

}  // namespace ot::test
