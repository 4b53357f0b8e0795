// Rotary position embeddings as transformers computes them for Llama-family models: inverse
// frequencies (default, linear, llama3 and LongRoPE scaling), cos/sin tables in fp32, and
// rotate-half application (non-interleaved halves, the Hugging Face layout), over the whole
// head or its first rotary_dim dimensions (partial rotary, Phi-4-mini).
#pragma once

#include <torch/torch.h>

#include "core/model/model_config.h"

namespace tb {

// inv_freq: [rotary_dim / 2], fp32. For a sliding-window layer of a model with a local base
// (Gemma 3), rope_local_theta without scaling. LongRoPE: the short factors unless `seq_len` (the
// largest position + 1 of the batch) passes the pretraining length.
torch::Tensor rope_inverse_frequencies(const ModelConfig& config, bool sliding_layer = false, std::int64_t seq_len = 0);

// What cos and sin are multiplied by: LongRoPE's attention factor, else 1.
double rope_attention_scaling(const ModelConfig& config);

// positions: [B, T] int64 -> cos, sin: [B, T, rotary_dim] fp32, times `scaling`.
std::pair<torch::Tensor, torch::Tensor> rope_cos_sin(const torch::Tensor& inv_freq, const torch::Tensor& positions,
                                                     double scaling = 1.0);

// x: [B, H, T, D]; cos, sin: [B, T, R] with R <= D -> x with its first R dimensions rotated
// (the rest passed through), same dtype as x.
torch::Tensor apply_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

}  // namespace tb
