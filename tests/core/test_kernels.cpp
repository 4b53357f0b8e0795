// CPU references of the CUDA kernels against libtorch's composite ops (runs everywhere).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/kernels/dispatch.h"
#include "core/kernels/rms_norm.h"

namespace {

TEST(RmsNormReference, MatchesTheTorchComposite) {
  torch::manual_seed(1);
  for (const auto& [rows, cols] : std::vector<std::pair<int64_t, int64_t>>{
           {1, 1}, {3, 7}, {16, 576}, {5, 4097}, {0, 64}}) {
    const auto x = torch::randn({rows, cols}) * 3.0;  // x: [rows, cols]
    const auto w = torch::rand({cols}) + 0.5;          // w: [cols]
    auto out = torch::empty_like(x);
    tb::kernels::rms_norm_reference(x.data_ptr<float>(), w.data_ptr<float>(),
                                    out.data_ptr<float>(), rows, cols, 1e-5f);
    const auto expected = tb::kernels::rms_norm_torch(x, w, 1e-5);
    EXPECT_TRUE(torch::allclose(out, expected, /*rtol=*/1e-5, /*atol=*/1e-6))
        << rows << "x" << cols << " max diff " << (out - expected).abs().max().item<float>();
  }
}

TEST(RmsNormReference, KnownValues) {
  // x = [3, 4]: mean(x^2) = 12.5, 1/sqrt(12.5) = 0.282843; w = [1, 2].
  const float x[2] = {3.f, 4.f}, w[2] = {1.f, 2.f};
  float out[2] = {};
  tb::kernels::rms_norm_reference(x, w, out, 1, 2, 0.f);
  EXPECT_NEAR(out[0], 0.848528f, 1e-5f);
  EXPECT_NEAR(out[1], 2.262742f, 1e-5f);
}

TEST(RmsNormDispatch, CpuTensorsUseTheCompositeAndCheckShapes) {
  const auto x = torch::randn({2, 3, 8});  // [B, T, C]
  const auto w = torch::rand({8});
  EXPECT_TRUE(torch::equal(tb::kernels::rms_norm(x, w, 1e-6), tb::kernels::rms_norm_torch(x, w, 1e-6)));
  EXPECT_THROW(tb::kernels::rms_norm(x, torch::rand({7}), 1e-6), c10::Error);
}

}  // namespace
