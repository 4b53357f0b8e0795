// Trainable-parameter selection, weight copies and random init (see trainable.h).
#include "core/model/trainable.h"

#include <iterator>
#include <set>

#include "core/common/error.h"

namespace tb {
namespace {

const char* const kBlockTensors[] = {"input_layernorm.weight", "post_attention_layernorm.weight",
                                     "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
                                     "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight",
                                     "mlp.down_proj.weight"};
// Phi-3's block: fused attention and MLP inputs.
const char* const kFusedBlockTensors[] = {"input_layernorm.weight", "post_attention_layernorm.weight",
                                          "self_attn.qkv_proj.weight", "self_attn.o_proj.weight",
                                          "mlp.gate_up_proj.weight", "mlp.down_proj.weight"};
const char* const kBiases[] = {"self_attn.q_proj.bias", "self_attn.k_proj.bias", "self_attn.v_proj.bias"};

std::string block(std::int64_t i) { return "model.layers." + std::to_string(i) + "."; }

}  // namespace

std::vector<std::string> full_trainable_names(const ModelConfig& c) {
  return freeze_trainable_names(c, FreezeSpec{c.num_layers, true, true, true});
}

std::vector<std::string> freeze_trainable_names(const ModelConfig& c, const FreezeSpec& spec) {
  if (spec.top_blocks < 0 || spec.top_blocks > c.num_layers) {
    throw Error("top blocks must be between 0 and " + std::to_string(c.num_layers) + " for this model",
                {"", 0, "top_blocks"});
  }
  std::vector<std::string> names;
  // 1. Embeddings (also when a tied head trains).
  if (spec.embeddings || (spec.lm_head && c.tie_word_embeddings)) names.push_back("model.embed_tokens.weight");
  // 2. Blocks: the top N whole; below them only the norms, if asked.
  for (std::int64_t i = 0; i < c.num_layers; ++i) {
    const bool top = i >= c.num_layers - spec.top_blocks;
    const auto& tensors = c.fused_projections ? std::vector<const char*>(std::begin(kFusedBlockTensors), std::end(kFusedBlockTensors))
                                              : std::vector<const char*>(std::begin(kBlockTensors), std::end(kBlockTensors));
    for (const char* t : tensors) {
      const bool is_norm = std::string(t).find("layernorm") != std::string::npos;
      if (top || (spec.norms && is_norm)) names.push_back(block(i) + t);
    }
    // Family extras: per-head q/k norms (Qwen3, Gemma 3) and Gemma 3's MLP norms.
    std::vector<const char*> extra_norms;
    if (c.qk_norm) extra_norms.insert(extra_norms.end(), {"self_attn.q_norm.weight", "self_attn.k_norm.weight"});
    if (c.sandwich_norms) {
      extra_norms.insert(extra_norms.end(), {"pre_feedforward_layernorm.weight", "post_feedforward_layernorm.weight"});
    }
    for (const char* t : extra_norms) {
      if (top || spec.norms) names.push_back(block(i) + t);
    }
    if (top && c.attention_bias) {
      for (const char* b : kBiases) names.push_back(block(i) + b);
    }
  }
  // 3. Final norm and head.
  if (spec.norms || spec.top_blocks > 0) names.push_back("model.norm.weight");
  if (spec.lm_head && !c.tie_word_embeddings) names.push_back("lm_head.weight");
  return names;
}

std::vector<torch::Tensor> set_trainable(TransformerWeights& w, const ModelConfig& c,
                                         const std::vector<std::string>& names) {
  auto all = w.to_map(c);
  const std::set<std::string> chosen(names.begin(), names.end());
  for (const auto& name : names) {
    if (all.count(name) == 0) throw Error("no such weight in this model", {"", 0, name});
  }
  for (auto& [name, t] : all) t.set_requires_grad(chosen.count(name) != 0);
  std::vector<torch::Tensor> out;
  for (const auto& name : names) out.push_back(all.at(name));
  return out;
}

TransformerWeights clone_weights(const TransformerWeights& w) {
  return w.map([](const torch::Tensor& t) { return t.detach().clone(); });
}

ModelConfig tiny_llama_config(std::int64_t vocab_size, std::int64_t layers) {
  ModelConfig c;
  c.architecture = "llama";
  c.vocab_size = vocab_size;
  c.hidden_size = 32;
  c.intermediate_size = 64;
  c.num_layers = layers;
  c.num_heads = 4;
  c.num_kv_heads = 2;
  c.head_dim = 8;
  c.max_position_embeddings = 256;
  c.rms_norm_eps = 1e-6;
  return c;
}

TransformerWeights random_weights(const ModelConfig& c, std::uint64_t seed, double std, torch::ScalarType dtype,
                                  torch::Device device) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(seed);
  const auto opts = torch::TensorOptions().dtype(dtype).device(device);
  auto normal = [&](std::vector<std::int64_t> shape) { return torch::empty(shape, opts).normal_(0, std); };
  const std::int64_t C = c.hidden_size, F = c.intermediate_size;
  const std::int64_t QD = c.num_heads * c.head_dim, KD = c.num_kv_heads * c.head_dim;
  TransformerWeights w;
  w.embed = normal({c.vocab_size, C});
  w.final_norm = c.norm_adds_one ? torch::zeros({C}, opts) : torch::ones({C}, opts);
  w.lm_head = c.tie_word_embeddings ? w.embed : normal({c.vocab_size, C});
  for (std::int64_t i = 0; i < c.num_layers; ++i) {
    LayerWeights l;
    l.input_norm = torch::ones({C}, opts);
    l.post_norm = torch::ones({C}, opts);
    if (c.fused_projections) {
      l.q = normal({QD + 2 * KD, C});  // qkv_proj
    } else {
      l.q = normal({QD, C});
      l.k = normal({KD, C});
      l.v = normal({KD, C});
    }
    l.o = normal({C, QD});
    if (c.attention_bias) {
      l.q_bias = torch::zeros({QD}, opts);
      l.k_bias = torch::zeros({KD}, opts);
      l.v_bias = torch::zeros({KD}, opts);
    }
    if (c.fused_projections) {
      l.gate = normal({2 * F, C});  // gate_up_proj
    } else {
      l.gate = normal({F, C});
      l.up = normal({F, C});
    }
    l.down = normal({C, F});
    // Norm weights start at the identity: 1, or 0 where the family scales by (1 + w).
    const auto identity = [&](std::int64_t n) { return c.norm_adds_one ? torch::zeros({n}, opts) : torch::ones({n}, opts); };
    if (c.norm_adds_one) {
      l.input_norm = identity(C);
      l.post_norm = identity(C);
    }
    if (c.qk_norm) {
      l.q_norm = identity(c.head_dim);
      l.k_norm = identity(c.head_dim);
    }
    if (c.sandwich_norms) {
      l.pre_ffn_norm = identity(C);
      l.post_ffn_norm = identity(C);
    }
    w.layers.push_back(l);
  }
  return w;
}

}  // namespace tb
