// The fused CPU kernels equal the libtorch composites they replace (fp32 to rounding, bf16 to
// one bf16 step), on the demo model's shapes and odd ones.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/kernels/cpu_fused.h"
#include "core/kernels/dispatch.h"
#include "core/model/rope.h"

namespace {

double max_relative(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max() / b.to(torch::kFloat64).abs().max()).item<double>();
}

TEST(CpuFused, RmsNormEqualsComposite) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(3);
  for (const auto& shape : std::vector<std::vector<std::int64_t>>{{1, 1, 576}, {2, 7, 64}, {5, 33}}) {
    const auto x = torch::randn(shape) * 4, w = torch::rand({shape.back()}) + 0.5;
    EXPECT_LT(max_relative(tb::kernels::rms_norm_cpu(x, w, 1e-5), tb::kernels::rms_norm_torch(x, w, 1e-5)), 1e-6);
    const auto xb = x.to(torch::kBFloat16), wb = w.to(torch::kBFloat16);
    EXPECT_LT(max_relative(tb::kernels::rms_norm_cpu(xb, wb, 1e-5), tb::kernels::rms_norm_torch(xb, wb, 1e-5)), 1e-2);
  }
}

TEST(CpuFused, RopeEqualsComposite) {
  torch::NoGradGuard no_grad;
  tb::ModelConfig c;
  c.head_dim = 64;
  c.rope_theta = 10000;
  const auto inv = tb::rope_inverse_frequencies(c);
  const auto positions = torch::arange(12, torch::kInt64).view({2, 6});
  const auto [cos, sin] = tb::rope_cos_sin(inv, positions);
  const auto x = torch::randn({2, 3, 6, 64});
  EXPECT_LT(max_relative(tb::kernels::rope_cpu(x, cos, sin), tb::apply_rope(x, cos, sin)), 1e-6);
  const auto xb = x.to(torch::kBFloat16);
  EXPECT_TRUE(torch::equal(tb::kernels::rope_cpu(xb, cos, sin), tb::apply_rope(xb, cos, sin)));
}

TEST(CpuFused, DispatchUsesTheCompositeUnderAutograd) {
  const auto x = torch::randn({2, 8}, torch::requires_grad()), w = torch::rand({8});
  EXPECT_FALSE(tb::kernels::fused_cpu_inference(x));
  auto y = tb::kernels::rms_norm(x, w, 1e-6);
  y.sum().backward();
  EXPECT_TRUE(x.grad().defined());
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(tb::kernels::fused_cpu_inference(x.detach()));
}

}  // namespace
