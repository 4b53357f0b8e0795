// Tokenizer building blocks: the byte-level alphabet, UTF-8 completeness for streaming, added
// token splitting (longest match, lstrip/rstrip, single_word, special vs not), pre-tokenizer
// regexes, the SentencePiece file checks and protobuf rewrite, and clear errors for tokenizer
// files we do not support.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/common/error.h"
#include "core/text/added_tokens.h"
#include "core/text/bpe_tokenizer.h"
#include "core/text/byte_level.h"
#include "core/text/normalizer.h"
#include "core/text/pretokenizer.h"
#include "core/text/sentencepiece_tokenizer.h"
#include "tests/common/test_paths.h"

namespace {

TEST(ByteLevel, AlphabetIsABijectionOfPrintableCharacters) {
  std::set<std::string> seen;
  for (int b = 0; b < 256; ++b) {
    const std::string& c = tb::byte_to_unicode(static_cast<unsigned char>(b));
    EXPECT_TRUE(seen.insert(c).second) << b;
  }
  EXPECT_EQ(tb::byte_to_unicode(' '), "\xC4\xA0");   // Ġ (U+0120)
  EXPECT_EQ(tb::byte_to_unicode('\n'), "\xC4\x8A");  // Ċ (U+010A)
  EXPECT_EQ(tb::byte_to_unicode('A'), "A");
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_EQ(tb::byte_level_to_bytes(tb::bytes_to_byte_level(all)), all);
  EXPECT_FALSE(tb::byte_level_to_bytes("\xE4\xB8\xAD").has_value());  // 中 is not in the alphabet
}

TEST(Utf8, CompletePrefix) {
  EXPECT_EQ(tb::complete_utf8_prefix("abc"), 3u);
  EXPECT_EQ(tb::complete_utf8_prefix("a\xE4\xB8"), 1u);        // 中 missing its last byte
  EXPECT_EQ(tb::complete_utf8_prefix("a\xE4\xB8\xAD"), 4u);
  EXPECT_EQ(tb::complete_utf8_prefix("\xF0\x9F\xA4"), 0u);      // 🤗 missing a byte
  EXPECT_EQ(tb::complete_utf8_prefix("\x80\x80"), 2u);          // stray continuations pass
}

TEST(AddedTokens, LongestMatchStripAndSingleWord) {
  tb::AddedTokens added;
  added.add({"<|im_start|>", 1, true, false, false, false});
  added.add({"<|im", 9, false, false, false, false});
  added.add({"<mask>", 5, true, true, true, false});
  added.add({"cat", 7, false, false, false, true});
  auto ids = [&](std::string_view text, bool special) {
    std::vector<std::string> out;
    for (const auto& p : added.split(text, special)) {
      out.push_back(p.added ? "#" + std::to_string(*p.added) : std::string(p.text));
    }
    return out;
  };
  EXPECT_EQ(ids("a<|im_start|>b", true), (std::vector<std::string>{"a", "#1", "b"}));
  EXPECT_EQ(ids("a<|im_start|>b", false), (std::vector<std::string>{"a", "#9", "_start|>b"}));
  EXPECT_EQ(ids("x  <mask>  y", true), (std::vector<std::string>{"x", "#5", "y"}));
  EXPECT_EQ(ids("cat concat cat.", true), (std::vector<std::string>{"#7", " concat ", "#7", "."}));
}

TEST(PreTokenizer, Gpt2AndDigitSplits) {
  const auto gpt2 = tb::PreTokenizer::from_gguf_pre("gpt2", "test");
  EXPECT_EQ(gpt2.split("Hello world's  42nd\n"),
            (std::vector<std::string>{"Hello", " world", "'s", " ", " 42", "nd", "\n"}));
  const auto smollm = tb::PreTokenizer::from_gguf_pre("smollm", "test");
  EXPECT_EQ(smollm.split("  42nd"), (std::vector<std::string>{"  ", "4", "2", "nd"}));
  const auto llama3 = tb::PreTokenizer::from_gguf_pre("llama3", "test");
  EXPECT_EQ(llama3.split("DON'T 12345"), (std::vector<std::string>{"DON", "'T", " ", "123", "45"}));
  EXPECT_THROW(tb::PreTokenizer::from_gguf_pre("falcon", "test"), tb::FormatError);
  EXPECT_THROW(tb::PreTokenizer::from_tokenizer_json({{"type", "Whitespace"}}, "test"), tb::FormatError);
  EXPECT_THROW(tb::PreTokenizer::from_tokenizer_json(
                   {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}}, "t"),
               tb::FormatError);
}

