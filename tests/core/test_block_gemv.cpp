// block_linear (products straight from Q4_0, Q4_1, Q8_0 blocks) against the dense product of
// the weights the reference dequantiser (gguf_types) gives for the same bytes, at every SIMD
// level this CPU runs, for 1..8 input rows and shapes with ragged thread splits.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/io/gguf_types.h"
#include "core/kernels/block_gemv.h"

namespace {

using tb::GgmlType;
using tb::kernels::BlockMatrix;
using tb::kernels::SimdLevel;

void put_half(std::vector<std::byte>& out, float v) {
  const std::uint16_t bits = c10::Half(v).x;
  out.push_back(static_cast<std::byte>(bits & 0xFF));
  out.push_back(static_cast<std::byte>(bits >> 8));
}

// rows*cols/32 random blocks of `type`, as a GGUF file stores them.
std::vector<std::byte> random_blocks(GgmlType type, std::int64_t rows, std::int64_t cols, std::mt19937& rng) {
  std::uniform_real_distribution<float> scale(0.002f, 0.05f), offset(-0.4f, 0.1f);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::byte> out;
  for (std::int64_t i = 0; i < rows * cols / 32; ++i) {
    put_half(out, scale(rng));
    if (type == GgmlType::Q4_1) put_half(out, offset(rng));
    const int quants = type == GgmlType::Q8_0 ? 32 : 16;
    for (int j = 0; j < quants; ++j) out.push_back(static_cast<std::byte>(byte(rng)));
  }
  return out;
}

torch::Tensor reference_dense(GgmlType type, const std::vector<std::byte>& bytes, std::int64_t rows, std::int64_t cols) {
  auto w = torch::empty({rows, cols}, torch::kFloat32);
  tb::dequantize_to_f32(type, bytes, static_cast<std::size_t>(rows * cols), w.data_ptr<float>());
  return w;
}

std::vector<SimdLevel> levels_here() {
  std::vector<SimdLevel> out = {SimdLevel::Portable};
  if (tb::kernels::best_simd_level() >= SimdLevel::Avx2) out.push_back(SimdLevel::Avx2);
  if (tb::kernels::best_simd_level() >= SimdLevel::Avx512) out.push_back(SimdLevel::Avx512);
  return out;
}

class BlockGemv : public ::testing::TestWithParam<GgmlType> {};

TEST_P(BlockGemv, DequantizeMatchesTheReference) {
  std::mt19937 rng(1);
  const auto bytes = random_blocks(GetParam(), 7, 96, rng);
  const auto w = BlockMatrix::from_ggml(GetParam(), bytes, 7, 96);
  const auto ref = reference_dense(GetParam(), bytes, 7, 96);
  // The reference rounds d*q and + m apart; ours fuses them: at most an ulp of difference.
  EXPECT_TRUE(torch::allclose(w.dequantize(), ref, 1e-6, 1e-7)) << (w.dequantize() - ref).abs().max();
}

TEST_P(BlockGemv, ProductEqualsTheDenseProductAtEveryLevel) {
  std::mt19937 rng(2);
  torch::manual_seed(2);
  for (const auto& [rows, cols] : std::vector<std::pair<std::int64_t, std::int64_t>>{{1, 32}, {37, 96}, {130, 576}}) {
    const auto bytes = random_blocks(GetParam(), rows, cols, rng);
    const auto w = BlockMatrix::from_ggml(GetParam(), bytes, rows, cols);
    const auto dense = reference_dense(GetParam(), bytes, rows, cols);
    for (const SimdLevel level : levels_here()) {
      for (std::int64_t m = 1; m <= tb::kernels::kBlockLinearMaxRows; ++m) {
        const auto x = torch::randn({m, 1, cols});
        const auto want = torch::matmul(x, dense.t());  // [m, 1, rows]
        const auto got = tb::kernels::block_linear(x, w, level);
        ASSERT_EQ(got.sizes(), want.sizes());
        const double rel = ((got - want).abs().max() / want.abs().max()).item<double>();
        EXPECT_LT(rel, 1e-5) << tb::kernels::simd_level_name(level) << " rows=" << rows << " cols=" << cols
                             << " m=" << m;
      }
    }
  }
}

TEST_P(BlockGemv, IndexRowsReordersRows) {
  std::mt19937 rng(3);
  const auto bytes = random_blocks(GetParam(), 6, 64, rng);
  const auto w = BlockMatrix::from_ggml(GetParam(), bytes, 6, 64);
  const auto index = torch::tensor({5, 0, 3, 1, 4, 2}, torch::kInt64);
  EXPECT_TRUE(torch::equal(w.index_rows(index).dequantize(), w.dequantize().index_select(0, index)));
}

INSTANTIATE_TEST_SUITE_P(Types, BlockGemv, ::testing::Values(GgmlType::Q4_0, GgmlType::Q4_1, GgmlType::Q8_0),
                         [](const auto& info) { return std::string(tb::ggml_type_info(static_cast<std::uint32_t>(info.param))->name); });

TEST(BlockGemvErrors, RefusesWhatItCannotHold) {
  std::vector<std::byte> bytes(20 * 2);
  EXPECT_THROW(BlockMatrix::from_ggml(GgmlType::Q4_K, bytes, 1, 64), std::invalid_argument);
  EXPECT_THROW(BlockMatrix::from_ggml(GgmlType::Q4_1, bytes, 1, 48), std::invalid_argument);   // not /32
  EXPECT_THROW(BlockMatrix::from_ggml(GgmlType::Q4_1, bytes, 2, 64), std::invalid_argument);   // too few bytes
  const auto w = BlockMatrix::from_ggml(GgmlType::Q4_1, bytes, 1, 64);
  EXPECT_THROW(tb::kernels::block_linear(torch::zeros({9, 64}), w), c10::Error);        // too many rows
  EXPECT_THROW(tb::kernels::block_linear(torch::zeros({1, 32}), w), c10::Error);        // wrong width
  EXPECT_THROW(tb::kernels::block_linear(torch::zeros({1, 64}, torch::kFloat64), w), c10::Error);
}

}  // namespace
