// Tokenizer parity: token ids equal the reference's on a 2,211-line mixed corpus and on a
// 600-line corpus of whitespace runs before digits, punctuation and special-token text, for a
// SentencePiece model trained in the test, three byte-level BPE tokenizer.json files (GPT-2,
// Llama-3 and Qwen2 style with NFC) and the demo GGUF's tokenizer; decode(encode(x)) == x wherever
// the reference also round-trips; streaming decode yields the same text in whole UTF-8 characters.
//
// The demo GGUF: transformers builds its tokenizer with the plain GPT-2 pre-tokenizer and drops
// tokenizer.ggml.pre = "smollm" (digits split one by one first, as llama.cpp and SmolLM2's own
// tokenizer.json do), so "  1234" is "Ġ","Ġ","1",... there and "ĠĠ","1",... in the model's own
// tokenizer. Our reference there is the tokenizers library with SmolLM2's pre-tokenizer; we also
// check that we equal transformers on every line without whitespace before a number, the one
// place the two rules part.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/gguf.h"
#include "core/text/tokenizer.h"
#include "core/text/tokenizer_loader.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
const fs::path kOut = fs::path(tb_test::parity_out()) / "tokenizers";

// The two corpora: "" (mixed) and "ws_" (whitespace runs).
std::vector<std::string> corpus(const std::string& prefix = "") {
  std::vector<std::string> lines;
  std::ifstream in(kOut / (prefix + "corpus.jsonl"));
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line).get<std::string>());
  return lines;
}

struct Ref {
  std::vector<tb::TokenId> ids;
  bool roundtrip = false;
};

std::vector<Ref> refs(const std::string& name) {
  std::vector<Ref> out;
  std::ifstream in(kOut / (name + ".refs.jsonl"));
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    out.push_back({j["ids"].get<std::vector<tb::TokenId>>(), j["roundtrip"].get<bool>()});
  }
  return out;
}

std::string show(const std::vector<tb::TokenId>& ids) {
  std::string s;
  for (std::size_t i = 0; i < ids.size() && i < 24; ++i) s += std::to_string(ids[i]) + " ";
  return s;
}

void expect_parity_on(const tb::Tokenizer& tok, const std::string& prefix, const std::string& ref_name,
                      std::size_t min_lines, int min_roundtrips) {
  const auto lines = corpus(prefix);
  const auto want = refs(prefix + ref_name);
  ASSERT_GE(lines.size(), min_lines);
  ASSERT_EQ(lines.size(), want.size());
  int mismatches = 0, roundtrips = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto ids = tok.encode(lines[i]);
    if (ids != want[i].ids) {
      if (++mismatches <= 5) {
        ADD_FAILURE() << ref_name << " line " << i + 1 << ": " << nlohmann::json(lines[i]).dump()
                      << "\n ours: " << show(ids) << "\n ref:  " << show(want[i].ids);
      }
      continue;
    }
    if (want[i].roundtrip) {
      ++roundtrips;
      EXPECT_EQ(tok.decode(ids), lines[i]) << ref_name << " line " << i + 1;
    }
    // Streaming: same text, every chunk whole UTF-8.
    tb::StreamingDecoder stream(tok, /*skip_special=*/false);
    std::string streamed;
    for (tb::TokenId id : ids) {
      const std::string chunk = stream.push(id);
      EXPECT_EQ(tb::complete_utf8_prefix(chunk), chunk.size());
      streamed += chunk;
    }
    streamed += stream.finish();
    if (want[i].roundtrip) {
      EXPECT_EQ(streamed, lines[i]) << ref_name << " line " << i + 1;
    }
  }
  EXPECT_EQ(mismatches, 0) << prefix << ref_name;
  EXPECT_GT(roundtrips, min_roundtrips) << prefix << ref_name;
}

// Both corpora.
void expect_parity(const tb::Tokenizer& tok, const std::string& ref_name) {
  expect_parity_on(tok, "", ref_name, 2000, 1000);
  expect_parity_on(tok, "ws_", ref_name, 600, 300);
}

TEST(TokenizerParity, SentencePieceTrainedInTheTest) {
  const auto tok = tb::load_tokenizer_from_folder(kOut / "sentencepiece");
  EXPECT_EQ(tok->kind(), "sentencepiece");
  expect_parity(*tok, "sentencepiece");
}

// Gemma's kind of SentencePiece model: no "▁" in front of the text.
TEST(TokenizerParity, SentencePieceWithoutDummyPrefixAsGemma) {
  const auto tok = tb::load_tokenizer_from_folder(kOut / "sentencepiece_gemma");
  EXPECT_EQ(tok->kind(), "sentencepiece");
  expect_parity(*tok, "sentencepiece_gemma");
}

// A GGUF with a SentencePiece vocabulary (tokenizer.ggml.model = "llama"), written by gguf-py.
TEST(TokenizerParity, SentencePieceInsideGguf) {
  const tb::GgufFile gguf(kOut / "sentencepiece_gguf" / "vocab.gguf");
  const auto tok = tb::load_tokenizer_from_gguf(gguf);
  EXPECT_EQ(tok->kind(), "sentencepiece");
  EXPECT_EQ(tok->vocab_size(), 1200);
  EXPECT_EQ(tok->special().bos, 1);
  EXPECT_EQ(tok->special().eos, 2);
  EXPECT_TRUE(tok->special().add_bos);
  expect_parity(*tok, "sentencepiece_gguf");
}

TEST(TokenizerParity, BpeTokenizerJsonGpt2Style) {
  const auto tok = tb::load_tokenizer_from_folder(kOut / "bpe_gpt2");
  EXPECT_EQ(tok->kind(), "bpe");
  expect_parity(*tok, "bpe_gpt2");
}

TEST(TokenizerParity, BpeTokenizerJsonLlama3Style) {
  expect_parity(*tb::load_tokenizer_from_folder(kOut / "bpe_llama3"), "bpe_llama3");
}

TEST(TokenizerParity, BpeTokenizerJsonQwen2StyleWithNfc) {
  expect_parity(*tb::load_tokenizer_from_folder(kOut / "bpe_qwen2_nfc"), "bpe_qwen2_nfc");
}

TEST(TokenizerParity, DemoGgufTokenizer) {
  const tb::GgufFile gguf(tb_test::demo_model_path());
  const auto tok = tb::load_tokenizer_from_gguf(gguf);
  EXPECT_EQ(tok->vocab_size(), 49152);
  EXPECT_EQ(tok->special().bos, 1);
  EXPECT_EQ(tok->special().eos, 2);
  EXPECT_FALSE(tok->special().add_bos);
  expect_parity(*tok, "gguf_smollm");
  // We equal transformers' GGUF conversion on every line without whitespace before a number.
  for (const std::string prefix : {"", "ws_"}) {
    const auto lines = corpus(prefix);
    const auto a = refs(prefix + "gguf_transformers");
    std::ifstream in(kOut / (prefix + "space_before_number.json"));
    const auto flagged = nlohmann::json::parse(in).get<std::vector<bool>>();
    ASSERT_EQ(flagged.size(), lines.size());
    int compared = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (flagged[i]) continue;
      ++compared;
      EXPECT_EQ(tok->encode(lines[i]), a[i].ids) << prefix << "line " << i + 1 << ": " << nlohmann::json(lines[i]).dump();
    }
    EXPECT_GT(compared, prefix.empty() ? 1200 : 250) << prefix;
  }
}

}  // namespace
