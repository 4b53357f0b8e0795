// GGUF parity: every tensor of the demo file and of a fixture holding every type we read
// dequantises bit for bit as gguf-py does; the demo file under HF names and un-permuted equals
// what transformers loads from it; our ModelConfig of it equals transformers' config.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/gguf.h"
#include "core/io/sha256.h"
#include "core/model/gguf_weights.h"
#include "core/model/model_config.h"
#include "core/model/tensor_files.h"
#include "tests/common/test_paths.h"

namespace {

namespace fs = std::filesystem;
const fs::path kOut = fs::path(tb_test::parity_out()) / "gguf";

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

std::string f32_sha256(const torch::Tensor& t) {
  const auto c = t.to(torch::kFloat32).contiguous();
  tb::Sha256 h;
  h.update(c.data_ptr(), static_cast<std::size_t>(c.nbytes()));
  return h.hex_digest();
}

void expect_same_as_gguf_py(const fs::path& file, const fs::path& manifest_path) {
  const tb::GgufFile gguf(file);
  const auto manifest = read_json(manifest_path);
  ASSERT_EQ(gguf.header().tensors.size(), manifest.size());
  for (const auto& [name, want] : manifest.items()) {
    const auto got = load_f32(gguf, name);
    EXPECT_EQ(nlohmann::json(got.sizes().vec()), want["shape"]) << name;
    if (f32_sha256(got) != want["sha256"].get<std::string>()) {
      const auto flat = got.reshape(-1);
      std::string ours;
      for (int i = 0; i < 8; ++i) ours += std::to_string(flat[i].item<float>()) + " ";
      ADD_FAILURE() << name << " (" << want["type"] << ") differs from gguf-py; first values ours: "
                    << ours << " gguf-py: " << want["first"].dump();
    }
  }
}

TEST(GgufParity, DemoFileDequantisesAsGgufPy) {
  expect_same_as_gguf_py(tb_test::demo_model_path(), kOut / "demo.gguf-py.json");
}

TEST(GgufParity, EveryTypeDequantisesAsGgufPy) {
  expect_same_as_gguf_py(kOut / "all_types.gguf", kOut / "all_types.gguf-py.json");
  const tb::GgufFile gguf(kOut / "all_types.gguf");
  EXPECT_EQ(gguf.find_metadata("test.answer")->as_int("test.answer"), 42);
  const auto& list = gguf.find_metadata("test.list")->as_array("test.list");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[2].as_string("test.list"), "ccc");
}

TEST(GgufParity, DemoWeightsEqualWhatTransformersLoads) {
  const tb::GgufFile gguf(tb_test::demo_model_path());
  const tb::ModelConfig config = tb::config_from_gguf(gguf);
  const auto reference = read_json(kOut / "demo.transformers.json");
  const auto& rc = reference["config"];
  EXPECT_EQ(config.architecture, "llama");
  EXPECT_EQ(config.vocab_size, rc["vocab_size"].get<std::int64_t>());
  EXPECT_EQ(config.hidden_size, rc["hidden_size"].get<std::int64_t>());
  EXPECT_EQ(config.intermediate_size, rc["intermediate_size"].get<std::int64_t>());
  EXPECT_EQ(config.num_layers, rc["num_layers"].get<std::int64_t>());
  EXPECT_EQ(config.num_heads, rc["num_heads"].get<std::int64_t>());
  EXPECT_EQ(config.num_kv_heads, rc["num_kv_heads"].get<std::int64_t>());
  EXPECT_EQ(config.max_position_embeddings, rc["max_position_embeddings"].get<std::int64_t>());
  EXPECT_DOUBLE_EQ(config.rms_norm_eps, rc["rms_norm_eps"].get<double>());
  EXPECT_DOUBLE_EQ(config.rope_theta, rc["rope_theta"].get<double>());
  EXPECT_EQ(config.tie_word_embeddings, rc["tie_word_embeddings"].get<bool>());

  const auto weights = tb::load_gguf_weights(gguf, config);
  const auto& tensors = reference["tensors"];
  EXPECT_EQ(weights.size(), tensors.size());
  for (const auto& [name, want] : tensors.items()) {
    const auto it = weights.find(name);
    ASSERT_NE(it, weights.end()) << name;
    EXPECT_EQ(nlohmann::json(it->second.sizes().vec()), want["shape"]) << name;
    EXPECT_EQ(f32_sha256(it->second), want["sha256"].get<std::string>()) << name;
  }
  // Our parameter count from the config equals the weights' element count (tied: counted once).
  std::int64_t elements = 0;
  for (const auto& [name, t] : weights) {
    if (name != "lm_head.weight") elements += t.numel();
  }
  EXPECT_EQ(config.parameter_count(), elements);
}

}  // namespace
