// The trainer's parts on their own: AdamW against libtorch's torch::optim::AdamW, clipping,
// schedules, epoch orders and micro-batch plans, batch tensors, and the settings' JSON form
// (sealed checkpoints: test_checkpoint.cpp).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/common/error.h"
#include "core/train/adamw.h"
#include "core/train/batcher.h"
#include "core/train/lr_schedule.h"
#include "core/train/train_config.h"
#include "tests/core/train_fixtures.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
using namespace tb::train;

TEST(AdamW, MatchesLibtorchAdamW) {
  torch::manual_seed(0);
  const auto w0 = torch::randn({5, 7});
  const auto b0 = torch::randn({7});
  auto w = w0.clone().requires_grad_(true), b = b0.clone().requires_grad_(true);
  auto rw = w0.clone().requires_grad_(true);
  AdamW ours({{"w", w, true}, {"b", b, false}}, {0.9, 0.95, 1e-8, 0.1});
  torch::optim::AdamW theirs({rw}, torch::optim::AdamWOptions(1e-2).betas({0.9, 0.95}).eps(1e-8).weight_decay(0.1));
  for (int step = 0; step < 6; ++step) {
    const auto g = torch::randn({5, 7});
    w.mutable_grad() = g.clone();
    b.mutable_grad() = torch::ones({7});
    rw.mutable_grad() = g.clone();
    ours.step(1e-2);
    theirs.step();
  }
  EXPECT_LT((w - rw).abs().max().item<double>(), 1e-6);
  // No decay on b: after 6 steps of a constant gradient, Adam moves it by about 6 lr.
  EXPECT_NEAR((b0 - b).mean().item<double>(), 6e-2, 1e-3);
  EXPECT_EQ(ours.step_count(), 6);
  // The state round-trips.
  AdamW copy({{"w", w.detach().clone().requires_grad_(true), true}, {"b", b.detach().clone().requires_grad_(true), false}},
             {0.9, 0.95, 1e-8, 0.1});
  copy.load_state(ours.state_tensors(), ours.step_count());
  EXPECT_TRUE(torch::equal(copy.state_tensors()[0].second, ours.state_tensors()[0].second));
  EXPECT_THROW(copy.load_state({}, 1), tb::Error);
}

TEST(AdamW, ClippingAndDecayRules) {
  auto a = torch::zeros({3}).requires_grad_(true), c = torch::zeros({4}).requires_grad_(true);
  a.mutable_grad() = torch::tensor({3.0, 0.0, 0.0});
  c.mutable_grad() = torch::tensor({0.0, 4.0, 0.0, 0.0});
  const std::vector<NamedParameter> params{{"a", a, true}, {"c", c, true}};
  EXPECT_NEAR(clip_grad_norm(params, 1.0), 5.0, 1e-12);
  EXPECT_NEAR(torch::cat({a.grad(), c.grad()}).norm().item<double>(), 1.0, 1e-5);
  a.mutable_grad() = torch::tensor({std::nan(""), 0.0, 0.0});
  EXPECT_TRUE(std::isnan(clip_grad_norm(params, 1.0)));
  EXPECT_FALSE(decays("model.layers.0.input_layernorm.weight", torch::zeros({4})));
  EXPECT_FALSE(decays("model.layers.0.self_attn.q_proj.bias", torch::zeros({4})));
  EXPECT_TRUE(decays("model.layers.0.self_attn.q_proj.weight", torch::zeros({4, 4})));
}

TEST(Schedule, WarmupThenDecay) {
  ScheduleConfig s;
  s.warmup_steps = 4;
  s.kind = ScheduleKind::Cosine;
  EXPECT_DOUBLE_EQ(learning_rate_at(s, 1.0, 0, 14), 0.25);
  EXPECT_DOUBLE_EQ(learning_rate_at(s, 1.0, 3, 14), 1.0);
  EXPECT_DOUBLE_EQ(learning_rate_at(s, 1.0, 4, 14), 1.0);
  EXPECT_NEAR(learning_rate_at(s, 1.0, 9, 14), 0.5, 1e-12);  // halfway through 10 decay steps
  EXPECT_GT(learning_rate_at(s, 1.0, 13, 14), 0.0);         // the last step still learns
  s.kind = ScheduleKind::Linear;
  EXPECT_NEAR(learning_rate_at(s, 1.0, 9, 14), 0.5, 1e-12);
  EXPECT_NEAR(learning_rate_at(s, 1.0, 13, 14), 0.1, 1e-12);
  s.min_lr_ratio = 0.5;
  EXPECT_NEAR(learning_rate_at(s, 2.0, 14, 14), 1.0, 1e-12);
  s.kind = ScheduleKind::Constant;
  EXPECT_DOUBLE_EQ(learning_rate_at(s, 2.0, 100, 14), 2.0);
  EXPECT_THROW(parse_schedule_kind("exponential"), tb::Error);
}

