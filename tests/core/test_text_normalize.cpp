// Dedup keys: texts that differ only in case, whitespace or punctuation get the same key, texts
// with a real change do not; exact outputs for Latin case pairs, Unicode spaces and dashes, and
// invalid UTF-8 (kept, never a crash); words_of; hash64 pinned so that keys stay stable.
#include <gtest/gtest.h>

#include <string>
#include <unordered_set>
#include <vector>

#include "core/data/text_normalize.h"

namespace {

using tb::data::hash64;
using tb::data::mix64;
using tb::data::normalize_for_dedup;
using tb::data::words_of;

TEST(TextNormalize, CaseWhitespaceAndPunctuationCollapse) {
  EXPECT_EQ(normalize_for_dedup("Hello,   World!"), "hello world");
  EXPECT_EQ(normalize_for_dedup("  \t(hello) -- world...\r\n"), "hello world");
  EXPECT_EQ(normalize_for_dedup("a.b_c/d@e"), "a b c d e");
  EXPECT_EQ(normalize_for_dedup("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "");
  EXPECT_EQ(normalize_for_dedup(""), "");
  EXPECT_EQ(normalize_for_dedup("   "), "");
  EXPECT_EQ(normalize_for_dedup("x"), "x");
  EXPECT_EQ(normalize_for_dedup("ABC xyz 123"), "abc xyz 123");
}

TEST(TextNormalize, EditsThatKeepTheKey) {
  const std::string base = normalize_for_dedup("The cat sat on the mat, didn't it?");
  EXPECT_EQ(base, "the cat sat on the mat didn t it");
  for (const char* variant :
       {"the cat sat on the mat didn't it", "THE CAT SAT ON THE MAT — DIDN’T IT?",
        "The  cat\tsat\non the mat; didn't it!!!",
        "\u00A0The cat sat on the mat,\u2003didn't it\u3000",
        "“The cat sat on the mat” … didn't it"}) {
    EXPECT_EQ(normalize_for_dedup(variant), base) << variant;
  }
}

TEST(TextNormalize, RealChangesChangeTheKey) {
  const std::string base = normalize_for_dedup("The cat sat on the mat.");
  EXPECT_NE(normalize_for_dedup("The cat sat on a mat."), base);
  EXPECT_NE(normalize_for_dedup("The cats sat on the mat."), base);
  EXPECT_NE(normalize_for_dedup("The cat sat on the mat today."), base);
  EXPECT_NE(normalize_for_dedup("Thecat sat on the mat."), base);   // a space is a word boundary
  EXPECT_NE(normalize_for_dedup("The cät sat on the mat."), base);  // diacritics are kept
}

TEST(TextNormalize, LatinUpperCaseLetters) {
  EXPECT_EQ(normalize_for_dedup("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ"),
            "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþ");
  EXPECT_EQ(normalize_for_dedup("×ß÷ÿ"), "×ß÷ÿ");  // no case partner in the block
  EXPECT_EQ(normalize_for_dedup("ĀĂĄĆČĎĐĒĘĚĞĢĪĮĶ"), "āăąćčďđēęěğģīįķ");
  EXPECT_EQ(normalize_for_dedup("ĹĻĽĿŁŃŅŇ"), "ĺļľŀłńņň");
  EXPECT_EQ(normalize_for_dedup("ŊŌŐŒŔŘŚŞŠŢŤŦŨŪŮŰŲŴŶ"), "ŋōőœŕřśşšţťŧũūůűųŵŷ");
  EXPECT_EQ(normalize_for_dedup("ŹŻŽ"), "źżž");
  EXPECT_EQ(normalize_for_dedup("Ÿ"), "ÿ");
  EXPECT_EQ(normalize_for_dedup("İstanbul"), "istanbul");
  EXPECT_EQ(normalize_for_dedup("ıĸŉſ"), "ıĸŉſ");  // lower-case already, or no partner
  EXPECT_EQ(normalize_for_dedup("ŻÓŁW Größe"), "żółw größe");
}

TEST(TextNormalize, OtherCodePointsPassThrough) {
  EXPECT_EQ(normalize_for_dedup("ΑΒΓ Привет 東京 😀"), "ΑΒΓ Привет 東京 😀");
  EXPECT_EQ(normalize_for_dedup("a\u2010b\u2014c\u2026d\u2027e"), "a b c d e");
  EXPECT_EQ(normalize_for_dedup("a\u2009b\u200Ac\u2028d\u202Fe\u205Ff"), "a b c d e f");
  // Just outside the ranges: U+200B (zero width space) and U+2030 (per mille) are kept.
  EXPECT_EQ(normalize_for_dedup("a\u200Bb\u2030c"), "a\u200Bb\u2030c");
}

TEST(TextNormalize, InvalidUtf8IsKeptByteForByte) {
  const std::string invalid = "\xff\xfe";
  EXPECT_EQ(normalize_for_dedup(invalid + "ABC"), invalid + "abc");
  EXPECT_EQ(normalize_for_dedup(std::string("A\xc3")), std::string("a\xc3"));  // truncated
  EXPECT_EQ(normalize_for_dedup(std::string("\xc3 X")), std::string("\xc3 x"));
  EXPECT_EQ(normalize_for_dedup(std::string("\xc0\xaf")), std::string("\xc0\xaf"));  // overlong
  EXPECT_EQ(normalize_for_dedup(std::string("\xed\xa0\x80!")), std::string("\xed\xa0\x80"));
  // Every byte value, alone and in a row: no crash, and never longer than the input.
  std::string all;
  for (int b = 0; b < 256; ++b) {
    const std::string one(1, static_cast<char>(b));
    EXPECT_LE(normalize_for_dedup(one).size(), 1u);
    all += one;
  }
  EXPECT_LE(normalize_for_dedup(all).size(), all.size());
}

TEST(TextNormalize, WordsOf) {
  EXPECT_EQ(words_of("the cat sat"), (std::vector<std::string_view>{"the", "cat", "sat"}));
  EXPECT_EQ(words_of("one"), (std::vector<std::string_view>{"one"}));
  EXPECT_TRUE(words_of("").empty());
  EXPECT_EQ(words_of(" a  b "), (std::vector<std::string_view>{"a", "b"}));
  const std::string key = normalize_for_dedup("Hello, World! It's me.");
  EXPECT_EQ(words_of(key), (std::vector<std::string_view>{"hello", "world", "it", "s", "me"}));
}

TEST(TextNormalize, Hash64IsPinned) {
  // splitmix64 with seed 0 gives 0xe220a8397b1dcdaf first (Vigna's reference code).
  EXPECT_EQ(mix64(0x9e3779b97f4a7c15ull), 0xe220a8397b1dcdafull);
  // Our own values: if these change, every stored dedup hash changes with them.
  EXPECT_EQ(hash64(""), 0x6e789e6aa1b965f4ull);
  EXPECT_EQ(hash64("a"), 0xd71dc9a9f6476249ull);
  EXPECT_EQ(hash64("hello world"), 0xa503a25f399647e1ull);
  EXPECT_EQ(hash64("the quick brown fox jumps"), 0x744cb9844fdf8713ull);
}

TEST(TextNormalize, Hash64SeparatesCloseInputs) {
  // Lengths 0-40 of one text, zero bytes of every length, one-bit flips: all distinct.
  std::unordered_set<std::uint64_t> seen;
  std::size_t inputs = 0;
  const std::string text = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
  for (std::size_t n = 0; n <= text.size(); ++n) {
    seen.insert(hash64(std::string_view(text).substr(0, n)));
    seen.insert(hash64(std::string(n, '\0')));
    inputs += 2;
  }
  for (std::size_t byte = 0; byte < 16; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = text.substr(0, 16);
      flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
      seen.insert(hash64(flipped));
      ++inputs;
    }
  }
  EXPECT_EQ(seen.size(), inputs - 1);  // the empty text appears twice (n = 0)
}

}  // namespace
