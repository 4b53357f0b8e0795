// The trainer's arithmetic: each method learns a pattern; gradient accumulation equals the big
// batch; a resumed run is bitwise the uninterrupted one; a packed batch gives each example the
// loss it has alone; checkpointed blocks give the same gradients; bf16 keeps fp32 masters.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "core/common/error.h"
#include "core/train/checkpoint.h"
#include "tests/core/train_fixtures.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
using tb::train::TrainConfig;
using tb::train::TrainingSession;
using tb::train::TrainMethod;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(tb_test::test_tmp()) / ("training_session_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TrainConfig quick(TrainMethod method) {
  TrainConfig c;
  c.method = method;
  c.learning_rate = method == TrainMethod::Lora ? 2e-2 : 5e-3;
  c.schedule.kind = tb::train::ScheduleKind::Constant;
  c.micro_batch = 8;
  c.max_steps = 150;
  c.max_seq_len = 64;
  c.lora.rank = 8;
  c.lora.alpha = 16;
  c.freeze.top_blocks = 1;
  c.freeze.lm_head = true;
  return c;
}

double final_loss(TrainMethod method) {
  TrainingSession s(tb::test::tiny_model(), quick(method), tb::test::pattern_set(32));
  for (int i = 0; i < 150; ++i) s.step();
  return s.evaluate(s.train_set()).loss;
}

TEST(TrainingSession, FullLearnsThePattern) { EXPECT_LT(final_loss(TrainMethod::Full), 0.05); }
TEST(TrainingSession, LoraLearnsThePattern) { EXPECT_LT(final_loss(TrainMethod::Lora), 0.05); }
TEST(TrainingSession, FreezeLearnsThePattern) { EXPECT_LT(final_loss(TrainMethod::Freeze), 0.05); }

TEST(TrainingSession, AccumulationEqualsTheBigBatch) {
  // Eight examples of unequal lengths (6..14 tokens): one step of batch 8 against one step of
  // 4 micro-batches of 2. The loss is the mean over all trained tokens in both.
  auto big = quick(TrainMethod::Full);
  big.max_steps = 1;
  big.max_grad_norm = 0;
  big.learning_rate = 1e-3;
  auto small = big;
  small.micro_batch = 2;
  small.grad_accum = 4;
  const auto data = tb::test::pattern_set(8);
  TrainingSession a(tb::test::tiny_model(), big, data);
  TrainingSession b(tb::test::tiny_model(), small, data);
  const auto ra = a.step();
  const auto rb = b.step();
  EXPECT_EQ(ra.trained_tokens, rb.trained_tokens);
  EXPECT_NEAR(ra.loss, rb.loss, 1e-6);
  EXPECT_NEAR(ra.grad_norm, rb.grad_norm, 1e-6 * std::max(1.0, ra.grad_norm));
  double max_diff = 0;
  for (std::size_t i = 0; i < a.trainable().size(); ++i) {
    max_diff = std::max(max_diff, (a.trainable()[i].tensor - b.trainable()[i].tensor).abs().max().item<double>());
  }
  EXPECT_LT(max_diff, 1e-6);
  // Averaging per micro-batch instead would differ: the check can fail.
  double per_micro = 0;
  for (std::int64_t m = 0; m < 4; ++m) {
    tb::train::MicroBatchRows rows = {{2 * m}, {2 * m + 1}};
    const auto batch = tb::train::make_batch(data.examples, rows, 0, 64, false);
    per_micro += tb::train::token_losses(TrainingSession(tb::test::tiny_model(), small, data).logits(batch, false, false),
                                         batch.labels).sum().item<double>() / static_cast<double>(batch.trained_tokens);
  }
  EXPECT_GT(std::abs(per_micro / 4 - ra.loss), 1e-4);
}

TEST(TrainingSession, ResumeIsBitwiseTheSame) {
  auto config = quick(TrainMethod::Lora);
  config.max_steps = 20;
  config.micro_batch = 4;
  config.grad_accum = 2;
  config.lora.dropout = 0.1;  // draws random numbers: the RNG state must come back too
  config.schedule.kind = tb::train::ScheduleKind::Cosine;
  config.schedule.warmup_steps = 3;
  config.weight_decay = 0.01;
  const auto data = tb::test::pattern_set(12);
  std::vector<double> straight;
  TrainingSession a(tb::test::tiny_model(), config, data);
  for (int i = 0; i < 20; ++i) straight.push_back(a.step().loss);

  const fs::path dir = fresh_dir("resume");
  std::vector<double> resumed;
  {
    TrainingSession b(tb::test::tiny_model(), config, data);
    for (int i = 0; i < 10; ++i) resumed.push_back(b.step().loss);
    tb::train::write_checkpoint(dir / "step-10", [&](const fs::path& f) { b.save(f); });
    for (int i = 0; i < 3; ++i) b.step();  // work after the checkpoint is lost with the "kill"
  }
  torch::manual_seed(999);  // a fresh process would have another RNG state
  TrainingSession c(tb::test::tiny_model(), config, data);
  ASSERT_FALSE(tb::train::verify_checkpoint(dir / "step-10").has_value());
  c.load(dir / "step-10");
  EXPECT_EQ(c.step_count(), 10);
  for (int i = 0; i < 10; ++i) resumed.push_back(c.step().loss);
  EXPECT_EQ(straight, resumed);  // exact, not near
  for (std::size_t i = 0; i < a.trainable().size(); ++i) {
    EXPECT_TRUE(torch::equal(a.trainable()[i].tensor, c.trainable()[i].tensor)) << a.trainable()[i].name;
  }
}

