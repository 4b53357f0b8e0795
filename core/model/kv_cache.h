// The key/value cache of generation: per layer, keys and values of every position seen so far,
// preallocated to a maximum length so that each decode step writes in place.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "core/model/model_config.h"

namespace tb {

class KvCache {
 public:
  KvCache(const ModelConfig& config, std::int64_t batch, std::int64_t max_length, torch::ScalarType dtype,
          torch::Device device);

  std::int64_t length() const { return length_; }
  std::int64_t max_length() const { return max_length_; }
  std::int64_t batch() const { return batch_; }
  // k, v: [B, Hkv, T, D] written at [length, length + T); returns the filled views
  // [B, Hkv, length + T, D]. The length moves only with advance().
  std::pair<torch::Tensor, torch::Tensor> append(std::int64_t layer, const torch::Tensor& k, const torch::Tensor& v);
  void advance(std::int64_t tokens) { length_ += tokens; }
  // [B, max_length] bool: which cached positions are real tokens (false = padding).
  torch::Tensor& key_valid() { return key_valid_; }
  const torch::Tensor& key_valid() const { return key_valid_; }
  bool has_padding() const { return has_padding_; }
  void set_has_padding(bool padding) { has_padding_ = padding; }

 private:
  std::vector<torch::Tensor> k_, v_;  // [B, Hkv, max_length, D] per layer
  torch::Tensor key_valid_;
  std::int64_t batch_ = 0, max_length_ = 0, length_ = 0;
  bool has_padding_ = false;
};

}  // namespace tb
