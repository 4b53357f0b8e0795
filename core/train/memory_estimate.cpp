// Memory and time estimate (see memory_estimate.h). The accounting below follows TrainingSession
// and transformer.cpp's forward under libtorch 2.11 autograd; the saved-tensor lists were checked
// op by op with torch.autograd.graph.saved_tensors_hooks on a replica of that forward (fp32/bf16,
// full, LoRA, freeze, masks, checkpointing), and the trainable counts against PEFT.
//
// Notation: B micro-batch, T sequence length, N = B*T tokens, C hidden, F intermediate, V vocab,
// L layers, H / Hkv heads, D head dim, QD = H*D, KD = Hkv*D, r LoRA rank, a = activation bytes
// (4 for fp32, 2 for bf16).
//
// Parameters and their state, as TrainingSession holds them (the model is loaded in the compute
// dtype: bf16 for Precision::Bf16; trained tensors are fp32, cast to bf16 inside each forward):
//   weights    the model as loaded, a bytes per parameter (shared, never modified); the LoRA
//              adapter, 4 per parameter; with bf16, the casts of trained tensors (or of LoRA's A
//              and B) that each forward makes and autograd keeps until backward, 2 per parameter
//   gradients  4 bytes per trainable parameter (the fp32 parameter's .grad)
//   optimizer  AdamW's two fp32 moments, 8 bytes per trainable; for full / freeze also the fp32
//              copies of the trained tensors that the session clones and AdamW updates (the model
//              keeps its own), 4 per trainable parameter
//   So full fine-tuning costs 20 bytes/param in fp32 (4 + 4 + 12) and in bf16 (2 + 2 + 4 + 12);
//   LoRA adds 16 (fp32) or 18 (bf16) per adapter parameter to the model.
//
// Gradient flow. Sites in forward order: embeddings; per layer input norm, q/k/v, o, post norm,
// gate/up, down; final norm; head. E is the earliest site that trains (a weight, a norm or a LoRA
// pair). A tensor that comes before E never requires grad, so ops before E save nothing and need
// no backward: freeze-N saves only in its top N blocks, LoRA saves from layer 0's q/k/v on, and
// a trained tied head (it is the embedding matrix) makes the gradient run through every block.
//
// Saved per layer, per token (only what the op needs for the gradients that exist):
//   input norm   4C (+4 for rsqrt) when its input requires grad (the fp32 view/copy of x that
//                pow() saves, fp32 in both precisions); a*C (x*rsqrt) when the norm weight trains
//   q/k/v input  a*C when any of q/k/v trains or carries LoRA (saved once, shared)
//   attention    when q/k/v require grad. Fused: q, k, v and the output, a*(2QD + 2KD), plus the
//                logsumexp 4H, plus a*T for the [B,1,T,T] mask each layer converts and keeps
//                (attention_mask); RoPE keeps its cos/sin (bf16: four [B,1,T,D] casts, 8D per
//                layer; fp32: one shared pair, 8D once). Math: fp32 q, k, v expanded to H heads
//                (12*H*D) and the [B,H,T,T] probabilities (4*H*T), fp32 even for bf16 (as CPU's
//                math path computes), plus the same RoPE cos/sin
//   o input      a*QD when o trains or carries LoRA; with a fused kernel it is a view of the saved
//                output (counted once), with math a separate copy
//   post norm    as the input norm
//   gate/up      a*C input when either trains; SwiGLU keeps gate, silu(gate) and up, 3*a*F, when
//                they require grad
//   down input   a*F when down trains or carries LoRA
//   LoRA         a*r per adapted module (x A^T, for B's gradient; its input is counted above)
// Final norm and head: 4C when the gradient reaches it, a*C when it trains, a*C (its input) when
// the head trains or carries LoRA. With attention_mask and checkpointing, the [B,1,T,T] bool
// mask the recomputation needs (1*T).
// Gradient checkpointing (transformer.cpp's CheckpointedBlock, from the first block that trains
// or receives a gradient on) keeps each block's input (a*C) and, in backward, one block's
// activations at a time, recomputed from an input that requires grad (so as if E lay below it).
//
// Logits (the loss and the head's backward, on top of every saved activation): N*V*12 bytes, the
// fp32 log-probabilities cross-entropy saves and, at the start of backward, the two fp32
// gradients (w.r.t. log-probs and logits) that exist together; or, when the head's weight
// trains, N*V*4 for the logits' gradient and the head's [V,C] gradient (4*V*C; 6 with its bf16
// form), if that is more. The logits themselves (and their fp32 cast in bf16) are temporaries of
// TrainingSession::step's loss expression, gone before backward.
//
// Temporaries after backward, when activations and logits are gone: a trained tied embedding
// matrix has its gradients from the head and from the lookup and their sum (8*V*C more in fp32,
// measured: the peak of a tied full fine-tune; 6*V*C in bf16, where the sum is taken in bf16
// before the cast); clip_grad_norm makes an fp64 copy and its square of each gradient (16 bytes
// per element of the largest trainable tensor), AdamW two fp32 temporaries (8). The larger of the
// first two counts.
//
// The peak: weights + optimizer + the larger of
//   during backward  activations + logits (+ gradients, from the second micro-batch on, when
//                    accumulating)
//   after backward   gradients + temporaries
// + workspace: 10 % of that (allocator rounding and fragmentation, matmul workspaces) + 200 MB on
// CUDA for the libraries loaded at first use (cuBLAS/cuDNN handles and workspaces; the CUDA
// context itself is not counted: free memory is read after it exists). So the parts can add up
// to more than the total. On the replica (SmolLM2 shapes, 4 layers, 2 x 256 tokens, no clipping)
// the larger phase came within 1 % of the measured peak of live tensors for full, LoRA and
// freeze in fp32 and bf16, within 1.5 % for LoRA with checkpointing, 3 % over for freeze and 7 %
// under for full with checkpointing (tensors of the recomputed block still in flight), which the
// workspace covers.
//
// Time: FLOPs per token, counting matmuls (2 per multiply-add) and attention only; norms,
// SwiGLU, RoPE, casts and the optimizer step are memory-bound and left to the throughput figure.
// Per linear (in x out): forward 2*in*out; backward 2*in*out for the input's gradient when E lies
// before it, 2*in*out for the weight's when it trains. LoRA: forward 2r(in+out), backward
// 4r*out + 2r*in (+2r*in for the input's gradient). Attention per layer: forward 4*T'*H*D with
// T' = T/2 for a fused causal kernel without a mask (it skips the masked half), else T; backward
// 2.5x forward (fused, which recomputes the scores) or 2x (math), when q/k/v require grad.
// Checkpointing adds one more forward of every checkpointed block, and its backward computes
// every input gradient (the recomputation's input requires grad). So full fine-tuning is
// the familiar 6 FLOPs per weight per token (+ attention), and LoRA about 4 (no weight gradients,
// but every activation gradient above layer 0's q/k/v).
//
// Default throughputs (sustained, whole training step, for when the caller passes none):
//   CPU fp32 0.1 TFLOPS: a 4-8-core AVX2 desktop. The development VM (2 threads of a Sapphire
//     Rapids Xeon, AVX-512 + AMX) achieved 0.15 (LoRA) to 0.23 (full) in a replica of our step
//     on SmolLM2-135M, micro-batch 4 x 512; LoRA's many small matmuls cost more than their FLOPs
//   CPU bf16 0.05: without AMX / AVX512-BF16 (most desktops) bf16 matmuls are slower than fp32;
//     with AMX they are faster (0.37-0.46 on that VM), so a measured figure matters most here
//   CUDA fp32 15: libtorch keeps TF32 off by default; ~75 % of an A100's 19.5 fp32 peak
//   CUDA bf16 100: ~1/3 of an A100's 312 dense peak, ~10 % of an H100's, the range eager
//     fine-tuning of small models reaches
// A measured figure (tunebench-cli bench) should replace them where one exists.
#include "core/train/memory_estimate.h"
#include "core/common/units.h"
#include "core/model/lora_targets.h"
#include "core/train/memory_suggestions.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/common/error.h"

