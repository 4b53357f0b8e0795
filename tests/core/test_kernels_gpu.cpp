// CUDA kernels against libtorch's composite ops on the GPU, on fresh random inputs: fp32
// within 1e-5 relative, bf16 within 1e-2; a NaN in the input must come out as NaN.
// Label `gpu`: skipped, with the reason printed, where there is no CUDA device.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/kernels/dispatch.h"

namespace {

// Why the GPU tests cannot run here, or empty when they can.
std::string why_no_gpu() {
  if (!tb::kernels::cuda_kernels_built()) return "built without TUNEBENCH_CUDA_KERNELS";
  if (!torch::cuda::is_available()) return "no CUDA device on this machine";
  return {};
}

// GTEST_SKIP returns from the function it is written in, so it stands in each test body.
#define TB_SKIP_WITHOUT_GPU()                              \
  if (const std::string why = why_no_gpu(); !why.empty()) \
  GTEST_SKIP() << why

double max_relative_error(const torch::Tensor& got, const torch::Tensor& want) {
  const auto g = got.to(torch::kFloat64), w = want.to(torch::kFloat64);
  return ((g - w).abs().max() / w.abs().max().clamp_min(1e-30)).item<double>();
}

TEST(RmsNormKernel, Fp32AndBf16MatchTheComposite) {
  TB_SKIP_WITHOUT_GPU();
  torch::manual_seed(2);
  for (const auto dtype : {torch::kFloat32, torch::kBFloat16}) {
    for (const int64_t cols : {64, 576, 2048, 4097}) {
      const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(dtype);
      const auto x = torch::randn({8, 33, cols}, opts);  // [B, T, C]
      const auto w = torch::rand({cols}, opts) + 0.5;
      const auto got = tb::kernels::rms_norm(x, w, 1e-5);
      const auto want = tb::kernels::rms_norm_torch(x, w, 1e-5);
      const double tol = dtype == torch::kFloat32 ? 1e-5 : 1e-2;
      EXPECT_LT(max_relative_error(got, want), tol) << dtype << " cols " << cols;
    }
  }
}

TEST(RmsNormKernel, NanNeverPasses) {
  TB_SKIP_WITHOUT_GPU();
  auto x = torch::randn({4, 256}, torch::kCUDA);
  x[2][17] = std::numeric_limits<float>::quiet_NaN();
  const auto out = tb::kernels::rms_norm(x, torch::ones({256}, torch::kCUDA), 1e-5);
  EXPECT_TRUE(out[2].isnan().all().item<bool>());
  EXPECT_FALSE(out[1].isnan().any().item<bool>());
}

}  // namespace
