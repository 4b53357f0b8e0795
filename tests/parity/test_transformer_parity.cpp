// The decoder against transformers on the same files (fp32, CPU): logits within 1e-4 relative
// for nine tiny random configurations (grouped-query attention, tied embeddings, llama3 rope
// scaling, Qwen2 attention bias, Mistral, Qwen3, Gemma 3 text, Phi-3 with LongRoPE's long factors
// and a window, Phi-4-mini-like with partial rotary), also for a left-padded batch;
// greedy generation of 48 tokens identical with and without the KV cache and in a batch of two
// prompts of different lengths; a PEFT adapter with random B loads and gives PEFT's logits, and
// one training step through it gives PEFT's loss, gradient norm and loss after the step; Qwen3
// Gemma 3 and Phi-3 GGUF files give the logits of the folders they were written from; the demo GGUF's
// logits within 1e-3 of transformers' and a coherent chat answer.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/safetensors.h"
#include "core/model/generation.h"
#include "core/model/lora.h"
#include "core/model/model.h"
#include "core/model/tensor_files.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
const fs::path kOut = fs::path(tb_test::parity_out()) / "transformer";
const char* const kModels[] = {"llama_gqa", "llama_tied", "llama3_rope", "qwen2_bias", "mistral",
                               "qwen3",     "gemma3",     "phi3",        "phi4_mini"};

double relative_error(const torch::Tensor& got, const torch::Tensor& want) {
  return ((got.to(torch::kFloat64) - want.to(torch::kFloat64)).abs().max() / want.abs().max().to(torch::kFloat64))
      .item<double>();
}

torch::Tensor arange_positions(const torch::Tensor& ids) {
  return torch::arange(ids.size(1), torch::kInt64).unsqueeze(0).expand({ids.size(0), ids.size(1)}).contiguous();
}

std::vector<tb::TokenId> as_ids(const nlohmann::json& j) { return j.get<std::vector<tb::TokenId>>(); }

TEST(TransformerParity, LogitsMatchTransformers) {
  torch::NoGradGuard no_grad;
  for (const char* name : kModels) {
    SCOPED_TRACE(name);
    const auto model = tb::Model::load(kOut / name);
    const tb::SafetensorsFile ref(kOut / name / "reference.safetensors");
    const auto ids = load_tensor(ref, "ids");
    const double err = relative_error(model->forward(ids, arange_positions(ids)), load_tensor(ref, "logits"));
    EXPECT_LT(err, 1e-4);
    std::cout << name << ": logits max relative error " << err << "\n";
    // Left-padded batch: compare where the mask is 1.
    tb::ForwardOptions o;
    o.key_valid = load_tensor(ref, "mask").to(torch::kBool);
    const auto padded = model->forward(load_tensor(ref, "padded"), load_tensor(ref, "positions"), o);
    const auto keep = o.key_valid.unsqueeze(-1).expand_as(padded);
    const double err_padded = relative_error(padded.masked_select(keep), load_tensor(ref, "logits_padded").masked_select(keep));
    EXPECT_LT(err_padded, 1e-4);
  }
}

TEST(TransformerParity, GreedyGenerationMatchesWithAndWithoutCache) {
  for (const char* name : kModels) {
    SCOPED_TRACE(name);
    const auto model = tb::Model::load(kOut / name);
    std::ifstream in(kOut / name / "generation.json");
    const auto gen = nlohmann::json::parse(in);
    tb::GenerationParams p;
    p.max_new_tokens = 48;
    p.stop_at_eos = false;
    for (bool cache : {true, false}) {
      tb::GenerationSession session(model, nullptr, cache);
      const auto result = session.generate(as_ids(gen["prompt"]), p);
      EXPECT_EQ(result.tokens, as_ids(gen[cache ? "cache" : "nocache"])) << (cache ? "with cache" : "without cache");
    }
    tb::GenerationSession session(model);
    const auto batch = session.generate_batch({as_ids(gen["batch_prompts"][0]), as_ids(gen["batch_prompts"][1])}, p);
    EXPECT_EQ(batch[0].tokens, as_ids(gen["batch"][0]));
    EXPECT_EQ(batch[1].tokens, as_ids(gen["batch"][1]));
  }
}