namespace tb::train {
namespace {

constexpr double kWorkspaceFraction = 0.10;
constexpr double kCudaLibrariesBytes = 200e6;
constexpr double kMaxCount = 9.0e15;  // below 2^53: exact in a double and in an int64
constexpr double kMaxBytes = 1.8e19;  // below 2^64

// The block linears in forward order, as lora_targets.h names them. With fused projections
// (Phi-3) kQ is qkv_proj and kGate gate_up_proj, and kK, kV, kUp have no size.
enum Module { kQ, kK, kV, kO, kGate, kUp, kDown, kModuleCount };
static_assert(kModuleCount == kLoraBlockModuleCount);

struct Dims {
  double C, F, V, L, H, Hkv, D, QD, KD;
  double norms;  // norm weights in one block: 2C, 4C with sandwich norms, + 2D with q/k norms
  bool tied, bias, qk_norm, sandwich, fused;
};

Dims dims_of(const ModelConfig& m) {
  Dims d{};
  d.C = static_cast<double>(m.hidden_size);
  d.F = static_cast<double>(m.intermediate_size);
  d.V = static_cast<double>(m.vocab_size);
  d.L = static_cast<double>(m.num_layers);
  d.H = static_cast<double>(m.num_heads);
  d.Hkv = static_cast<double>(m.num_kv_heads);
  d.D = static_cast<double>(m.head_dim);
  d.QD = d.H * d.D;
  d.KD = d.Hkv * d.D;
  d.tied = m.tie_word_embeddings;
  d.bias = m.attention_bias;
  d.qk_norm = m.qk_norm;
  d.sandwich = m.sandwich_norms;
  d.fused = m.fused_projections;
  d.norms = (d.sandwich ? 4 : 2) * d.C + (d.qk_norm ? 2 * d.D : 0);
  return d;
}

bool module_exists(const Dims& d, int m) { return !d.fused || (m != kK && m != kV && m != kUp); }

double in_features(const Dims& d, int m) {
  if (!module_exists(d, m)) return 0;
  return m == kO ? d.QD : m == kDown ? d.F : d.C;
}

double out_features(const Dims& d, int m) {
  if (!module_exists(d, m)) return 0;
  switch (m) {
    case kQ:
      return d.fused ? d.QD + 2 * d.KD : d.QD;
    case kK:
    case kV:
      return d.KD;
    case kGate:
      return d.fused ? 2 * d.F : d.F;
    case kUp:
      return d.F;
    default:
      return d.C;
  }
}

// Positions of the sites in forward order (see the top of the file).
double layer_base(double i) { return 1 + 6 * i; }
double module_position(double i, int m) {
  switch (m) {
    case kQ:
    case kK:
    case kV:
      return layer_base(i) + 1;
    case kO:
      return layer_base(i) + 2;
    case kGate:
    case kUp:
      return layer_base(i) + 4;
    default:
      return layer_base(i) + 5;
  }
}

// What trains.
struct Plan {
  std::vector<bool> block_linears;  // layer i's 7 weights (+ q/k/v biases)
  std::vector<bool> block_norms;    // layer i's two RMSNorm weights
  std::array<bool, kModuleCount> lora{};
  bool lora_head = false;
  bool lora_embed = false;
  bool embed = false;  // the embedding matrix (with a tied head, also the head)
  bool final_norm = false;
  bool head = false;  // the head's weight trains (tied: through `embed`)
  double rank = 0;
  double earliest = 0;  // E: the earliest trained site
};

Plan make_plan(const EstimateInput& in, const Dims& d) {
  Plan p;
  const auto L = static_cast<std::size_t>(in.model.num_layers);
  p.block_linears.assign(L, false);
  p.block_norms.assign(L, false);
  switch (in.method) {
    case TrainMethod::Full:
      p.block_linears.assign(L, true);
      p.block_norms.assign(L, true);
      p.embed = p.final_norm = p.head = true;
      break;
    case TrainMethod::Lora:
      p.rank = static_cast<double>(in.lora_rank);
      for (int m = 0; m < kModuleCount; ++m) {
        p.lora[static_cast<std::size_t>(m)] = lora_targets_module(in.lora_targets, static_cast<std::size_t>(m), d.fused);
      }
      for (const auto& t : in.lora_targets) {
        if (t == "lm_head") p.lora_head = true;
        if (t == "embed_tokens") p.lora_embed = true;
      }
      break;
    case TrainMethod::Freeze:
      for (std::size_t i = 0; i < L; ++i) {
        const bool top = static_cast<std::int64_t>(i) >= in.model.num_layers - in.freeze_top_blocks;
        p.block_linears[i] = top;
        p.block_norms[i] = top || in.freeze_train_norms;
      }
      p.final_norm = in.freeze_train_norms || in.freeze_top_blocks > 0;
      p.embed = in.freeze_train_embeddings || (in.freeze_train_lm_head && d.tied);
      p.head = in.freeze_train_lm_head || (d.tied && p.embed);
      break;
  }
  // E: the first site in forward order that trains.
  const double none = 3 + 6 * d.L;
  p.earliest = none;
  if (p.embed || p.lora_embed) {
    p.earliest = 0;
  } else {
    for (std::size_t i = 0; i < L && p.earliest == none; ++i) {
      const double b = layer_base(static_cast<double>(i));
      if (p.block_norms[i]) {
        p.earliest = b;
      } else if (p.block_linears[i]) {
        p.earliest = b + 1;
      } else {
        for (int m = 0; m < kModuleCount; ++m) {
          if (p.lora[static_cast<std::size_t>(m)]) {
            p.earliest = std::min(p.earliest, module_position(static_cast<double>(i), m));
          }
        }
      }
    }
    if (p.earliest == none && p.final_norm) p.earliest = layer_base(d.L);
    if (p.earliest == none && (p.head || p.lora_head)) p.earliest = layer_base(d.L) + 1;
  }
  return p;
}

void validate(const EstimateInput& in) {
  in.model.validate("model");
  auto need = [](bool ok, const char* field, const std::string& what) {
    if (!ok) throw Error(what, {{}, 0, field});
  };
  need(in.micro_batch >= 1, "micro_batch", "the micro-batch must be at least 1");
  need(in.seq_len >= 1, "seq_len", "the sequence length must be at least 1");
  need(in.grad_accum >= 1, "grad_accum", "gradient accumulation must be at least 1");
  need(in.total_steps >= 0, "total_steps", "the number of steps cannot be negative");
  need(std::isfinite(in.device_tflops) && in.device_tflops >= 0, "device_tflops",
       "the throughput must be a non-negative number (0 = the default for the device)");
  if (in.method == TrainMethod::Lora) {
    need(in.lora_rank >= 1, "lora_rank", "the LoRA rank must be at least 1");
    need(!in.lora_targets.empty(), "lora_targets", "LoRA needs at least one target module");
    for (const auto& t : in.lora_targets) {
      need(is_known_lora_target(t), "lora_targets",
           "unknown LoRA target \"" + t + "\" (" + known_lora_targets() + ")");
    }
  }
  if (in.method == TrainMethod::Freeze) {
    need(in.freeze_top_blocks >= 0 && in.freeze_top_blocks <= in.model.num_layers,
         "freeze_top_blocks",
         "top blocks must be between 0 and " + std::to_string(in.model.num_layers) +
             " for this model");
    need(in.freeze_top_blocks > 0 || in.freeze_train_lm_head || in.freeze_train_norms ||
             in.freeze_train_embeddings,
         "freeze_top_blocks", "freezing every block and nothing else trains nothing");
  }
}


// Bytes one layer saves per token (see the top of the file), when E is the earliest trained site
// as this layer's autograd sees it.
double layer_saved_per_token(const EstimateInput& in, const Dims& d, const Plan& p, double i,
                             double a, double E) {
  const auto li = static_cast<std::size_t>(i);
  const double b = layer_base(i), T = static_cast<double>(in.seq_len);
  const bool fused = in.attention == AttentionKernel::Fused;
  auto trains = [&](int m) { return p.block_linears[li] || p.lora[static_cast<std::size_t>(m)]; };
  double s = 0;
  // 1. Input norm, and the q/k/v input.
  if (E < b) s += 4 * d.C + 4;
  if (p.block_norms[li]) s += a * d.C;
  if (trains(kQ) || trains(kK) || trains(kV)) s += a * d.C;
  // 2. Attention (when q/k/v require grad).
  const bool attention_grad = E <= b + 1;
  if (attention_grad) {
    if (fused) {
      s += a * (2 * d.QD + 2 * d.KD) + 4 * d.H;
      if (in.attention_mask) s += a * T;
    } else {
      s += 4 * (3 * d.H * d.D) + 4 * d.H * T;
    }
    if (a == 2) s += 4 * d.D * a;  // RoPE's cos/sin casts for q and k
    if (d.qk_norm) s += 4 * (d.QD + d.KD) + 4 * (d.H + d.Hkv);  // the q/k norms' inputs and statistics
  }
  // 3. o's input: its own copy unless it is the fused kernel's saved output.
  if (trains(kO) && !(fused && attention_grad)) s += a * d.QD;
  // 4. Post norm, the gate/up input, SwiGLU, down's input.
  if (E < b + 3) s += 4 * d.C + 4;
  if (p.block_norms[li]) s += a * d.C;
  if (trains(kGate) || trains(kUp)) s += a * d.C;
  if (E <= b + 4) s += 3 * a * d.F;
  if (trains(kDown)) s += a * d.F;
  if (d.sandwich && E <= b + 4) s += 2 * (4 * d.C + 4);  // the norms after attention and after the MLP
  // 5. LoRA's x A^T, one per adapted module.
  for (int m = 0; m < kModuleCount; ++m) {
    if (p.lora[static_cast<std::size_t>(m)]) s += a * p.rank;
  }
  return s;
}

double layer_forward_flops(const EstimateInput& in, const Dims& d, const Plan& p) {
  const double T = static_cast<double>(in.seq_len);
  const bool causal_skip = in.attention == AttentionKernel::Fused && !in.attention_mask;
  double f = 4 * (causal_skip ? T / 2 : T) * d.H * d.D;  // QK^T and PV
  for (int m = 0; m < kModuleCount; ++m) {
    const double inf = in_features(d, m), outf = out_features(d, m);
    f += 2 * inf * outf;
    if (p.lora[static_cast<std::size_t>(m)]) f += 2 * p.rank * (inf + outf);
  }
  return f;
}

double layer_backward_flops(const EstimateInput& in, const Dims& d, const Plan& p, double i,
                            double E) {
  const auto li = static_cast<std::size_t>(i);
  const double T = static_cast<double>(in.seq_len);
  const bool fused = in.attention == AttentionKernel::Fused;
  double f = 0;
  if (E <= layer_base(i) + 1) {
    const double attention_forward = 4 * ((fused && !in.attention_mask) ? T / 2 : T) * d.H * d.D;
    f += (fused ? 2.5 : 2.0) * attention_forward;
  }
  for (int m = 0; m < kModuleCount; ++m) {
    const double inf = in_features(d, m), outf = out_features(d, m);
    const bool input_grad = E < module_position(i, m);
    if (input_grad) f += 2 * inf * outf;
    if (p.block_linears[li]) f += 2 * inf * outf;
    if (p.lora[static_cast<std::size_t>(m)]) {
      f += 4 * p.rank * outf + 2 * p.rank * inf + (input_grad ? 2 * p.rank * inf : 0);
    }
  }
  return f;
}

double to_count(double v, const char* what) {
  if (!(v < kMaxCount)) {
    throw Error(std::string("the model is too large to estimate (") + what + ")", {{}, 0, "model"});
  }
  return v;
}

}  // namespace

MemoryParts memory_parts(const EstimateInput& in) {
  const Dims d = dims_of(in.model);
  const Plan p = make_plan(in, d);
  const double a = in.precision == Precision::Bf16 ? 2 : 4;
  const double N = static_cast<double>(in.micro_batch) * static_cast<double>(in.seq_len);
  MemoryParts r;
  // 1. Parameters.
  const double block_linear =
      d.C * d.QD + 2 * d.C * d.KD + d.QD * d.C + 3 * d.C * d.F + (d.bias ? d.QD + 2 * d.KD : 0);
  const double block = block_linear + d.norms;
  const double base =
      to_count(d.L * block + d.V * d.C + d.C + (d.tied ? 0 : d.V * d.C), "parameters");
  if (static_cast<std::int64_t>(base) != in.model.parameter_count()) {
    throw std::logic_error(
        "memory_estimate: the parameter breakdown disagrees with ModelConfig::parameter_count");
  }
  double adapter = 0;
  for (int m = 0; m < kModuleCount; ++m) {
    if (p.lora[static_cast<std::size_t>(m)]) {
      adapter += d.L * p.rank * (in_features(d, m) + out_features(d, m));
    }
  }
  if (p.lora_head) adapter += p.rank * (d.C + d.V);
  if (p.lora_embed) adapter += p.rank * (d.V + d.C);
  double trainable = adapter;
  if (in.method != TrainMethod::Lora) {
    for (std::size_t i = 0; i < p.block_linears.size(); ++i) {
      trainable += (p.block_linears[i] ? block_linear : 0) + (p.block_norms[i] ? d.norms : 0);
    }
    trainable +=
        (p.final_norm ? d.C : 0) + (p.embed ? d.V * d.C : 0) + (p.head && !d.tied ? d.V * d.C : 0);
  }
  r.total_params = to_count(base + adapter, "parameters");
  r.trainable_params = to_count(trainable, "parameters");
  // 2. Weights, gradients, AdamW (see the top of the file).
  const bool bf16 = in.precision == Precision::Bf16;
  r.weights = a * base + 4 * adapter + (bf16 ? 2 * r.trainable_params : 0);
  r.gradients = 4 * r.trainable_params;
  r.optimizer = (in.method == TrainMethod::Lora ? 8 : 12) * r.trainable_params;
  // 3. Activations: the blocks (or their inputs and one recomputed block, checkpointed; the
  //    recomputation's input requires grad), then norm and head. E_i: the earliest trained site
  //    as block i's autograd sees it.
  auto checkpointed = [&](double i) {
    return in.gradient_checkpointing && p.earliest < layer_base(i) + 6;
  };
  auto earliest_for = [&](double i) {
    return checkpointed(i) ? std::min(p.earliest, layer_base(i) - 0.5) : p.earliest;
  };
  double blocks = 0, largest = 0;
  bool any_attention_grad = false;
  for (double i = 0; i < d.L; ++i) {
    const double s = layer_saved_per_token(in, d, p, i, a, earliest_for(i));
    if (checkpointed(i)) {
      blocks += a * d.C;
      largest = std::max(largest, s);
    } else {
      blocks += s;
    }
    any_attention_grad = any_attention_grad || earliest_for(i) <= layer_base(i) + 1;
  }
  blocks += largest;
  double tail = 0;
  const double final_pos = layer_base(d.L), head_pos = final_pos + 1;
  if (p.earliest < final_pos) tail += 4 * d.C + 4;
  if (p.final_norm) tail += a * d.C;
  if (p.head || p.lora_head) tail += a * d.C;
  if (p.lora_head) tail += a * p.rank;
  if (p.lora_embed) tail += a * p.rank;
  if (a == 4 && any_attention_grad) tail += 8 * d.D;  // the shared fp32 RoPE cos/sin
  if (in.gradient_checkpointing && in.attention_mask && largest > 0) {
    tail += static_cast<double>(in.seq_len);  // the bool mask, kept for the recomputation
  }
  r.activations = N * (blocks + tail);
  const double head_gradient = p.head ? (bf16 ? 6 : 4) * d.V * d.C : 0;
  r.logits = std::max(N * d.V * 12, N * d.V * 4 + head_gradient);
  // 4. Temporaries after backward: a tied matrix's extra gradients, or clip_grad_norm's fp64 copy
  //    and square of the largest gradient.
  double largest_tensor = 0;
  for (std::size_t i = 0; i < p.block_linears.size(); ++i) {
    if (p.block_linears[i]) {
      for (int m = 0; m < kModuleCount; ++m) {
        largest_tensor = std::max(largest_tensor, in_features(d, m) * out_features(d, m));
      }
    }
    if (p.block_norms[i]) largest_tensor = std::max(largest_tensor, d.C);
  }
  if (p.embed || p.head) largest_tensor = std::max(largest_tensor, d.V * d.C);
  if (p.final_norm) largest_tensor = std::max(largest_tensor, d.C);
  for (int m = 0; m < kModuleCount; ++m) {
    if (p.lora[static_cast<std::size_t>(m)]) {
      largest_tensor =
          std::max(largest_tensor, p.rank * std::max(in_features(d, m), out_features(d, m)));
    }
  }
  if (p.lora_head || p.lora_embed) largest_tensor = std::max(largest_tensor, p.rank * d.V);
  const double tied_extra = p.embed && d.tied ? (bf16 ? 6 : 8) * d.V * d.C : 0.0;
  r.temporaries = std::max(tied_extra, 16 * largest_tensor);
  // 5. The peak: the larger phase, then the workspace.
  const double during = r.activations + r.logits + (in.grad_accum > 1 ? r.gradients : 0);
  const double after = r.gradients + r.temporaries;
  const double peak = r.weights + r.optimizer + std::max(during, after);
  r.workspace = kWorkspaceFraction * peak + (in.cuda ? kCudaLibrariesBytes : 0);
  r.total = peak + r.workspace;
  // 6. FLOPs per token and time.
  double flops = 0;
  for (double i = 0; i < d.L; ++i) {
    const double forward = layer_forward_flops(in, d, p);
    flops += forward + layer_backward_flops(in, d, p, i, earliest_for(i));
    if (checkpointed(i)) flops += forward;  // the recomputation
  }
  const double head_mm = d.C * d.V;
  flops += 2 * head_mm + (p.earliest < head_pos ? 2 * head_mm : 0) + (p.head ? 2 * head_mm : 0);
  if (p.lora_head) {
    flops += 2 * p.rank * (d.C + d.V) + 4 * p.rank * d.V + 2 * p.rank * d.C +
             (p.earliest < head_pos ? 2 * p.rank * d.C : 0);
  }
  if (p.lora_embed) flops += 2 * p.rank * d.C + 4 * p.rank * d.C;
  r.flops_per_token = flops;
  r.tflops =
      in.device_tflops > 0 ? in.device_tflops
      : in.cuda
          ? (in.precision == Precision::Bf16 ? kDefaultCudaBf16Tflops : kDefaultCudaFp32Tflops)
          : (in.precision == Precision::Bf16 ? kDefaultCpuBf16Tflops : kDefaultCpuFp32Tflops);
  r.step_seconds = flops * N * static_cast<double>(in.grad_accum) / (r.tflops * 1e12);
  r.total_seconds = r.step_seconds * static_cast<double>(in.total_steps);
  return r;
}

std::uint64_t bytes_of(double v) {
  if (!(v < kMaxBytes)) {
    throw Error("the estimate exceeds 2^64 bytes; check the micro-batch and sequence length",
                {{}, 0, "micro_batch"});
  }
  return static_cast<std::uint64_t>(std::round(v));
}

std::string approx_bytes(double bytes) { return "~" + format_bytes(bytes_of(bytes)); }

namespace {

}  // namespace

MemoryEstimate estimate_training(const EstimateInput& input) {
  validate(input);
  const MemoryParts p = memory_parts(input);
  MemoryEstimate e;
  e.total_params = static_cast<std::int64_t>(p.total_params);
  e.trainable_params = static_cast<std::int64_t>(p.trainable_params);
  e.weights_bytes = bytes_of(p.weights);
  e.gradient_bytes = bytes_of(p.gradients);
  e.optimizer_bytes = bytes_of(p.optimizer);
  e.activation_bytes = bytes_of(p.activations);
  e.logits_bytes = bytes_of(p.logits);
  e.temporary_bytes = bytes_of(p.temporaries);
  e.workspace_bytes = bytes_of(p.workspace);
  e.total_bytes = bytes_of(p.total);
  e.flops_per_token = p.flops_per_token;
  e.tflops = p.tflops;
  e.step_seconds = p.step_seconds;
  e.total_seconds = p.total_seconds;
  e.total_steps = input.total_steps;
  e.seq_len = input.seq_len;
  // The verdict, and what would fit.
  const double device = static_cast<double>(input.device_memory_bytes);
  if (input.device_memory_bytes > 0) {
    e.fits = p.total <= kFitFraction * device;
    e.tight = e.fits && p.total > kTightFraction * device;
    if (!e.fits || e.tight) {
      e.suggestions = suggest_changes(input, (e.fits ? kTightFraction : kFitFraction) * device);
    }
  }
  // One line: the peak and its parts (gradients and temporaries peak after the activations).
  const bool after_decides = p.gradients + p.temporaries >
                             p.activations + p.logits + (input.grad_accum > 1 ? p.gradients : 0);
  e.summary = approx_bytes(p.total) + " at peak (weights " + format_bytes(e.weights_bytes) +
              ", optimizer " + format_bytes(e.optimizer_bytes) + ", gradients " +
              format_bytes(e.gradient_bytes) + ", activations " + format_bytes(e.activation_bytes) +
              ", logits " + format_bytes(e.logits_bytes) +
              (after_decides ? ", step temporaries " + format_bytes(e.temporary_bytes) : "") +
              ", workspace " + format_bytes(e.workspace_bytes) + "); ~" +
              format_duration(p.step_seconds) + "/step";
  if (input.total_steps > 0) e.summary += ", ~" + format_duration(p.total_seconds) + " in all";
  if (input.device_memory_bytes > 0) {
    const std::string where = format_bytes(input.device_memory_bytes);
    const int percent = static_cast<int>(std::lround(100 * p.total / device));
    const std::string verdict = !e.fits ? "does not fit in " : e.tight ? "tight in " : "fits in ";
    e.summary += "; " + verdict + where + " (" + std::to_string(percent) + " %" +
                 (e.fits ? ")" : ", over 90 %)");
  }
  return e;
}

EstimateInput estimate_input(const ModelConfig& model, const TrainConfig& c) {
  EstimateInput in;
  in.model = model;
  in.method = c.method;
  in.precision = c.precision;
  in.lora_rank = c.lora.rank;
  in.lora_targets = c.lora.target_modules;
  in.freeze_top_blocks = c.freeze.top_blocks;
  in.freeze_train_lm_head = c.freeze.lm_head;
  in.freeze_train_norms = c.freeze.norms;
  in.freeze_train_embeddings = c.freeze.embeddings;
  in.micro_batch = c.micro_batch;
  in.seq_len = c.max_seq_len;
  in.gradient_checkpointing = c.gradient_checkpointing;
  in.grad_accum = c.grad_accum;
  return in;
}

}  // namespace tb::train
