// Memory and time estimate for a training run before it starts: parameter counts, the bytes of
// weights, gradients, AdamW state, saved activations and the loss's logits, a fit verdict against
// the device's free memory and concrete changes that would fit. Plain arithmetic over ModelConfig
// (no torch, no allocation), modelled on what libtorch 2.11's autograd saves in transformer.cpp's
// forward; the tensor-by-tensor accounting is documented in memory_estimate.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/common/units.h"
#include "core/model/model_config.h"
#include "core/train/train_config.h"
#include "core/train/train_method.h"

namespace tb::train {

// Which scaled_dot_product_attention kernel the forward gets. libtorch 2.11 picks a fused one for
// our calls on CPU (flash-for-CPU, also with GQA, masks and bf16) and on CUDA sm80+ (flash, cuDNN
// or memory-efficient): it saves q, k, v, the output and a [B, H, T] logsumexp. Math (the
// fallback, or forced) saves the [B, H, T, T] probabilities and fp32 copies of q, k, v.
enum class AttentionKernel { Fused, Math };

struct EstimateInput {
  ModelConfig model;
  TrainMethod method = TrainMethod::Lora;
  Precision precision = Precision::Fp32;
  // LoRA (method Lora): rank and targets, lora.h's names (the 7 block linears, lm_head,
  // embed_tokens).
  std::int64_t lora_rank = 8;
  std::vector<std::string> lora_targets = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                           "gate_proj", "up_proj", "down_proj"};
  // Freeze (method Freeze): trainable.h's FreezeSpec. With tied embeddings a trained head trains
  // the embeddings, and then the gradient runs through every block.
  std::int64_t freeze_top_blocks = 2;
  bool freeze_train_lm_head = false;
  bool freeze_train_norms = false;
  bool freeze_train_embeddings = false;
  // The batch.
  std::int64_t micro_batch = 4;
  std::int64_t seq_len = 512;
  bool gradient_checkpointing = false;
  bool attention_mask =
      true;  // padded or packed batches: each layer's SDPA keeps a [B, 1, T, T] mask
  AttentionKernel attention = AttentionKernel::Fused;
  // The device. device_memory_bytes: free memory (GPU) or available RAM (CPU); 0 = unknown, no
  // verdict.
  bool cuda = false;
  std::uint64_t device_memory_bytes = 0;
  // The time estimate: optimizer steps, micro-batches per step, sustained TFLOPS for this
  // precision (0 = kDefault*Tflops below).
  std::int64_t total_steps = 0;
  std::int64_t grad_accum = 1;
  double device_tflops = 0;
};

// Sustained whole-step throughput assumed when EstimateInput::device_tflops is 0 (basis in the
// .cpp).
inline constexpr double kDefaultCpuFp32Tflops = 0.1;
inline constexpr double kDefaultCpuBf16Tflops = 0.05;
inline constexpr double kDefaultCudaFp32Tflops = 15.0;
inline constexpr double kDefaultCudaBf16Tflops = 100.0;
// The verdict: fits when the total is at most 90 % of the device's memory; tight above 75 %.
inline constexpr double kFitFraction = 0.90;
inline constexpr double kTightFraction = 0.75;

// One change to the input that brings the total within the target (90 % of the device's memory,
// or 75 % when the plan is merely tight); `input` is the changed input, to apply or re-estimate.
struct Suggestion {
  std::string text;  // "micro-batch 2 instead of 8, gradient accumulation 4 instead of 1 ..."
  EstimateInput input;
  std::uint64_t total_bytes = 0;
  TrainConfig config;  // the run's settings with this change (filled by run_estimate.h's estimate_run)
};

struct MemoryEstimate {
  std::int64_t total_params = 0;      // base model + LoRA adapter (PEFT's "all params")
  std::int64_t trainable_params = 0;  // PEFT's "trainable params" for LoRA
  // The model as loaded (its dtype), the fp32 LoRA adapter, and with bf16 each forward's bf16
  // casts of the trained tensors.
  std::uint64_t weights_bytes = 0;
  std::uint64_t gradient_bytes = 0;  // fp32, one per trainable parameter
  // AdamW: 2 fp32 moments per trainable parameter; full / freeze: + the fp32 copies they train.
  std::uint64_t optimizer_bytes = 0;
  std::uint64_t activation_bytes = 0;  // what autograd saves in the blocks and the final norm/head
  std::uint64_t logits_bytes = 0;      // the loss and the head's backward: log-probs and gradients
  // After backward, while activations and logits are freed: a tied embedding's extra gradients
  // or clip_grad_norm's fp64 copies of the largest gradient, whichever is larger.
  std::uint64_t temporary_bytes = 0;
  std::uint64_t workspace_bytes = 0;  // 10 % of the peak below, + 200 MB on CUDA
  // The peak, not the sum of the parts: weights + optimizer + the larger of (activations + logits
  // [+ gradients when accumulating]) and (gradients + temporaries), + workspace.
  std::uint64_t total_bytes = 0;
  double flops_per_token = 0;  // forward + backward (+ recompute), matmuls and attention
  double tflops = 0;           // the throughput the times assume
  double step_seconds = 0;     // one optimizer step: grad_accum micro-batches
  double total_seconds = 0;    // total_steps steps; 0 when total_steps is 0
  std::int64_t total_steps = 0;  // the input's: optimizer steps the times count (0 = unknown)
  std::int64_t seq_len = 0;      // the input's: tokens a micro-batch row reaches
  bool fits = true;            // false only when device_memory_bytes > 0 and total > 90 % of it
  bool tight = false;          // fits, but total > 75 % of the device's memory
  std::string summary;  // "~1.9 GB (weights 540 MB, ...); ~0.8 s/step, ~7 min in all; fits in 8 GB"
  std::vector<Suggestion> suggestions;  // when it does not fit or is tight; smallest change first
};

// The estimate's input for a run of `config` on `model`: method, precision, LoRA and freeze
// settings, micro-batch, sequence length (max_seq_len), gradient checkpointing and accumulation.
// The device, the step count and a shorter real sequence length are the caller's to fill in.
EstimateInput estimate_input(const ModelConfig& model, const TrainConfig& config);

// Throws tb::Error naming the field for input that cannot describe a run (micro_batch, seq_len,
// grad_accum, total_steps, device_tflops, lora_rank, lora_targets, freeze_top_blocks, or the
// model's own fields through ModelConfig::validate).
MemoryEstimate estimate_training(const EstimateInput& input);


}  // namespace tb::train
