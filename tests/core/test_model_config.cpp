// ModelConfig from config.json: the three families, transformers' defaults, rope scaling in the
// old (rope_scaling) and new (rope_parameters) spellings, and clear errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/model_config.h"

namespace {

nlohmann::json base(const char* arch) {
  return {{"architectures", {arch}}, {"vocab_size", 320}, {"hidden_size", 64},
          {"intermediate_size", 128}, {"num_hidden_layers", 2}, {"num_attention_heads", 4},
          {"num_key_value_heads", 2}, {"rms_norm_eps", 1e-5}, {"eos_token_id", {2, 7}},
          {"bos_token_id", 1}};
}

std::string error_of(const nlohmann::json& j) {
  try {
    tb::config_from_hf_json(j, "config.json");
  } catch (const tb::FormatError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelConfig, FamiliesAndDefaults) {
  const auto llama = tb::config_from_hf_json(base("LlamaForCausalLM"), "config.json");
  EXPECT_EQ(llama.architecture, "llama");
  EXPECT_EQ(llama.head_dim, 16);
  EXPECT_EQ(llama.num_kv_heads, 2);
  EXPECT_DOUBLE_EQ(llama.rope_theta, 10000.0);
  EXPECT_FALSE(llama.attention_bias);
  EXPECT_EQ(llama.eos_token_ids, (std::vector<std::int64_t>{2, 7}));
  EXPECT_EQ(llama.bos_token_id, 1);
  const auto qwen = tb::config_from_hf_json(base("Qwen2ForCausalLM"), "config.json");
  EXPECT_TRUE(qwen.attention_bias);
  EXPECT_DOUBLE_EQ(qwen.rope_theta, 1e6);
  auto mistral_json = base("MistralForCausalLM");
  mistral_json["sliding_window"] = 4096;
  EXPECT_EQ(tb::config_from_hf_json(mistral_json, "config.json").sliding_window, 4096);
  auto by_type = base("LlamaForCausalLM");
  by_type.erase("architectures");
  by_type["model_type"] = "mistral";
  EXPECT_EQ(tb::config_from_hf_json(by_type, "config.json").architecture, "mistral");
}

TEST(ModelConfig, RopeScalingBothSpellings) {
  auto old_style = base("LlamaForCausalLM");
  old_style["rope_theta"] = 500000.0;
  old_style["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                               {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 128}};
  auto c = tb::config_from_hf_json(old_style, "config.json");
  EXPECT_EQ(c.rope_scaling.type, tb::RopeScalingType::Llama3);
  EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 8.0);
  EXPECT_EQ(c.rope_scaling.original_max_position_embeddings, 128);
  EXPECT_DOUBLE_EQ(c.rope_theta, 500000.0);
  auto new_style = base("LlamaForCausalLM");
  new_style["rope_parameters"] = {{"rope_type", "linear"}, {"factor", 2.0}, {"rope_theta", 20000.0}};
  c = tb::config_from_hf_json(new_style, "config.json");
  EXPECT_EQ(c.rope_scaling.type, tb::RopeScalingType::Linear);
  EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 2.0);
  EXPECT_DOUBLE_EQ(c.rope_theta, 20000.0);
  auto yarn = base("LlamaForCausalLM");
  yarn["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
  EXPECT_NE(error_of(yarn).find("rope scaling \"yarn\" is not supported"), std::string::npos);
}

TEST(ModelConfig, ClearErrors) {
  EXPECT_NE(error_of(base("GPTNeoXForCausalLM")).find(
                "architecture \"GPTNeoXForCausalLM\" is not supported; supported: LlamaForCausalLM, "
                "MistralForCausalLM, Qwen2ForCausalLM"),
            std::string::npos);
  auto missing = base("LlamaForCausalLM");
  missing.erase("hidden_size");
  EXPECT_NE(error_of(missing).find("config.json: hidden_size: missing required key"), std::string::npos);
  auto bad_heads = base("LlamaForCausalLM");
  bad_heads["num_key_value_heads"] = 3;
  EXPECT_NE(error_of(bad_heads).find("num_key_value_heads"), std::string::npos);
  auto wrong_type = base("LlamaForCausalLM");
  wrong_type["vocab_size"] = "many";
  EXPECT_NE(error_of(wrong_type).find("vocab_size: must be an integer"), std::string::npos);
  EXPECT_NE(error_of(nlohmann::json::array()).find("must be a JSON object"), std::string::npos);
}

}  // namespace
