// Fused CPU kernels (see cpu_fused.h). Numbered steps follow the composites in dispatch.cpp.
#include "core/kernels/cpu_fused.h"

#include <cmath>

namespace tb::kernels {
namespace {

inline float load(const float* p, std::int64_t i) { return p[i]; }
inline float load(const c10::BFloat16* p, std::int64_t i) { return static_cast<float>(p[i]); }
inline void store(float* p, std::int64_t i, float v) { p[i] = v; }
inline void store(c10::BFloat16* p, std::int64_t i, float v) { p[i] = c10::BFloat16(v); }

template <class T>
void rms_norm_rows(const T* x, const T* w, T* out, std::int64_t rows, std::int64_t cols, float eps) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const T* xr = x + r * cols;
    T* o = out + r * cols;
    // 1. Mean of squares in fp32; 2. normalise, round to the input dtype, then scale (as transformers).
    float sum = 0.f;
    for (std::int64_t c = 0; c < cols; ++c) {
      const float v = load(xr, c);
      sum += v * v;
    }
    const float inv = 1.0f / std::sqrt(sum / static_cast<float>(cols) + eps);
    for (std::int64_t c = 0; c < cols; ++c) {
      const float normed = static_cast<float>(static_cast<T>(load(xr, c) * inv));
      store(o, c, load(w, c) * normed);
    }
  }
}

template <class T>
void rope_rows(const T* x, const float* cos, const float* sin, T* out, std::int64_t B, std::int64_t H, std::int64_t Tn,
               std::int64_t D) {
  const std::int64_t half = D / 2;
  for (std::int64_t b = 0; b < B; ++b) {
    for (std::int64_t h = 0; h < H; ++h) {
      for (std::int64_t t = 0; t < Tn; ++t) {
        const T* xi = x + ((b * H + h) * Tn + t) * D;
        T* o = out + ((b * H + h) * Tn + t) * D;
        const float* c = cos + (b * Tn + t) * D;
        const float* s = sin + (b * Tn + t) * D;
        // out = x * cos + rotate_half(x) * sin, with cos/sin rounded to x's dtype first.
        for (std::int64_t i = 0; i < half; ++i) {
          const float x1 = load(xi, i), x2 = load(xi, i + half);
          const float c1 = static_cast<float>(static_cast<T>(c[i])), s1 = static_cast<float>(static_cast<T>(s[i]));
          const float c2 = static_cast<float>(static_cast<T>(c[i + half])), s2 = static_cast<float>(static_cast<T>(s[i + half]));
          store(o, i, static_cast<float>(static_cast<T>(x1 * c1)) + static_cast<float>(static_cast<T>(-x2 * s1)));
          store(o, i + half, static_cast<float>(static_cast<T>(x2 * c2)) + static_cast<float>(static_cast<T>(x1 * s2)));
        }
      }
    }
  }
}

}  // namespace

torch::Tensor rms_norm_cpu(const torch::Tensor& x_in, const torch::Tensor& w_in, double eps) {
  const auto x = x_in.contiguous();
  const auto w = w_in.to(x.scalar_type()).contiguous();
  auto out = torch::empty_like(x);
  const std::int64_t cols = x.size(-1), rows = cols == 0 ? 0 : x.numel() / cols;
  if (x.scalar_type() == torch::kFloat32) {
    rms_norm_rows(x.data_ptr<float>(), w.data_ptr<float>(), out.data_ptr<float>(), rows, cols, static_cast<float>(eps));
  } else {
    rms_norm_rows(x.data_ptr<c10::BFloat16>(), w.data_ptr<c10::BFloat16>(), out.data_ptr<c10::BFloat16>(), rows, cols,
                  static_cast<float>(eps));
  }
  return out;
}

torch::Tensor rope_cpu(const torch::Tensor& x_in, const torch::Tensor& cos_in, const torch::Tensor& sin_in) {
  const auto x = x_in.contiguous();
  const auto cos = cos_in.to(torch::kFloat32).contiguous(), sin = sin_in.to(torch::kFloat32).contiguous();
  auto out = torch::empty_like(x);
  const std::int64_t B = x.size(0), H = x.size(1), T = x.size(2), D = x.size(3);
  if (x.scalar_type() == torch::kFloat32) {
    rope_rows(x.data_ptr<float>(), cos.data_ptr<float>(), sin.data_ptr<float>(), out.data_ptr<float>(), B, H, T, D);
  } else {
    rope_rows(x.data_ptr<c10::BFloat16>(), cos.data_ptr<float>(), sin.data_ptr<float>(), out.data_ptr<c10::BFloat16>(),
              B, H, T, D);
  }
  return out;
}

}  // namespace tb::kernels
