// RMSNorm CPU reference (see rms_norm.h): the definition the CUDA kernel is checked against.
#include <cmath>

#include "core/kernels/rms_norm.h"

namespace tb::kernels {

void rms_norm_reference(const float* x, const float* weight, float* out, std::int64_t rows,
                        std::int64_t cols, float eps) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;  // row: [cols]
    // 1. Mean of squares over the row.
    double sum_sq = 0.0;
    for (std::int64_t c = 0; c < cols; ++c) sum_sq += static_cast<double>(row[c]) * row[c];
    // 2. Inverse root, then scale by the weight.
    const double inv_rms = 1.0 / std::sqrt(sum_sq / static_cast<double>(cols) + eps);
    for (std::int64_t c = 0; c < cols; ++c) {
      out[r * cols + c] = static_cast<float>(row[c] * inv_rms * weight[c]);
    }
  }
}

}  // namespace tb::kernels
