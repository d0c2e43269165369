// File: tests/support/bencode_decode.hpp
// A tiny bencode decoder for checking tracker replies in tests. Dictionaries
// keep their keys in wire order and allow duplicates (opentracker's multi-
// scrape repeats keys), so a test can check both order and content.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ot::test {

struct BValue {
  enum class Type { kInt, kString, kList, kDict };
  Type type = Type::kInt;
  std::int64_t integer = 0;
  std::string string;
  std::vector<BValue> list;
  // A dictionary as two parallel vectors (std::pair of an incomplete type is
  // not allowed): keys in wire order, duplicates kept.
  std::vector<std::string> dict_keys;
  std::vector<BValue> dict_values;

  bool IsInt() const { return type == Type::kInt; }
  bool IsString() const { return type == Type::kString; }
  bool IsList() const { return type == Type::kList; }
  bool IsDict() const { return type == Type::kDict; }
  // First value under `key` in a dictionary, or nullptr.
  const BValue* Find(std::string_view key) const;
  // Keys of a dictionary in wire order.
  std::vector<std::string> Keys() const;
};

// Decodes one value from the start of `data`. On success `*consumed` (if
// given) is its length. nullopt on any syntax error, including leading zeros,
// "-0", and nesting deeper than 64.
std::optional<BValue> BDecode(std::string_view data, std::size_t* consumed = nullptr);

// Decodes `data` as exactly one value (no trailing bytes).
std::optional<BValue> BDecodeAll(std::string_view data);

}  // namespace ot::test
