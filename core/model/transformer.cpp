// The Llama-family decoder (see transformer.h), after transformers' modeling_llama /
// modeling_qwen2 / modeling_mistral / modeling_qwen3 / modeling_gemma3 / modeling_phi3.
#include "core/model/transformer.h"

#include "core/common/error.h"
#include "core/kernels/block_gemv.h"
#include "core/kernels/cpu_fused.h"
#include "core/kernels/dispatch.h"
#include "core/model/rope.h"

namespace tb {
namespace {

namespace F = torch::nn::functional;

torch::Tensor need(const std::map<std::string, torch::Tensor>& m, const std::string& name,
                   std::vector<std::int64_t> shape, const std::string& source) {
  const auto it = m.find(name);
  if (it == m.end()) throw FormatError("the model lacks this tensor", {source, 0, name});
  if (it->second.sizes().vec() != shape) {
    throw FormatError("shape " + c10::str(it->second.sizes()) + " does not match the config's " + c10::str(shape),
                      {source, 0, name});
  }
  return it->second;
}

// x W^T, from the GGUF blocks when they exist and x is a few fp32 rows outside autograd (a
// decode step), else dense.
torch::Tensor matmul_wt(const torch::Tensor& x, const torch::Tensor& w, const std::optional<kernels::BlockMatrix>* blocks) {
  if (blocks != nullptr && blocks->has_value() && x.scalar_type() == torch::kFloat32 &&
      kernels::fused_cpu_inference(x) && x.numel() / x.size(-1) <= kernels::kBlockLinearMaxRows) {
    return kernels::block_linear(x, **blocks);
  }
  return F::linear(x, w);
}

// y = x W^T + b (+ LoRA).
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b, const LoraPair* lora,
                     const ForwardOptions& o, const std::optional<kernels::BlockMatrix>* blocks) {
  auto y = matmul_wt(x, w, blocks);
  if (b.defined()) y = y + b;
  if (lora != nullptr && lora->defined()) {
    y = y + lora_delta(x, *lora, o.lora->scaling(), o.lora->config().dropout, o.training);
  }
  return y;
}

// Gradient checkpointing of one block, as torch.utils.checkpoint's reentrant variant: the
// forward runs without autograd and keeps only the input; the backward recomputes the block
// with autograd on and back-propagates through it, which also accumulates the gradients of the
// weights and adapters the block uses straight into their .grad.
using BlockFn = std::function<torch::Tensor(const torch::Tensor&)>;

struct BlockFnHolder : torch::CustomClassHolder {
  explicit BlockFnHolder(BlockFn f) : fn(std::move(f)) {}
  BlockFn fn;
  torch::Tensor rng_state;  // CPU generator state at the forward, for the same dropout masks
};

struct CheckpointedBlock : torch::autograd::Function<CheckpointedBlock> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               c10::intrusive_ptr<BlockFnHolder> holder) {
    holder->rng_state = at::detail::getDefaultCPUGenerator().get_state();
    ctx->save_for_backward({x});
    // Autograd is off inside a custom forward, which would pick the fused inference kernels;
    // the recomputation runs the autograd path, so this does too (the graph is dropped at once)
    // and forward and backward see the same arithmetic.
    torch::Tensor y;
    {
      torch::AutoGradMode grad_on(true);
      y = holder->fn(x.detach()).detach();
    }
    ctx->saved_data["fn"] = c10::IValue::make_capsule(std::move(holder));
    return y;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grad_out) {
    auto holder = c10::static_intrusive_pointer_cast<BlockFnHolder>(ctx->saved_data["fn"].toCapsule());
    // 1. The input again, as a leaf of a fresh graph.
    const auto x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    // 2. Recompute with the forward's random state (then put the current one back).
    auto gen = at::detail::getDefaultCPUGenerator();
    const auto now = gen.get_state();
    gen.set_state(holder->rng_state);
    torch::Tensor y;
    {
      torch::AutoGradMode grad_on(true);
      y = holder->fn(x);
    }
    gen.set_state(now);
    // 3. Back-propagate the incoming gradient through the recomputed block.
    torch::autograd::backward({y}, {grad_out[0]});
    return {x.grad(), torch::Tensor()};
  }
};

