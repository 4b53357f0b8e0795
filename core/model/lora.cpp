// LoRA adapters (see lora.h). PEFT's layout: adapter_config.json with peft_type "LORA", and
// tensors "base_model.model.<module path>.lora_A.weight" / ".lora_B.weight" (embeddings:
// ".lora_embedding_A" / ".lora_embedding_B", stored as [r, vocab] and [hidden, r]).
#include "core/model/lora.h"

#include <cmath>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/atomic_file.h"
#include "core/io/json_file.h"
#include "core/io/json_number.h"
#include "core/io/safetensors.h"
#include "core/model/adapter_config.h"
#include "core/model/tensor_files.h"

namespace tb {
namespace {

constexpr const char* kPrefix = "base_model.model.";

std::int64_t in_features(const ModelConfig& c, BlockModule m) {
  switch (m) {
    case BlockModule::O: return c.num_heads * c.head_dim;
    case BlockModule::Down: return c.intermediate_size;
    default: return c.hidden_size;
  }
}

std::int64_t out_features(const ModelConfig& c, BlockModule m) {
  const std::int64_t fused = c.fused_projections ? 1 : 0;
  switch (m) {
    case BlockModule::Q: return (c.num_heads + 2 * fused * c.num_kv_heads) * c.head_dim;
    case BlockModule::K: case BlockModule::V: return c.num_kv_heads * c.head_dim;
    case BlockModule::Gate: case BlockModule::Up: return (1 + fused) * c.intermediate_size;
    default: return c.hidden_size;
  }
}

// "self_attn.q_proj", "mlp.gate_up_proj", ...: the module's path inside a block.
std::string block_path(BlockModule m, bool fused) {
  const auto i = static_cast<std::size_t>(m);
  return std::string(i <= 3 ? "self_attn." : "mlp.") + lora_module_name(i, fused);
}

bool targets(const LoraConfig& c, const std::string& name) {
  return std::find(c.target_modules.begin(), c.target_modules.end(), name) != c.target_modules.end();
}

// PEFT's default init (init_lora_weights=True): A like nn.Linear's reset (Kaiming-uniform with
// a = sqrt(5), i.e. U(-1/sqrt(in), 1/sqrt(in))), B zeros.
LoraPair init_pair(std::int64_t in, std::int64_t out, std::int64_t r, torch::Device device) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  return {torch::empty({r, in}, torch::TensorOptions().device(device)).uniform_(-bound, bound),
          torch::zeros({out, r}, torch::TensorOptions().device(device))};
}

}  // namespace

double LoraConfig::scaling() const {
  return use_rslora ? alpha / std::sqrt(static_cast<double>(rank)) : alpha / static_cast<double>(rank);
}

torch::Tensor lora_delta(const torch::Tensor& x, const LoraPair& pair, double scaling, double dropout, bool training) {
  // x: [..., in]; A: [r, in]; B: [out, r] -> [..., out]. The scale folds into the small [.., r]
  // intermediate, and there is no dropout op at p = 0 or outside training.
  const auto a = pair.a.to(x.scalar_type()), b = pair.b.to(x.scalar_type());
  const auto input = (training && dropout > 0) ? torch::dropout(x, dropout, true) : x;
  return torch::nn::functional::linear(torch::nn::functional::linear(input, a) * scaling, b);
}

LoraAdapter LoraAdapter::create(const ModelConfig& model, const LoraConfig& config, torch::Device device,
                                std::uint64_t seed) {
  if (config.rank <= 0) throw Error("LoRA rank must be positive", {"", 0, "rank"});
  for (const auto& t : config.target_modules) {
    if (!is_known_lora_target(t)) {
      throw Error("unknown LoRA target \"" + t + "\" (" + known_lora_targets() + ")", {"", 0, "target_modules"});
    }
  }
  torch::manual_seed(seed);
  LoraAdapter a;
  a.config_ = config;
  a.fused_ = model.fused_projections;
  if (a.fused_) a.config_.target_modules = peft_target_modules(config.target_modules, true);
  a.layers_.resize(static_cast<std::size_t>(model.num_layers));
  for (std::int64_t i = 0; i < model.num_layers; ++i) {
    for (std::size_t m = 0; m < kBlockModuleNames.size(); ++m) {
      if (!lora_targets_module(config.target_modules, m, a.fused_)) continue;
      const auto bm = static_cast<BlockModule>(m);
      a.block(i, bm) = init_pair(in_features(model, bm), out_features(model, bm), config.rank, device);
    }
  }
  if (targets(config, "lm_head")) a.lm_head_ = init_pair(model.hidden_size, model.vocab_size, config.rank, device);
  if (targets(config, "embed_tokens")) {
    // PEFT's embedding init: A zeros, B normal.
    a.embed_ = {torch::zeros({config.rank, model.vocab_size}, torch::TensorOptions().device(device)),
                torch::randn({model.hidden_size, config.rank}, torch::TensorOptions().device(device))};
  }
  return a;
}

