// The tensors of training and evaluation batches: ids, shifted labels, positions and masks for
// one micro-batch of rows (batch_plan.h decides which examples share a row and a batch), and the
// per-token loss. Labels are shifted here: labels[t] is the token at t+1 when that token is
// trained, else -100. Packed rows attend only within each example and restart its positions.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "core/data/tokenize_example.h"
#include "core/train/batch_plan.h"

namespace tb::train {

inline constexpr std::int64_t kIgnoreLabel = -100;

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

// The tensors of one micro-batch (CPU). Examples longer than max_seq_len are cut there.
Batch make_batch(const std::vector<data::TokenizedExample>& examples, const MicroBatchRows& rows,
                 std::int64_t pad_id, std::int64_t max_seq_len, bool packed);

// Per-token cross entropy: logits [B, T, V], labels [B, T] -> [B, T] fp32 (0 where ignored).
torch::Tensor token_losses(const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace tb::train
