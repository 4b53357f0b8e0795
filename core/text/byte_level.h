// GPT-2's byte-level alphabet: each of the 256 byte values maps to one printable Unicode
// character (bytes_to_unicode), so that BPE vocabularies are strings ("Ġ" is the space byte).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tb {

// The UTF-8 encoding of the character that stands for `byte`.
const std::string& byte_to_unicode(unsigned char byte);
// Bytes -> the concatenated byte-level characters.
std::string bytes_to_byte_level(std::string_view bytes);
// Byte-level characters -> bytes; nullopt when a character is not in the alphabet.
std::optional<std::string> byte_level_to_bytes(std::string_view text);

// One UTF-8 character's length from its lead byte (1 for invalid lead bytes).
std::size_t utf8_char_length(unsigned char lead);
// The UTF-8 bytes of code point `cp` (up to U+10FFFF).
std::string utf8_encode(std::uint32_t cp);

}  // namespace tb
