// CUDA kernels against libtorch's composite ops on the GPU, on fresh random inputs: fp32 within
// 1e-5 relative, bf16 within 1e-2; a NaN in the input must come out as NaN. A plain program
// (no GoogleTest, which the GPU machine lacks), so the gpu-noui build makes it and
// tests/bench/gpu.sh runs it; in the dev build it is the ctest `gpu_kernel_checks` (label gpu).
// Exit 0: every check passed; 1: one failed (named); 77: no GPU here (skipped, reason printed).
#include <cstdio>
#include <limits>
#include <string>

#include <torch/torch.h>

#include "core/kernels/dispatch.h"

namespace {

int g_failed = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s  %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++g_failed;
}

double max_relative_error(const torch::Tensor& got, const torch::Tensor& want) {
  const auto g = got.to(torch::kFloat64), w = want.to(torch::kFloat64);
  return ((g - w).abs().max() / w.abs().max().clamp_min(1e-30)).item<double>();
}

// 1. rms_norm, fp32 and bf16, against the composite, over widths that do and do not divide the
//    kernel's vector width.
void rms_norm_matches_the_composite() {
  torch::manual_seed(2);
  for (const auto dtype : {torch::kFloat32, torch::kBFloat16}) {
    for (const int64_t cols : {64, 576, 2048, 4097}) {
      const auto opts = torch::TensorOptions().device(torch::kCUDA).dtype(dtype);
      const auto x = torch::randn({8, 33, cols}, opts);  // [B, T, C]
      const auto w = torch::rand({cols}, opts) + 0.5;    // [C]
      const double err = max_relative_error(tb::kernels::rms_norm(x, w, 1e-5), tb::kernels::rms_norm_torch(x, w, 1e-5));
      const double tol = dtype == torch::kFloat32 ? 1e-5 : 1e-2;
      check(err < tol, "rms_norm " + std::string(c10::toString(dtype)) + " cols " + std::to_string(cols) +
                           ": relative error " + std::to_string(err) + " < " + std::to_string(tol));
    }
  }
}

// 2. A NaN in a row makes that row NaN and leaves the others finite.
void nan_never_passes() {
  auto x = torch::randn({4, 256}, torch::kCUDA);  // [rows, C]
  x[2][17] = std::numeric_limits<float>::quiet_NaN();
  const auto out = tb::kernels::rms_norm(x, torch::ones({256}, torch::kCUDA), 1e-5);
  check(out[2].isnan().all().item<bool>(), "rms_norm: a NaN in row 2 makes row 2 NaN");
  check(!out[1].isnan().any().item<bool>(), "rms_norm: row 1 stays finite");
}

}  // namespace

int main() {
  if (!tb::kernels::cuda_kernels_built()) {
    std::printf("skipped: built without TUNEBENCH_CUDA_KERNELS\n");
    return 77;
  }
  if (!torch::cuda::is_available()) {
    std::printf("skipped: no CUDA device on this machine\n");
    return 77;
  }
  rms_norm_matches_the_composite();
  nan_never_passes();
  std::printf("%s\n", g_failed == 0 ? "gpu kernel checks passed" : "gpu kernel checks FAILED");
  return g_failed == 0 ? 0 : 1;
}
