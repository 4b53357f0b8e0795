// AdamW (Loshchilov & Hutter, decoupled weight decay) over named fp32 parameters, with our own
// state so that a checkpoint holds exactly the moments and the step count, and so that the
// update is the same arithmetic on every device. Plus the global gradient-norm clip.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace tb::train {

struct AdamWSettings {
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  double weight_decay = 0.0;
};

struct NamedParameter {
  std::string name;
  torch::Tensor tensor;  // fp32 leaf with requires_grad
  bool decay = true;     // false for norms and biases
};

class AdamW {
 public:
  AdamW(std::vector<NamedParameter> parameters, AdamWSettings settings);

  // One update at learning rate `lr` from each parameter's .grad (undefined grads are skipped).
  void step(double lr);
  void zero_grad();
  std::int64_t step_count() const { return step_count_; }
  const std::vector<NamedParameter>& parameters() const { return params_; }

  // "m.<name>", "v.<name>" tensors (CPU copies) and the step count, for checkpoints.
  std::vector<std::pair<std::string, torch::Tensor>> state_tensors() const;
  // Throws tb::Error naming the tensor when one is missing or misshapen.
  void load_state(const std::vector<std::pair<std::string, torch::Tensor>>& tensors, std::int64_t step_count);

 private:
  std::vector<NamedParameter> params_;
  std::vector<torch::Tensor> m_, v_;  // same shapes and devices as the parameters
  AdamWSettings settings_;
  std::int64_t step_count_ = 0;
};

// Scales every gradient so that their joint L2 norm is at most max_norm (0 = no clip); returns
// the norm before clipping (NaN/Inf when a gradient is not finite).
double clip_grad_norm(const std::vector<NamedParameter>& parameters, double max_norm);

// Norms and biases (and 1-D tensors generally) get no weight decay, as transformers' Trainer.
bool decays(const std::string& name, const torch::Tensor& tensor);

}  // namespace tb::train
