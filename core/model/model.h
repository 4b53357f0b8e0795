// Model: config, weights, tokenizer and chat format of one base model, loaded from a Hugging
// Face folder or a GGUF file. Immutable after load and shared (std::shared_ptr<const Model>):
// training and generation sessions hold it; adapters live beside it, never inside it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <torch/torch.h>

#include "core/model/model_config.h"
#include "core/model/transformer.h"
#include "core/text/chat_format.h"
#include "core/text/tokenizer.h"

namespace tb {

struct LoadOptions {
  torch::ScalarType dtype = torch::kFloat32;
  torch::Device device = torch::kCPU;
  // GGUF in fp32 on the CPU: keep the Q4_0/Q4_1/Q8_0 matrices as blocks too, for decode steps
  // that read 0.75 instead of 4 bytes per weight (gguf_blocks.h). Costs that much memory more.
  bool gguf_blocks = true;
};

class Model {
 public:
  // Throws tb::Error naming the file for pickle checkpoints, unsupported architectures,
  // missing or misshapen tensors.
  static std::shared_ptr<const Model> load(const std::filesystem::path& path, const LoadOptions& options = {});
  // From parts already in memory (tests, export round trips).
  static std::shared_ptr<const Model> from_parts(ModelConfig config, TransformerWeights weights,
                                                 std::shared_ptr<const Tokenizer> tokenizer, ChatFormat chat,
                                                 std::string source);

  const ModelConfig& config() const { return config_; }
  const TransformerWeights& weights() const { return weights_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  std::shared_ptr<const Tokenizer> shared_tokenizer() const { return tokenizer_; }
  const ChatFormat& chat_format() const { return chat_; }
  const std::string& source() const { return source_; }
  const torch::Tensor& inv_freq() const { return inv_freq_; }
  torch::Device device() const { return weights_.embed.device(); }
  torch::ScalarType dtype() const { return weights_.embed.scalar_type(); }

  // ids, positions: [B, T] -> logits [B, T, V] (see transformer.h).
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& positions, const ForwardOptions& options = {}) const;

 private:
  ModelConfig config_;
  TransformerWeights weights_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  ChatFormat chat_;
  std::string source_;
  torch::Tensor inv_freq_;
};

}  // namespace tb
