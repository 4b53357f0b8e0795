// Adapters and exports in the reference libraries: an adapter we create (random non-zero B)
// and save loads in PEFT with our logits; merged into the weights and exported as a Hugging Face
// folder, transformers loads it with the same logits; merge then unmerge restores the weights;
// the demo GGUF exported as a folder loads in transformers with the GGUF's logits, and its
// tokenizer.json encodes as ours does.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/safetensors.h"
#include "core/model/export.h"
#include "core/model/lora.h"
#include "core/model/model.h"
#include "core/model/tensor_files.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
const fs::path kFixtures = fs::path(tb_test::parity_out()) / "transformer";
// Each test has its own folder: ctest runs them as parallel processes.
fs::path test_tmp() {
  return fs::path(tb_test::test_tmp()) / "export" / ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

int check(const std::string& args) {
  const std::string cmd = std::string("\"") + tb_test::venv_python() + "\" \"" + tb_test::parity_scripts() + "/check_export.py\" " + args;
  return std::system(cmd.c_str());
}

torch::Tensor positions_for(const torch::Tensor& ids) {
  return torch::arange(ids.size(1), torch::kInt64).unsqueeze(0).expand({ids.size(0), ids.size(1)}).contiguous();
}

tb::LoraAdapter random_adapter(const tb::Model& model, const std::vector<std::string>& targets) {
  tb::LoraConfig config;
  config.rank = 4;
  config.alpha = 8;
  config.target_modules = targets;
  auto adapter = tb::LoraAdapter::create(model.config(), config, torch::kCPU, 7);
  torch::NoGradGuard no_grad;
  for (auto& t : adapter.parameters()) {
    if (t.abs().sum().item<double>() == 0) t.normal_(0, 0.1);  // B (and embedding A) start at zero
  }
  return adapter;
}

class ExportParity : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::remove_all(test_tmp());
    fs::create_directories(test_tmp());
  }
};

TEST_F(ExportParity, OurAdapterLoadsInPeftAndMergedExportInTransformers) {
  torch::NoGradGuard no_grad;
  // Phi-3's adapter names the separate parts; it adapts, and PEFT loads, the fused matrices.
  for (const char* name : {"llama_gqa", "qwen2_bias", "llama_tied", "qwen3", "gemma3", "phi3", "phi4_mini"}) {
    SCOPED_TRACE(name);
    const auto model = tb::Model::load(kFixtures / name);
    const auto adapter = random_adapter(*model, {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"});
    const fs::path dir = test_tmp() / name;
    adapter.save_peft(dir / "adapter", (kFixtures / name).string());
    const auto ids = tb::load_tensor(tb::SafetensorsFile(kFixtures / name / "reference.safetensors"), "ids");
    tb::ForwardOptions o;
    o.lora = &adapter;
    const auto logits = model->forward(ids, positions_for(ids), o);
    tb::write_safetensors(dir / "ours.safetensors", {{"ids", ids}, {"logits", logits}});
    EXPECT_EQ(check("peft \"" + (kFixtures / name).string() + "\" \"" + (dir / "adapter").string() + "\" \"" +
                    (dir / "ours.safetensors").string() + "\""), 0);
    tb::export_merged(*model, &adapter, dir / "merged");
    EXPECT_EQ(check("merged \"" + (dir / "merged").string() + "\" \"" + (dir / "ours.safetensors").string() + "\""), 0);
    // Our own reload of the export agrees too, and the folder cannot be overwritten.
    const auto reloaded = tb::Model::load(dir / "merged");
    const double err = ((reloaded->forward(ids, positions_for(ids)) - logits).abs().max() / logits.abs().max()).item<double>();
    EXPECT_LT(err, 1e-4);
    EXPECT_THROW(tb::export_merged(*model, &adapter, dir / "merged"), tb::Error);
  }
}

TEST_F(ExportParity, MergeThenUnmergeRestoresTheWeights) {
  const auto model = tb::Model::load(kFixtures / "llama_tied");
  const auto adapter = random_adapter(*model, {"q_proj", "down_proj", "lm_head", "embed_tokens"});
  tb::TransformerWeights w = tb::merged_weights(*model, adapter);
  EXPECT_FALSE(torch::allclose(w.layers[0].q, model->weights().layers[0].q));
  EXPECT_FALSE(w.lm_head.is_same(w.embed)) << "a LoRA on lm_head unties it";
  tb::merge_lora_into(w, adapter, -1.0);
  EXPECT_TRUE(torch::allclose(w.layers[0].q, model->weights().layers[0].q, 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(w.embed, model->weights().embed, 1e-6, 1e-6));
  // The merged weights compute what the adapter computes.
  torch::NoGradGuard no_grad;
  const auto ids = tb::load_tensor(tb::SafetensorsFile(kFixtures / "llama_tied" / "reference.safetensors"), "ids");
  tb::ForwardOptions o;
  o.lora = &adapter;
  const auto with_adapter = model->forward(ids, positions_for(ids), o);
  auto merged_config = model->config();
  merged_config.tie_word_embeddings = false;
  const auto merged = tb::merged_weights(*model, adapter);
  const auto merged_logits = tb::transformer_forward(merged_config, merged, model->inv_freq(), ids, positions_for(ids), {});
  EXPECT_LT(((merged_logits - with_adapter).abs().max() / with_adapter.abs().max()).item<double>(), 1e-5);
}

TEST_F(ExportParity, DemoGgufExportsAsAHuggingFaceFolder) {
  torch::NoGradGuard no_grad;
  const auto model = tb::Model::load(tb_test::demo_model_path());
  const fs::path out = test_tmp() / "smollm2-hf";
  tb::export_merged(*model, nullptr, out);
  const auto ref = tb::SafetensorsFile(kFixtures / "demo_reference.safetensors");
  const auto ids = load_tensor(ref, "ids");
  tb::write_safetensors(test_tmp() / "demo_ours.safetensors", {{"ids", ids}, {"logits", load_tensor(ref, "logits")}});
  EXPECT_EQ(check("merged \"" + out.string() + "\" \"" + (test_tmp() / "demo_ours.safetensors").string() + "\""), 0);
  nlohmann::json cases = nlohmann::json::array();
  for (const char* text : {"Hello world 12345", "  42nd <|im_start|>user\nWhy is the sky blue?<|im_end|>", "café 学习 🤗"}) {
    cases.push_back({{"text", text}, {"ids", model->tokenizer().encode(text)}});
  }
  std::ofstream(test_tmp() / "tok.json") << cases.dump();
  EXPECT_EQ(check("tokenizer \"" + out.string() + "\" \"" + (test_tmp() / "tok.json").string() + "\""), 0);
}

}  // namespace
