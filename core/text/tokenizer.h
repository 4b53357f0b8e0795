// Tokenizer: the seam between text and token ids. Two implementations: SentencePiece
// (sentencepiece_tokenizer.h) and byte-level BPE (bpe_tokenizer.h); tokenizer_loader.h picks one
// for a model folder or GGUF file. Behaviour follows transformers: added/special tokens written
// in the text are matched as single tokens; encode() adds no BOS (add_bos() says whether the
// model wants one).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tb {

using TokenId = std::int32_t;

struct SpecialTokens {
  std::optional<TokenId> bos;
  std::optional<TokenId> eos;
  std::optional<TokenId> pad;
  std::optional<TokenId> unk;
  bool add_bos = false;  // the model expects BOS before a prompt
};

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Text to ids. With parse_special, added and special tokens written in the text become their
  // single ids (as transformers does by default); without it they are ordinary text.
  virtual std::vector<TokenId> encode(std::string_view text, bool parse_special = true) const = 0;
  // Ids to text; special tokens are kept as their text unless skip_special.
  virtual std::string decode(std::span<const TokenId> ids, bool skip_special = false) const = 0;

  // The bytes a token contributes when it follows other tokens (for streaming decode).
  virtual std::string token_bytes(TokenId id) const = 0;
  // True when decode() drops one leading space that the first token carries (SentencePiece).
  virtual bool strips_leading_space() const { return false; }

  virtual std::string token_text(TokenId id) const = 0;  // the vocabulary entry, e.g. "Ġworld"
  virtual std::optional<TokenId> token_id(std::string_view text) const = 0;
  virtual std::int64_t vocab_size() const = 0;
  virtual bool is_special(TokenId id) const = 0;
  virtual std::string kind() const = 0;  // "sentencepiece" or "bpe"

  const SpecialTokens& special() const { return special_; }
  SpecialTokens& mutable_special() { return special_; }

 protected:
  SpecialTokens special_;
};

// Streaming decode for generation: feed ids one at a time, get text as soon as it forms whole
// UTF-8 characters; bytes of an unfinished character wait for the next token.
class StreamingDecoder {
 public:
  explicit StreamingDecoder(const Tokenizer& tokenizer, bool skip_special = true)
      : tokenizer_(tokenizer), skip_special_(skip_special) {}

  std::string push(TokenId id);
  // Whatever is left at the end (an incomplete character is returned as U+FFFD).
  std::string finish();

 private:
  const Tokenizer& tokenizer_;
  bool skip_special_;
  bool first_ = true;
  std::string pending_;
};

// Length of the longest prefix of `bytes` made of complete UTF-8 sequences (an invalid lead
// byte counts as complete, so that garbage never stalls the stream).
std::size_t complete_utf8_prefix(std::string_view bytes);

// True when ids of `rendered` (a chat rendering) need the model's BOS in front: the model wants
// one and the text does not already start with it.
bool needs_bos(const Tokenizer& tokenizer, std::string_view rendered);

}  // namespace tb
