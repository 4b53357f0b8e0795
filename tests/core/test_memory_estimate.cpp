// The training memory and time estimate: parameter counts against ModelConfig and PEFT, the
// activation model against what autograd measurably saves, how the parts move with batch,
// checkpointing and method, the fit verdict and its suggestions, and input errors.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/common/error.h"
#include "core/train/memory_estimate.h"

namespace {

using tb::train::AttentionKernel;
using tb::train::estimate_training;
using tb::train::EstimateInput;
using tb::format_bytes;
using tb::train::Precision;
using tb::train::TrainMethod;

// HuggingFaceTB/SmolLM2-135M's config.json.
tb::ModelConfig smollm2_135m() {
  tb::ModelConfig c;
  c.architecture = "llama";
  c.vocab_size = 49152;
  c.hidden_size = 576;
  c.intermediate_size = 1536;
  c.num_layers = 30;
  c.num_heads = 9;
  c.num_kv_heads = 3;
  c.head_dim = 64;
  c.max_position_embeddings = 8192;
  c.rms_norm_eps = 1e-5;
  c.rope_theta = 100000.0;
  c.tie_word_embeddings = true;
  return c;
}

EstimateInput smollm2_input(TrainMethod method, Precision precision = Precision::Fp32) {
  EstimateInput in;
  in.model = smollm2_135m();
  in.method = method;
  in.precision = precision;
  return in;
}

// Per block: q 576*576 = 331,776; k, v 576*192 = 110,592 each; o 331,776; gate, up, down
// 576*1536 = 884,736 each; two norms 1,152 -> 3,540,096. 30 blocks = 106,202,880; embeddings
// 49,152*576 = 28,311,552 (tied head: no second copy); final norm 576. Total 134,515,008.
constexpr std::int64_t kSmolParams = 134'515'008;
constexpr std::int64_t kSmolBlock = 3'540'096;
constexpr std::int64_t kSmolEmbed = 28'311'552;

TEST(MemoryEstimate, SmolLm2ParameterCountAndWeightBytes) {
  const auto config = smollm2_135m();
  ASSERT_EQ(config.parameter_count(), kSmolParams);  // the library's own count agrees
  const auto fp32 = estimate_training(smollm2_input(TrainMethod::Full, Precision::Fp32));
  EXPECT_EQ(fp32.total_params, kSmolParams);
  EXPECT_EQ(fp32.trainable_params, kSmolParams);
  EXPECT_EQ(fp32.weights_bytes, 4u * kSmolParams);  // the model in fp32: 538,060,032
  // Two fp32 moments + the fp32 copy the session trains (the model keeps its own).
  EXPECT_EQ(fp32.optimizer_bytes, 12u * kSmolParams);
  EXPECT_EQ(fp32.gradient_bytes, 4u * kSmolParams);
  // After backward: clip_grad_norm's fp64 copy and square of the largest gradient, the tied
  // embedding's (16 bytes per element), outgrow its extra gradients (8 per element).
  EXPECT_EQ(fp32.temporary_bytes, 16u * kSmolEmbed);
  const auto bf16 = estimate_training(smollm2_input(TrainMethod::Full, Precision::Bf16));
  // The model in bf16 (269,030,016) + each forward's bf16 casts of the trained fp32 copies.
  EXPECT_EQ(bf16.weights_bytes, 2u * kSmolParams + 2u * kSmolParams);
  EXPECT_EQ(bf16.optimizer_bytes, 12u * kSmolParams);
  EXPECT_EQ(bf16.gradient_bytes, fp32.gradient_bytes);
  // LoRA: the model once, in its dtype, and the fp32 adapter (+ its bf16 casts).
  constexpr std::uint64_t kAdapter = 2'442'240;
  EXPECT_EQ(estimate_training(smollm2_input(TrainMethod::Lora, Precision::Fp32)).weights_bytes,
            4u * kSmolParams + 4u * kAdapter);
  EXPECT_EQ(estimate_training(smollm2_input(TrainMethod::Lora, Precision::Bf16)).weights_bytes,
            2u * kSmolParams + 6u * kAdapter);
}

TEST(MemoryEstimate, LoraTrainableCountMatchesPeft) {
  // Per layer, r * (in + out) over the 7 modules with r = 8:
  //   q 8*(576+576) = 9,216   k 8*(576+192) = 6,144   v 6,144   o 9,216
  //   gate 8*(576+1536) = 16,896   up 16,896   down 16,896          -> 81,408
  // 30 layers -> 2,442,240. PEFT 0.21.2 on this config prints "trainable params: 2,442,240 ||
  // all params: 136,957,248".
  const auto e = estimate_training(smollm2_input(TrainMethod::Lora));
  EXPECT_EQ(e.trainable_params, 2'442'240);
  EXPECT_EQ(e.total_params, 136'957'248);
  EXPECT_EQ(e.weights_bytes, 4u * 136'957'248);
  EXPECT_EQ(e.gradient_bytes, 4u * 2'442'240);
  EXPECT_EQ(e.optimizer_bytes, 8u * 2'442'240);
  // Fewer targets, other rank: q and v at r = 16 -> 30 * (16*1152 + 16*768) = 921,600.
  auto in = smollm2_input(TrainMethod::Lora);
  in.lora_rank = 16;
  in.lora_targets = {"q_proj", "v_proj"};
  EXPECT_EQ(estimate_training(in).trainable_params, 921'600);
}

// microsoft/Phi-3.5-mini-instruct's sizes: q, k, v fused into qkv_proj, gate and up into
// gate_up_proj. PEFT can adapt only whole modules, so naming any part adapts the fused matrix:
// per layer r * (in + out) with r = 8: qkv 8*(3072+9216) = 98,304, o 49,152, gate_up
// 8*(3072+16384) = 155,648, down 90,112 -> 393,216; 32 layers -> 12,582,912. PEFT 0.21.2 on this
// config (target_modules qkv_proj, o_proj, gate_up_proj, down_proj) prints "trainable params:
// 12,582,912 || all params: 3,833,662,464"; the base model has 3,821,079,552.
TEST(MemoryEstimate, FusedProjectionsCountOneAdapterPerFusedMatrix) {
  EstimateInput in;
  in.model.architecture = "phi3";
  in.model.vocab_size = 32064;
  in.model.hidden_size = 3072;
  in.model.intermediate_size = 8192;
  in.model.num_layers = 32;
  in.model.num_heads = 32;
  in.model.num_kv_heads = 32;
  in.model.head_dim = 96;
  in.model.fused_projections = true;
  in.method = TrainMethod::Lora;
  ASSERT_EQ(in.model.parameter_count(), 3'821'079'552);
  const auto e = estimate_training(in);
  EXPECT_EQ(e.trainable_params, 12'582'912);
  EXPECT_EQ(e.total_params, 3'833'662'464);
  // Only k_proj named: still the whole qkv_proj (8 * (3072 + 9216) * 32 = 3,145,728).
  in.lora_targets = {"k_proj"};
  EXPECT_EQ(estimate_training(in).trainable_params, 3'145'728);
}

TEST(MemoryEstimate, FreezeTrainsTheTopBlocks) {
  auto in = smollm2_input(TrainMethod::Freeze);
  in.freeze_top_blocks = 2;
  // Two whole blocks and the final norm (as freeze_trainable_names has it).
  EXPECT_EQ(estimate_training(in).trainable_params, 2 * kSmolBlock + 576);
  in.freeze_train_norms = true;  // + the other 28 blocks' two norms
  EXPECT_EQ(estimate_training(in).trainable_params, 2 * kSmolBlock + 576 + 28 * 1152LL);
  in.freeze_train_norms = false;
  const auto without_head = estimate_training(in);
  in.freeze_train_lm_head = true;  // tied: the head is the embedding matrix
  const auto with_head = estimate_training(in);
  EXPECT_EQ(with_head.trainable_params, 2 * kSmolBlock + 576 + kSmolEmbed);
  // A trained tied head trains the lookup too, so the gradient runs through every block.
  EXPECT_GT(with_head.activation_bytes, 4 * without_head.activation_bytes);
  in.freeze_top_blocks = 30;
  in.freeze_train_lm_head = false;
  in.freeze_train_embeddings = true;
  EXPECT_EQ(estimate_training(in).trainable_params, kSmolParams);
}

// Unique bytes autograd saved before the loss, measured with torch.autograd.graph.
// saved_tensors_hooks on a Python replica of transformer.cpp's forward (libtorch 2.11, CPU,
// SmolLM2's shapes with 4 layers, micro-batch 2, sequence 256), weights excluded. The replica
// also left out the fp32 RoPE cos/sin pair, which the estimate counts (2 * 512 * 64 * 4 bytes).
TEST(MemoryEstimate, ActivationsMatchWhatAutogradSaves) {
  struct Case {
    TrainMethod method;
    Precision precision;
    bool mask;
    std::uint64_t measured;
  };
  const std::uint64_t rope = 2ULL * 512 * 64 * 4;
  const Case cases[] = {
      {TrainMethod::Full, Precision::Fp32, false, 94'857'216 + rope},
      {TrainMethod::Lora, Precision::Fp32, false, 82'337'792 + rope},
      {TrainMethod::Freeze, Precision::Fp32, false, 46'837'760 + rope},
      {TrainMethod::Full, Precision::Bf16, false, 53'831'680},
      {TrainMethod::Lora, Precision::Bf16, false, 46'981'120},
      {TrainMethod::Lora, Precision::Fp32, true, 84'434'944 + rope},
  };
  for (const Case& c : cases) {
    auto in = smollm2_input(c.method, c.precision);
    in.model.num_layers = 4;
    in.micro_batch = 2;
    in.seq_len = 256;
    in.attention_mask = c.mask;
    EXPECT_EQ(estimate_training(in).activation_bytes, c.measured)
        << tb::train::to_string(c.method) << " " << tb::train::to_string(c.precision) << " mask "
        << c.mask;
  }
}

TEST(MemoryEstimate, TotalIsThePeakOfTheTwoPhases) {
  for (const auto method : {TrainMethod::Full, TrainMethod::Lora}) {
    auto in = smollm2_input(method);
    in.micro_batch = 1;
    in.seq_len = 128;  // small activations: for full fine-tuning the phase after backward decides
    for (const bool cuda : {false, true}) {
      in.cuda = cuda;
      const auto e = estimate_training(in);
      const double during = static_cast<double>(e.activation_bytes + e.logits_bytes);
      const double after = static_cast<double>(e.gradient_bytes + e.temporary_bytes);
      const double peak =
          static_cast<double>(e.weights_bytes + e.optimizer_bytes) + std::max(during, after);
      EXPECT_NEAR(static_cast<double>(e.total_bytes), 1.1 * peak + (cuda ? 200e6 : 0), 4.0);
      EXPECT_NEAR(static_cast<double>(e.workspace_bytes), 0.1 * peak + (cuda ? 200e6 : 0), 4.0);
    }
    // Accumulating keeps the gradients through the next micro-batch's backward.
    in.cuda = false;
    const auto once = estimate_training(in);
    in.grad_accum = 4;
    const auto accumulating = estimate_training(in);
    EXPECT_GE(accumulating.total_bytes, once.total_bytes);
    if (method == TrainMethod::Lora) {
      EXPECT_GT(accumulating.total_bytes, once.total_bytes);
    }
    EXPECT_NEAR(static_cast<double>(accumulating.total_bytes),
                1.1 * static_cast<double>(
                          accumulating.weights_bytes + accumulating.optimizer_bytes +
                          std::max(accumulating.activation_bytes + accumulating.logits_bytes +
                                       accumulating.gradient_bytes,
                                   accumulating.gradient_bytes + accumulating.temporary_bytes)),
                4.0);
  }
}

TEST(MemoryEstimate, GradientCheckpointingLowersActivations) {
  for (const auto method : {TrainMethod::Full, TrainMethod::Lora, TrainMethod::Freeze}) {
    auto in = smollm2_input(method);
    const auto plain = estimate_training(in);
    in.gradient_checkpointing = true;
    const auto checkpointed = estimate_training(in);
    EXPECT_LT(checkpointed.activation_bytes, plain.activation_bytes)
        << tb::train::to_string(method);
    EXPECT_EQ(checkpointed.logits_bytes, plain.logits_bytes);
    EXPECT_GT(checkpointed.flops_per_token, plain.flops_per_token);  // the recomputed forward
  }
  // 30 blocks keep ~one input each instead of everything: several times less.
  auto in = smollm2_input(TrainMethod::Lora);
  const auto plain = estimate_training(in).activation_bytes;
  in.gradient_checkpointing = true;
  EXPECT_LT(estimate_training(in).activation_bytes * 5, plain);
}

TEST(MemoryEstimate, ActivationsAndLogitsGrowLinearlyWithTheBatch) {
  for (const auto method : {TrainMethod::Full, TrainMethod::Lora, TrainMethod::Freeze}) {
    auto in = smollm2_input(method);
    in.micro_batch = 4;
    const auto four = estimate_training(in);
    in.micro_batch = 8;
    const auto eight = estimate_training(in);
    EXPECT_EQ(eight.activation_bytes, 2 * four.activation_bytes);
    EXPECT_EQ(eight.logits_bytes, 2 * four.logits_bytes);
    EXPECT_EQ(eight.weights_bytes, four.weights_bytes);
    EXPECT_GT(eight.total_bytes, four.total_bytes);
    // The loss: fp32 log-probs and, at the start of backward, two fp32 gradients: N * V * 12.
    EXPECT_EQ(eight.logits_bytes, 8u * 512u * 49152u * 12u);
  }
}

TEST(MemoryEstimate, MathAttentionKeepsTheScoreMatrix) {
  auto in = smollm2_input(TrainMethod::Lora);
  const auto fused = estimate_training(in);
  in.attention = AttentionKernel::Math;
  const auto math = estimate_training(in);
  EXPECT_GT(math.activation_bytes, fused.activation_bytes);
  // Quadratic in T: doubling the sequence more than doubles the activations.
  in.seq_len = 1024;
  EXPECT_GT(estimate_training(in).activation_bytes, 2 * math.activation_bytes);
}

TEST(MemoryEstimate, FullFineTuningCostsSixFlopsPerWeightPlusAttention) {
  auto in = smollm2_input(TrainMethod::Full);
  in.attention_mask = false;  // a fused causal kernel skips the masked half: T' = 256
  in.device_tflops = 10;
  in.grad_accum = 2;
  in.total_steps = 100;
  const auto e = estimate_training(in);
  // Matmul weights: 30 * 3,538,944 + the head 28,311,552 = 134,479,872, 6 FLOPs each per token.
  // Attention per layer: forward 4 * 256 * 9 * 64 = 589,824, backward 2.5x -> 2,064,384.
  const double expected = 6.0 * 134'479'872 + 30.0 * 2'064'384;
  EXPECT_DOUBLE_EQ(e.flops_per_token, expected);
  EXPECT_DOUBLE_EQ(e.step_seconds, expected * 4 * 512 * 2 / 10e12);
  EXPECT_DOUBLE_EQ(e.total_seconds, 100 * e.step_seconds);
  // LoRA skips the weight gradients (and layer 0's q/k/v input gradients): about 2/3 of full.
  in.method = TrainMethod::Lora;
  const double lora = estimate_training(in).flops_per_token;
  EXPECT_GT(lora, 0.65 * expected);
  EXPECT_LT(lora, 0.75 * expected);
}

TEST(MemoryEstimate, UnknownMemoryGivesNoVerdict) {
  auto in = smollm2_input(TrainMethod::Full);
  in.micro_batch = 64;
  in.seq_len = 4096;
  const auto e = estimate_training(in);
  EXPECT_TRUE(e.fits);
  EXPECT_FALSE(e.tight);
  EXPECT_TRUE(e.suggestions.empty());
  EXPECT_EQ(e.summary.find("fit"), std::string::npos);
}

// Every suggestion, applied and re-estimated, fits (or is comfortable, for a tight plan).
void expect_suggestions_work(const tb::train::MemoryEstimate& e, double fraction,
                             std::uint64_t device) {
  ASSERT_FALSE(e.suggestions.empty()) << e.summary;
  for (const auto& s : e.suggestions) {
    const auto again = estimate_training(s.input);
    EXPECT_TRUE(again.fits) << s.text;
    EXPECT_FALSE(again.tight && fraction < tb::train::kFitFraction) << s.text;
    EXPECT_EQ(again.total_bytes, s.total_bytes) << s.text;
    EXPECT_LE(static_cast<double>(s.total_bytes), fraction * static_cast<double>(device)) << s.text;
    EXPECT_NE(s.text.find("→ ~"), std::string::npos) << s.text;
  }
}

TEST(MemoryEstimate, TooSmallDeviceSuggestsChangesThatFit) {
  auto in = smollm2_input(TrainMethod::Full);
  in.micro_batch = 8;
  in.seq_len = 1024;
  in.cuda = true;
  in.device_memory_bytes = 13'000'000'000;  // ~23 GB needed; ~11 GB with checkpointing
  const auto e = estimate_training(in);
  EXPECT_FALSE(e.fits);
  EXPECT_NE(e.summary.find("does not fit in 13 GB"), std::string::npos) << e.summary;
  expect_suggestions_work(e, tb::train::kFitFraction, in.device_memory_bytes);
  // The smallest change comes first: checkpointing, then a smaller micro-batch keeping the
  // effective batch.
  EXPECT_EQ(e.suggestions.front().text.rfind("turn on gradient checkpointing", 0), 0u)
      << e.suggestions.front().text;
  for (const auto& s : e.suggestions) {
    if (s.input.micro_batch != in.micro_batch) {
      EXPECT_EQ(s.input.micro_batch * s.input.grad_accum, in.micro_batch * in.grad_accum) << s.text;
    }
  }
}

TEST(MemoryEstimate, NoSingleChangeIsEnoughSuggestsThemTogether) {
  auto in = smollm2_input(TrainMethod::Full);
  in.micro_batch = 8;
  in.seq_len = 2048;
  in.cuda = true;
  in.device_memory_bytes = 1'500'000'000;  // full fp32 weights + state alone are 2.6 GB
  const auto e = estimate_training(in);
  EXPECT_FALSE(e.fits);
  expect_suggestions_work(e, tb::train::kFitFraction, in.device_memory_bytes);
  ASSERT_EQ(e.suggestions.size(), 1u);
  EXPECT_EQ(e.suggestions[0].text.rfind("together: ", 0), 0u) << e.suggestions[0].text;
  // Nothing fits in 100 MB: no suggestion rather than a wrong one.
  in.device_memory_bytes = 100'000'000;
  const auto hopeless = estimate_training(in);
  EXPECT_FALSE(hopeless.fits);
  EXPECT_TRUE(hopeless.suggestions.empty());
}

TEST(MemoryEstimate, TightPlanSuggestsComfortableOnes) {
  auto in = smollm2_input(TrainMethod::Lora);
  const auto total = estimate_training(in).total_bytes;
  in.device_memory_bytes =
      static_cast<std::uint64_t>(static_cast<double>(total) / 0.8);  // 80 % used
  const auto e = estimate_training(in);
  EXPECT_TRUE(e.fits);
  EXPECT_TRUE(e.tight);
  EXPECT_NE(e.summary.find("tight in"), std::string::npos) << e.summary;
  expect_suggestions_work(e, tb::train::kTightFraction, in.device_memory_bytes);
  // Roomy: no suggestions.
  in.device_memory_bytes = 80'000'000'000;
  const auto roomy = estimate_training(in);
  EXPECT_TRUE(roomy.fits);
  EXPECT_FALSE(roomy.tight);
  EXPECT_TRUE(roomy.suggestions.empty());
}

TEST(MemoryEstimate, SummaryIsOnePlainLine) {
  auto in = smollm2_input(TrainMethod::Lora);
  in.total_steps = 500;
  in.device_memory_bytes = 16'000'000'000;
  const auto e = estimate_training(in);
  EXPECT_EQ(e.summary.find('\n'), std::string::npos);
  EXPECT_EQ(e.summary.front(), '~') << e.summary;
  for (const char* part : {"weights ", "gradients ", "optimizer ", "activations ", "s/step",
                           "in all", "fits in 16 GB"}) {
    EXPECT_NE(e.summary.find(part), std::string::npos) << part << " in " << e.summary;
  }
}

TEST(MemoryEstimate, FormatBytesUsesDecimalUnits) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(999), "999 B");
  EXPECT_EQ(format_bytes(1000), "1 kB");
  EXPECT_EQ(format_bytes(1500), "1.5 kB");
  EXPECT_EQ(format_bytes(7'000'000), "7 MB");
  EXPECT_EQ(format_bytes(7'260'000), "7.3 MB");
  EXPECT_EQ(format_bytes(540'000'000), "540 MB");
  EXPECT_EQ(format_bytes(538'060'032), "538 MB");
  EXPECT_EQ(format_bytes(999'600'000), "1 GB");
  EXPECT_EQ(format_bytes(1'940'000'000), "1.9 GB");
  EXPECT_EQ(format_bytes(12'400'000'000), "12 GB");
  EXPECT_EQ(format_bytes(80'000'000'000), "80 GB");
  EXPECT_EQ(format_bytes(2'500'000'000'000), "2.5 TB");
}

void expect_error_on(const EstimateInput& in, const std::string& field) {
  try {
    estimate_training(in);
    ADD_FAILURE() << "no error for " << field;
  } catch (const tb::Error& e) {
    EXPECT_EQ(e.where().field, field) << e.what();
  }
}

TEST(MemoryEstimate, InvalidInputNamesTheField) {
  auto in = smollm2_input(TrainMethod::Lora);
  in.micro_batch = 0;
  expect_error_on(in, "micro_batch");
  in = smollm2_input(TrainMethod::Lora);
  in.seq_len = 0;
  expect_error_on(in, "seq_len");
  in = smollm2_input(TrainMethod::Lora);
  in.grad_accum = 0;
  expect_error_on(in, "grad_accum");
  in = smollm2_input(TrainMethod::Lora);
  in.lora_rank = 0;
  expect_error_on(in, "lora_rank");
  in = smollm2_input(TrainMethod::Lora);
  in.lora_targets = {"q_proj", "qkv"};
  expect_error_on(in, "lora_targets");
  in = smollm2_input(TrainMethod::Freeze);
  in.freeze_top_blocks = 31;
  expect_error_on(in, "freeze_top_blocks");
  in.freeze_top_blocks = 0;  // and nothing else trains
  expect_error_on(in, "freeze_top_blocks");
  in = smollm2_input(TrainMethod::Lora);
  in.device_tflops = -1;
  expect_error_on(in, "device_tflops");
  in = smollm2_input(TrainMethod::Lora);
  in.model.num_kv_heads = 4;  // does not divide 9 heads: ModelConfig::validate's field
  expect_error_on(in, "num_key_value_heads");
  // A rank of 0 matters only for LoRA.
  in = smollm2_input(TrainMethod::Full);
  in.lora_rank = 0;
  EXPECT_NO_THROW(estimate_training(in));
}

}  // namespace
