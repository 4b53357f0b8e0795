// GPT-2 byte-level alphabet (see byte_level.h): printable Latin-1 bytes map to themselves, the
// other 68 bytes to U+0100.. in order (after openai/gpt-2 encoder.py bytes_to_unicode).
#include "core/text/byte_level.h"

#include <array>
#include <unordered_map>

namespace tb {
namespace {


struct Tables {
  std::array<std::string, 256> to_unicode;
  std::unordered_map<std::string, unsigned char> to_byte;
  Tables() {
    // 1. Printable ranges keep their code point; 2. the rest take 256, 257, ... in byte order.
    std::uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      to_unicode[b] = utf8_encode(printable ? static_cast<std::uint32_t>(b) : next++);
      to_byte[to_unicode[b]] = static_cast<unsigned char>(b);
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

std::string utf8_encode(std::uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

std::size_t utf8_char_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

const std::string& byte_to_unicode(unsigned char byte) { return tables().to_unicode[byte]; }

std::string bytes_to_byte_level(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) out += tables().to_unicode[static_cast<unsigned char>(c)];
  return out;
}

std::optional<std::string> byte_level_to_bytes(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t len = std::min(utf8_char_length(static_cast<unsigned char>(text[i])), text.size() - i);
    const auto it = tables().to_byte.find(std::string(text.substr(i, len)));
    if (it == tables().to_byte.end()) return std::nullopt;
    out += static_cast<char>(it->second);
    i += len;
  }
  return out;
}

}  // namespace tb
