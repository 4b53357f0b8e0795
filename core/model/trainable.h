// Which weights a training method updates. Full: every tensor. Freeze: the top N blocks, and
// optionally the norms, lm_head and embeddings; the rest keep requires_grad off. (LoRA trains
// only its adapter: lora.h.) With tied embeddings, training lm_head trains the embeddings too —
// the names say so.
#pragma once

#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/model/freeze_spec.h"
#include "core/model/transformer.h"

namespace tb {



// HF names of the tensors that train, in a stable order. Throws tb::Error when top_blocks is
// out of range.
std::vector<std::string> freeze_trainable_names(const ModelConfig& config, const FreezeSpec& spec);
std::vector<std::string> full_trainable_names(const ModelConfig& config);

// Sets requires_grad on exactly `names` (and off on the rest) in `weights`, which the caller
// owns (a training copy, not a shared Model's); returns those tensors in the same order.
std::vector<torch::Tensor> set_trainable(TransformerWeights& weights, const ModelConfig& config,
                                         const std::vector<std::string>& names);

// A deep copy (fresh storage; a tied head stays tied to the copied embeddings).
TransformerWeights clone_weights(const TransformerWeights& weights);
// A small Llama shape (hidden 32, 4 heads of 8, 2 KV heads, MLP 64) over `vocab_size` tokens:
// the tests' tiny model and the installation self-test's.
ModelConfig tiny_llama_config(std::int64_t vocab_size, std::int64_t layers = 2);
// Random weights for `config` (normal(0, std), norms at 1, biases 0), as transformers
// initialises them: for benchmarks on standard shapes and for tests.
TransformerWeights random_weights(const ModelConfig& config, std::uint64_t seed, double std = 0.02,
                                  torch::ScalarType dtype = torch::kFloat32, torch::Device device = torch::kCPU);

}  // namespace tb
