// ModelConfig from config.json: the families (Llama, Mistral, Qwen2, Qwen3, Gemma 3 text, Phi-3),
// transformers' defaults, rope scaling in the old (rope_scaling) and new (rope_parameters)
// spellings, Gemma 3's windowed layers in both spellings, Phi-3's LongRoPE and partial rotary as
// its real config files spell them, which block linears a LoRA target list adapts, and clear errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/model/lora_targets.h"
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

TEST(ModelConfig, Qwen3AndGemma3) {
  auto qwen3_json = base("Qwen3ForCausalLM");
  qwen3_json["head_dim"] = 24;
  const auto qwen3 = tb::config_from_hf_json(qwen3_json, "config.json");
  EXPECT_EQ(qwen3.architecture, "qwen3");
  EXPECT_EQ(qwen3.head_dim, 24);
  EXPECT_TRUE(qwen3.qk_norm);
  EXPECT_FALSE(qwen3.attention_bias);
  EXPECT_FALSE(qwen3.norm_adds_one);
  EXPECT_FALSE(qwen3.sliding_window);
  // Gemma 3, transformers 5's spelling: layer_types and per-kind rope_parameters.
  auto gemma_json = base("Gemma3ForCausalLM");
  gemma_json["num_hidden_layers"] = 3;
  gemma_json["sliding_window"] = 512;
  gemma_json["query_pre_attn_scalar"] = 20;
  gemma_json["layer_types"] = {"sliding_attention", "full_attention", "sliding_attention"};
  gemma_json["rope_parameters"] = {{"full_attention", {{"rope_type", "default"}, {"rope_theta", 1e6}}},
                                   {"sliding_attention", {{"rope_type", "default"}, {"rope_theta", 1e4}}}};
  const auto gemma = tb::config_from_hf_json(gemma_json, "config.json");
  EXPECT_EQ(gemma.architecture, "gemma3");
  EXPECT_TRUE(gemma.qk_norm && gemma.norm_adds_one && gemma.sandwich_norms);
  EXPECT_EQ(gemma.activation, tb::MlpActivation::GeluTanh);
  EXPECT_DOUBLE_EQ(gemma.embedding_scale, 8.0);
  EXPECT_DOUBLE_EQ(*gemma.query_pre_attn_scalar, 20.0);
  EXPECT_DOUBLE_EQ(gemma.rope_theta, 1e6);
  EXPECT_DOUBLE_EQ(gemma.rope_local_theta, 1e4);
  EXPECT_TRUE(gemma.layer_is_sliding(0));
  EXPECT_FALSE(gemma.layer_is_sliding(1));
  EXPECT_TRUE(gemma.layer_is_sliding(2));
  // The older spelling: every sixth layer global, rope_local_base_freq.
  auto old_gemma = base("Gemma3ForCausalLM");
  old_gemma["model_type"] = "gemma3_text";
  old_gemma["num_hidden_layers"] = 7;
  old_gemma["rope_theta"] = 1e6;
  old_gemma["rope_local_base_freq"] = 1e4;
  const auto g2 = tb::config_from_hf_json(old_gemma, "config.json");
  EXPECT_EQ(g2.sliding_window, 4096);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(g2.layer_is_sliding(i), i != 5) << i;
  EXPECT_DOUBLE_EQ(g2.rope_local_theta, 1e4);
  // What we refuse, and why.
  EXPECT_NE(error_of(base("Gemma3ForConditionalGeneration")).find("image-and-text"), std::string::npos);
  auto bidirectional = gemma_json;
  bidirectional["use_bidirectional_attention"] = true;
  EXPECT_NE(error_of(bidirectional).find("config.json: use_bidirectional_attention: bidirectional"), std::string::npos);
  auto capped = gemma_json;
  capped["final_logit_softcapping"] = 30.0;
  EXPECT_NE(error_of(capped).find("soft-capping"), std::string::npos);
  auto short_types = gemma_json;
  short_types["layer_types"] = {"full_attention"};
  EXPECT_NE(error_of(short_types).find("layer_types: must name one attention kind per layer (3)"), std::string::npos);
}

