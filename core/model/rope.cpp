// RoPE (see rope.h), after transformers' modeling_rope_utils (default, linear, llama3) and
// Gemma 3's local base for windowed layers.
#include "core/model/rope.h"

#include <cmath>

namespace tb {

torch::Tensor rope_inverse_frequencies(const ModelConfig& config, bool sliding_layer) {
  const auto dim = config.head_dim;
  // 1. Base frequencies: 1 / theta^(2i / dim); a windowed Gemma 3 layer has its own base and
  //    no scaling.
  const auto exponents = torch::arange(0, dim, 2, torch::kInt64).to(torch::kFloat32) / static_cast<double>(dim);
  const bool local = sliding_layer && !config.sliding_layers.empty();
  auto inv_freq = 1.0 / torch::pow(local ? config.rope_local_theta : config.rope_theta, exponents);  // [dim / 2]
  if (local) return inv_freq;
  const RopeScaling& s = config.rope_scaling;
  if (s.type == RopeScalingType::Linear) return inv_freq / s.factor;
  if (s.type != RopeScalingType::Llama3) return inv_freq;
  // 2. llama3: long wavelengths slowed by `factor`, short ones kept, a smooth ramp between.
  const double old_len = static_cast<double>(s.original_max_position_embeddings);
  const double low_freq_wavelen = old_len / s.low_freq_factor;
  const double high_freq_wavelen = old_len / s.high_freq_factor;
  const auto wavelen = 2 * M_PI / inv_freq;
  auto scaled = torch::where(wavelen > low_freq_wavelen, inv_freq / s.factor, inv_freq);
  const auto smooth = (old_len / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
  const auto smoothed = (1 - smooth) * scaled / s.factor + smooth * scaled;
  const auto medium = (wavelen >= high_freq_wavelen).logical_and(wavelen <= low_freq_wavelen);
  return torch::where(medium, smoothed, scaled);
}

std::pair<torch::Tensor, torch::Tensor> rope_cos_sin(const torch::Tensor& inv_freq, const torch::Tensor& positions) {
  // freqs: [B, T, D/2] = positions (as fp32) x inv_freq; emb: [B, T, D] = [freqs, freqs].
  const auto freqs = positions.to(torch::kFloat32).unsqueeze(-1) * inv_freq.to(positions.device()).view({1, 1, -1});
  const auto emb = torch::cat({freqs, freqs}, -1);
  return {emb.cos(), emb.sin()};
}

torch::Tensor apply_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  // rotate_half(x) = [-x2, x1] over the last dimension's halves.
  const auto half = x.size(-1) / 2;
  const auto x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
  const auto rotated = torch::cat({-x2, x1}, -1);
  const auto c = cos.unsqueeze(1).to(x.scalar_type()), s = sin.unsqueeze(1).to(x.scalar_type());  // [B, 1, T, D]
  return x * c + rotated * s;
}

}  // namespace tb
