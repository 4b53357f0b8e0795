// GGUF blocks for CPU decode (see gguf_blocks.h).
#include "core/model/gguf_blocks.h"

#include "core/model/gguf_weights.h"

namespace tb {
namespace {

// The matrix `name` as blocks, its rows un-permuted when it is a llama Q or K; nullopt when the
// file lacks it or stores it in a type the kernels do not take.
std::optional<kernels::BlockMatrix> blocks_of(const GgufFile& gguf, const std::string& name,
                                              std::optional<std::int64_t> rope_heads) {
  const GgufTensorInfo* t = gguf.find_tensor(name);
  if (t == nullptr || t->dims.size() != 2 || !kernels::BlockMatrix::supports(t->type)) return std::nullopt;
  const auto shape = t->torch_shape();  // [rows, cols]
  auto w = kernels::BlockMatrix::from_ggml(t->type, gguf.bytes(*t), shape[0], shape[1]);
  if (rope_heads) {
    // Row i of the HF matrix is row index[i] of llama.cpp's: the same permutation on row numbers.
    const auto index = unpermute_rope_rows(torch::arange(shape[0], torch::kInt64).view({shape[0], 1}), *rope_heads);
    w = w.index_rows(index.view({shape[0]}));
  }
  return w;
}

}  // namespace

std::shared_ptr<const BlockWeights> load_gguf_blocks(const GgufFile& gguf, const ModelConfig& config) {
  auto out = std::make_shared<BlockWeights>();
  const bool permuted = config.architecture == "llama";  // as load_gguf_weights
  auto count = [&](const std::optional<kernels::BlockMatrix>& m) {
    if (!m) return;
    ++out->matrices;
    out->bytes += m->bytes();
  };
  for (std::int64_t i = 0; i < config.num_layers; ++i) {
    const std::string p = "blk." + std::to_string(i) + ".";
    LayerBlocks l;
    // Phi-3: attn_qkv and ffn_up (gate and up) are fused, as the decoder's q and gate hold them.
    const bool fused = config.fused_projections;
    l.q = blocks_of(gguf, p + (fused ? "attn_qkv.weight" : "attn_q.weight"),
                    permuted ? std::optional(config.num_heads) : std::nullopt);
    l.k = blocks_of(gguf, p + "attn_k.weight", permuted ? std::optional(config.num_kv_heads) : std::nullopt);
    l.v = blocks_of(gguf, p + "attn_v.weight", std::nullopt);
    l.o = blocks_of(gguf, p + "attn_output.weight", std::nullopt);
    l.gate = blocks_of(gguf, p + (fused ? "ffn_up.weight" : "ffn_gate.weight"), std::nullopt);
    if (!fused) l.up = blocks_of(gguf, p + "ffn_up.weight", std::nullopt);
    l.down = blocks_of(gguf, p + "ffn_down.weight", std::nullopt);
    for (const auto* m : {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down}) count(*m);
    out->layers.push_back(std::move(l));
  }
  out->lm_head = blocks_of(gguf, config.tie_word_embeddings ? "token_embd.weight" : "output.weight", std::nullopt);
  count(out->lm_head);
  if (out->matrices == 0) return nullptr;
  return out;
}

}  // namespace tb