TEST(TransformerParity, PeftAdapterLoadsWithPeftsLogits) {
  torch::NoGradGuard no_grad;
  for (const char* name : kModels) {
    SCOPED_TRACE(name);
    const auto model = tb::Model::load(kOut / name);
    const auto adapter = tb::LoraAdapter::load_peft(kOut / name / "peft_adapter", model->config(), torch::kCPU);
    const tb::SafetensorsFile ref(kOut / name / "reference.safetensors");
    const auto ids = load_tensor(ref, "ids");
    tb::ForwardOptions o;
    o.lora = &adapter;
    const auto tuned = model->forward(ids, arange_positions(ids), o);
    EXPECT_LT(relative_error(tuned, load_tensor(ref, "logits_lora")), 1e-4);
    EXPECT_GT(relative_error(model->forward(ids, arange_positions(ids)), load_tensor(ref, "logits_lora")), 1e-3)
        << "the adapter should change the logits";
  }
}

// The causal-LM loss as transformers computes it with labels = ids: position t predicts t + 1,
// mean over every predicted token.
torch::Tensor causal_lm_loss(const torch::Tensor& logits, const torch::Tensor& ids) {
  const auto T = ids.size(1);
  const auto pred = logits.narrow(1, 0, T - 1).reshape({-1, logits.size(-1)});  // [B*(T-1), V]
  const auto target = ids.narrow(1, 1, T - 1).reshape({-1});                     // [B*(T-1)]
  return torch::nn::functional::cross_entropy(pred.to(torch::kFloat32), target);
}

TEST(TransformerParity, OneLoraTrainingStepMatchesPeft) {
  for (const char* name : kModels) {
    SCOPED_TRACE(name);
    const auto model = tb::Model::load(kOut / name);
    auto adapter = tb::LoraAdapter::load_peft(kOut / name / "peft_adapter", model->config(), torch::kCPU);
    std::ifstream in(kOut / name / "train_step.json");
    const auto want = nlohmann::json::parse(in);
    const auto ids = load_tensor(tb::SafetensorsFile(kOut / name / "reference.safetensors"), "ids");
    auto params = adapter.parameters();
    for (auto& p : params) p.set_requires_grad(true);
    tb::ForwardOptions o;
    o.lora = &adapter;
    o.training = true;  // dropout is 0 in the fixture: the same arithmetic as evaluation
    const auto loss = causal_lm_loss(model->forward(ids, arange_positions(ids), o), ids);
    loss.backward();
    double sq = 0;
    for (const auto& p : params) sq += p.grad().to(torch::kFloat64).pow(2).sum().item<double>();
    const double grad_norm = std::sqrt(sq);
    EXPECT_NEAR(loss.item<double>(), want["loss"].get<double>(), 1e-5);
    EXPECT_NEAR(grad_norm / want["grad_norm"].get<double>(), 1.0, 1e-4);
    std::cout << name << ": loss " << loss.item<double>() - want["loss"].get<double>() << " off, gradient norm "
              << grad_norm / want["grad_norm"].get<double>() - 1 << " relative\n";
    {
      torch::NoGradGuard no_grad;
      for (auto& p : params) p.sub_(p.grad() * want["lr"].get<double>());
      const auto after = causal_lm_loss(model->forward(ids, arange_positions(ids), o), ids);
      EXPECT_NEAR(after.item<double>(), want["loss_after_sgd"].get<double>(), 1e-5);
      EXPECT_GT(std::abs(after.item<double>() - loss.item<double>()), 1e-3) << "the step should move the loss";
    }
  }
}

