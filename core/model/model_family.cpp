// Family descriptions (see model_family.h).
#include "core/model/model_family.h"

#include <cstdio>

namespace tb {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

std::string family_display_name(const ModelConfig& c) {
  if (c.architecture == "llama") return "Llama";
  if (c.architecture == "mistral") return "Mistral";
  if (c.architecture == "qwen2") return "Qwen2";
  if (c.architecture == "qwen3") return "Qwen3";
  if (c.architecture == "gemma3") return "Gemma 3";
  if (c.architecture == "phi3") return "Phi-3";
  return c.architecture;
}

std::string describe_family(const ModelConfig& c) {
  std::string out = family_display_name(c) + ": ";
  if (c.architecture == "gemma3") {
    out += std::to_string(c.sliding_layer_count()) + " of " + std::to_string(c.num_layers) + " layers see the last " +
           std::to_string(c.sliding_window.value_or(0)) + " tokens (RoPE base " + number(c.rope_local_theta) +
           "), the others the whole context (RoPE base " + number(c.rope_theta) + "); norms scale by 1 + w and "
           "also follow attention and the MLP; per-head query and key norms; GELU-tanh MLP; embeddings times " +
           number(c.embedding_scale);
    return out;
  }
  std::string parts;
  auto add = [&](const std::string& part) { parts += (parts.empty() ? "" : "; ") + part; };
  if (c.fused_projections) add("queries, keys and values come from one fused matrix, as do the MLP's gate and up");
  if (c.rotary_dim() != c.head_dim) {
    add("RoPE turns " + std::to_string(c.rotary_dim()) + " of each head's " + std::to_string(c.head_dim) + " dimensions");
  }
  if (c.rope_scaling.type == RopeScalingType::LongRope) {
    add("LongRoPE: short factors up to " + std::to_string(c.rope_scaling.original_max_position_embeddings) +
        " tokens, long factors beyond, up to " + std::to_string(c.max_position_embeddings));
  }
  if (c.qk_norm) add("each head's queries and keys are RMS-normed before RoPE");
  if (c.attention_bias) add("query, key and value projections have biases");
  if (c.sliding_window) add("attention sees the last " + std::to_string(*c.sliding_window) + " tokens");
  if (c.head_dim * c.num_heads != c.hidden_size) add("head size " + std::to_string(c.head_dim) + " set on its own");
  if (c.tie_word_embeddings) add("the output head shares the embeddings");
  return out + (parts.empty() ? "the Llama decoder as it is" : parts);
}

}  // namespace tb
