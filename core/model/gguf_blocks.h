// A GGUF's quantised matrices (Q4_0, Q4_1, Q8_0) kept as blocks beside the dense weights, so that
// the CPU decode step reads about 0.75 bytes per weight instead of 4 (core/kernels/block_gemv.h).
// They hold exactly the values the dense fp32 weights were dequantised to, in the same HF row
// order (Q and K rows of llama files un-permuted as in gguf_weights.h). Matrices of other types
// (F16, K-quants, ...) have no blocks and run dense.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "core/io/gguf.h"
#include "core/kernels/block_gemv.h"
#include "core/model/model_config.h"

namespace tb {

struct LayerBlocks {
  std::optional<kernels::BlockMatrix> q, k, v, o, gate, up, down;
};

struct BlockWeights {
  std::vector<LayerBlocks> layers;
  std::optional<kernels::BlockMatrix> lm_head;  // output.weight, or token_embd when tied
  std::int64_t matrices = 0;                    // how many matrices have blocks
  std::int64_t bytes = 0;                       // their memory
};

// nullptr when no matrix of the file is of a type the block kernels take.
std::shared_ptr<const BlockWeights> load_gguf_blocks(const GgufFile& gguf, const ModelConfig& config);

}  // namespace tb
