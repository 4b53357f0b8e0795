// Kernel dispatch (see dispatch.h).
#include "core/kernels/dispatch.h"

#include "core/common/build_info.h"
#include "core/kernels/cpu_fused.h"
#include "core/kernels/rms_norm.h"

#if TB_WITH_CUDA_KERNELS
#include <c10/cuda/CUDAStream.h>
#endif

namespace tb::kernels {

bool cuda_kernels_built() { return TB_WITH_CUDA_KERNELS != 0; }

bool fused_cpu_inference(const torch::Tensor& x) {
  return x.is_cpu() && !torch::GradMode::is_enabled() &&
         (x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kBFloat16);
}

torch::Tensor rms_norm_torch(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  // x: [..., C]; statistics in fp32, result cast back before the weight (as transformers does).
  const auto x32 = x.to(torch::kFloat32);
  const auto variance = x32.pow(2).mean(-1, /*keepdim=*/true);  // [..., 1]
  return weight * (x32 * torch::rsqrt(variance + eps)).to(x.scalar_type());
}

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  TORCH_CHECK(x.dim() >= 1 && weight.dim() == 1 && x.size(-1) == weight.size(0),
              "rms_norm: x [..., C] and weight [C] must agree, got ", x.sizes(), " and ",
              weight.sizes());
#if TB_WITH_CUDA_KERNELS
  const bool same_dtype = x.scalar_type() == weight.scalar_type();
  const bool supported = x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kBFloat16;
  // The kernel has no backward: under autograd (training) the libtorch path runs instead.
  const bool needs_grad = torch::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad());
  if (x.is_cuda() && weight.is_cuda() && same_dtype && supported && !needs_grad) {
    const auto xc = x.contiguous();  // [rows, C] in memory
    const auto wc = weight.contiguous();
    auto out = torch::empty_like(xc);
    const std::int64_t cols = x.size(-1);
    const std::int64_t rows = cols == 0 ? 0 : xc.numel() / cols;
    TORCH_CHECK(rows < (std::int64_t{1} << 31), "rms_norm: too many rows for one launch");
    void* stream = c10::cuda::getCurrentCUDAStream(x.device().index()).stream();
    const int err =
        x.scalar_type() == torch::kFloat32
            ? rms_norm_cuda_f32(xc.data_ptr<float>(), wc.data_ptr<float>(), out.data_ptr<float>(),
                                rows, cols, static_cast<float>(eps), stream)
            : rms_norm_cuda_bf16(reinterpret_cast<const std::uint16_t*>(xc.data_ptr()),
                                 reinterpret_cast<const std::uint16_t*>(wc.data_ptr()),
                                 reinterpret_cast<std::uint16_t*>(out.data_ptr()), rows, cols,
                                 static_cast<float>(eps), stream);
    TORCH_CHECK(err == 0, "rms_norm: CUDA launch failed with error ", err);
    return out;
  }
#endif
  if (fused_cpu_inference(x)) return rms_norm_cpu(x, weight, eps);
  return rms_norm_torch(x, weight, eps);
}

}  // namespace tb::kernels