TEST(SentencePiece, RefusesFilesThatAreNotSentencePiece) {
  try {
    tb::SentencePieceTokenizer::from_serialized("IQ== 0\nIg== 1\nIw== 2\n", "tokenizer.model");
    FAIL();
  } catch (const tb::FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("tiktoken"), std::string::npos) << e.what();
  }
  EXPECT_THROW(tb::SentencePieceTokenizer::from_serialized("", "x"), tb::FormatError);
  EXPECT_THROW(tb::SentencePieceTokenizer::from_serialized("\x0a\xff\xff\xff\xff\x0f", "x"), tb::FormatError);
  // A protobuf that parses but is no model: SentencePiece's own error, reported, no crash.
  EXPECT_THROW(tb::SentencePieceTokenizer::from_serialized(std::string("\x0a\x00", 2), "x"), tb::FormatError);
}

TEST(SentencePiece, FuzzRegressionsAreErrorsNotCrashes) {
  // Each file once ended the process inside libsentencepiece (found by fuzz_sentencepiece).
  for (const auto& entry : std::filesystem::directory_iterator(tb_test::source_dir() + "/tests/data/fuzz_regressions/fuzz_sentencepiece")) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_THROW(tb::SentencePieceTokenizer::from_serialized(bytes, entry.path().string()), tb::FormatError)
        << entry.path();
  }
}

TEST(SentencePiece, DummyPrefixRewrite) {
  // NormalizerSpec {name: "x" (field 1), add_dummy_prefix: true (field 3)} in field 3.
  const std::string spec = std::string("\x0a\x01x\x18\x01", 5);
  const std::string model = std::string("\x1a") + static_cast<char>(spec.size()) + spec;
  const std::string out = tb::without_dummy_prefix(model, "m");
  EXPECT_EQ(out, std::string("\x1a\x05\x0a\x01x\x18\x00", 7));
  EXPECT_THROW(tb::without_dummy_prefix(std::string("\x1a\x7f", 2), "m"), tb::FormatError);
}

TEST(BpeTokenizer, UnsupportedTokenizerJsonIsAClearError) {
  const nlohmann::json wordpiece = {{"model", {{"type", "WordPiece"}}}, {"normalizer", nullptr}};
  try {
    tb::BpeTokenizer::from_tokenizer_json(wordpiece, "tokenizer.json");
    FAIL();
  } catch (const tb::FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("\"WordPiece\" is not byte-level BPE"), std::string::npos);
  }
  nlohmann::json bad_merge = {
      {"model", {{"type", "BPE"}, {"vocab", {{"a", 0}, {"b", 1}}}, {"merges", {"a b"}}}},
      {"normalizer", nullptr}, {"pre_tokenizer", nullptr}};
  EXPECT_THROW(tb::BpeTokenizer::from_tokenizer_json(bad_merge, "t"), tb::FormatError);
  bad_merge["model"]["vocab"]["ab"] = 2;
  const auto tok = tb::BpeTokenizer::from_tokenizer_json(bad_merge, "t");
  EXPECT_EQ(tok->encode("ab"), (std::vector<tb::TokenId>{2}));
  nlohmann::json replace = bad_merge;
  replace["normalizer"] = {{"type", "Replace"}, {"pattern", {{"String", "a"}}}, {"content", "b"}};
  EXPECT_THROW(tb::BpeTokenizer::from_tokenizer_json(replace, "t"), tb::FormatError);
  // NFC composes "e" + combining acute into "é" before the merges.
  nlohmann::json nfc = bad_merge;
  nfc["normalizer"] = {{"type", "NFC"}};
  nfc["model"]["vocab"]["\xC3"] = 3;
  nfc["model"]["vocab"]["\xA9"] = 4;
  EXPECT_EQ(tb::Normalizer::from_tokenizer_json(nfc["normalizer"], "t").apply("e\xCC\x81"), "\xC3\xA9");
}

}  // namespace