std::vector<torch::Tensor> LoraAdapter::parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& [name, t] : named_tensors()) out.push_back(t);
  return out;
}

std::vector<std::pair<std::string, torch::Tensor>> LoraAdapter::named_tensors() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    for (std::size_t m = 0; m < kBlockModuleNames.size(); ++m) {
      const LoraPair& p = layers_[i][m];
      if (!p.defined()) continue;
      // (Appended piece by piece: GCC 12 warns falsely on a long chain of std::string +.)
      std::string base = kPrefix;
      base.append("model.layers.").append(std::to_string(i)).append(".").append(block_path(static_cast<BlockModule>(m), fused_));
      out.emplace_back(base + ".lora_A.weight", p.a);
      out.emplace_back(base + ".lora_B.weight", p.b);
    }
  }
  if (lm_head_.defined()) {
    out.emplace_back(std::string(kPrefix) + "lm_head.lora_A.weight", lm_head_.a);
    out.emplace_back(std::string(kPrefix) + "lm_head.lora_B.weight", lm_head_.b);
  }
  if (embed_.defined()) {
    out.emplace_back(std::string(kPrefix) + "model.embed_tokens.lora_embedding_A", embed_.a);
    out.emplace_back(std::string(kPrefix) + "model.embed_tokens.lora_embedding_B", embed_.b);
  }
  return out;
}

void LoraAdapter::save_peft(const std::filesystem::path& folder, const std::string& base_model) const {
  std::filesystem::create_directories(folder);
  nlohmann::ordered_json cfg = {
      {"peft_type", "LORA"}, {"task_type", "CAUSAL_LM"}, {"base_model_name_or_path", base_model},
      {"r", config_.rank}, {"lora_alpha", config_.alpha}, {"lora_dropout", config_.dropout},
      {"use_rslora", config_.use_rslora}, {"target_modules", config_.target_modules}, {"bias", "none"},
      {"fan_in_fan_out", false}, {"inference_mode", true}, {"init_lora_weights", true},
      {"modules_to_save", nullptr}, {"layers_to_transform", nullptr}, {"revision", nullptr},
      {"library", "tunebench"}};
  write_file_atomic(folder / "adapter_config.json", cfg.dump(2) + "\n");
  std::vector<std::pair<std::string, torch::Tensor>> tensors;
  for (const auto& [name, t] : named_tensors()) tensors.emplace_back(name, t.detach().to(torch::kFloat32).contiguous());
  write_safetensors(folder / "adapter_model.safetensors", tensors, {{"format", "pt"}});
}

