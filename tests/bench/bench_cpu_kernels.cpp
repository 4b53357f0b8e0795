// Benchmark (not a test): the fused CPU kernels against the libtorch ops they replace, and one
// decode step of a whole model per dtype. Prints milliseconds per call.
// Build: cmake --build --preset dev --target bench_cpu_kernels
// Run:   build/dev/tests/bench/bench_cpu_kernels [MODEL]
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <functional>

#include "core/kernels/cpu_fused.h"
#include "core/kernels/dispatch.h"
#include "core/model/kv_cache.h"
#include "core/model/model.h"
#include "core/model/rope.h"

namespace {

double ms_per_call(const std::function<void()>& fn, int repeats) {
  fn();
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) fn();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / repeats;
}

}  // namespace

int main(int argc, char** argv) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(0);
  std::printf("%-36s %10s %10s\n", "kernel (shape)", "ours ms", "torch ms");
  for (const auto dtype : {torch::kFloat32, torch::kBFloat16}) {
    const char* name = dtype == torch::kFloat32 ? "fp32" : "bf16";
    const auto x = torch::randn({1, 1, 576}).to(dtype), w = torch::rand({576}).to(dtype);
    std::printf("rms_norm %s [1,1,576]                %10.4f %10.4f\n", name,
                ms_per_call([&] { (void)tb::kernels::rms_norm_cpu(x, w, 1e-5); }, 20000),
                ms_per_call([&] { (void)tb::kernels::rms_norm_torch(x, w, 1e-5); }, 20000));
    const auto q = torch::randn({1, 9, 1, 64}).to(dtype);
    const auto pos = torch::full({1, 1}, 100, torch::kInt64);
    tb::ModelConfig c;
    c.head_dim = 64;
    c.rope_theta = 1e5;
    const auto [cos, sin] = tb::rope_cos_sin(tb::rope_inverse_frequencies(c), pos);
    std::printf("rope     %s [1,9,1,64]               %10.4f %10.4f\n", name,
                ms_per_call([&] { (void)tb::kernels::rope_cpu(q, cos, sin); }, 20000),
                ms_per_call([&] { (void)tb::apply_rope(q, cos, sin); }, 20000));
  }
  if (argc > 1) {
    for (const auto dtype : {torch::kFloat32, torch::kBFloat16}) {
      tb::LoadOptions load;
      load.dtype = dtype;
      const auto model = tb::Model::load(argv[1], load);
      tb::KvCache cache(model->config(), 1, 512, dtype, torch::kCPU);
      tb::ForwardOptions o;
      o.cache = &cache;
      o.last_position_only = true;
      (void)model->forward(torch::randint(100, 1000, {1, 128}, torch::kInt64),
                           torch::arange(128, torch::kInt64).unsqueeze(0), o);
      std::int64_t pos = 128;
      const auto step = [&] {
        (void)model->forward(torch::full({1, 1}, 200, torch::kInt64), torch::full({1, 1}, pos++, torch::kInt64), o);
      };
      std::printf("decode step %s, whole model            %10.3f\n", dtype == torch::kFloat32 ? "fp32" : "bf16",
                  ms_per_call(step, 50));
    }
  }
  return 0;
}
