// ModelConfig: the shape of a Llama-family decoder (Llama, Mistral, Qwen2, Qwen3, Gemma 3 text,
// Phi-3) and each family's differences from Llama, read from a Hugging Face config.json or from
// GGUF metadata (llama.*, qwen2.*, qwen3.*, gemma3.*). An unsupported architecture is an error that
// names it and lists what is supported.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tb {

class GgufFile;

enum class RopeScalingType { None, Linear, Llama3, LongRope };

struct RopeScaling {
  RopeScalingType type = RopeScalingType::None;
  double factor = 1.0;
  double low_freq_factor = 1.0;   // llama3
  double high_freq_factor = 4.0;  // llama3
  std::int64_t original_max_position_embeddings = 8192;  // llama3, longrope (the pretraining length)
  // LongRoPE (Phi-3.5, Phi-4-mini): per-frequency divisors [rotary_dim / 2], the short set while a
  // sequence fits the pretraining length, the long set beyond it; cos and sin are multiplied by
  // attention_factor (from the file, else sqrt(1 + ln(max / original) / ln(original))).
  std::vector<double> short_factor, long_factor;
  std::optional<double> attention_factor;
};

enum class MlpActivation { Silu, GeluTanh };

struct ModelConfig {
  std::string architecture;  // "llama", "mistral", "qwen2", "qwen3" or "gemma3"
  std::int64_t vocab_size = 0;
  std::int64_t hidden_size = 0;
  std::int64_t intermediate_size = 0;
  std::int64_t num_layers = 0;
  std::int64_t num_heads = 0;
  std::int64_t num_kv_heads = 0;
  std::int64_t head_dim = 0;
  std::int64_t max_position_embeddings = 0;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  RopeScaling rope_scaling;
  bool tie_word_embeddings = false;
  bool attention_bias = false;  // q/k/v biases (Qwen2)
  std::optional<std::int64_t> sliding_window;
  std::optional<std::int64_t> bos_token_id;
  std::vector<std::int64_t> eos_token_ids;
  std::optional<std::int64_t> pad_token_id;
  std::string torch_dtype;  // as saved ("float32", "bfloat16", ...); empty if unknown

  // Family differences from Llama (all off for Llama, Mistral and Qwen2).
  bool qk_norm = false;         // Qwen3, Gemma 3: RMSNorm over each head's q and k before RoPE
  bool norm_adds_one = false;   // Gemma: every RMSNorm scales by (1 + w), not w
  bool sandwich_norms = false;  // Gemma 3: norms after attention and before and after the MLP
  double embedding_scale = 1.0;  // Gemma: embeddings times sqrt(hidden_size)
  MlpActivation activation = MlpActivation::Silu;  // Gemma: GELU with the tanh approximation
  std::optional<double> query_pre_attn_scalar;     // Gemma: scores scaled by its -1/2, not head_dim's
  // Gemma 3: per layer, true where attention is windowed (empty: every layer when
  // sliding_window is set). Windowed layers use rope_local_theta, unscaled.
  std::vector<bool> sliding_layers;
  double rope_local_theta = 10000.0;
  // Phi-3: one qkv_proj [H*D + 2*Hkv*D, C] and one gate_up_proj [2F, C] (gate first) in place of
  // q/k/v and gate/up; LoRA adapts the fused matrices, as PEFT does.
  bool fused_projections = false;
  // Phi-4-mini: RoPE turns only the first partial_rotary_factor of each head (the rest passes).
  double partial_rotary_factor = 1.0;

  // True when layer `i` attends through the sliding window.
  bool layer_is_sliding(std::int64_t i) const;
  // How many layers attend through the sliding window.
  std::int64_t sliding_layer_count() const;
  // The dimensions of each head that RoPE turns: head_dim, or its partial share (even).
  std::int64_t rotary_dim() const;

  // Checks the numbers fit together (heads divide, sizes positive); throws tb::FormatError.
  void validate(const std::string& source) const;
  std::int64_t parameter_count() const;
  // The id batches are padded with: pad_token_id, else the first EOS id, else 0 (padding is
  // masked, so any id works; these keep it a real token).
  std::int64_t padding_id() const;
};

// The architectures we run, for messages: "LlamaForCausalLM, MistralForCausalLM, ...".
std::string supported_architectures();

ModelConfig config_from_hf_json(const nlohmann::json& json, const std::string& source);
ModelConfig config_from_hf_file(const std::filesystem::path& config_json);
ModelConfig config_from_gguf(const GgufFile& gguf);

void to_json(nlohmann::json& out, const ModelConfig& config);

}  // namespace tb
