// An example as the model sees it: token ids from the model's chat format and tokenizer, and
// which of them are trained (the assistant turns and their end-of-turn marker; every token of
// a raw text, or of everything with train_on_all). Truncation at a maximum length is counted.
// Shared by the preview, the audit's lengths and the trainer's batches.
#pragma once

#include <cstdint>
#include <vector>

#include "core/data/example.h"
#include "core/text/chat_format.h"
#include "core/text/tokenizer.h"

namespace tb::data {

struct TokenizedExample {
  std::vector<TokenId> ids;
  std::vector<std::uint8_t> trained;  // 1 = in the loss, one per id
  std::int64_t truncated = 0;         // tokens cut at max_tokens
  std::int64_t trained_count() const;
};

struct TokenizeOptions {
  bool train_on_all = false;    // also train on system and user tokens
  std::int64_t max_tokens = 0;  // 0 = no limit; else the end is cut (and counted)
};

// The chat rendering is encoded whole (special tokens parsed), after the model's BOS when it
// wants one; a raw text gets BOS (when wanted) and EOS.
TokenizedExample tokenize_example(const Example& example, const Tokenizer& tokenizer, const ChatFormat& format,
                                  const TokenizeOptions& options = {});

}  // namespace tb::data
