// RMSNorm forward, y = x / sqrt(mean(x^2) + eps) * weight, over the last dimension: the CPU
// reference (plain C++, fp32) and the CUDA launcher (fp32 and bf16). Raw pointers, contiguous
// rows; callers go through dispatch.h, which checks shapes and picks one.
#pragma once

#include <cstdint>

namespace tb::kernels {

// x, out: [rows, cols]; weight: [cols]. Accumulates in double, rounds to float at the end.
void rms_norm_reference(const float* x, const float* weight, float* out, std::int64_t rows,
                        std::int64_t cols, float eps);

// CUDA: one block per row, fp32 accumulation. `stream` is a cudaStream_t. Returns the CUDA
// error code (0 = success). bf16 variants take and return __nv_bfloat16 as uint16_t bits.
int rms_norm_cuda_f32(const float* x, const float* weight, float* out, std::int64_t rows,
                      std::int64_t cols, float eps, void* stream);
int rms_norm_cuda_bf16(const std::uint16_t* x, const std::uint16_t* weight, std::uint16_t* out,
                       std::int64_t rows, std::int64_t cols, float eps, void* stream);

}  // namespace tb::kernels