torch::Tensor checkpointed(const torch::Tensor& x, BlockFn fn) {
  return CheckpointedBlock::apply(x, c10::make_intrusive<BlockFnHolder>(std::move(fn)));
}

// RMSNorm with the family's weight rule: w, or (1 + w) for Gemma.
torch::Tensor norm(const ModelConfig& c, const torch::Tensor& x, const torch::Tensor& w) {
  return kernels::rms_norm(x, c.norm_adds_one ? w + 1 : w, c.rms_norm_eps);
}

const LoraPair* lora_for(const ForwardOptions& o, std::int64_t layer, BlockModule m) {
  if (o.lora == nullptr) return nullptr;
  const LoraPair& p = o.lora->block(layer, m);
  return p.defined() ? &p : nullptr;
}

}  // namespace

std::vector<torch::Tensor*> LayerWeights::all() {
  return {&input_norm, &post_norm, &q, &k, &v, &o, &q_bias, &k_bias, &v_bias, &gate, &up, &down,
          &q_norm, &k_norm, &pre_ffn_norm, &post_ffn_norm};
}

std::vector<const torch::Tensor*> LayerWeights::all() const {
  std::vector<const torch::Tensor*> out;
  for (torch::Tensor* t : const_cast<LayerWeights*>(this)->all()) out.push_back(t);
  return out;
}

TransformerWeights TransformerWeights::from_map(const std::map<std::string, torch::Tensor>& m, const ModelConfig& c,
                                                const std::string& source) {
  const std::int64_t C = c.hidden_size, F = c.intermediate_size, V = c.vocab_size;
  const std::int64_t QD = c.num_heads * c.head_dim, KD = c.num_kv_heads * c.head_dim;
  TransformerWeights w;
  w.embed = need(m, "model.embed_tokens.weight", {V, C}, source);
  w.final_norm = need(m, "model.norm.weight", {C}, source);
  w.lm_head = c.tie_word_embeddings ? w.embed : need(m, "lm_head.weight", {V, C}, source);
  for (std::int64_t i = 0; i < c.num_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    LayerWeights l;
    l.input_norm = need(m, p + "input_layernorm.weight", {C}, source);
    l.post_norm = need(m, p + "post_attention_layernorm.weight", {C}, source);
    if (c.fused_projections) {
      l.q = need(m, p + "self_attn.qkv_proj.weight", {QD + 2 * KD, C}, source);
    } else {
      l.q = need(m, p + "self_attn.q_proj.weight", {QD, C}, source);
      l.k = need(m, p + "self_attn.k_proj.weight", {KD, C}, source);
      l.v = need(m, p + "self_attn.v_proj.weight", {KD, C}, source);
    }
    l.o = need(m, p + "self_attn.o_proj.weight", {C, QD}, source);
    if (c.attention_bias) {
      l.q_bias = need(m, p + "self_attn.q_proj.bias", {QD}, source);
      l.k_bias = need(m, p + "self_attn.k_proj.bias", {KD}, source);
      l.v_bias = need(m, p + "self_attn.v_proj.bias", {KD}, source);
    }
    if (c.fused_projections) {
      l.gate = need(m, p + "mlp.gate_up_proj.weight", {2 * F, C}, source);
    } else {
      l.gate = need(m, p + "mlp.gate_proj.weight", {F, C}, source);
      l.up = need(m, p + "mlp.up_proj.weight", {F, C}, source);
    }
    l.down = need(m, p + "mlp.down_proj.weight", {C, F}, source);
    if (c.qk_norm) {
      l.q_norm = need(m, p + "self_attn.q_norm.weight", {c.head_dim}, source);
      l.k_norm = need(m, p + "self_attn.k_norm.weight", {c.head_dim}, source);
    }
    if (c.sandwich_norms) {
      l.pre_ffn_norm = need(m, p + "pre_feedforward_layernorm.weight", {C}, source);
      l.post_ffn_norm = need(m, p + "post_feedforward_layernorm.weight", {C}, source);
    }
    w.layers.push_back(l);
  }
  return w;
}

