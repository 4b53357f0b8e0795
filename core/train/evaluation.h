// Measuring a model on a split: mean loss and perplexity over trained tokens (per task too),
// and answers generated for prompts scored against their references (exact match, token F1,
// ROUGE-L, BLEU, answer length). Base and tuned are the same calls with the adapter off or on,
// or with the tuned weights. The forgetting probe is a loss measurement on general text.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/data/example.h"
#include "core/model/generation.h"
#include "core/train/text_metrics.h"
#include "core/train/training_session.h"

namespace tb::train {

struct LossOptions {
  std::int64_t micro_batch = 8;
  std::int64_t max_seq_len = 512;
  std::int64_t max_examples = 0;  // 0 = all
};

// Mean loss over the trained tokens of `set`'s first max_examples (shortest batched together).
LossEval evaluate_loss(const Model& model, const LoraAdapter* adapter, const TrainSet& set, const LossOptions& options,
                       const std::atomic<bool>* cancel = nullptr);

struct GeneratedAnswer {
  std::int64_t example = 0;  // index into the examples given
  std::string prompt;        // the last user turn (for display)
  std::string reference, output;
};

struct GenerationEval {
  TextScores scores;
  std::vector<GeneratedAnswer> answers;
  double seconds = 0;
};

// A chat example split into what the model is given (every turn before the last assistant
// turn) and what it should answer (that turn). Nothing for raw texts or chats without an
// assistant turn.
std::optional<std::pair<std::vector<ChatMessage>, std::string>> prompt_and_reference(const data::Example& example);

// Greedy answers for the first `max_examples` examples that have a prompt and a reference.
// `progress(done, total)` after each answer.
GenerationEval evaluate_generations(const std::shared_ptr<const Model>& model, const LoraAdapter* adapter,
                                    const std::vector<data::Example>& examples, std::int64_t max_examples,
                                    const GenerationParams& params, const std::atomic<bool>* cancel = nullptr,
                                    const std::function<void(std::int64_t, std::int64_t)>& progress = {});

// Forgetting probe texts: JSONL of {"text": ...} or plain text with paragraphs separated by a
// blank line. Throws tb::Error naming the file and line.
std::vector<data::Example> load_probe_texts(const std::filesystem::path& path);

}  // namespace tb::train
