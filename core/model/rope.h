// Rotary position embeddings as transformers computes them for Llama-family models: inverse
// frequencies (default, linear and llama3 scaling), cos/sin tables in fp32, and rotate-half
// application (non-interleaved halves, the Hugging Face layout).
#pragma once

#include <torch/torch.h>

#include "core/model/model_config.h"

namespace tb {

// inv_freq: [head_dim / 2], fp32. For a sliding-window layer of a model with a local base
// (Gemma 3), rope_local_theta without scaling.
torch::Tensor rope_inverse_frequencies(const ModelConfig& config, bool sliding_layer = false);

// positions: [B, T] int64 -> cos, sin: [B, T, head_dim] fp32.
std::pair<torch::Tensor, torch::Tensor> rope_cos_sin(const torch::Tensor& inv_freq, const torch::Tensor& positions);

// x: [B, H, T, D]; cos, sin: [B, T, D] -> x rotated, same dtype as x.
torch::Tensor apply_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

}  // namespace tb
