// AdamW and gradient clipping (adamw.h). The update follows torch.optim.AdamW (non-fused,
// non-amsgrad) step for step, so that a parity check against it holds to rounding.
#include "core/train/adamw.h"

#include <cmath>
#include <map>

#include "core/common/error.h"

namespace tb::train {

AdamW::AdamW(std::vector<NamedParameter> parameters, AdamWSettings settings)
    : params_(std::move(parameters)), settings_(settings) {
  torch::NoGradGuard no_grad;
  for (const auto& p : params_) {
    m_.push_back(torch::zeros_like(p.tensor, torch::MemoryFormat::Contiguous));
    v_.push_back(torch::zeros_like(p.tensor, torch::MemoryFormat::Contiguous));
  }
}

void AdamW::step(double lr) {
  torch::NoGradGuard no_grad;
  ++step_count_;
  const double b1 = settings_.beta1, b2 = settings_.beta2;
  const double bias1 = 1.0 - std::pow(b1, static_cast<double>(step_count_));
  const double bias2 = 1.0 - std::pow(b2, static_cast<double>(step_count_));
  for (std::size_t i = 0; i < params_.size(); ++i) {
    auto& p = params_[i].tensor;
    const auto& g = p.grad();
    if (!g.defined()) continue;
    // 1. Decoupled weight decay: p *= 1 - lr * wd (not added to the gradient).
    if (params_[i].decay && settings_.weight_decay > 0) p.mul_(1.0 - lr * settings_.weight_decay);
    // 2. Moments: m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2.
    m_[i].lerp_(g, 1.0 - b1);
    v_[i].mul_(b2).addcmul_(g, g, 1.0 - b2);
    // 3. p -= lr / bias1 * m / (sqrt(v) / sqrt(bias2) + eps).
    const auto denom = (v_[i].sqrt() / std::sqrt(bias2)).add_(settings_.eps);
    p.addcdiv_(m_[i], denom, -lr / bias1);
  }
}

void AdamW::zero_grad() {
  for (auto& p : params_) {
    if (p.tensor.grad().defined()) p.tensor.mutable_grad() = torch::Tensor();
  }
}

std::vector<std::pair<std::string, torch::Tensor>> AdamW::state_tensors() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    out.emplace_back("m." + params_[i].name, m_[i].detach().to(torch::kCPU));
    out.emplace_back("v." + params_[i].name, v_[i].detach().to(torch::kCPU));
  }
  return out;
}

void AdamW::load_state(const std::vector<std::pair<std::string, torch::Tensor>>& tensors, std::int64_t step_count) {
  std::map<std::string, torch::Tensor> by_name(tensors.begin(), tensors.end());
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    for (auto* pair : {&m_, &v_}) {
      const std::string key = (pair == &m_ ? "m." : "v.") + params_[i].name;
      const auto it = by_name.find(key);
      if (it == by_name.end()) throw FormatError("the optimizer state lacks this tensor", {"", 0, key});
      if (it->second.sizes() != params_[i].tensor.sizes()) {
        throw FormatError("optimizer state of the wrong shape", {"", 0, key});
      }
      (*pair)[i].copy_(it->second);
    }
  }
  step_count_ = step_count;
}

double clip_grad_norm(const std::vector<NamedParameter>& parameters, double max_norm) {
  torch::NoGradGuard no_grad;
  // 1. The joint norm, in fp64 for a stable sum over many tensors.
  torch::Tensor total;
  for (const auto& p : parameters) {
    const auto& g = p.tensor.grad();
    if (!g.defined()) continue;
    const auto sq = g.to(torch::kFloat64).pow(2).sum();
    total = total.defined() ? total + sq.to(total.device()) : sq;
  }
  if (!total.defined()) return 0.0;
  const double norm = std::sqrt(total.item<double>());
  // 2. Scale down when over the limit (as torch.nn.utils.clip_grad_norm_: coef = max / (norm + 1e-6)).
  if (max_norm > 0 && std::isfinite(norm) && norm > max_norm) {
    const double coef = max_norm / (norm + 1e-6);
    for (const auto& p : parameters) {
      if (p.tensor.grad().defined()) p.tensor.mutable_grad().mul_(coef);
    }
  }
  return norm;
}

bool decays(const std::string& name, const torch::Tensor& tensor) {
  if (tensor.dim() < 2) return false;
  return name.find("norm") == std::string::npos && name.find("bias") == std::string::npos;
}

}  // namespace tb::train