std::map<std::string, torch::Tensor> TransformerWeights::to_map(const ModelConfig& c) const {
  std::map<std::string, torch::Tensor> m;
  m["model.embed_tokens.weight"] = embed;
  m["model.norm.weight"] = final_norm;
  if (!c.tie_word_embeddings) m["lm_head.weight"] = lm_head;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    const LayerWeights& l = layers[i];
    m[p + "input_layernorm.weight"] = l.input_norm;
    m[p + "post_attention_layernorm.weight"] = l.post_norm;
    if (c.fused_projections) {
      m[p + "self_attn.qkv_proj.weight"] = l.q;
    } else {
      m[p + "self_attn.q_proj.weight"] = l.q;
      m[p + "self_attn.k_proj.weight"] = l.k;
      m[p + "self_attn.v_proj.weight"] = l.v;
    }
    m[p + "self_attn.o_proj.weight"] = l.o;
    if (l.q_bias.defined()) {
      m[p + "self_attn.q_proj.bias"] = l.q_bias;
      m[p + "self_attn.k_proj.bias"] = l.k_bias;
      m[p + "self_attn.v_proj.bias"] = l.v_bias;
    }
    if (c.fused_projections) {
      m[p + "mlp.gate_up_proj.weight"] = l.gate;
    } else {
      m[p + "mlp.gate_proj.weight"] = l.gate;
      m[p + "mlp.up_proj.weight"] = l.up;
    }
    m[p + "mlp.down_proj.weight"] = l.down;
    if (l.q_norm.defined()) {
      m[p + "self_attn.q_norm.weight"] = l.q_norm;
      m[p + "self_attn.k_norm.weight"] = l.k_norm;
    }
    if (l.pre_ffn_norm.defined()) {
      m[p + "pre_feedforward_layernorm.weight"] = l.pre_ffn_norm;
      m[p + "post_feedforward_layernorm.weight"] = l.post_ffn_norm;
    }
  }
  return m;
}

TransformerWeights TransformerWeights::map(const std::function<torch::Tensor(const torch::Tensor&)>& fn) const {
  auto f = [&](const torch::Tensor& t) { return t.defined() ? fn(t) : t; };
  TransformerWeights w;
  w.embed = f(embed);
  w.final_norm = f(final_norm);
  w.lm_head = lm_head.is_same(embed) ? w.embed : f(lm_head);
  for (const auto& l : layers) {
    LayerWeights out;
    const auto from = l.all();
    const auto to = out.all();
    for (std::size_t i = 0; i < from.size(); ++i) *to[i] = f(*from[i]);
    w.layers.push_back(std::move(out));
  }
  return w;
}

TransformerWeights TransformerWeights::to(torch::ScalarType dtype, torch::Device device) const {
  return map([&](const torch::Tensor& t) { return t.to(device, dtype).contiguous(); });
}

