// Benchmark (not a test): the fused CPU kernels against the libtorch ops they replace, and one
// decode step of a whole model per dtype. Prints milliseconds per call.
// Build: cmake --build --preset dev --target bench_cpu_kernels
// Run:   build/dev/tests/bench/bench_cpu_kernels [MODEL]
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <tuple>
#include <vector>

#include "core/kernels/block_gemv.h"
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
  // Products from ggml blocks (one token) against the dense fp32 product of the same weights.
  for (const auto& [type, rows, cols] : std::vector<std::tuple<tb::GgmlType, std::int64_t, std::int64_t>>{
           {tb::GgmlType::Q4_1, 64, 32}, {tb::GgmlType::Q4_1, 1536, 576}, {tb::GgmlType::Q4_1, 576, 1536}, {tb::GgmlType::Q8_0, 49152, 576}}) {
    const std::int64_t block_bytes = type == tb::GgmlType::Q8_0 ? 34 : 20;
    auto raw = torch::randint(0, 256, {rows * cols / 32 * block_bytes}, torch::kUInt8);
    auto* p = raw.data_ptr<std::uint8_t>();
    for (std::int64_t b = 0; b < rows * cols / 32; ++b) {  // sane fp16 scales (0.01) and minimums (-0.1)
      p[b * block_bytes] = 0x1F; p[b * block_bytes + 1] = 0x21;
      if (type == tb::GgmlType::Q4_1) { p[b * block_bytes + 2] = 0x66; p[b * block_bytes + 3] = 0xAE; }
    }
    const auto w = tb::kernels::BlockMatrix::from_ggml(
        type, {reinterpret_cast<const std::byte*>(p), static_cast<std::size_t>(raw.numel())}, rows, cols);
    const auto dense = w.dequantize();
    const auto x = torch::randn({1, 1, cols});
    const double ours = ms_per_call([&] { (void)tb::kernels::block_linear(x, w); }, 200);
    const double theirs = ms_per_call([&] { (void)torch::nn::functional::linear(x, dense); }, 200);
    std::printf("block_linear %s [%lld,%lld] %5.1f vs %5.1f GB/s %10.4f %10.4f\n",
                type == tb::GgmlType::Q8_0 ? "Q8_0" : "Q4_1", static_cast<long long>(rows),
                static_cast<long long>(cols), w.bytes() / ours / 1e6, dense.nbytes() / theirs / 1e6, ours, theirs);
  }
  if (argc > 1) {
    struct Setting { const char* name; torch::ScalarType dtype; bool blocks; };
    for (const Setting& setting : {Setting{"fp32 blocks", torch::kFloat32, true}, Setting{"fp32 dense", torch::kFloat32, false},
                                   Setting{"bf16 dense", torch::kBFloat16, false}}) {
      tb::LoadOptions load;
      load.dtype = setting.dtype;
      load.gguf_blocks = setting.blocks;
      const auto model = tb::Model::load(argv[1], load);
      tb::KvCache cache(model->config(), 1, 512, setting.dtype, torch::kCPU);
      tb::ForwardOptions o;
      o.cache = &cache;
      o.last_position_only = true;
      (void)model->forward(torch::randint(100, 1000, {1, 128}, torch::kInt64),
                           torch::arange(128, torch::kInt64).unsqueeze(0), o);
      std::int64_t pos = 128;
      const auto step = [&] {
        (void)model->forward(torch::full({1, 1}, 200, torch::kInt64), torch::full({1, 1}, pos++, torch::kInt64), o);
      };
      std::printf("decode step %-12s whole model       %10.3f\n", setting.name, ms_per_call(step, 50));
      if (const auto& blocks = model->weights().blocks) {
        // The same step's matrix products alone, to split a step into products and the rest.
        const auto x576 = torch::randn({1, 1, 576}), x1536 = torch::randn({1, 1, 1536});
        const auto products = [&] {
          for (const auto& l : blocks->layers) {
            for (const auto* m : {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down}) {
              if (*m) (void)tb::kernels::block_linear((*m)->cols() == 576 ? x576 : x1536, **m);
            }
          }
          if (blocks->lm_head) (void)tb::kernels::block_linear(x576, *blocks->lm_head);
        };
        std::printf("decode step %-12s products only     %10.3f\n", setting.name, ms_per_call(products, 50));
      }
    }
  }
  return 0;
}
