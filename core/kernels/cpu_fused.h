// Fused CPU kernels for inference (no autograd): RMSNorm and RoPE in one pass each instead of a
// chain of small libtorch ops (seven and ten ops), which is most of a decode step's overhead
// outside the matrix products. Each is tested against the libtorch composite it replaces
// (tests/core/test_cpu_fused.cpp); dispatch.h and the transformer decide when they run.
#pragma once

#include <torch/torch.h>

namespace tb::kernels {

// x: [..., C] (fp32 or bf16, contiguous), w: [C] -> [..., C] in x's dtype; fp32 accumulation.
torch::Tensor rms_norm_cpu(const torch::Tensor& x, const torch::Tensor& w, double eps);
// x: [B, H, T, D] (fp32 or bf16), cos, sin: [B, T, D] fp32 -> rotated x (rotate-half layout).
torch::Tensor rope_cpu(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

}  // namespace tb::kernels
