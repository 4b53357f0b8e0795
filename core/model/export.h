// Merging LoRA into base weights (and back out), and exporting a complete Hugging Face folder —
// config.json, model.safetensors (sharded past a size limit, with an index), tokenizer files,
// generation_config.json — that transformers loads. The folder is built beside the target and
// renamed into place, so a half-written export never looks finished.
#pragma once

#include <filesystem>

#include <torch/torch.h>

#include "core/model/lora.h"
#include "core/model/model.h"

namespace tb {

// W += sign * scaling * B A on every adapted linear module (embeddings: W += sign * s * (B A)^T).
// Works on a copy of the weights the caller owns; the model's own weights stay untouched.
void merge_lora_into(TransformerWeights& weights, const LoraAdapter& adapter, double sign = 1.0);
TransformerWeights merged_weights(const Model& model, const LoraAdapter& adapter);

struct ExportOptions {
  torch::ScalarType dtype = torch::kFloat32;
  std::int64_t shard_bytes = 5'000'000'000;  // transformers' default max_shard_size
};

// Throws tb::Error when `out` exists (choose a new folder), or on any write error; the target
// is left absent then.
void export_merged(const Model& model, const LoraAdapter* adapter, const std::filesystem::path& out,
                   const ExportOptions& options = {});

// config.json for a ModelConfig (transformers' keys for Llama, Mistral, Qwen2).
nlohmann::json hf_config_json(const ModelConfig& config, torch::ScalarType dtype);

}  // namespace tb
