// Freeze mode and full fine-tuning select the right weights: gradients reach exactly the
// chosen tensors, frozen ones get none; a tied head trains the embeddings with it; Phi-3's fused
// qkv_proj and gate_up_proj are selected (and trained) whole.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <set>

#include "core/common/error.h"
#include "core/model/rope.h"
#include "core/model/trainable.h"

namespace {

tb::ModelConfig tiny(bool tied, bool bias) {
  tb::ModelConfig c;
  c.architecture = bias ? "qwen2" : "llama";
  c.vocab_size = 64;
  c.hidden_size = 32;
  c.intermediate_size = 48;
  c.num_layers = 3;
  c.num_heads = 4;
  c.num_kv_heads = 2;
  c.head_dim = 8;
  c.tie_word_embeddings = tied;
  c.attention_bias = bias;
  return c;
}

// One forward and backward pass on random ids: exactly the tensors in `names` get gradients.
void expect_gradients_only_on(const tb::ModelConfig& c, const tb::TransformerWeights& w,
                              const std::vector<std::string>& names) {
  const auto ids = torch::randint(0, 64, {2, 5}, torch::kInt64);
  const auto pos = torch::arange(5, torch::kInt64).unsqueeze(0).expand({2, 5}).contiguous();
  const auto logits = tb::transformer_forward(c, w, tb::rope_inverse_frequencies(c), ids, pos, {});
  logits.logsumexp(-1).sum().backward();
  const std::set<std::string> chosen(names.begin(), names.end());
  for (const auto& [name, t] : w.to_map(c)) {
    EXPECT_EQ(t.grad().defined(), chosen.count(name) == 1) << name;
  }
}

TEST(Trainable, FreezeTopBlocksGetsGradientsOnlyThere) {
  const auto c = tiny(false, true);
  auto w = tb::random_weights(c, 1, 0.2);
  const auto names = tb::freeze_trainable_names(c, {1, false, true, false});
  // Top block: 9 tensors + 3 biases; final norm; lm_head.
  EXPECT_EQ(names.size(), 9u + 3u + 1u + 1u);
  const auto params = tb::set_trainable(w, c, names);
  expect_gradients_only_on(c, w, names);
  EXPECT_EQ(params.size(), names.size());
}

TEST(Trainable, FullSelectsEverythingAndTiedHeadMeansEmbeddings) {
  const auto c = tiny(true, false);
  auto w = tb::random_weights(c, 2);
  EXPECT_EQ(tb::full_trainable_names(c).size(), w.to_map(c).size());
  const auto names = tb::freeze_trainable_names(c, {0, false, true, false});
  EXPECT_EQ(names, (std::vector<std::string>{"model.embed_tokens.weight"}));
  EXPECT_THROW(tb::freeze_trainable_names(c, {4, false, false, false}), tb::Error);
  EXPECT_THROW(tb::set_trainable(w, c, {"model.nope.weight"}), tb::Error);
}

TEST(Trainable, FusedProjectionsTrainWhole) {
  auto c = tiny(false, false);
  c.architecture = "phi3";
  c.fused_projections = true;
  c.partial_rotary_factor = 0.75;  // 6 of 8 dimensions turn
  auto w = tb::random_weights(c, 4, 0.2);
  EXPECT_EQ(w.layers[0].q.sizes().vec(), (std::vector<std::int64_t>{(4 + 2 * 2) * 8, 32}));  // qkv_proj
  EXPECT_EQ(w.layers[0].gate.sizes().vec(), (std::vector<std::int64_t>{2 * 48, 32}));       // gate_up_proj
  EXPECT_FALSE(w.layers[0].k.defined());
  EXPECT_EQ(tb::full_trainable_names(c).size(), w.to_map(c).size());
  // The top block: two norms, qkv_proj, o_proj, gate_up_proj, down_proj; then the final norm.
  const auto names = tb::freeze_trainable_names(c, {1, false, false, false});
  EXPECT_EQ(names.size(), 6u + 1u);
  EXPECT_NE(std::find(names.begin(), names.end(), "model.layers.2.self_attn.qkv_proj.weight"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "model.layers.2.mlp.gate_up_proj.weight"), names.end());
  const auto params = tb::set_trainable(w, c, names);
  expect_gradients_only_on(c, w, names);
  // Every row of the fused matrices gets a gradient: queries, keys and values; gate and up.
  const auto& top = w.layers[2];
  EXPECT_GT(top.q.grad().abs().sum(1).min().item<double>(), 0.0);
  EXPECT_GT(top.gate.grad().abs().sum(1).min().item<double>(), 0.0);
}

TEST(Trainable, CloneIsDeepAndKeepsTying) {
  const auto c = tiny(true, false);
  const auto w = tb::random_weights(c, 3);
  const auto copy = tb::clone_weights(w);
  EXPECT_TRUE(copy.lm_head.is_same(copy.embed));
  EXPECT_FALSE(copy.embed.is_same(w.embed));
  EXPECT_TRUE(torch::equal(copy.layers[2].down, w.layers[2].down));
}

}  // namespace
