// SentencePiece tokenizer (Llama-2, Mistral tokenizer.model, or the vocabulary of a GGUF whose
// tokenizer.ggml.model is "llama") through libsentencepiece, loaded with the status API. Text
// handling matches transformers' LlamaTokenizer: special tokens in the text are split out first,
// and the "▁" prefix is added only at the start of the text (Metaspace prepend_scheme "first"),
// not after each special token, and only for models whose add_dummy_prefix is on (Llama, not
// Gemma).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/io/gguf.h"
#include "core/text/added_tokens.h"
#include "core/text/tokenizer.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace tb {

class SentencePieceTokenizer : public Tokenizer {
 public:
  // Throws tb::FormatError naming the file when it is not a SentencePiece model (e.g. a
  // Llama-3 tiktoken file called tokenizer.model) or cannot be loaded.
  static std::unique_ptr<SentencePieceTokenizer> from_file(const std::filesystem::path& path);
  static std::unique_ptr<SentencePieceTokenizer> from_serialized(const std::string& bytes, const std::string& source);
  // From GGUF metadata (tokenizer.ggml.model = "llama": tokens, scores, token_type, special ids,
  // add_bos_token, which defaults to true as in llama.cpp and transformers). Throws
  // tb::FormatError naming `source` and the key for a vocabulary it cannot hold.
  static std::unique_ptr<SentencePieceTokenizer> from_gguf_header(const GgufHeader& header, const std::string& source);
  ~SentencePieceTokenizer() override;

  std::vector<TokenId> encode(std::string_view text, bool parse_special = true) const override;
  std::string decode(std::span<const TokenId> ids, bool skip_special = false) const override;
  std::string token_bytes(TokenId id) const override;
  bool strips_leading_space() const override { return dummy_prefix_; }
  std::string token_text(TokenId id) const override;
  std::optional<TokenId> token_id(std::string_view text) const override;
  std::int64_t vocab_size() const override;
  bool is_special(TokenId id) const override;
  std::string kind() const override { return "sentencepiece"; }

  AddedTokens& added_tokens() { return added_; }

 private:
  SentencePieceTokenizer();
  std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;  // without the dummy prefix
  AddedTokens added_;
  // The model's own add_dummy_prefix: Llama's models put "▁" in front of the text (and decoding
  // drops it again); Gemma's do not.
  bool dummy_prefix_ = true;
};

// The serialized model with normalizer_spec.add_dummy_prefix set to false (protobuf rewritten
// by hand: ModelProto field 3 = NormalizerSpec, its field 3 = add_dummy_prefix); the value it
// had (true when absent, protobuf's default) goes to `had_dummy_prefix`. Throws
// tb::FormatError when the bytes are not a well-formed protobuf message.
std::string without_dummy_prefix(const std::string& model, const std::string& source, bool* had_dummy_prefix = nullptr);

// A serialized SentencePiece ModelProto (BPE, identity normalisation) holding a GGUF file's
// "llama" vocabulary: each piece with its score and type (GGUF's token types are SentencePiece's
// numbers), byte fallback when the vocabulary has all 256 byte pieces, and the special ids.
std::string sentencepiece_model_from_gguf(const GgufHeader& header, const std::string& source);

}  // namespace tb