// Qwen3, Gemma 3 and Phi-3 GGUF files written as llama.cpp writes them (Gemma's norms as 1 + w,
// its layer pattern and query scale as llama.cpp assumes; Phi-3's fused tensors, partial rotary
// and LongRoPE factor tensors): the logits of the HF folder they were written from.
TEST(TransformerParity, FamilyGgufFilesGiveTheirFoldersLogits) {
  torch::NoGradGuard no_grad;
  for (const char* name : {"qwen3_gguf", "gemma3_gguf", "phi3_gguf"}) {
    SCOPED_TRACE(name);
    const auto model = tb::Model::load(kOut / name / "model.gguf");
    const tb::SafetensorsFile ref(kOut / name / "reference.safetensors");
    const auto ids = load_tensor(ref, "ids");
    const double err = relative_error(model->forward(ids, arange_positions(ids)), load_tensor(ref, "logits"));
    std::cout << name << ": logits max relative error " << err << "\n";
    EXPECT_LT(err, 1e-4);
    EXPECT_EQ(model->tokenizer().kind(), "bpe");
  }
}

TEST(TransformerParity, DemoGgufLogitsAndChat) {
  torch::NoGradGuard no_grad;
  const auto model = tb::Model::load(tb_test::demo_model_path());
  const tb::SafetensorsFile ref(kOut / "demo_reference.safetensors");
  const auto ids = load_tensor(ref, "ids");
  const double err = relative_error(model->forward(ids, arange_positions(ids)), load_tensor(ref, "logits"));
  std::cout << "demo GGUF logits max relative error " << err << "\n";
  EXPECT_LT(err, 1e-3);
  // Our chat prompt is the one transformers rendered and tokenized.
  tb::GenerationSession session(model);
  const auto prompt = session.chat_prompt({{"user", "Why is the sky blue?"}});
  const auto want = ids[0];
  ASSERT_EQ(static_cast<std::int64_t>(prompt.size()), want.size(0));
  for (std::size_t i = 0; i < prompt.size(); ++i) EXPECT_EQ(prompt[i], want[static_cast<std::int64_t>(i)].item<std::int64_t>());
  tb::GenerationParams p;
  p.max_new_tokens = 24;
  const auto answer = session.generate(session.chat_prompt({{"user", "What is the capital of France?"}}), p);
  std::cout << "demo chat: What is the capital of France? -> " << answer.text << "\n";
  EXPECT_NE(answer.text.find("Paris"), std::string::npos) << answer.text;
}

// Decode steps from the GGUF's Q4_1/Q8_0 blocks (block_gemv.h): the reference ids fed one at a
// time through the KV cache give, at every position, transformers' logits of the whole
// sequence, and our dense fp32 decode's logits.
TEST(TransformerParity, DemoGgufDecodeFromBlocks) {
  torch::NoGradGuard no_grad;
  const auto blocks = tb::Model::load(tb_test::demo_model_path());
  tb::LoadOptions dense_options;
  dense_options.gguf_blocks = false;
  const auto dense = tb::Model::load(tb_test::demo_model_path(), dense_options);
  ASSERT_NE(blocks->weights().blocks, nullptr);
  EXPECT_EQ(blocks->weights().blocks->matrices, 30 * 7 + 1);  // every block matrix and the tied head
  EXPECT_EQ(dense->weights().blocks, nullptr);
  const tb::SafetensorsFile ref(kOut / "demo_reference.safetensors");
  const auto ids = load_tensor(ref, "ids");  // [1, T]
  const std::int64_t T = ids.size(1);
  auto step_logits = [&](const tb::Model& model) {
    tb::KvCache cache(model.config(), 1, T, torch::kFloat32, torch::kCPU);
    tb::ForwardOptions o;
    o.cache = &cache;
    std::vector<torch::Tensor> out;
    for (std::int64_t t = 0; t < T; ++t) {
      out.push_back(model.forward(ids.narrow(1, t, 1), torch::full({1, 1}, t, torch::kInt64), o));  // [1, 1, V]
    }
    return torch::cat(out, 1);  // [1, T, V]
  };
  const auto from_blocks = step_logits(*blocks);
  const double err_ref = relative_error(from_blocks, load_tensor(ref, "logits"));
  const double err_dense = relative_error(from_blocks, step_logits(*dense));
  std::cout << "demo decode from blocks: max relative error " << err_ref << " vs transformers, " << err_dense
            << " vs our dense decode\n";
  EXPECT_LT(err_ref, 1e-3);
  EXPECT_LT(err_dense, 1e-4);
}

}  // namespace
