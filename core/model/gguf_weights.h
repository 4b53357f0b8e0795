// The weights of a GGUF file under Hugging Face names, dequantised to fp32: token_embd ->
// model.embed_tokens, blk.N.attn_q -> model.layers.N.self_attn.q_proj, ... For Llama-
// architecture files, Q and K rows come back from llama.cpp's RoPE permutation to the HF
// layout; Gemma 3's norms lose the 1 llama.cpp's converter adds. Not for quantised inference: everything is fp32 (or the dtype asked for).
#pragma once

#include <map>
#include <optional>
#include <string>

#include <torch/torch.h>

#include "core/io/gguf.h"
#include "core/model/model_config.h"

namespace tb {

// The HF name of a GGUF tensor name, or nullopt for a tensor we do not use (e.g. rope_freqs).
// Gemma 3 files name their four block norms differently (ffn_norm is the MLP's input norm).
std::optional<std::string> hf_name_for_gguf(const std::string& gguf_name, const std::string& architecture = "llama");

// Undoes llama.cpp's permute(w, n_head): rows [n_head, 2, d/2] -> [n_head, d/2, 2] order.
// w: [n_head * head_dim, ...] -> same shape.
torch::Tensor unpermute_rope_rows(const torch::Tensor& w, std::int64_t n_head);

// All tensors, HF-named, in fp32; throws tb::FormatError for a missing required tensor.
std::map<std::string, torch::Tensor> load_gguf_weights(const GgufFile& gguf, const ModelConfig& config);

}  // namespace tb
