// TrainingSession: one fine-tuning run's live state on top of a shared, immutable Model — the
// trainable weights (full copy, the top blocks, or a LoRA adapter), AdamW, the schedule, the
// RNG, the data order and cursor, the step. step() is one optimiser step over `grad_accum`
// micro-batches with the loss averaged over every trained token of them; evaluate() measures a
// set; save()/load() hold everything an exact resume needs. Not thread-safe: one worker owns it.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/data/example.h"
#include "core/data/tokenize_example.h"
#include "core/model/model.h"
#include "core/train/adamw.h"
#include "core/train/batcher.h"
#include "core/train/train_config.h"
#include "core/train/train_set.h"

namespace tb::train {

struct StepResult {
  std::int64_t step = 0;          // steps done after this one
  double loss = 0;                // mean over the trained tokens of all micro-batches
  double grad_norm = 0;           // before clipping
  double learning_rate = 0;
  std::int64_t trained_tokens = 0, tokens = 0;
  double seconds = 0;
  double epoch = 0;               // fractional epoch reached
  bool applied = true;            // false: the update was refused (non-finite, or by `accept`)
};

struct LossEval {
  double loss = 0;                // mean over trained tokens
  double perplexity = 0;
  std::int64_t trained_tokens = 0, examples = 0;
  std::vector<std::pair<std::string, double>> per_task;  // task -> mean loss (tasks with examples)
};

class TrainingSession {
 public:
  // The model's dtype is the compute dtype (load it in bf16 for Precision::Bf16); trainable
  // weights and optimizer state are fp32 either way. Throws tb::Error for an empty training set
  // or a method the model cannot take (freeze more blocks than it has).
  TrainingSession(std::shared_ptr<const Model> model, TrainConfig config, TrainSet train,
                  std::vector<double> task_weights = {});

  // One optimiser step. `accept(loss, grad_norm)` sees the numbers (NaN included) before the
  // update and may refuse it (the divergence detector); a non-finite loss or norm is always
  // refused. Either way the cursor moves on.
  StepResult step(const std::function<bool(double loss, double grad_norm)>& accept = {});
  // Fault injection for tests and drills: the next step's loss (and so its gradients) is NaN.
  void inject_nan_next_step() { inject_nan_ = true; }
  // Sequential fine-tuning: take the trainable values of an earlier stage's session (same
  // method and tensor names, e.g. the same LoRA adapter continued). Throws tb::Error naming the
  // first tensor that does not match.
  void start_from(const TrainingSession& previous);

  // Mean loss over `set` (its first max_examples; 0 = all) with the tuned weights or the base.
  LossEval evaluate(const TrainSet& set, bool tuned = true, std::int64_t max_examples = 0,
                    const std::atomic<bool>* cancel = nullptr) const;
  // logits [B, T, V] for a batch (tests; evaluation).
  torch::Tensor logits(const Batch& batch, bool tuned, bool training) const;

  std::int64_t step_count() const { return step_; }
  std::int64_t total_steps() const { return total_steps_; }
  double epoch_reached() const;
  const TrainConfig& config() const { return config_; }
  const TrainSet& train_set() const { return train_; }
  const std::shared_ptr<const Model>& base_model() const { return model_; }
  // Tuned generation: the adapter (LoRA) on the base model, or the base model (nullptr)...
  const LoraAdapter* adapter() const { return adapter_ ? &*adapter_ : nullptr; }
  // ... or, for full and freeze, a Model sharing the trained weights (in the model's dtype).
  std::shared_ptr<const Model> tuned_model() const;
  // The trainable tensors by name (HF names; PEFT names for LoRA).
  const std::vector<NamedParameter>& trainable() const { return optimizer_->parameters(); }
  std::int64_t trainable_parameter_count() const;

  // Into an existing folder: weights.safetensors, optimizer.safetensors (moments, RNG states),
  // session.json, and adapter/ (PEFT layout) for LoRA.
  void save(const std::filesystem::path& folder) const;
  // Restores a save() of a session with the same config hash and training data; throws
  // tb::Error naming the file otherwise.
  void load(const std::filesystem::path& folder);

 private:
  const MicroBatchRows& micro_batch(std::int64_t global_index);
  void plan_until(std::int64_t epoch);  // plans_ holds epochs 0..epoch
  TransformerWeights compute_weights() const;
  std::string data_hash() const;

  std::shared_ptr<const Model> model_;
  TrainConfig config_;
  TrainSet train_;
  std::vector<double> task_weights_;
  std::optional<LoraAdapter> adapter_;
  TransformerWeights weights_;  // full / freeze: the weights the forward uses (trainables fp32)
  std::unique_ptr<AdamW> optimizer_;
  std::vector<std::vector<MicroBatchRows>> plans_;  // per epoch, planned on demand
  std::vector<std::int64_t> lengths_;
  std::int64_t step_ = 0;
  std::int64_t total_steps_ = 0;
  std::int64_t pad_id_ = 0;
  bool inject_nan_ = false;
};

}  // namespace tb::train
