// Batches for training and evaluation: an epoch's example order (shuffled by seed and epoch, or
// drawn by task mixing weights), micro-batches with length bucketing (rows of similar length
// together, so little padding) or packing (several examples in one row; each attends only
// within itself and its positions restart), and the tensors the model and the loss take.
// Labels are shifted here: labels[t] is the token at t+1 when that token is trained, else -100.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "core/data/tokenize_example.h"

namespace tb::train {

inline constexpr std::int64_t kIgnoreLabel = -100;

// Rows of example indices; a row holds one example, or several when packed.
using MicroBatchRows = std::vector<std::vector<std::int64_t>>;

struct Batch {
  torch::Tensor ids;          // [B, T] int64 (padding = pad id)
  torch::Tensor labels;       // [B, T] int64: next token where trained, else kIgnoreLabel
  torch::Tensor positions;    // [B, T] int64: restart at 0 for each packed example
  torch::Tensor key_valid;    // [B, T] bool: false = padding
  torch::Tensor segment_ids;  // [B, T] int64 when packed (padding -1); undefined otherwise
  std::int64_t trained_tokens = 0;  // labels that count in the loss
  std::int64_t tokens = 0;          // tokens that are not padding
  MicroBatchRows rows;
  Batch to(torch::Device device) const;
};

struct BatchOptions {
  std::int64_t micro_batch = 4;
  std::int64_t max_seq_len = 512;
  bool packing = false;
  std::int64_t bucket_window = 32;  // micro-batches sorted by length together
};

// The example order of one epoch: a permutation of 0..n-1 from (seed, epoch) — the same on
// every platform. With task weights (one per task, `task_of` naming each example's task), the
// epoch still has n draws, each picking a task by weight and then its next example in a
// shuffled cycle over that task's examples.
std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, std::int64_t epoch,
                                      const std::vector<std::int32_t>& task_of = {},
                                      const std::vector<double>& task_weights = {});

// Micro-batches of one epoch from its order and each example's length (in tokens, at most
// max_seq_len). Deterministic for (order, lengths, options, seed).
std::vector<MicroBatchRows> plan_micro_batches(const std::vector<std::int64_t>& order,
                                               const std::vector<std::int64_t>& lengths, const BatchOptions& options,
                                               std::uint64_t seed);

// In-order micro-batches (no shuffle; evaluation).
std::vector<MicroBatchRows> sequential_micro_batches(std::int64_t n, std::int64_t micro_batch);

// The tensors of one micro-batch (CPU). Examples longer than max_seq_len are cut there.
Batch make_batch(const std::vector<data::TokenizedExample>& examples, const MicroBatchRows& rows,
                 std::int64_t pad_id, std::int64_t max_seq_len, bool packed);

// Per-token cross entropy: logits [B, T, V], labels [B, T] -> [B, T] fp32 (0 where ignored).
torch::Tensor token_losses(const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace tb::train
