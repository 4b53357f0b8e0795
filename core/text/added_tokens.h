// Added tokens (special ones like <|im_start|> and user-defined ones): split a text into
// pieces that are added tokens and pieces of ordinary text, as transformers' tokenizers do
// (leftmost-longest match; lstrip/rstrip swallow neighbouring whitespace).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/text/tokenizer.h"

namespace tb {

struct AddedToken {
  std::string content;
  TokenId id = 0;
  bool special = false;
  bool lstrip = false;
  bool rstrip = false;
  bool single_word = false;
};

struct TextPiece {
  std::string_view text;  // for an added token: its matched text
  std::optional<TokenId> added;  // set when the piece is an added token
  std::size_t offset = 0;  // byte offset in the original text
};

class AddedTokens {
 public:
  void add(AddedToken token);
  bool empty() const { return tokens_.empty(); }
  const std::vector<AddedToken>& all() const { return tokens_; }
  const AddedToken* find(TokenId id) const;

  // Splits `text`; with parse_special false only non-special added tokens are matched.
  std::vector<TextPiece> split(std::string_view text, bool parse_special) const;

 private:
  std::vector<AddedToken> tokens_;
  std::unordered_map<TokenId, std::size_t> by_id_;
  std::unordered_map<unsigned char, std::vector<std::size_t>> by_first_byte_;  // longest first
};

}  // namespace tb
