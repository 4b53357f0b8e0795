// RoPE (see rope.h), after transformers' modeling_rope_utils (default, linear, llama3,
// longrope), Gemma 3's local base for windowed layers and Phi-3's partial rotary.
#include "core/model/rope.h"

#include <cmath>

namespace tb {

torch::Tensor rope_inverse_frequencies(const ModelConfig& config, bool sliding_layer, std::int64_t seq_len) {
  const auto dim = config.rotary_dim();
  // 1. Base frequencies: 1 / theta^(2i / dim); a windowed Gemma 3 layer has its own base and
  //    no scaling.
  const auto exponents = torch::arange(0, dim, 2, torch::kInt64).to(torch::kFloat32) / static_cast<double>(dim);
  const bool local = sliding_layer && !config.sliding_layers.empty();
  const RopeScaling& s = config.rope_scaling;
  if (!local && s.type == RopeScalingType::LongRope) {
    // LongRoPE: each frequency divided by its own factor, from the long set past the pretraining
    // length (the whole batch at once, as transformers decides per forward); rounded as
    // transformers computes it, 1 / (factor * theta^(2i / dim)) in fp32.
    const bool long_context = seq_len > s.original_max_position_embeddings;
    const auto factors = torch::tensor(long_context ? s.long_factor : s.short_factor, torch::kFloat64).to(torch::kFloat32);
    return 1.0 / (factors * torch::pow(config.rope_theta, exponents));  // [dim / 2]
  }
  auto inv_freq = 1.0 / torch::pow(local ? config.rope_local_theta : config.rope_theta, exponents);  // [dim / 2]
  if (local) return inv_freq;
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

double rope_attention_scaling(const ModelConfig& config) {
  const RopeScaling& s = config.rope_scaling;
  if (s.type != RopeScalingType::LongRope) return 1.0;
  if (s.attention_factor) return *s.attention_factor;
  if (s.factor <= 1.0) return 1.0;
  return std::sqrt(1 + std::log(s.factor) / std::log(static_cast<double>(s.original_max_position_embeddings)));
}

std::pair<torch::Tensor, torch::Tensor> rope_cos_sin(const torch::Tensor& inv_freq, const torch::Tensor& positions,
                                                     double scaling) {
  // freqs: [B, T, R/2] = positions (as fp32) x inv_freq; emb: [B, T, R] = [freqs, freqs].
  const auto freqs = positions.to(torch::kFloat32).unsqueeze(-1) * inv_freq.to(positions.device()).view({1, 1, -1});
  const auto emb = torch::cat({freqs, freqs}, -1);
  if (scaling == 1.0) return {emb.cos(), emb.sin()};
  return {emb.cos() * scaling, emb.sin() * scaling};
}

torch::Tensor apply_rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  // Partial rotary: the first R dimensions turn, the others pass as they are.
  const auto r = cos.size(-1);
  if (r < x.size(-1)) {
    const auto turned = apply_rope(x.narrow(-1, 0, r), cos, sin);
    return torch::cat({turned, x.narrow(-1, r, x.size(-1) - r)}, -1);  // [B, H, T, D]
  }
  // rotate_half(x) = [-x2, x1] over the last dimension's halves.
  const auto half = x.size(-1) / 2;
  const auto x1 = x.narrow(-1, 0, half), x2 = x.narrow(-1, half, half);
  const auto rotated = torch::cat({-x2, x1}, -1);
  const auto c = cos.unsqueeze(1).to(x.scalar_type()), s = sin.unsqueeze(1).to(x.scalar_type());  // [B, 1, T, D]
  return x * c + rotated * s;
}

}  // namespace tb