torch::Tensor build_attention_mask(std::int64_t q_len, std::int64_t past, const torch::Tensor& key_valid,
                                   const torch::Tensor& segment_ids, std::optional<std::int64_t> sliding_window,
                                   torch::Device device) {
  const bool padded = key_valid.defined();
  const bool packed = segment_ids.defined();
  const std::int64_t s = past + q_len;
  const bool windowed = sliding_window && s > *sliding_window;
  if (!padded && !packed && !windowed && (past == 0 || q_len == 1)) return {};
  // 1. Causal in cache coordinates: key j visible to query i when j <= past + i.
  const auto qi = torch::arange(q_len, torch::TensorOptions().dtype(torch::kInt64).device(device)).view({q_len, 1}) + past;
  const auto kj = torch::arange(s, torch::TensorOptions().dtype(torch::kInt64).device(device)).view({1, s});
  auto mask = (kj <= qi).view({1, 1, q_len, s});  // [1, 1, T, S]
  if (windowed) mask = mask.logical_and((qi - kj < *sliding_window).view({1, 1, q_len, s}));  // Mistral
  // 2. Padding: keys that are padding are hidden (but each query still sees itself).
  if (padded) {
    const auto valid = key_valid.narrow(1, 0, s).view({key_valid.size(0), 1, 1, s});
    const auto self = (kj == qi).view({1, 1, q_len, s});
    mask = mask.logical_and(valid.logical_or(self));
  }
  // 3. Packing: block-diagonal over segments (no cache with packing).
  if (packed) {
    const auto same = segment_ids.unsqueeze(2) == segment_ids.unsqueeze(1);  // [B, T, T]
    mask = mask.logical_and(same.unsqueeze(1));
  }
  return mask;
}

