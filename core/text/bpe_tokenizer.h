// Byte-level BPE (GPT-2, Llama-3, SmolLM, Qwen2 style): from a tokenizer.json whose model is
// BPE with merges, or from a GGUF file with tokenizer.ggml.model = gpt2 (tokens, merges, token
// types). Added tokens are split out first; each pre-tokenized word is mapped to the byte-level
// alphabet and merged by rank; results are cached per word.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text/added_tokens.h"
#include "core/text/normalizer.h"
#include "core/text/pretokenizer.h"
#include "core/text/tokenizer.h"

namespace tb {

class GgufFile;
struct GgufHeader;

class BpeTokenizer : public Tokenizer {
 public:
  // tokenizer.json (parsed); `source` names the file in errors.
  static std::unique_ptr<BpeTokenizer> from_tokenizer_json(const nlohmann::json& json, const std::string& source);
  static std::unique_ptr<BpeTokenizer> from_gguf(const GgufFile& gguf);
  // The same from a parsed header (what the fuzzer drives); `source` names the file in errors.
  static std::unique_ptr<BpeTokenizer> from_gguf_header(const GgufHeader& header, const std::string& source);

  std::vector<TokenId> encode(std::string_view text, bool parse_special = true) const override;
  std::string decode(std::span<const TokenId> ids, bool skip_special = false) const override;
  std::string token_bytes(TokenId id) const override;
  std::string token_text(TokenId id) const override;
  std::optional<TokenId> token_id(std::string_view text) const override;
  std::int64_t vocab_size() const override { return static_cast<std::int64_t>(id_to_token_.size()); }
  bool is_special(TokenId id) const override;
  std::string kind() const override { return "bpe"; }

  const AddedTokens& added_tokens() const { return added_; }
  // A tokenizer.json that Hugging Face tokenizers loads and that encodes as this one does
  // (used when exporting a GGUF model as a Hugging Face folder).
  nlohmann::json to_tokenizer_json() const;

 private:
  struct PairHash {
    std::size_t operator()(std::uint64_t v) const { return std::hash<std::uint64_t>()(v); }
  };
  struct Merge {
    std::int32_t rank;
    TokenId merged;
  };

  void set_vocab(std::vector<std::string> tokens, const std::string& source);
  void add_merge(const std::string& left, const std::string& right, std::int32_t rank, const std::string& source);
  void encode_word(const std::string& word, std::vector<TokenId>& out) const;

  std::vector<std::string> id_to_token_;
  std::unordered_map<std::string, TokenId> token_to_id_;
  std::unordered_map<std::uint64_t, Merge, PairHash> merges_;  // (left id << 32 | right id)
  std::vector<std::pair<std::string, std::string>> merge_list_;  // in rank order
  std::string pre_spec_;  // the pre-tokenizer as tokenizer.json JSON text
  PreTokenizer pre_;
  Normalizer normalizer_;
  std::string normalizer_spec_ = "null";
  AddedTokens added_;
  bool ignore_merges_ = false;
  std::optional<TokenId> unk_;
  mutable std::mutex cache_mutex_;
  mutable std::unordered_map<std::string, std::vector<TokenId>> cache_;
};

}  // namespace tb