// Phi-4-mini-instruct's config.json spells LongRoPE the older way: rope_scaling with "type":
// "longrope", the pretraining length and partial_rotary_factor at the top (shortened here: head
// size 16, so 12 rotated dimensions and 6 factors per set).
TEST(ModelConfig, Phi3LongRopeAndPartialRotary) {
  auto j = base("Phi3ForCausalLM");
  j["max_position_embeddings"] = 131072;
  j["original_max_position_embeddings"] = 4096;
  j["partial_rotary_factor"] = 0.75;
  j["sliding_window"] = 262144;
  j["rope_scaling"] = {{"type", "longrope"},
                       {"short_factor", {1, 1, 1.1, 1.2, 1.4, 2}},
                       {"long_factor", {1, 2, 4, 8, 16, 32}}};
  const auto c = tb::config_from_hf_json(j, "config.json");
  EXPECT_EQ(c.architecture, "phi3");
  EXPECT_TRUE(c.fused_projections);
  EXPECT_FALSE(c.attention_bias);
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_EQ(c.rotary_dim(), 12);
  EXPECT_EQ(c.rope_scaling.type, tb::RopeScalingType::LongRope);
  EXPECT_EQ(c.rope_scaling.original_max_position_embeddings, 4096);
  EXPECT_DOUBLE_EQ(c.rope_scaling.factor, 32.0);  // max / original, as transformers computes it
  EXPECT_EQ(c.rope_scaling.long_factor.back(), 32.0);
  EXPECT_EQ(c.sliding_window, 262144);
  // Phi-3-mini's older "su" is LongRoPE too; the transformers 5 spelling keeps it all in
  // rope_parameters.
  auto su = j;
  su["rope_scaling"]["type"] = "su";
  EXPECT_EQ(tb::config_from_hf_json(su, "config.json").rope_scaling.type, tb::RopeScalingType::LongRope);
  auto v5 = base("Phi3ForCausalLM");
  v5["original_max_position_embeddings"] = 64;
  v5["rope_parameters"] = {{"rope_type", "longrope"}, {"rope_theta", 10000.0}, {"partial_rotary_factor", 0.75},
                           {"short_factor", {1, 1, 1, 1, 1, 1}}, {"long_factor", {2, 2, 2, 2, 2, 2}}};
  const auto c5 = tb::config_from_hf_json(v5, "config.json");
  EXPECT_EQ(c5.rotary_dim(), 12);
  EXPECT_EQ(c5.rope_scaling.original_max_position_embeddings, 64);
  // Errors name the field: a factor list of the wrong length, an activation we do not run.
  auto short_list = j;
  short_list["rope_scaling"]["short_factor"] = {1, 1};
  EXPECT_NE(error_of(short_list).find("short_factor: must have one number per rotated pair (6)"), std::string::npos);
  auto gelu = j;
  gelu["hidden_act"] = "gelu";
  EXPECT_NE(error_of(gelu).find("hidden_act"), std::string::npos);
  auto odd = j;
  odd["partial_rotary_factor"] = 0.3;  // 4.8 -> 4 dimensions: 2 factors expected
  EXPECT_NE(error_of(odd).find("short_factor"), std::string::npos);
  auto unknown = j;
  unknown["rope_scaling"]["type"] = "dynamic";
  EXPECT_NE(error_of(unknown).find("rope scaling \"dynamic\" is not supported"), std::string::npos);
}

TEST(LoraTargets, FusedModulesAreAdaptedWhenAnyPartIsNamed) {
  const std::vector<std::string> qv = {"q_proj", "v_proj"};
  // Separate projections: exactly what is named.
  EXPECT_TRUE(tb::lora_targets_module(qv, 0, false));
  EXPECT_FALSE(tb::lora_targets_module(qv, 1, false));
  EXPECT_TRUE(tb::lora_targets_module(qv, 2, false));
  // Fused (Phi-3): q or v names the whole qkv_proj (module 0); k and v do not exist alone.
  EXPECT_TRUE(tb::lora_targets_module(qv, 0, true));
  EXPECT_FALSE(tb::lora_targets_module(qv, 2, true));
  EXPECT_TRUE(tb::lora_targets_module({"up_proj"}, 4, true));
  EXPECT_FALSE(tb::lora_targets_module({"up_proj"}, 4, false));
  EXPECT_TRUE(tb::lora_targets_module({"qkv_proj"}, 1, false));  // PEFT's fused name on a Llama: q, k, v
  EXPECT_EQ(tb::peft_target_modules({"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj", "lm_head"}, true),
            (std::vector<std::string>{"qkv_proj", "o_proj", "gate_up_proj", "down_proj", "lm_head"}));
  EXPECT_STREQ(tb::lora_module_name(4, true), "gate_up_proj");
  EXPECT_TRUE(tb::is_known_lora_target("gate_up_proj"));
  EXPECT_FALSE(tb::is_known_lora_target("gate"));
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
  // Found by fuzz_model_config: sizes whose parameter count overflows 64 bits.
  auto huge = base("Qwen2ForCausalLM");
  huge["num_hidden_layers"] = 244444444444444444;
  EXPECT_NE(error_of(huge).find("sizes: these sizes give more than 10^15 parameters"), std::string::npos);
}

}  // namespace
