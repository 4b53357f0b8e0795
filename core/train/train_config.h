// TrainConfig: every setting one training run needs (method, precision, optimiser, schedule,
// batching, evaluation, checkpoints, detectors), with defaults a first-time user can keep, a
// strict JSON form (unknown keys are errors that name them) and a hash for checkpoints: a
// checkpoint resumes only the configuration it was written by.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/model/freeze_spec.h"
#include "core/model/lora_config.h"
#include "core/train/detectors.h"
#include "core/train/lr_schedule.h"
#include "core/train/train_method.h"

namespace tb::train {

struct TrainConfig {
  TrainMethod method = TrainMethod::Lora;
  Precision precision = Precision::Fp32;
  LoraConfig lora;
  FreezeSpec freeze;

  // AdamW (decoupled weight decay; none on norms and biases).
  double learning_rate = 2e-4;
  double weight_decay = 0.0;
  double beta1 = 0.9, beta2 = 0.999, adam_eps = 1e-8;
  ScheduleConfig schedule;
  double max_grad_norm = 1.0;  // 0 = no clipping

  // Length of the run: epochs over the training split, or a fixed number of steps (wins).
  std::int64_t epochs = 1;
  std::int64_t max_steps = 0;
  std::uint64_t seed = 42;

  // Batches: micro-batches of `micro_batch` rows; an optimiser step every `grad_accum` of them.
  std::int64_t micro_batch = 4;
  std::int64_t grad_accum = 1;
  std::int64_t max_seq_len = 512;  // longer examples are cut at the end (counted)
  bool packing = false;            // several examples per row, attention kept within each
  bool train_on_all = false;       // also train on prompt tokens
  bool gradient_checkpointing = false;

  // Evaluation and checkpoints.
  std::int64_t eval_every = 50;         // steps; 0 = only at the end
  std::int64_t eval_max_examples = 0;   // validation examples per evaluation; 0 = all
  std::int64_t sample_prompts = 2;      // validation prompts generated at each evaluation
  std::int64_t sample_max_tokens = 48;
  std::int64_t save_every = 0;          // steps; 0 = at each evaluation
  std::int64_t keep_last = 2;           // checkpoints kept besides the best
  // A checkpoint that cannot be written (a full disk): stop the run, which resumes later from
  // the last good checkpoint ("stop"), or warn and go on, trying again at the next checkpoint
  // ("continue"). Either way no checkpoint is left half written.
  bool stop_on_checkpoint_error = true;
  // Early stopping is on: 3 evaluations without a better validation loss end the run on the best
  // checkpoint (patience_evals = 0 turns it off).
  DetectorSettings detectors{.patience_evals = 3};

  std::string device = "auto";          // "auto", "cpu", "cuda", "cuda:1"

  // Throws tb::Error naming the field for values out of range.
  void validate() const;
};

void to_json(nlohmann::json& out, const TrainConfig& config);
// Missing keys keep their defaults; unknown keys and wrong types throw tb::Error naming them.
TrainConfig train_config_from_json(const nlohmann::json& json, const std::string& source);
// SHA-256 of the canonical JSON of what changes the arithmetic (not eval/sample/save cadence).
std::string config_hash(const TrainConfig& config);

}  // namespace tb::train
