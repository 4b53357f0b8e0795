// libtorch is linked and computes: a matrix product with known values and an autograd gradient.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/engine/device.h"

namespace {

TEST(TorchOp, MatmulKnownValues) {
  // a: [2, 3], b: [3, 2] -> c: [2, 2]
  const auto a = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f}).reshape({2, 3});
  const auto b = torch::tensor({7.0f, 8.0f, 9.0f, 10.0f, 11.0f, 12.0f}).reshape({3, 2});
  const auto c = torch::matmul(a, b);
  ASSERT_EQ(c.sizes(), (std::vector<int64_t>{2, 2}));
  EXPECT_FLOAT_EQ(c[0][0].item<float>(), 58.0f);
  EXPECT_FLOAT_EQ(c[0][1].item<float>(), 64.0f);
  EXPECT_FLOAT_EQ(c[1][0].item<float>(), 139.0f);
  EXPECT_FLOAT_EQ(c[1][1].item<float>(), 154.0f);
}

TEST(TorchOp, AutogradGradient) {
  // y = sum(x^3) -> dy/dx = 3 x^2
  auto x = torch::tensor({1.0, -2.0, 0.5}, torch::requires_grad());
  (x * x * x).sum().backward();
  EXPECT_TRUE(torch::allclose(x.grad(), torch::tensor({3.0, 12.0, 0.75})));
}

TEST(TorchOp, DeviceProbeReportsThisBuild) {
  const tb::DeviceInfo info = tb::probe_device();
  EXPECT_EQ(info.libtorch_version, TORCH_VERSION);
  EXPECT_GT(info.cpu_threads, 0);
  EXPECT_GT(info.torch_threads, 0);
  EXPECT_EQ(info.cuda_available, torch::cuda::is_available());
  EXPECT_FALSE(info.summary().empty());
}

}  // namespace
