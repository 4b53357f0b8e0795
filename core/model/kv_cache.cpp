// KvCache (see kv_cache.h).
#include "core/model/kv_cache.h"

#include "core/common/error.h"

namespace tb {

KvCache::KvCache(const ModelConfig& config, std::int64_t batch, std::int64_t max_length, torch::ScalarType dtype,
                 torch::Device device)
    : batch_(batch), max_length_(max_length) {
  const auto opts = torch::TensorOptions().dtype(dtype).device(device);
  for (std::int64_t i = 0; i < config.num_layers; ++i) {
    k_.push_back(torch::zeros({batch, config.num_kv_heads, max_length, config.head_dim}, opts));
    v_.push_back(torch::zeros({batch, config.num_kv_heads, max_length, config.head_dim}, opts));
  }
  key_valid_ = torch::ones({batch, max_length}, torch::TensorOptions().dtype(torch::kBool).device(device));
}

std::pair<torch::Tensor, torch::Tensor> KvCache::append(std::int64_t layer, const torch::Tensor& k,
                                                        const torch::Tensor& v) {
  const std::int64_t t = k.size(2);
  if (length_ + t > max_length_) {
    throw Error("the generation ran past the cache of " + std::to_string(max_length_) +
                " tokens; lower max new tokens or shorten the prompt");
  }
  auto& kc = k_[static_cast<std::size_t>(layer)];
  auto& vc = v_[static_cast<std::size_t>(layer)];
  kc.narrow(2, length_, t).copy_(k);
  vc.narrow(2, length_, t).copy_(v);
  return {kc.narrow(2, 0, length_ + t), vc.narrow(2, 0, length_ + t)};
}

}  // namespace tb