LoraAdapter LoraAdapter::load_peft(const std::filesystem::path& folder, const ModelConfig& model, torch::Device device) {
  const auto cfg_path = folder / "adapter_config.json";
  const nlohmann::json cfg = read_json_file(cfg_path, "adapter_config.json; is this a PEFT adapter folder?");
  // 1. The config: a LoRA, on modules we know, without features we do not implement.
  if (cfg.value("peft_type", std::string()) != "LORA") {
    throw FormatError("peft_type must be LORA", {cfg_path.string(), 0, "peft_type"});
  }
  LoraAdapter a;
  a.fused_ = model.fused_projections;
  try {
    const auto rank = json_integer<std::int64_t>(cfg.at("r"));
    if (!rank || *rank < 1) throw FormatError("r must be a positive whole number", {cfg_path.string(), 0, "r"});
    a.config_.rank = *rank;
    a.config_.alpha = cfg.at("lora_alpha").get<double>();
    a.config_.dropout = cfg.value("lora_dropout", 0.0);
    a.config_.use_rslora = cfg.value("use_rslora", false);
    const auto& targets_json = cfg.at("target_modules");
    a.config_.target_modules = targets_json.is_string() ? std::vector<std::string>{targets_json.get<std::string>()}
                                                        : targets_json.get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(std::string("unreadable LoRA settings: ") + e.what(), {cfg_path.string()});
  }
  for (const char* key : {"use_dora", "fan_in_fan_out"}) {
    if (cfg.value(key, false)) throw FormatError(std::string(key) + " adapters are not supported", {cfg_path.string(), 0, key});
  }
  if (cfg.contains("rank_pattern") && !cfg["rank_pattern"].is_null() && !cfg["rank_pattern"].empty()) {
    throw FormatError("per-module ranks (rank_pattern) are not supported", {cfg_path.string(), 0, "rank_pattern"});
  }
  if (cfg.value("bias", std::string("none")) != "none") {
    throw FormatError("adapters that train biases are not supported", {cfg_path.string(), 0, "bias"});
  }
  // 2. The tensors, by PEFT key; every key must map to a module and fit its shape.
  const auto weights_path = folder / "adapter_model.safetensors";
  const SafetensorsFile file(weights_path);
  a.layers_.resize(static_cast<std::size_t>(model.num_layers));
  static const std::regex kBlock(R"(base_model\.model\.model\.layers\.(\d+)\.(self_attn|mlp)\.([a-z_]+)\.lora_([AB])(?:\.default)?\.weight)");
  const std::int64_t r = a.config_.rank;
  for (const auto& t : file.header().tensors) {
    std::smatch m;
    auto tensor = load_tensor(file, t.name).to(device, torch::kFloat32);
    auto expect_shape = [&](std::vector<std::int64_t> shape) {
      if (tensor.sizes().vec() != shape) {
        throw FormatError("shape " + c10::str(tensor.sizes()) + " does not fit the model (expected " + c10::str(shape) + ")",
                          {weights_path.string(), 0, t.name});
      }
    };
    if (std::regex_match(t.name, m, kBlock)) {
      const std::int64_t layer = m[1].length() > 9 ? model.num_layers : std::stoll(m[1].str());
      std::size_t index = kLoraBlockModuleCount;
      for (std::size_t k = 0; k < kLoraBlockModuleCount; ++k) {
        const bool exists = !a.fused_ || (k != 1 && k != 2 && k != 5);
        if (exists && m[3].str() == lora_module_name(k, a.fused_) && block_path(static_cast<BlockModule>(k), a.fused_) ==
                                                                         m[2].str() + "." + m[3].str()) {
          index = k;
        }
      }
      if (layer >= model.num_layers || index == kLoraBlockModuleCount) {
        throw FormatError(a.fused_ ? "no such module in this model (Phi-3 has qkv_proj, o_proj, gate_up_proj and down_proj)"
                                   : "no such module in this model",
                          {weights_path.string(), 0, t.name});
      }
      const auto bm = static_cast<BlockModule>(index);
      LoraPair& p = a.block(layer, bm);
      if (m[4] == "A") {
        expect_shape({r, in_features(model, bm)});
        p.a = tensor;
      } else {
        expect_shape({out_features(model, bm), r});
        p.b = tensor;
      }
    } else if (t.name == "base_model.model.lm_head.lora_A.weight") {
      expect_shape({r, model.hidden_size});
      a.lm_head_.a = tensor;
    } else if (t.name == "base_model.model.lm_head.lora_B.weight") {
      expect_shape({model.vocab_size, r});
      a.lm_head_.b = tensor;
    } else if (t.name == "base_model.model.model.embed_tokens.lora_embedding_A") {
      expect_shape({r, model.vocab_size});
      a.embed_.a = tensor;
    } else if (t.name == "base_model.model.model.embed_tokens.lora_embedding_B") {
      expect_shape({model.hidden_size, r});
      a.embed_.b = tensor;
    } else {
      throw FormatError("a tensor Tunebench cannot place (not a LoRA A/B of a supported module)",
                        {weights_path.string(), 0, t.name});
    }
  }
  // 3. Pairs are complete.
  auto check = [&](const LoraPair& p, const std::string& what) {
    if (p.a.defined() != p.b.defined()) throw FormatError("has lora_A without lora_B or the reverse", {weights_path.string(), 0, what});
  };
  for (std::size_t i = 0; i < a.layers_.size(); ++i) {
    for (std::size_t mi = 0; mi < kBlockModuleNames.size(); ++mi) check(a.layers_[i][mi], "layer " + std::to_string(i) + " " + kBlockModuleNames[mi]);
  }
  check(a.lm_head_, "lm_head");
  check(a.embed_, "embed_tokens");
  return a;
}

std::string adapter_base_model(const std::filesystem::path& folder) {
  std::ifstream in(folder / "adapter_config.json", std::ios::binary);
  if (!in) return {};
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("base_model_name_or_path") ||
      !j["base_model_name_or_path"].is_string())
    return {};
  return j["base_model_name_or_path"].get<std::string>();
}

}  // namespace tb
