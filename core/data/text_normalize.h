// Dedup keys for the dataset audit: the form two texts share when they differ only in case
// (ASCII and common Latin letters), whitespace and punctuation, its words, and a fast 64-bit
// hash for such keys and shingles. Not Unicode normalisation (no NFC/NFKC, no full case
// folding) and not for tokenising; the hash is not cryptographic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tb::data {

// Lower-cases A-Z, U+00C0-U+00DE (not U+00D7) and the upper-case letters of Latin Extended-A
// (U+0100-U+017F, with U+0130 -> "i" and U+0178 -> U+00FF); every run of whitespace or
// punctuation (see text_normalize.cpp) becomes one space; no space at either end. Other code
// points and bytes that are not well-formed UTF-8 are kept as they are.
std::string normalize_for_dedup(std::string_view utf8);

// The words of a normalize_for_dedup'ed text (views into it), split on spaces; empty pieces
// are skipped, so "" gives no words.
std::vector<std::string_view> words_of(std::string_view normalized);

// A well-mixed 64-bit hash of the bytes; the same value on every run and platform.
std::uint64_t hash64(std::string_view bytes);

// The splitmix64 finaliser: a bijective mix of 64 bits (each input bit flips about half the
// output bits). hash64 builds on it; MinHash derives its hash family from it.
std::uint64_t mix64(std::uint64_t x);

}  // namespace tb::data
