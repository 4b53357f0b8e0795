// Shared by the training tests: a tiny random Llama and hand-made tokenized examples of a
// deterministic pattern (each token is the previous one plus a fixed stride, mod the vocabulary),
// so the trainer can be checked without a tokenizer or a file.
#pragma once

#include <memory>
#include <vector>

#include "core/model/model.h"
#include "core/model/trainable.h"
#include "core/train/training_session.h"

namespace tb::test {

inline ModelConfig tiny_config(std::int64_t layers = 2) {
  ModelConfig c = tiny_llama_config(48, layers);
  c.pad_token_id = 0;
  return c;
}

// std: with frozen norms at 1 and a frozen head (LoRA), the largest logit margin is about
// hidden_size * std, so a head drawn at 0.05 could never reach a small loss; 0.4 can.
inline std::shared_ptr<const Model> tiny_model(std::uint64_t seed = 7, std::int64_t layers = 2,
                                               torch::ScalarType dtype = torch::kFloat32, double std = 0.4) {
  const auto c = tiny_config(layers);
  return Model::from_parts(c, random_weights(c, seed, std, dtype), nullptr, ChatFormat{}, "tiny");
}

// Run settings for the tiny model: full fine-tuning at a constant 5e-3, micro-batches of 4,
// validation every 5 steps, no sample answers (the tiny model has no tokenizer).
inline train::TrainConfig tiny_run_config() {
  train::TrainConfig c;
  c.method = train::TrainMethod::Full;
  c.learning_rate = 5e-3;
  c.schedule.kind = train::ScheduleKind::Constant;
  c.micro_batch = 4;
  c.max_seq_len = 64;
  c.eval_every = 5;
  c.sample_prompts = 0;
  c.keep_last = 2;
  return c;
}

// Example i: a 3-token untrained prompt, then `length - 3` trained tokens continuing
// start, start + stride, ... (mod vocab, never the pad id 0).
inline data::TokenizedExample pattern_example(std::int64_t start, std::int64_t length, std::int64_t stride = 3) {
  data::TokenizedExample e;
  std::int64_t t = start;
  for (std::int64_t k = 0; k < length; ++k) {
    e.ids.push_back(static_cast<TokenId>(1 + (t % 47)));
    e.trained.push_back(k >= 3 ? 1 : 0);
    t += stride;
  }
  return e;
}

// n examples of lengths cycling through 6..(6 + spread - 1), with the given task names.
inline train::TrainSet pattern_set(std::int64_t n, std::int64_t spread = 9, std::int64_t first = 0,
                                   std::int64_t stride = 3) {
  train::TrainSet s;
  for (std::int64_t i = 0; i < n; ++i) {
    s.examples.push_back(pattern_example(first + i * 5, 6 + (i * 7) % spread, stride));
    s.task_of.push_back(0);
    s.source.push_back(i);
  }
  s.tasks = {""};
  return s;
}

}  // namespace tb::test