torch::Tensor transformer_hidden(const ModelConfig& c, const TransformerWeights& w, const torch::Tensor& inv_freq,
                                 const torch::Tensor& ids, const torch::Tensor& positions, const ForwardOptions& o) {
  const std::int64_t B = ids.size(0), T = ids.size(1);
  const std::int64_t H = c.num_heads, Hkv = c.num_kv_heads, D = c.head_dim;
  const std::int64_t past = o.cache != nullptr ? o.cache->length() : 0;
  // 1. Embeddings (with the embedding LoRA: one-hot(ids) A^T B^T = A[:, ids]^T B^T).
  auto x = F::embedding(ids, w.embed);  // [B, T, C]
  // Gemma scales the embeddings (in their dtype, as transformers does), before any LoRA delta.
  if (c.embedding_scale != 1.0) x = x * torch::scalar_tensor(c.embedding_scale, x.options());
  if (o.lora != nullptr && o.lora->embed().defined()) {
    const auto& e = o.lora->embed();
    x = x + F::embedding(ids, e.a.t()).matmul(e.b.t()).to(x.scalar_type()) * o.lora->scaling();
  }
  // 2. RoPE tables and masks: one set for global layers, and for models whose windowed layers
  //    have their own RoPE base (Gemma 3) a second set for those.
  torch::Tensor key_valid = o.key_valid;
  if (o.cache != nullptr) key_valid = o.cache->has_padding() ? o.cache->key_valid() : torch::Tensor();
  struct Attention {
    torch::Tensor cos, sin;  // [B, T, D]
    torch::Tensor mask;      // [B, 1, T, S] bool, or undefined for plain causal
    bool causal = false;
  };
  const double rope_scale = rope_attention_scaling(c);
  const auto attention_for = [&](const torch::Tensor& freqs, std::optional<std::int64_t> window) {
    Attention a;
    std::tie(a.cos, a.sin) = rope_cos_sin(freqs, positions, rope_scale);
    a.mask = build_attention_mask(T, past, key_valid, o.segment_ids, window, ids.device());
    a.causal = !a.mask.defined() && past == 0 && T > 1;
    return a;
  };
  const bool per_layer = !c.sliding_layers.empty();
  // LongRoPE picks its factors per forward from the batch's largest position, as transformers
  // does (a cached decode step past the pretraining length switches to the long set).
  torch::Tensor freqs = inv_freq;
  if (c.rope_scaling.type == RopeScalingType::LongRope && positions.numel() > 0) {
    const std::int64_t seq_len = positions.max().item<std::int64_t>() + 1;
    freqs = rope_inverse_frequencies(c, false, seq_len).to(inv_freq.device());
  }
  const Attention global = attention_for(freqs, per_layer ? std::nullopt : c.sliding_window);
  const Attention local = per_layer ? attention_for(rope_inverse_frequencies(c, true).to(inv_freq.device()), c.sliding_window)
                                    : global;
  const std::optional<double> scale =
      c.query_pre_attn_scalar ? std::optional<double>(1.0 / std::sqrt(*c.query_pre_attn_scalar)) : std::nullopt;

  // One decoder block: x [B, T, C] -> [B, T, C]. Everything it reads is captured by value (the
  // tensors are handles), because a checkpointed block runs again in the backward pass, after
  // this function has returned; the model config, LoRA adapter and GGUF blocks outlive it.
  const auto block = [&c, o, B, T, H, Hkv, D, global, local, scale, layers = w.layers,
                      blocks = w.blocks](std::int64_t i, torch::Tensor x) {
    const LayerWeights& l = layers[static_cast<std::size_t>(i)];
    const LayerBlocks* lb = blocks ? &blocks->layers[static_cast<std::size_t>(i)] : nullptr;
    const Attention& a = c.layer_is_sliding(i) ? local : global;
    // 3. Attention block: x + o(attn(rope(norm(q)), rope(norm(k)), v)), the q/k norms per head
    //    where the family has them (Qwen3, Gemma 3), the output normed too with sandwich norms.
    const auto h = norm(c, x, l.input_norm);  // [B, T, C]
    torch::Tensor q, k, v;
    if (c.fused_projections) {
      // Phi-3: one projection, split into queries, keys and values (its LoRA is the Q pair).
      const auto qkv = linear(h, l.q, {}, lora_for(o, i, BlockModule::Q), o, lb ? &lb->q : nullptr);  // [B, T, (H + 2Hkv) D]
      q = qkv.narrow(-1, 0, H * D).reshape({B, T, H, D});
      k = qkv.narrow(-1, H * D, Hkv * D).reshape({B, T, Hkv, D});
      v = qkv.narrow(-1, (H + Hkv) * D, Hkv * D).reshape({B, T, Hkv, D}).transpose(1, 2);
    } else {
      q = linear(h, l.q, l.q_bias, lora_for(o, i, BlockModule::Q), o, lb ? &lb->q : nullptr).view({B, T, H, D});
      k = linear(h, l.k, l.k_bias, lora_for(o, i, BlockModule::K), o, lb ? &lb->k : nullptr).view({B, T, Hkv, D});
      v = linear(h, l.v, l.v_bias, lora_for(o, i, BlockModule::V), o, lb ? &lb->v : nullptr).view({B, T, Hkv, D}).transpose(1, 2);
    }
    if (l.q_norm.defined()) {
      q = norm(c, q, l.q_norm);  // [B, T, H, D]
      k = norm(c, k, l.k_norm);  // [B, T, Hkv, D]
    }
    q = q.transpose(1, 2);  // [B, H, T, D]
    k = k.transpose(1, 2);  // [B, Hkv, T, D]
    const bool fused = kernels::fused_cpu_inference(q) && a.cos.size(-1) == D;  // the kernel turns whole heads
    q = fused ? kernels::rope_cpu(q, a.cos, a.sin) : apply_rope(q, a.cos, a.sin);  // [B, H, T, D]
    k = fused ? kernels::rope_cpu(k, a.cos, a.sin) : apply_rope(k, a.cos, a.sin);  // [B, Hkv, T, D]
    if (o.cache != nullptr) std::tie(k, v) = o.cache->append(i, k, v);  // [B, Hkv, S, D]
    const auto attn = at::scaled_dot_product_attention(q, k, v, a.mask.defined() ? std::optional<torch::Tensor>(a.mask) : std::nullopt,
                                                       0.0, a.causal, scale, /*enable_gqa=*/Hkv != H);
    const auto merged = attn.transpose(1, 2).reshape({B, T, H * D});
    auto attn_out = linear(merged, l.o, {}, lora_for(o, i, BlockModule::O), o, lb ? &lb->o : nullptr);  // [B, T, C]
    if (c.sandwich_norms) attn_out = norm(c, attn_out, l.post_norm);
    x = x + attn_out;
    // 4. MLP block: x + down(act(gate(h)) * up(h)), act SiLU or GELU-tanh (Gemma).
    const auto h2 = norm(c, x, c.sandwich_norms ? l.pre_ffn_norm : l.post_norm);
    torch::Tensor gate, up;
    if (c.fused_projections) {
      // Phi-3: gate_up_proj gives [gate, up] along the last dimension (its LoRA is the Gate pair).
      const auto gate_up = linear(h2, l.gate, {}, lora_for(o, i, BlockModule::Gate), o, lb ? &lb->gate : nullptr);  // [B, T, 2F]
      const auto F = gate_up.size(-1) / 2;
      gate = gate_up.narrow(-1, 0, F);
      up = gate_up.narrow(-1, F, F);
    } else {
      gate = linear(h2, l.gate, {}, lora_for(o, i, BlockModule::Gate), o, lb ? &lb->gate : nullptr);
      up = linear(h2, l.up, {}, lora_for(o, i, BlockModule::Up), o, lb ? &lb->up : nullptr);
    }
    const auto act = c.activation == MlpActivation::GeluTanh ? F::gelu(gate, F::GELUFuncOptions().approximate("tanh"))
                                                             : F::silu(gate);
    auto mlp_out = linear(act * up, l.down, {}, lora_for(o, i, BlockModule::Down), o, lb ? &lb->down : nullptr);
    if (c.sandwich_norms) mlp_out = norm(c, mlp_out, l.post_ffn_norm);
    return x + mlp_out;
  };
  const bool checkpoint = o.checkpoint_blocks && o.cache == nullptr && torch::GradMode::is_enabled();
  const auto block_trains = [&](std::int64_t i) {
    const LayerWeights& l = w.layers[static_cast<std::size_t>(i)];
    for (const torch::Tensor* t : l.all()) {
      if (t->defined() && t->requires_grad()) return true;
    }
    for (std::size_t m = 0; m < kBlockModuleNames.size(); ++m) {
      const LoraPair* p = lora_for(o, i, static_cast<BlockModule>(m));
      if (p != nullptr && p->a.requires_grad()) return true;
    }
    return false;
  };
  for (std::int64_t i = 0; i < c.num_layers; ++i) {
    if (!checkpoint || (!x.requires_grad() && !block_trains(i))) {
      x = block(i, x);  // nothing below or in this block trains: it saves nothing anyway
      continue;
    }
    // A custom function's output needs an input that requires grad, or the gradients of the
    // block's own weights would be lost (what HF's enable_input_require_grads is for).
    if (!x.requires_grad()) x = x.detach().requires_grad_(true);
    x = checkpointed(x, [block, i](const torch::Tensor& in) { return block(i, in); });
  }
  if (o.cache != nullptr) o.cache->advance(T);
  return norm(c, x, w.final_norm);  // [B, T, C]
}

torch::Tensor lm_head_logits(const TransformerWeights& w, const torch::Tensor& hidden, const ForwardOptions& o) {
  auto logits = matmul_wt(hidden, w.lm_head, w.blocks ? &w.blocks->lm_head : nullptr);  // [B, T, V]
  if (o.lora != nullptr && o.lora->lm_head().defined()) {
    logits = logits + lora_delta(hidden, o.lora->lm_head(), o.lora->scaling(), o.lora->config().dropout, o.training);
  }
  return logits;
}

torch::Tensor transformer_forward(const ModelConfig& c, const TransformerWeights& w, const torch::Tensor& inv_freq,
                                  const torch::Tensor& ids, const torch::Tensor& positions, const ForwardOptions& o) {
  auto hidden = transformer_hidden(c, w, inv_freq, ids, positions, o);
  if (o.last_position_only) hidden = hidden.narrow(1, hidden.size(1) - 1, 1);
  return lm_head_logits(w, hidden, o);
}

}  // namespace tb
