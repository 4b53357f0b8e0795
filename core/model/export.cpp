// LoRA merging and Hugging Face export (see export.h).
#include "core/model/export.h"

#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/safetensors.h"
#include "core/model/model_inspect.h"
#include "core/text/bpe_tokenizer.h"
#include "core/model/tensor_files.h"

namespace tb {
namespace {

void add_delta(torch::Tensor& w, const LoraPair& p, double scale) {
  if (!p.defined()) return;
  // W: [out, in] += scale * B [out, r] @ A [r, in], computed in fp32.
  const auto delta = torch::matmul(p.b.to(torch::kFloat32), p.a.to(torch::kFloat32)) * scale;
  w = (w.to(torch::kFloat32) + delta.to(w.device())).to(w.scalar_type());
}

std::string dtype_string(torch::ScalarType t) {
  switch (t) {
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat16: return "float16";
    default: return "float32";
  }
}

}  // namespace

void merge_lora_into(TransformerWeights& w, const LoraAdapter& adapter, double sign) {
  torch::NoGradGuard no_grad;
  const double s = sign * adapter.scaling();
  for (std::size_t i = 0; i < w.layers.size(); ++i) {
    LayerWeights& l = w.layers[i];
    torch::Tensor* targets[] = {&l.q, &l.k, &l.v, &l.o, &l.gate, &l.up, &l.down};
    for (std::size_t m = 0; m < 7; ++m) add_delta(*targets[m], adapter.block(static_cast<std::int64_t>(i), static_cast<BlockModule>(m)), s);
  }
  // The embedding LoRA changes lookups only; a tied head keeps the base embeddings (as in PEFT,
  // where the head is a separate module sharing the base weight), so either LoRA unties them.
  torch::Tensor head = w.lm_head;
  if (adapter.embed().defined()) {
    // E [V, C] += s * (B [C, r] @ A [r, V])^T.
    const auto& e = adapter.embed();
    const auto delta = torch::matmul(e.b.to(torch::kFloat32), e.a.to(torch::kFloat32)).t() * s;
    w.embed = (w.embed.to(torch::kFloat32) + delta.to(w.embed.device())).to(w.embed.scalar_type());
  }
  add_delta(head, adapter.lm_head(), s);
  w.lm_head = head;
}

TransformerWeights merged_weights(const Model& model, const LoraAdapter& adapter) {
  TransformerWeights w = model.weights();  // shares storage; merge_lora_into replaces what it changes
  merge_lora_into(w, adapter, 1.0);
  return w;
}

nlohmann::json hf_config_json(const ModelConfig& c, torch::ScalarType dtype) {
  static const std::map<std::string, std::string> kClass = {
      {"llama", "LlamaForCausalLM"}, {"mistral", "MistralForCausalLM"}, {"qwen2", "Qwen2ForCausalLM"},
      {"qwen3", "Qwen3ForCausalLM"},  {"gemma3", "Gemma3ForCausalLM"}, {"phi3", "Phi3ForCausalLM"}};
  const bool gemma = c.architecture == "gemma3";
  nlohmann::ordered_json j;
  j["architectures"] = {kClass.at(c.architecture)};
  j["model_type"] = gemma ? "gemma3_text" : c.architecture;
  j["vocab_size"] = c.vocab_size;
  j["hidden_size"] = c.hidden_size;
  j["intermediate_size"] = c.intermediate_size;
  j["num_hidden_layers"] = c.num_layers;
  j["num_attention_heads"] = c.num_heads;
  j["num_key_value_heads"] = c.num_kv_heads;
  j["head_dim"] = c.head_dim;
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["rms_norm_eps"] = c.rms_norm_eps;
  if (gemma) {
    j["hidden_activation"] = "gelu_pytorch_tanh";
    // An integer in transformers' Gemma3TextConfig (its strict fields refuse 20.0).
    const double scalar = c.query_pre_attn_scalar.value_or(static_cast<double>(c.head_dim));
    if (scalar == std::floor(scalar)) j["query_pre_attn_scalar"] = static_cast<std::int64_t>(scalar);
    else j["query_pre_attn_scalar"] = scalar;
    std::vector<std::string> types;
    for (std::int64_t i = 0; i < c.num_layers; ++i) types.push_back(c.layer_is_sliding(i) ? "sliding_attention" : "full_attention");
    j["layer_types"] = types;
  } else {
    j["hidden_act"] = "silu";
  }
  nlohmann::ordered_json rope = {{"rope_theta", c.rope_theta}};
  switch (c.rope_scaling.type) {
    case RopeScalingType::None: rope["rope_type"] = "default"; break;
    case RopeScalingType::Linear: rope["rope_type"] = "linear"; rope["factor"] = c.rope_scaling.factor; break;
    case RopeScalingType::Llama3:
      rope["rope_type"] = "llama3";
      rope["factor"] = c.rope_scaling.factor;
      rope["low_freq_factor"] = c.rope_scaling.low_freq_factor;
      rope["high_freq_factor"] = c.rope_scaling.high_freq_factor;
      rope["original_max_position_embeddings"] = c.rope_scaling.original_max_position_embeddings;
      break;
    case RopeScalingType::LongRope:
      rope["rope_type"] = "longrope";
      rope["short_factor"] = c.rope_scaling.short_factor;
      rope["long_factor"] = c.rope_scaling.long_factor;
      if (c.rope_scaling.attention_factor) rope["attention_factor"] = *c.rope_scaling.attention_factor;
      rope["original_max_position_embeddings"] = c.rope_scaling.original_max_position_embeddings;
      break;
  }
  if (c.architecture == "phi3") {
    rope["partial_rotary_factor"] = c.partial_rotary_factor;
    j["partial_rotary_factor"] = c.partial_rotary_factor;
    if (c.rope_scaling.type == RopeScalingType::LongRope) {
      j["original_max_position_embeddings"] = c.rope_scaling.original_max_position_embeddings;
    }
  }
  if (gemma) {
    j["rope_parameters"] = {{"full_attention", rope},
                            {"sliding_attention", {{"rope_type", "default"}, {"rope_theta", c.rope_local_theta}}}};
  } else {
    j["rope_parameters"] = rope;
  }
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  if (c.architecture == "llama" || c.architecture == "qwen3" || gemma) {
    j["attention_bias"] = c.attention_bias;
    j["mlp_bias"] = false;
  }
  if (c.architecture != "llama") j["sliding_window"] = c.sliding_window ? nlohmann::ordered_json(*c.sliding_window) : nlohmann::ordered_json();
  if (c.architecture == "qwen2" || c.architecture == "qwen3") j["use_sliding_window"] = false;
  j["bos_token_id"] = c.bos_token_id ? nlohmann::ordered_json(*c.bos_token_id) : nlohmann::ordered_json();
  j["eos_token_id"] = c.eos_token_ids.empty() ? nlohmann::ordered_json()
                      : c.eos_token_ids.size() == 1 ? nlohmann::ordered_json(c.eos_token_ids[0])
                                                    : nlohmann::ordered_json(c.eos_token_ids);
  j["pad_token_id"] = c.pad_token_id ? nlohmann::ordered_json(*c.pad_token_id) : nlohmann::ordered_json();
  j["dtype"] = dtype_string(dtype);
  return nlohmann::json::parse(j.dump());
}

void export_merged(const Model& model, const LoraAdapter* adapter, const std::filesystem::path& out,
                   const ExportOptions& options) {
  std::error_code ec;
  if (std::filesystem::exists(out, ec)) {
    throw Error("the export folder exists already; choose a new folder or remove this one", {out.string()});
  }
  const auto parent = out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
  std::filesystem::create_directories(parent);
  // 1. Build in a temporary folder beside the target.
  std::mt19937_64 rng(std::random_device{}());
  const auto tmp = parent / ("." + out.filename().string() + ".partial-" + std::to_string(rng() % 1000000));
  std::filesystem::create_directories(tmp);
  try {
    const ModelConfig& c = model.config();
    const TransformerWeights w = adapter != nullptr ? merged_weights(model, *adapter) : model.weights();
    ModelConfig out_config = c;
    if (adapter != nullptr && (adapter->lm_head().defined() || adapter->embed().defined())) {
      out_config.tie_word_embeddings = false;
    }
    write_file_atomic(tmp / "config.json", hf_config_json(out_config, options.dtype).dump(2) + "\n");
    // 2. Weights, in shards of at most shard_bytes.
    std::vector<std::vector<std::pair<std::string, torch::Tensor>>> shards(1);
    std::int64_t in_shard = 0, total = 0;
    for (auto& [name, t] : w.to_map(out_config)) {
      auto tensor = t.detach().to(torch::kCPU, options.dtype).contiguous();
      const auto bytes = static_cast<std::int64_t>(tensor.nbytes());
      if (in_shard > 0 && in_shard + bytes > options.shard_bytes) {
        shards.emplace_back();
        in_shard = 0;
      }
      shards.back().emplace_back(name, tensor);
      in_shard += bytes;
      total += bytes;
    }
    if (shards.size() == 1) {
      write_safetensors(tmp / "model.safetensors", shards[0], {{"format", "pt"}});
    } else {
      nlohmann::ordered_json index = {{"metadata", {{"total_size", total}}}, {"weight_map", nlohmann::ordered_json::object()}};
      for (std::size_t i = 0; i < shards.size(); ++i) {
        char name[64];
        std::snprintf(name, sizeof(name), "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
        write_safetensors(tmp / name, shards[i], {{"format", "pt"}});
        for (const auto& [tensor_name, t] : shards[i]) index["weight_map"][tensor_name] = name;
      }
      write_file_atomic(tmp / "model.safetensors.index.json", index.dump(2) + "\n");
    }
    // 3. Tokenizer files: copied from a Hugging Face source; written from a GGUF's vocabulary.
    const std::filesystem::path source(model.source());
    const Tokenizer& tok = model.tokenizer();
    if (std::filesystem::is_directory(source, ec)) {
      for (const char* f : {"tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json",
                            "chat_template.jinja", "added_tokens.json"}) {
        if (std::filesystem::is_regular_file(source / f, ec)) std::filesystem::copy_file(source / f, tmp / f);
      }
    } else {
      const auto* bpe = dynamic_cast<const BpeTokenizer*>(&tok);
      if (bpe == nullptr) throw Error("this model's tokenizer cannot be written as tokenizer.json", {model.source()});
      write_file_atomic(tmp / "tokenizer.json", bpe->to_tokenizer_json().dump() + "\n");
      nlohmann::ordered_json tc = {{"tokenizer_class", "PreTrainedTokenizerFast"},
                                   {"add_bos_token", tok.special().add_bos},
                                   {"model_max_length", c.max_position_embeddings}};
      auto put = [&](const char* key, const std::optional<TokenId>& id) {
        if (id) tc[key] = tok.token_text(*id);
      };
      put("bos_token", tok.special().bos);
      put("eos_token", tok.special().eos);
      put("pad_token", tok.special().pad);
      put("unk_token", tok.special().unk);
      const std::string chat = read_chat_template(source);
      if (!chat.empty()) tc["chat_template"] = chat;
      write_file_atomic(tmp / "tokenizer_config.json", tc.dump(2) + "\n");
    }
    nlohmann::ordered_json gen = {{"do_sample", false}};
    if (c.bos_token_id) gen["bos_token_id"] = *c.bos_token_id;
    if (!c.eos_token_ids.empty()) gen["eos_token_id"] = c.eos_token_ids.size() == 1 ? nlohmann::ordered_json(c.eos_token_ids[0]) : nlohmann::ordered_json(c.eos_token_ids);
    if (c.pad_token_id) gen["pad_token_id"] = *c.pad_token_id;
    write_file_atomic(tmp / "generation_config.json", gen.dump(2) + "\n");
    // 4. Into place.
    std::filesystem::rename(tmp, out);
  } catch (...) {
    std::filesystem::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace tb
