// The one door to our kernels for tensor code: checks shapes and dtypes, then runs the CUDA
// kernel when the tensor is on a GPU and the kernels were built, else libtorch's composite ops.
// The composite (`*_torch`) is also what the kernels are checked against on the GPU.
#pragma once

#include <torch/torch.h>

namespace tb::kernels {

// True when this build carries the CUDA kernels (TUNEBENCH_CUDA_KERNELS).
bool cuda_kernels_built();

// True for CPU tensors of fp32/bf16 outside autograd: where the fused CPU kernels may run.
bool fused_cpu_inference(const torch::Tensor& x);

// x: [..., C], weight: [C] -> [..., C]; the Hugging Face Llama RMSNorm.
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);
torch::Tensor rms_norm_torch(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace tb::kernels