TEST(Batcher, EpochOrdersArePermutationsAndMixingFollowsWeights) {
  const auto a = epoch_order(100, 7, 0), b = epoch_order(100, 7, 0), c = epoch_order(100, 7, 1);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(std::set<std::int64_t>(a.begin(), a.end()).size(), 100u);
  std::vector<std::int32_t> task(1000);
  for (std::size_t i = 0; i < task.size(); ++i) task[i] = i < 900 ? 0 : 1;  // 900 vs 100 examples
  const auto mixed = epoch_order(1000, 7, 0, task, {1.0, 1.0});          // but equal weights
  std::int64_t from_small = 0;
  for (const auto i : mixed) from_small += task[static_cast<std::size_t>(i)];
  EXPECT_NEAR(static_cast<double>(from_small) / 1000.0, 0.5, 0.05);
  EXPECT_THROW(epoch_order(10, 1, 0, std::vector<std::int32_t>(10, 0), {0.0}), tb::Error);
}

TEST(Batcher, PlansCoverEveryExampleOnceAndPackWithinTheLength) {
  std::vector<std::int64_t> lengths;
  for (int i = 0; i < 53; ++i) lengths.push_back(5 + (i * 13) % 40);
  const auto order = epoch_order(53, 3, 0);
  for (const bool packing : {false, true}) {
    BatchOptions o;
    o.micro_batch = 4;
    o.max_seq_len = 64;
    o.packing = packing;
    const auto plan = plan_micro_batches(order, lengths, o, 3);
    std::multiset<std::int64_t> seen;
    for (const auto& mb : plan) {
      EXPECT_LE(mb.size(), 4u);
      for (const auto& row : mb) {
        std::int64_t used = 0;
        for (const auto i : row) {
          seen.insert(i);
          used += lengths[static_cast<std::size_t>(i)];
        }
        EXPECT_LE(used, 64);
        if (!packing) {
          EXPECT_EQ(row.size(), 1u);
        }
      }
    }
    EXPECT_EQ(seen.size(), 53u);
    EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()).size(), 53u);
  }
}

TEST(Batcher, BatchTensorsShiftLabelsAndRestartPositions) {
  const auto set = tb::test::pattern_set(3);
  const auto packed = make_batch(set.examples, {{0, 1}}, 0, 64, true);
  const auto& e0 = set.examples[0];
  const auto n0 = static_cast<std::int64_t>(e0.ids.size());
  EXPECT_EQ(packed.positions[0][n0].item<std::int64_t>(), 0);  // the second example restarts
  EXPECT_EQ(packed.segment_ids[0][n0].item<std::int64_t>(), 1);
  EXPECT_EQ(packed.labels[0][n0 - 1].item<std::int64_t>(), kIgnoreLabel);  // no prediction across
  EXPECT_EQ(packed.labels[0][2].item<std::int64_t>(), e0.ids[3]);           // label = next token
  EXPECT_EQ(packed.labels[0][1].item<std::int64_t>(), kIgnoreLabel);        // the prompt is not trained
  const auto padded = make_batch(set.examples, {{0}, {1}}, 0, 64, false);
  EXPECT_EQ(padded.tokens, static_cast<std::int64_t>(e0.ids.size() + set.examples[1].ids.size()));
  EXPECT_EQ(padded.trained_tokens, (padded.labels != kIgnoreLabel).sum().item<std::int64_t>());
  const auto cut = make_batch(set.examples, {{2}}, 0, 5, false);
  EXPECT_EQ(cut.ids.size(1), 5);
}

TEST(TrainConfigJson, RoundTripUnknownKeysAndHash) {
  TrainConfig c;
  c.method = TrainMethod::Freeze;
  c.freeze.top_blocks = 3;
  c.learning_rate = 3e-4;
  c.detectors.patience_evals = 2;
  const nlohmann::json j = c;
  const auto back = train_config_from_json(j, "x.json");
  EXPECT_EQ(nlohmann::json(back), j);
  EXPECT_EQ(config_hash(back), config_hash(c));
  auto cadence = c;
  cadence.eval_every = 7;  // reporting cadence does not change the arithmetic
  EXPECT_EQ(config_hash(cadence), config_hash(c));
  auto other = c;
  other.seed = 1;
  EXPECT_NE(config_hash(other), config_hash(c));
  auto bad = j;
  bad["lora"]["rnak"] = 4;
  try {
    train_config_from_json(bad, "x.json");
    FAIL();
  } catch (const tb::Error& e) {
    EXPECT_EQ(e.where().field, "lora.rnak");
  }
  bad = j;
  bad["learning_rate"] = "fast";
  EXPECT_THROW(train_config_from_json(bad, "x.json"), tb::Error);
  bad = j;
  bad["method"] = "qlora";
  EXPECT_THROW(train_config_from_json(bad, "x.json"), tb::Error);
}

}  // namespace
