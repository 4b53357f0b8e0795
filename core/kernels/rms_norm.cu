// RMSNorm forward on CUDA (see rms_norm.h): one block per row, 256 threads, fp32 accumulation.
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include "core/kernels/rms_norm.h"

namespace tb::kernels {
namespace {

constexpr int kThreads = 256;

__device__ float to_float(float v) { return v; }
__device__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }
template <class T>
__device__ T from_float(float v);
template <>
__device__ float from_float<float>(float v) { return v; }
template <>
__device__ __nv_bfloat16 from_float<__nv_bfloat16>(float v) { return __float2bfloat16(v); }

// x, out: [rows, cols]; weight: [cols]; grid: rows blocks.
template <class T>
__global__ void rms_norm_kernel(const T* __restrict__ x, const T* __restrict__ weight,
                                T* __restrict__ out, long long cols, float eps) {
  const T* row = x + blockIdx.x * cols;
  T* out_row = out + blockIdx.x * cols;
  // 1. Each thread sums squares of a strided slice of the row.
  float sum_sq = 0.f;
  for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
    const float v = to_float(row[c]);
    sum_sq += v * v;
  }
  // 2. Warp reduction, then across warps through shared memory.
  for (int offset = 16; offset > 0; offset >>= 1) sum_sq += __shfl_xor_sync(0xffffffffu, sum_sq, offset);
  __shared__ float warp_sums[kThreads / 32];
  __shared__ float inv_rms;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  if (lane == 0) warp_sums[warp] = sum_sq;
  __syncthreads();
  if (threadIdx.x == 0) {
    float total = 0.f;
    for (int w = 0; w < kThreads / 32; ++w) total += warp_sums[w];
    inv_rms = rsqrtf(total / static_cast<float>(cols) + eps);
  }
  __syncthreads();
  // 3. Normalise and scale.
  for (long long c = threadIdx.x; c < cols; c += blockDim.x) {
    out_row[c] = from_float<T>(to_float(row[c]) * inv_rms * to_float(weight[c]));
  }
}

template <class T>
int launch(const T* x, const T* weight, T* out, std::int64_t rows, std::int64_t cols, float eps,
           void* stream) {
  if (rows == 0) return 0;
  rms_norm_kernel<T><<<static_cast<unsigned>(rows), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      x, weight, out, cols, eps);
  return static_cast<int>(cudaGetLastError());
}

}  // namespace

int rms_norm_cuda_f32(const float* x, const float* weight, float* out, std::int64_t rows,
                      std::int64_t cols, float eps, void* stream) {
  return launch(x, weight, out, rows, cols, eps, stream);
}

int rms_norm_cuda_bf16(const std::uint16_t* x, const std::uint16_t* weight, std::uint16_t* out,
                       std::int64_t rows, std::int64_t cols, float eps, void* stream) {
  return launch(reinterpret_cast<const __nv_bfloat16*>(x), reinterpret_cast<const __nv_bfloat16*>(weight),
                reinterpret_cast<__nv_bfloat16*>(out), rows, cols, eps, stream);
}

}  // namespace tb::kernels
