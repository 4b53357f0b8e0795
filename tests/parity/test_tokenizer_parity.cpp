// Tokenizer parity: token ids equal the reference's on a 2,211-line mixed corpus for a
// SentencePiece model trained in the test, three byte-level BPE tokenizer.json files (GPT-2,
// Llama-3 and Qwen2 style with NFC) and the demo GGUF's tokenizer; decode(encode(x)) == x wherever the reference
// also round-trips; streaming decode yields the same text in whole UTF-8 characters.
//
// The demo GGUF: transformers builds its tokenizer with the plain GPT-2 pre-tokenizer and drops
// tokenizer.ggml.pre = "smollm" (digits split one by one, as llama.cpp and SmolLM2's own
// tokenizer.json do). Our reference there is the tokenizers library with SmolLM2's
// pre-tokenizer; we also check that we equal transformers on every line where the two agree.
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

std::vector<std::string> corpus() {
  std::vector<std::string> lines;
  std::ifstream in(kOut / "corpus.jsonl");
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

void expect_parity(const tb::Tokenizer& tok, const std::string& ref_name) {
  const auto lines = corpus();
  const auto want = refs(ref_name);
  ASSERT_GE(lines.size(), 2000u);
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
  EXPECT_EQ(mismatches, 0) << ref_name;
  EXPECT_GT(roundtrips, 1000) << ref_name;
}

TEST(TokenizerParity, SentencePieceTrainedInTheTest) {
  const auto tok = tb::load_tokenizer_from_folder(kOut / "sentencepiece");
  EXPECT_EQ(tok->kind(), "sentencepiece");
  expect_parity(*tok, "sentencepiece");
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
  // Wherever transformers' GGUF conversion agrees with SmolLM2's pre-tokenizer, we equal it too.
  const auto lines = corpus();
  const auto a = refs("gguf_transformers"), b = refs("gguf_smollm");
  int agree = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (a[i].ids != b[i].ids) continue;
    ++agree;
    EXPECT_EQ(tok->encode(lines[i]), a[i].ids) << "line " << i + 1;
  }
  EXPECT_GT(agree, 1800);
}

}  // namespace