TEST(TrainingSession, ResumeRefusesOtherSettingsOrData) {
  auto config = quick(TrainMethod::Lora);
  config.max_steps = 4;
  const auto data = tb::test::pattern_set(8);
  TrainingSession a(tb::test::tiny_model(), config, data);
  a.step();
  const fs::path dir = fresh_dir("refuse");
  tb::train::write_checkpoint(dir / "step-1", [&](const fs::path& f) { a.save(f); });
  auto other = config;
  other.learning_rate = 1e-3;
  TrainingSession b(tb::test::tiny_model(), other, data);
  EXPECT_THROW(b.load(dir / "step-1"), tb::Error);
  TrainingSession c(tb::test::tiny_model(), config, tb::test::pattern_set(9));
  EXPECT_THROW(c.load(dir / "step-1"), tb::Error);
}

TEST(TrainingSession, PackedBatchGivesEachExampleItsOwnLoss) {
  auto config = quick(TrainMethod::Full);
  const auto data = tb::test::pattern_set(5);
  TrainingSession s(tb::test::tiny_model(11), config, data);
  torch::NoGradGuard no_grad;
  // 1. All five in one packed row.
  const tb::train::MicroBatchRows packed_rows = {{0, 1, 2, 3, 4}};
  const auto packed = tb::train::make_batch(data.examples, packed_rows, 0, 64, true);
  const auto packed_losses = tb::train::token_losses(s.logits(packed, true, false), packed.labels)[0];  // [T]
  std::int64_t at = 0;
  for (std::int64_t i = 0; i < 5; ++i) {
    // 2. The same example alone.
    const auto alone = tb::train::make_batch(data.examples, {{i}}, 0, 64, false);
    const double expected = tb::train::token_losses(s.logits(alone, true, false), alone.labels).sum().item<double>();
    const auto n = static_cast<std::int64_t>(data.examples[static_cast<std::size_t>(i)].ids.size());
    const double got = packed_losses.narrow(0, at, n).sum().item<double>();
    EXPECT_NEAR(got, expected, 1e-5 * std::max(1.0, std::abs(expected))) << "example " << i;
    at += n;
  }
  // Without the segment boundaries the losses differ (the check can fail).
  auto leaky = packed;
  leaky.segment_ids = torch::Tensor();
  const auto leaky_losses = tb::train::token_losses(s.logits(leaky, true, false), leaky.labels)[0];
  EXPECT_GT((leaky_losses - packed_losses).abs().max().item<double>(), 1e-4);
}

TEST(TrainingSession, CheckpointedBlocksGiveTheSameGradients) {
  for (const auto method : {TrainMethod::Full, TrainMethod::Lora, TrainMethod::Freeze}) {
    auto config = quick(method);
    config.max_steps = 2;
    config.max_grad_norm = 0;
    auto ckpt = config;
    ckpt.gradient_checkpointing = true;
    const auto data = tb::test::pattern_set(8);
    TrainingSession a(tb::test::tiny_model(3, 3), config, data);
    TrainingSession b(tb::test::tiny_model(3, 3), ckpt, data);
    for (int i = 0; i < 2; ++i) {
      const auto ra = a.step(), rb = b.step();
      EXPECT_NEAR(ra.loss, rb.loss, 1e-6);
      EXPECT_NEAR(ra.grad_norm, rb.grad_norm, 1e-5 * std::max(1.0, ra.grad_norm)) << tb::train::to_string(method);
    }
    for (std::size_t i = 0; i < a.trainable().size(); ++i) {
      EXPECT_LT((a.trainable()[i].tensor - b.trainable()[i].tensor).abs().max().item<double>(), 1e-6)
          << a.trainable()[i].name;
    }
  }
}

TEST(TrainingSession, Bf16KeepsFp32MastersAndLearns) {
  auto config = quick(TrainMethod::Full);
  config.precision = tb::train::Precision::Bf16;
  TrainingSession s(tb::test::tiny_model(7, 2, torch::kBFloat16), config, tb::test::pattern_set(32));
  for (const auto& p : s.trainable()) EXPECT_EQ(p.tensor.scalar_type(), torch::kFloat32) << p.name;
  const double first = s.step().loss;
  for (int i = 0; i < 80; ++i) s.step();
  EXPECT_LT(s.evaluate(s.train_set()).loss, first * 0.3);
  EXPECT_EQ(s.tuned_model()->dtype(), torch::kBFloat16);
}

TEST(TrainingSession, NonFiniteOrRefusedUpdatesLeaveWeightsAlone) {
  auto config = quick(TrainMethod::Full);
  TrainingSession s(tb::test::tiny_model(), config, tb::test::pattern_set(8));
  const auto before = s.trainable()[3].tensor.clone();
  const auto r = s.step([](double, double) { return false; });
  EXPECT_FALSE(r.applied);
  EXPECT_TRUE(torch::equal(before, s.trainable()[3].tensor));
  EXPECT_EQ(s.step_count(), 1);
}

TEST(TrainingSession, EmptyDataAndBadSettingsAreRefused) {
  EXPECT_THROW(TrainingSession(tb::test::tiny_model(), quick(TrainMethod::Lora), tb::train::TrainSet{}), tb::Error);
  auto bad = quick(TrainMethod::Freeze);
  bad.freeze.top_blocks = 9;
  EXPECT_THROW(TrainingSession(tb::test::tiny_model(), bad, tb::test::pattern_set(4)), tb::Error);
  auto zero = quick(TrainMethod::Lora);
  zero.micro_batch = 0;
  EXPECT_THROW(TrainingSession(tb::test::tiny_model(), zero, tb::test::pattern_set(4)), tb::Error);
}

}  // namespace
