// Tokenizer building blocks: the byte-level alphabet, UTF-8 completeness for streaming, added
// token splitting (longest match, lstrip/rstrip, single_word, special vs not), pre-tokenizer
// regexes, the SentencePiece file checks and protobuf rewrite, a SentencePiece vocabulary from
// GGUF metadata, and clear errors for tokenizer files we do not support.
#include <gtest/gtest.h>

#include <cstdio>

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
  // The value it had: on here, off in Gemma's kind of model, on when the field is absent.
  bool had = false;
  tb::without_dummy_prefix(model, "m", &had);
  EXPECT_TRUE(had);
  tb::without_dummy_prefix(out, "m", &had);
  EXPECT_FALSE(had);
  tb::without_dummy_prefix(std::string("\x1a\x03\x0a\x01x", 5), "m", &had);
  EXPECT_TRUE(had);
  EXPECT_THROW(tb::without_dummy_prefix(std::string("\x1a\x7f", 2), "m"), tb::FormatError);
}

// A GGUF "llama" vocabulary in memory: pieces, scores, types (1 normal, 2 unknown, 3 control,
// 4 user-defined, 6 byte) and special ids.
tb::GgufHeader sentencepiece_header(std::vector<std::string> pieces, std::vector<double> scores,
                                    std::vector<std::int64_t> types) {
  auto array = [](tb::GgufValueType element, tb::GgufArray items) {
    tb::GgufValue v;
    v.type = tb::GgufValueType::Array;
    v.element_type = element;
    v.value = std::move(items);
    return v;
  };
  tb::GgufArray p, s, t;
  for (auto& piece : pieces) p.push_back({tb::GgufValueType::String, tb::GgufValueType::U8, piece});
  for (double x : scores) s.push_back({tb::GgufValueType::F32, tb::GgufValueType::U8, x});
  for (std::int64_t x : types) t.push_back({tb::GgufValueType::I32, tb::GgufValueType::U8, x});
  tb::GgufHeader h;
  h.metadata["tokenizer.ggml.model"] = {tb::GgufValueType::String, tb::GgufValueType::U8, std::string("llama")};
  h.metadata["tokenizer.ggml.tokens"] = array(tb::GgufValueType::String, p);
  h.metadata["tokenizer.ggml.scores"] = array(tb::GgufValueType::F32, s);
  h.metadata["tokenizer.ggml.token_type"] = array(tb::GgufValueType::I32, t);
  h.metadata["tokenizer.ggml.bos_token_id"] = {tb::GgufValueType::U32, tb::GgufValueType::U8, std::uint64_t{1}};
  h.metadata["tokenizer.ggml.eos_token_id"] = {tb::GgufValueType::U32, tb::GgufValueType::U8, std::uint64_t{2}};
  return h;
}

TEST(SentencePiece, VocabularyFromGgufMetadata) {
  // "▁Hello" by merges of higher score first; "X" is not in the vocabulary and falls back to its
  // byte; "<think>" (user-defined) stays whole; BOS is added by default.
  std::vector<std::string> pieces = {"<unk>", "<s>", "</s>"};
  std::vector<double> scores = {0, 0, 0};
  std::vector<std::int64_t> types = {2, 3, 3};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    pieces.push_back(name);
    scores.push_back(0);
    types.push_back(6);
  }
  const std::vector<std::string> words = {"\xE2\x96\x81", "H", "e", "l", "o", "ll", "\xE2\x96\x81H", "\xE2\x96\x81He",
                                          "llo", "\xE2\x96\x81Hello"};
  for (std::size_t i = 0; i < words.size(); ++i) {
    pieces.push_back(words[i]);
    scores.push_back(-1.0 - static_cast<double>(i));
    types.push_back(1);
  }
  pieces.push_back("<think>");
  scores.push_back(0);
  types.push_back(4);
  const tb::TokenId hello = 3 + 256 + 9, byte_x = 3 + 0x58, think = 3 + 256 + 10;
  const auto tok = tb::SentencePieceTokenizer::from_gguf_header(sentencepiece_header(pieces, scores, types), "v.gguf");
  EXPECT_EQ(tok->vocab_size(), 270);
  EXPECT_EQ(tok->special().bos, 1);
  EXPECT_EQ(tok->special().unk, 0);
  EXPECT_TRUE(tok->special().add_bos);
  EXPECT_EQ(tok->encode("Hello"), (std::vector<tb::TokenId>{hello}));
  EXPECT_EQ(tok->encode("HelloX<think>"), (std::vector<tb::TokenId>{hello, byte_x, think}));
  EXPECT_EQ(tok->decode(tok->encode("HelloX")), "HelloX");
  // Clear errors, naming the key.
  try {
    tb::SentencePieceTokenizer::from_gguf_header(sentencepiece_header(pieces, {0, 0}, types), "v.gguf");
    FAIL();
  } catch (const tb::FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("v.gguf: tokenizer.ggml.scores: has 2 entries for 270 tokens"), std::string::npos)
        << e.what();
  }
  auto bad_type = types;
  bad_type[5] = 9;
  EXPECT_THROW(tb::SentencePieceTokenizer::from_gguf_header(sentencepiece_header(pieces, scores, bad_type), "v.gguf"),
               tb::FormatError);
  auto empty_piece = pieces;
  empty_piece[262] = "";
  EXPECT_THROW(tb::SentencePieceTokenizer::from_gguf_header(sentencepiece_header(empty_piece, scores, types), "v.gguf"),
               tb::FormatError);
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
