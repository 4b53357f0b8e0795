// Matrix products straight from ggml's quantised blocks (Q4_0, Q4_1, Q8_0) on the CPU, for the
// decode step: x [M, K] fp32 with M small (one token per sequence) times a block matrix [N, K]
// read once per step, about 0.75 bytes per weight instead of 4. Each weight is dequantised in
// registers (w = d*q + m) and multiplied in fp32, so the product is the dense product of the
// same dequantised weights up to summation order. AVX-512 or AVX2 when the CPU has it (chosen at
// run time), a portable loop otherwise; tested against the dense product at every level.
#pragma once

#include <cstdint>
#include <span>

#include <torch/torch.h>

#include "core/io/gguf_types.h"

namespace tb::kernels {

// ggml blocks of 32 weights, repacked so that a product reads the matrix as one sequential
// stream: each output row is [quants of its nb blocks][nb fp16 scales][nb fp16 minimums (Q4)],
// the scale and minimum runs padded to a multiple of 16 for whole-register conversion. As
// many bytes per weight as the GGUF itself (0.625 for Q4_1, 1.06 for Q8_0).
class BlockMatrix {
 public:
  static constexpr std::int64_t kBlock = 32;
  enum class Kind { Q4, Q8 };  // Q4: w = d*q + m, q in 0..15; Q8: w = d*q, q in -128..127

  // True for the ggml types this class holds (Q4_0, Q4_1, Q8_0).
  static bool supports(GgmlType type);
  // bytes: rows*cols/32 ggml blocks of `type`, row-major; cols a multiple of 32. Throws
  // std::invalid_argument for another type or a size that does not match.
  static BlockMatrix from_ggml(GgmlType type, std::span<const std::byte> bytes, std::int64_t rows, std::int64_t cols);

  // The same matrix with rows reordered: row i of the result is row index[i] of this one.
  BlockMatrix index_rows(const torch::Tensor& index) const;
  // [N, K] fp32, the weights these blocks stand for.
  torch::Tensor dequantize() const;

  Kind kind() const { return kind_; }
  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::int64_t bytes() const;

  // The packed rows: [N, row_bytes()] bytes.
  const std::uint8_t* data() const { return packed_.data_ptr<std::uint8_t>(); }
  std::int64_t row_bytes() const { return packed_.size(1); }
  std::int64_t blocks_per_row() const { return cols_ / kBlock; }
  std::int64_t quant_bytes() const { return kind_ == Kind::Q4 ? 16 : 32; }  // per block
  std::int64_t padded_blocks() const { return (blocks_per_row() + 15) / 16 * 16; }

 private:
  Kind kind_ = Kind::Q8;
  std::int64_t rows_ = 0, cols_ = 0;
  torch::Tensor packed_;
};

enum class SimdLevel { Portable, Avx2, Avx512 };
// The best level this CPU runs.
SimdLevel best_simd_level();
const char* simd_level_name(SimdLevel level);

// The most rows of x block_linear takes; larger inputs (prefill) are faster as dense products.
inline constexpr std::int64_t kBlockLinearMaxRows = 8;

// x: [..., K] fp32 with at most kBlockLinearMaxRows rows -> x W^T: [..., N] fp32.
torch::Tensor block_linear(const torch::Tensor& x, const BlockMatrix& w);
torch::Tensor block_linear(const torch::Tensor& x, const BlockMatrix& w, SimdLevel level);

}  // namespace tb::kernels
