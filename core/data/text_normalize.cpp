// Dedup keys, words and hash64 (see text_normalize.h). UTF-8 decoding follows the well-formed
// byte sequences of Unicode 15 §3.9; the case pairs are those of UnicodeData.txt for the
// Latin-1 Supplement and Latin Extended-A blocks.
#include "core/data/text_normalize.h"

#include <array>

namespace tb::data {
namespace {

// One decoded code point and its length in bytes; length 0 when the bytes at that place are
// not well-formed UTF-8.
struct Decoded {
  char32_t code_point = 0;
  std::size_t length = 0;
};

Decoded decode_utf8(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t code_point = 0;
  char32_t smallest = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
    smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
    smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
    smallest = 0x10000;
  } else {
    return {};
  }
  if (length > text.size() - at) return {};
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[at + k]);
    if ((next & 0xC0) != 0x80) return {};
    code_point = (code_point << 6) | (next & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not well-formed.
  if (code_point < smallest || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return {};
  }
  return {code_point, length};
}

// ASCII bytes that separate words: whitespace (HT, LF, VT, FF, CR, space) and the 32 ASCII
// punctuation characters !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~.
constexpr std::array<bool, 128> kAsciiSeparator = [] {
  std::array<bool, 128> table{};
  for (char c = 0x09; c <= 0x0D; ++c) table[static_cast<unsigned char>(c)] = true;
  for (char c : std::string_view(" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")) {
    table[static_cast<unsigned char>(c)] = true;
  }
  return table;
}();

// Non-ASCII separators: the Unicode White_Space characters (U+0085, U+00A0, U+1680,
// U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) and the general punctuation
// U+2010-U+2027 (hyphens, dashes, quotation marks, daggers, bullets, leaders, ellipsis).
bool is_separator(char32_t c) {
  if (c < 0x80) return kAsciiSeparator[c];
  if (c == 0x85 || c == 0xA0 || c == 0x1680 || c == 0x3000) return true;
  if (c >= 0x2000 && c <= 0x202F) return c <= 0x200A || c >= 0x2010;
  return c == 0x205F;
}

// The lower-case partner of an upper-case ASCII, Latin-1 or Latin Extended-A letter; any
// other code point unchanged.
char32_t to_lower_latin(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c < 0xC0 || c > 0x17F) return c;
  if (c <= 0xDE) return c == 0xD7 ? c : c + 0x20;  // À-Þ; × (U+00D7) is not a letter
  if (c < 0x100) return c;
  if (c == 0x130) return U'i';  // İ: its simple lower case is the ASCII i
  if (c == 0x178) return 0xFF;  // Ÿ -> ÿ, whose pair lives in Latin-1
  // Pairs are upper = even from Ā to ķ and from Ŋ to ŷ, upper = odd from Ĺ to ň and Ź to ž.
  // ĸ (U+0138), ŉ (U+0149) and ſ (U+017F) have no upper-case partner in the block.
  if (c <= 0x137 || (c >= 0x14A && c <= 0x177)) return c % 2 == 0 ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1 ? c + 1 : c;
  return c;
}

// Appends a code point below U+0800 (all that to_lower_latin produces) as UTF-8.
void append_small_code_point(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::uint64_t load_le64(const unsigned char* p, std::size_t n) {
  std::uint64_t word = 0;
  for (std::size_t k = 0; k < n; ++k) word |= std::uint64_t{p[k]} << (8 * k);
  return word;
}

}  // namespace

std::string normalize_for_dedup(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  std::size_t at = 0;
  while (at < utf8.size()) {
    // 1. ASCII, the common case, straight from the separator table.
    const auto byte = static_cast<unsigned char>(utf8[at]);
    if (byte < 0x80) {
      if (kAsciiSeparator[byte]) {
        pending_space = !out.empty();
      } else {
        if (pending_space) {
          out.push_back(' ');
          pending_space = false;
        }
        out.push_back(byte >= 'A' && byte <= 'Z' ? static_cast<char>(byte + 0x20) : utf8[at]);
      }
      ++at;
      continue;
    }
    // 2. Otherwise one code point; a byte that is not well-formed UTF-8 is kept as a letter
    //    would be.
    const Decoded decoded = decode_utf8(utf8, at);
    const std::size_t length = decoded.length == 0 ? 1 : decoded.length;
    // 3. Separators only mark that a space is due before the next kept character, so runs
    //    collapse and nothing is added at either end (the same holds in step 1).
    if (decoded.length != 0 && is_separator(decoded.code_point)) {
      pending_space = !out.empty();
      at += length;
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    // 4. Lower-case what has a Latin partner; copy everything else byte for byte.
    const char32_t lower = to_lower_latin(decoded.code_point);
    if (decoded.length != 0 && lower != decoded.code_point) {
      append_small_code_point(out, lower);
    } else {
      out.append(utf8.substr(at, length));
    }
    at += length;
  }
  return out;
}

std::vector<std::string_view> words_of(std::string_view normalized) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start < normalized.size()) {
    std::size_t end = normalized.find(' ', start);
    if (end == std::string_view::npos) end = normalized.size();
    if (end > start) words.push_back(normalized.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

std::uint64_t mix64(std::uint64_t x) {
  // splitmix64's output function (Steele, Lea & Flood, "Fast splittable pseudorandom number
  // generators", OOPSLA 2014), constants as in Vigna's reference implementation.
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

std::uint64_t hash64(std::string_view bytes) {
  constexpr std::uint64_t kStart = 0x9e3779b97f4a7c15ull;  // 2^64 / golden ratio
  constexpr std::uint64_t kLengthFactor = 0xff51afd7ed558ccdull;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  // 1. The length goes into the start state, so zero-padding the tail cannot collide.
  std::uint64_t h = kStart ^ (static_cast<std::uint64_t>(n) * kLengthFactor);
  // 2. Eight bytes at a time, read little-endian whatever the platform, each word mixed in.
  std::size_t at = 0;
  for (; at + 8 <= n; at += 8) h = mix64(h ^ load_le64(p + at, 8));
  // 3. The last 1-7 bytes as one zero-padded word.
  if (at < n) h = mix64(h ^ load_le64(p + at, n - at));
  // 4. A final round so that even the empty text gets a mixed value.
  return mix64(h + kStart);
}

}  // namespace tb::data
