// A split as the model sees it: each example tokenized with the model's tokenizer and chat
// format, cut at max_seq_len, with its task; examples left with nothing to learn are dropped and
// counted. No torch: run preparation and the Setup step's estimate (which needs the same lengths
// the trainer will plan its batches from) both tokenize here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/example.h"
#include "core/data/tokenize_example.h"
#include "core/text/chat_format.h"
#include "core/text/tokenizer.h"
#include "core/train/train_config.h"

namespace tb::train {

// Tokenized examples of one split, with their tasks.
struct TrainSet {
  std::vector<data::TokenizedExample> examples;
  std::vector<std::int32_t> task_of;  // per example, into `tasks`; empty = all one task
  std::vector<std::string> tasks;     // task names ("" = unnamed)
  std::vector<std::int64_t> source;   // per example: its index in the examples it came from
  std::int64_t size() const { return static_cast<std::int64_t>(examples.size()); }
  // Tokens per example (after the cut at max_seq_len), what batch plans are made from.
  std::vector<std::int64_t> lengths() const;
};

struct TokenizeReport {
  std::int64_t examples = 0;            // kept
  std::int64_t truncated_examples = 0;  // cut at max_seq_len
  std::int64_t truncated_tokens = 0;
  std::int64_t dropped_untrained = 0;   // nothing left to learn after the cut: left out
};

// Examples as the model sees them, cut at config.max_seq_len (train_on_all decides what is
// trained), each task mapped to an index of `tasks` (extended with new names). Examples with no
// trained token left are dropped (counted).
TrainSet tokenize_set(const std::vector<data::Example>& examples, const Tokenizer& tokenizer, const ChatFormat& format,
                      const TrainConfig& config, std::vector<std::string> tasks = {}, TokenizeReport* report = nullptr);

}  // namespace tb::train
