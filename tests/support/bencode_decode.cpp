#include "support/bencode_decode.hpp"

namespace ot::test {
namespace {

class Decoder {
 public:
  explicit Decoder(std::string_view data) : data_(data) {}

  std::optional<BValue> Value(int depth) {
    if (depth > 64 || pos_ >= data_.size()) return std::nullopt;
    char c = data_[pos_];
    if (c == 'i') {
      ++pos_;
      auto v = Integer('e');
      if (!v) return std::nullopt;
      BValue out;
      out.type = BValue::Type::kInt;
      out.integer = *v;
      return out;
    }
    if (c == 'l' || c == 'd') {
      ++pos_;
      BValue out;
      out.type = c == 'l' ? BValue::Type::kList : BValue::Type::kDict;
      for (std::size_t items = 0; items < data_.size(); ++items) {
        if (pos_ >= data_.size()) return std::nullopt;
        if (data_[pos_] == 'e') {
          ++pos_;
          return out;
        }
        if (c == 'l') {
          auto v = Value(depth + 1);
          if (!v) return std::nullopt;
          out.list.push_back(std::move(*v));
        } else {
          auto key = String();
          if (!key) return std::nullopt;
          auto v = Value(depth + 1);
          if (!v) return std::nullopt;
          out.dict_keys.push_back(std::move(*key));
          out.dict_values.push_back(std::move(*v));
        }
      }
      return std::nullopt;
    }
    if (c >= '0' && c <= '9') {
      auto s = String();
      if (!s) return std::nullopt;
      BValue out;
      out.type = BValue::Type::kString;
      out.string = std::move(*s);
      return out;
    }
    return std::nullopt;
  }

  std::size_t pos() const { return pos_; }

 private:
  // Digits up to `end` (consumed). Rejects leading zeros and "-0".
  std::optional<std::int64_t> Integer(char end) {
    bool negative = false;
    if (pos_ < data_.size() && data_[pos_] == '-') {
      if (end == ':') return std::nullopt;
      negative = true;
      ++pos_;
    }
    std::size_t digits_start = pos_;
    std::int64_t v = 0;
    while (pos_ < data_.size() && data_[pos_] >= '0' && data_[pos_] <= '9') {
      if (pos_ - digits_start >= 18) return std::nullopt;
      v = v * 10 + (data_[pos_] - '0');
      ++pos_;
    }
    std::size_t ndigits = pos_ - digits_start;
    if (ndigits == 0 || pos_ >= data_.size() || data_[pos_] != end) return std::nullopt;
    if (ndigits > 1 && data_[digits_start] == '0') return std::nullopt;
    if (negative && v == 0) return std::nullopt;
    ++pos_;
    return negative ? -v : v;
  }

  std::optional<std::string> String() {
    auto len = Integer(':');
    if (!len || *len < 0) return std::nullopt;
    auto n = static_cast<std::size_t>(*len);
    if (data_.size() - pos_ < n) return std::nullopt;
    std::string s(data_.substr(pos_, n));
    pos_ += n;
    return s;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
};

}  // namespace

const BValue* BValue::Find(std::string_view key) const {
  for (std::size_t i = 0; i < dict_keys.size(); ++i) {
    if (dict_keys[i] == key) return &dict_values[i];
  }
  return nullptr;
}

std::vector<std::string> BValue::Keys() const { return dict_keys; }

std::optional<BValue> BDecode(std::string_view data, std::size_t* consumed) {
  Decoder d(data);
  auto v = d.Value(0);
  if (v && consumed) *consumed = d.pos();
  return v;
}

std::optional<BValue> BDecodeAll(std::string_view data) {
  std::size_t consumed = 0;
  auto v = BDecode(data, &consumed);
  if (!v || consumed != data.size()) return std::nullopt;
  return v;
}

}  // namespace ot::test
