// LoRA adapters: low-rank A/B pairs on chosen linear modules (q, k, v, o, gate, up, down, or
// Phi-3's fused qkv and gate_up; and optionally lm_head and the embeddings), scaling alpha/r or alpha/sqrt(r) (rsLoRA), PEFT's
// initialisation (A Kaiming-uniform, B zeros), and PEFT's file layout (adapter_config.json +
// adapter_model.safetensors with PEFT's key names), so that PEFT loads ours and we load PEFT's.
// The base weights are never touched: the forward adds the low-rank path when asked to.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/model/lora_config.h"
#include "core/model/lora_targets.h"
#include "core/model/model_config.h"

namespace tb {

// Linear modules inside a block, in kBlockModuleNames' order. With fused projections (Phi-3) Q
// stands for qkv_proj and Gate for gate_up_proj; K, V and Up are then never adapted.
enum class BlockModule { Q, K, V, O, Gate, Up, Down };

struct LoraPair {
  torch::Tensor a;  // [r, in]   (embeddings: [r, vocab])
  torch::Tensor b;  // [out, r]  (embeddings: [hidden, r])
  bool defined() const { return a.defined(); }
};

class LoraAdapter {
 public:
  // New adapter for `config`'s shapes, initialised as PEFT does; fp32 on `device`. On a model
  // with fused projections its target list is kept as PEFT names it (qkv_proj, gate_up_proj).
  static LoraAdapter create(const ModelConfig& model, const LoraConfig& config, torch::Device device,
                            std::uint64_t seed);
  // PEFT folder; throws tb::Error naming the file and key for anything we cannot map.
  static LoraAdapter load_peft(const std::filesystem::path& folder, const ModelConfig& model, torch::Device device);
  // Writes adapter_config.json and adapter_model.safetensors (atomically) into `folder`.
  void save_peft(const std::filesystem::path& folder, const std::string& base_model) const;

  const LoraConfig& config() const { return config_; }
  double scaling() const { return config_.scaling(); }
  const LoraPair& block(std::int64_t layer, BlockModule module) const {
    return layers_[static_cast<std::size_t>(layer)][static_cast<std::size_t>(module)];
  }
  LoraPair& block(std::int64_t layer, BlockModule module) {
    return layers_[static_cast<std::size_t>(layer)][static_cast<std::size_t>(module)];
  }
  const LoraPair& lm_head() const { return lm_head_; }
  const LoraPair& embed() const { return embed_; }

  std::vector<torch::Tensor> parameters() const;
  // PEFT key -> tensor, e.g. "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight".
  std::vector<std::pair<std::string, torch::Tensor>> named_tensors() const;

 private:
  LoraConfig config_;
  bool fused_ = false;  // the model's fused_projections: PEFT names qkv_proj and gate_up_proj
  std::vector<std::array<LoraPair, kLoraBlockModuleCount>> layers_;
  LoraPair lm_head_;
  LoraPair embed_;
};

// x: [..., in] -> scale * (x A^T) B^T: [..., out]; no dropout op when p = 0 or not training.
torch::Tensor lora_delta(const torch::Tensor& x, const LoraPair& pair, double scaling, double dropout, bool training);

}  // namespace tb
