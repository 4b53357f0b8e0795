// Python's str operations for chat templates (see text_ops.h).
#include "core/text/jinja/text_ops.h"

#include <algorithm>
#include <cctype>

#include "core/common/error.h"
#include "core/text/byte_level.h"
#include "core/text/chat_format.h"
#include "core/text/jinja/builtins.h"

namespace tb::jinja {

std::vector<std::string> code_points(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_char_length(static_cast<unsigned char>(s[i]));
    if (i + n > s.size()) n = 1;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// Python's \w for one code point: ASCII letters, digits and "_", and the letters of the Latin,
// Greek, Cyrillic, Hebrew, Arabic, kana, CJK and Hangul blocks (not symbols or emoji).
bool is_word_cp(const std::string& cp) {
  const auto c0 = static_cast<unsigned char>(cp[0]);
  if (cp.size() == 1) return std::isalnum(c0) != 0 || c0 == '_';
  std::uint32_t u = 0;
  if (cp.size() == 2) u = ((c0 & 0x1Fu) << 6) | (static_cast<unsigned char>(cp[1]) & 0x3Fu);
  if (cp.size() == 3) {
    u = ((c0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(cp[1]) & 0x3Fu) << 6) | (static_cast<unsigned char>(cp[2]) & 0x3Fu);
  }
  const std::pair<std::uint32_t, std::uint32_t> ranges[] = {{0xC0, 0x24F},    {0x370, 0x3FF},   {0x400, 0x4FF},
                                                             {0x590, 0x6FF},   {0x3040, 0x30FF}, {0x4E00, 0x9FFF},
                                                             {0xAC00, 0xD7AF}};
  for (const auto& [lo, hi] : ranges) {
    if (u >= lo && u <= hi && u != 0xD7 && u != 0xF7) return true;
  }
  return false;
}

bool is_space_cp(const std::string& cp) {
  if (cp.size() == 1) {
    const char c = cp[0];
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || (c >= 0x1c && c <= 0x1f);
  }
  return strip_unicode_whitespace(cp).empty();
}

// Python's str.strip / lstrip / rstrip with optional characters.
std::string strip(const std::string& s, const Value* chars, bool left, bool right) {
  const auto cps = code_points(s);
  std::vector<std::string> set;
  if (chars != nullptr && !chars->is_none()) set = code_points(need_string(*chars, "strip"));
  auto strip_it = [&](const std::string& cp) {
    return chars == nullptr || chars->is_none() ? is_space_cp(cp) : std::find(set.begin(), set.end(), cp) != set.end();
  };
  std::size_t b = 0, e = cps.size();
  if (left) {
    while (b < e && strip_it(cps[b])) ++b;
  }
  if (right) {
    while (e > b && strip_it(cps[e - 1])) --e;
  }
  std::string out;
  for (std::size_t i = b; i < e; ++i) out += cps[i];
  return out;
}

std::vector<std::string> split(const std::string& s, const Value* sep, std::int64_t maxsplit) {
  std::vector<std::string> out;
  if (sep == nullptr || sep->is_none()) {  // runs of whitespace, none at the ends
    const auto cps = code_points(s);
    std::string cur;
    bool in_word = false;
    std::int64_t splits = 0;
    for (std::size_t i = 0; i < cps.size(); ++i) {
      if (is_space_cp(cps[i]) && (maxsplit < 0 || splits < maxsplit)) {
        if (in_word) {
          out.push_back(cur);
          cur.clear();
          in_word = false;
          ++splits;
        }
      } else if (!in_word && is_space_cp(cps[i])) {
        continue;
      } else {
        if (!in_word && maxsplit >= 0 && splits >= maxsplit) {  // the rest, left-stripped
          for (std::size_t j = i; j < cps.size(); ++j) cur += cps[j];
          out.push_back(strip(cur, nullptr, false, true));
          return out;
        }
        cur += cps[i];
        in_word = true;
      }
    }
    if (in_word) out.push_back(cur);
    return out;
  }
  const std::string& d = need_string(*sep, "split");
  if (d.empty()) throw Error("split: empty separator");
  std::size_t at = 0;
  std::int64_t splits = 0;
  while (maxsplit < 0 || splits < maxsplit) {
    const auto f = s.find(d, at);
    if (f == std::string::npos) break;
    out.push_back(s.substr(at, f - at));
    at = f + d.size();
    ++splits;
  }
  out.push_back(s.substr(at));
  return out;
}

std::string replace_all(const std::string& s, const std::string& from, const std::string& to, std::int64_t count) {
  std::string out;
  if (from.empty()) {  // Python inserts `to` around every character
    const auto cps = code_points(s);
    std::int64_t n = 0;
    for (const auto& cp : cps) {
      if (count < 0 || n < count) {
        out += to;
        ++n;
      }
      out += cp;
    }
    if (count < 0 || n < count) out += to;
    return out;
  }
  std::size_t at = 0;
  std::int64_t n = 0;
  while (count < 0 || n < count) {
    const auto f = s.find(from, at);
    if (f == std::string::npos) break;
    out += s.substr(at, f - at) + to;
    at = f + from.size();
    ++n;
  }
  return out + s.substr(at);
}

std::string ascii_upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string ascii_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string capitalize(const std::string& s) {
  std::string out = ascii_lower(s);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}
std::string title(const std::string& s) {
  std::string out;
  bool start = true;
  for (char c : s) {
    const bool alpha = std::isalpha(static_cast<unsigned char>(c)) != 0;
    out += alpha ? static_cast<char>(start ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c))) : c;
    start = !alpha;
  }
  return out;
}

}  // namespace tb::jinja
