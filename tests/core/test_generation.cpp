// Sampling: greedy is argmax; repetition penalty as transformers (divide positive, multiply
// negative); top-k, top-p and min-p leave only the allowed tokens; a seed repeats the draw.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

#include "core/model/generation.h"

namespace {

torch::Generator gen(std::uint64_t seed) { return torch::make_generator<at::CPUGeneratorImpl>(seed); }

TEST(Sampling, GreedyAndRepetitionPenalty) {
  const auto logits = torch::tensor({{1.0f, 3.0f, 2.9f, -1.0f}});
  tb::GenerationParams p;
  auto g = gen(0);
  EXPECT_EQ(tb::sample_next(logits, {}, p, g).item<std::int64_t>(), 1);
  p.repetition_penalty = 2.0;  // token 1 seen: 3.0 -> 1.5, so token 2 (2.9) wins
  EXPECT_EQ(tb::sample_next(logits, torch::tensor({{1}}, torch::kInt64), p, g).item<std::int64_t>(), 2);
  // A negative logit is multiplied: -1 -> -2, still last.
  const auto neg = torch::tensor({{-1.0f, -1.5f}});
  EXPECT_EQ(tb::sample_next(neg, torch::tensor({{0}}, torch::kInt64), p, g).item<std::int64_t>(), 1);
}

std::set<std::int64_t> draws(const torch::Tensor& logits, const tb::GenerationParams& p) {
  std::set<std::int64_t> seen;
  auto g = gen(1);
  for (int i = 0; i < 400; ++i) seen.insert(tb::sample_next(logits, {}, p, g).item<std::int64_t>());
  return seen;
}

TEST(Sampling, WarpersKeepOnlyAllowedTokens) {
  // probabilities about 0.64, 0.24, 0.09, 0.03
  const auto logits = torch::tensor({{3.0f, 2.0f, 1.0f, 0.0f}});
  tb::GenerationParams p;
  p.temperature = 1.0;
  EXPECT_EQ(draws(logits, p).size(), 4u);
  p.top_k = 2;
  EXPECT_EQ(draws(logits, p), (std::set<std::int64_t>{0, 1}));
  p.top_k = 0;
  p.top_p = 0.7;  // 0.64 < 0.7, so the second is needed too
  EXPECT_EQ(draws(logits, p), (std::set<std::int64_t>{0, 1}));
  p.top_p = 1.0;
  p.min_p = 0.2;  // keep tokens with p >= 0.2 * 0.64
  EXPECT_EQ(draws(logits, p), (std::set<std::int64_t>{0, 1}));
}

TEST(Sampling, SeedRepeatsTheDraw) {
  const auto logits = torch::randn({1, 50});
  tb::GenerationParams p;
  p.temperature = 0.8;
  auto a = gen(42), b = gen(42);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(tb::sample_next(logits, {}, p, a).item<std::int64_t>(), tb::sample_next(logits, {}, p, b).item<std::int64_t>());
  }
}

}  // namespace
