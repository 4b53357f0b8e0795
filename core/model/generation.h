// Generation: prompts in, tokens out, with a KV cache (or without, for checking), samplers
// (greedy, temperature, top-k, top-p, min-p, repetition penalty, seed), stops (EOS and the end
// of the chat turn, stop strings, max new tokens), a per-token streaming callback, cancellation,
// and batches of prompts of different lengths (left-padded). Base and tuned are the same Model
// with the adapter off or on.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/model/lora.h"
#include "core/model/model.h"

namespace tb {

struct GenerationParams {
  std::int64_t max_new_tokens = 256;
  double temperature = 0.0;        // 0 = greedy
  std::int64_t top_k = 0;          // 0 = off
  double top_p = 1.0;              // 1 = off
  double min_p = 0.0;              // 0 = off
  double repetition_penalty = 1.0; // 1 = off (transformers' rule: divide positive logits, multiply negative)
  std::uint64_t seed = 0;
  std::vector<std::string> stop_strings;
  bool stop_at_eos = true;         // EOS ids and the chat format's end-of-turn token
};

struct GenerationResult {
  std::vector<TokenId> tokens;     // generated only (without the prompt)
  std::string text;                // decoded, cut before a stop string
  std::string stop_reason;         // "eos", "stop_string", "max_new_tokens", "cancelled"
  std::int64_t prompt_tokens = 0;
  double prefill_seconds = 0;
  double decode_seconds = 0;
  double prefill_tokens_per_s() const;
  double decode_tokens_per_s() const;
};

// Called for each new token of batch row 0 with the text it completes (whole UTF-8 characters);
// return false to stop.
using TokenCallback = std::function<bool(TokenId token, const std::string& text)>;

class GenerationSession {
 public:
  explicit GenerationSession(std::shared_ptr<const Model> model, const LoraAdapter* adapter = nullptr,
                             bool use_cache = true);

  GenerationResult generate(const std::vector<TokenId>& prompt, const GenerationParams& params,
                            const TokenCallback& on_token = {}, const std::atomic<bool>* cancel = nullptr);
  std::vector<GenerationResult> generate_batch(const std::vector<std::vector<TokenId>>& prompts,
                                               const GenerationParams& params, const TokenCallback& on_token = {},
                                               const std::atomic<bool>* cancel = nullptr);

  // The conversation rendered by the model's chat format with the generation prompt, encoded,
  // with BOS first when the model wants it and the format did not write it.
  std::vector<TokenId> chat_prompt(const std::vector<ChatMessage>& messages) const;
  // The ids that end generation: EOS ids and the chat format's end-of-turn token.
  std::vector<TokenId> stop_ids() const;

 private:
  std::shared_ptr<const Model> model_;
  const LoraAdapter* adapter_;
  bool use_cache_;
};

// One sampling step on logits: [B, V] fp32 -> [B] token ids. `seen`: [B, S] ids for the
// repetition penalty (may be undefined when it is off).
torch::Tensor sample_next(const torch::Tensor& logits, const torch::Tensor& seen, const GenerationParams& params,
                          torch::Generator& generator);

}  // namespace tb
