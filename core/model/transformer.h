// The Llama-family decoder (Llama, Mistral, Qwen2, Qwen3, Gemma 3 text, Phi-3) in libtorch: embeddings,
// RMSNorm, RoPE, grouped-query attention through scaled_dot_product_attention (causal; padding
// masks; block-diagonal masks for packed sequences; sliding windows per layer), gated MLP,
// optional q/k/v bias, per-head q/k norms and Gemma's sandwich norms, tied or separate lm_head;
// any dtype and device the weights are in. Optional LoRA on top, never merged here.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/model/gguf_blocks.h"
#include "core/model/kv_cache.h"
#include "core/model/lora.h"
#include "core/model/model_config.h"

namespace tb {

struct LayerWeights {
  // post_norm is HF's post_attention_layernorm: the MLP's input norm, except with sandwich
  // norms (Gemma 3), where it norms the attention output and pre_ffn_norm norms the MLP input.
  torch::Tensor input_norm, post_norm;      // [C]
  // With fused_projections (Phi-3), q holds qkv_proj [(H + 2Hkv)*D, C] and gate holds
  // gate_up_proj [2F, C]; k, v and up are then undefined.
  torch::Tensor q, k, v, o;                 // [H*D, C], [Hkv*D, C], [Hkv*D, C], [C, H*D]
  torch::Tensor q_bias, k_bias, v_bias;     // undefined unless attention_bias
  torch::Tensor gate, up, down;             // [F, C], [F, C], [C, F]
  torch::Tensor q_norm, k_norm;             // [D]; undefined unless qk_norm (Qwen3, Gemma 3)
  torch::Tensor pre_ffn_norm, post_ffn_norm;  // [C]; undefined unless sandwich_norms (Gemma 3)

  // Every tensor of the block, defined or not, in one fixed order (for map() and checks).
  std::vector<torch::Tensor*> all();
  std::vector<const torch::Tensor*> all() const;
};

struct TransformerWeights {
  torch::Tensor embed;       // [V, C]
  std::vector<LayerWeights> layers;
  torch::Tensor final_norm;  // [C]
  torch::Tensor lm_head;     // [V, C]; the same storage as embed when tied
  // Optional: the same matrices as GGUF blocks, used for fp32 decode steps on the CPU. Never
  // carried over by map() or to(), whose results may hold other values.
  std::shared_ptr<const BlockWeights> blocks;

  // From HF names; checks every shape against the config (tb::FormatError naming the tensor).
  static TransformerWeights from_map(const std::map<std::string, torch::Tensor>& named, const ModelConfig& config,
                                     const std::string& source);
  // Back to HF names (lm_head.weight omitted when tied).
  std::map<std::string, torch::Tensor> to_map(const ModelConfig& config) const;
  // `fn` applied to every defined tensor (a tied head stays tied to the new embeddings).
  TransformerWeights map(const std::function<torch::Tensor(const torch::Tensor&)>& fn) const;
  TransformerWeights to(torch::ScalarType dtype, torch::Device device) const;
};

struct ForwardOptions {
  const LoraAdapter* lora = nullptr;  // nullptr = base model
  bool training = false;              // LoRA dropout on
  KvCache* cache = nullptr;           // read and extended when given
  // [B, T] bool, false = padding (without a cache). With a cache, its key_valid() is used.
  torch::Tensor key_valid;
  // [B, T] int: packed sequences; tokens attend only within their own segment.
  torch::Tensor segment_ids;
  bool last_position_only = false;    // logits for the last position only: [B, 1, V]
  // Gradient checkpointing: each block keeps only its input; its activations are recomputed in
  // the backward pass (less memory, about a third more compute). Training only, no cache.
  bool checkpoint_blocks = false;
};

// ids, positions: [B, T] int64 -> hidden states after the final norm: [B, T, C].
torch::Tensor transformer_hidden(const ModelConfig& config, const TransformerWeights& w, const torch::Tensor& inv_freq,
                                 const torch::Tensor& ids, const torch::Tensor& positions, const ForwardOptions& options);
// hidden: [B, T, C] -> logits [B, T, V] (lm_head, with its LoRA when the adapter has one).
torch::Tensor lm_head_logits(const TransformerWeights& w, const torch::Tensor& hidden, const ForwardOptions& options);
// Both: ids, positions [B, T] -> logits [B, T, V] (or [B, 1, V]).
torch::Tensor transformer_forward(const ModelConfig& config, const TransformerWeights& w, const torch::Tensor& inv_freq,
                                  const torch::Tensor& ids, const torch::Tensor& positions, const ForwardOptions& options);

// The attention mask SDPA needs, or an undefined tensor when plain causal attention will do.
// Returns [B, 1, T, S] bool (true = attend). Every query may attend to itself, so padded rows
// never become all-masked (which would give NaN).
// With a sliding window (Mistral), keys further back than the window are hidden too.
torch::Tensor build_attention_mask(std::int64_t q_len, std::int64_t past, const torch::Tensor& key_valid,
                                   const torch::Tensor& segment_ids, std::optional<std::int64_t> sliding_window,
                                   torch::Device device);

}  // namespace tb
