// ModelConfig from config.json or GGUF metadata (see model_config.h). Defaults follow
// transformers' LlamaConfig / MistralConfig / Qwen2Config / Qwen3Config / Gemma3TextConfig /
// Phi3Config where a key is absent.
#include "core/model/model_config.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/json_file.h"

namespace tb {
namespace {

struct Family {
  const char* hf_class;
  const char* model_type;
};
constexpr Family kFamilies[] = {
    {"LlamaForCausalLM", "llama"},  {"MistralForCausalLM", "mistral"},   {"Qwen2ForCausalLM", "qwen2"},
    {"Qwen3ForCausalLM", "qwen3"},  {"Gemma3ForCausalLM", "gemma3_text"}, {"Phi3ForCausalLM", "phi3"}};

// The name we keep for a family (model_type, except Gemma 3's text model).
std::string family_name(const std::string& model_type) {
  return model_type == "gemma3_text" ? "gemma3" : model_type;
}

std::int64_t get_int(const nlohmann::json& j, const char* key, const std::string& source,
                     std::optional<std::int64_t> fallback = std::nullopt) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (fallback) return *fallback;
    throw FormatError("missing required key", {source, 0, key});
  }
  if (!it->is_number_integer()) throw FormatError("must be an integer", {source, 0, key});
  return it->get<std::int64_t>();
}

double get_double(const nlohmann::json& j, const char* key, const std::string& source, double fallback) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number()) throw FormatError("must be a number", {source, 0, key});
  return it->get<double>();
}

std::optional<std::int64_t> get_optional_int(const nlohmann::json& j, const char* key,
                                             const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) throw FormatError("must be an integer", {source, 0, key});
  return it->get<std::int64_t>();
}

std::vector<double> get_factors(const nlohmann::json& j, const char* key, const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array()) throw FormatError("LongRoPE needs a list of numbers here", {source, 0, key});
  std::vector<double> out;
  for (const auto& v : *it) {
    if (!v.is_number() || v.get<double>() <= 0) throw FormatError("must be positive numbers", {source, 0, key});
    out.push_back(v.get<double>());
  }
  return out;
}

// `rope` is the rope_scaling object (older files) or rope_parameters (transformers 5); `top` the
// whole config, where Phi-3 keeps original_max_position_embeddings.
RopeScaling parse_rope_scaling(const nlohmann::json& rope, const nlohmann::json& top, const std::string& source,
                               bool phi) {
  RopeScaling s;
  if (rope.is_null()) return s;
  if (!rope.is_object()) throw FormatError("must be an object or null", {source, 0, "rope_scaling"});
  std::string type = rope.value("rope_type", rope.value("type", std::string("default")));
  if (phi && (type == "su" || type == "yarn")) type = "longrope";  // Phi3Config's older names
  if (type == "default") return s;
  s.factor = get_double(rope, "factor", source, 1.0);
  if (type == "linear") {
    s.type = RopeScalingType::Linear;
  } else if (type == "llama3") {
    s.type = RopeScalingType::Llama3;
    s.low_freq_factor = get_double(rope, "low_freq_factor", source, 1.0);
    s.high_freq_factor = get_double(rope, "high_freq_factor", source, 4.0);
    s.original_max_position_embeddings =
        get_int(rope, "original_max_position_embeddings", source, 8192);
  } else if (type == "longrope") {
    s.type = RopeScalingType::LongRope;
    s.short_factor = get_factors(rope, "short_factor", source);
    s.long_factor = get_factors(rope, "long_factor", source);
    if (const auto it = rope.find("attention_factor"); it != rope.end() && !it->is_null()) {
      s.attention_factor = get_double(rope, "attention_factor", source, 1.0);
    }
    // As transformers: the top-level value first (Phi3Config always has one, 4096 by default).
    const std::int64_t max_pos = get_int(top, "max_position_embeddings", source, 4096);
    s.original_max_position_embeddings = get_int(
        top, "original_max_position_embeddings", source,
        get_int(rope, "original_max_position_embeddings", source, phi ? 4096 : max_pos));
    if (s.original_max_position_embeddings <= 0) {
      throw FormatError("must be positive", {source, 0, "original_max_position_embeddings"});
    }
    if (!rope.contains("factor") || rope["factor"].is_null()) {
      s.factor = static_cast<double>(max_pos) / static_cast<double>(s.original_max_position_embeddings);
    }
  } else {
    throw FormatError("rope scaling \"" + type + "\" is not supported (default, linear, llama3, longrope are)",
                      {source, 0, "rope_scaling"});
  }
  return s;
}

// Phi-3's differences: fused projections, SiLU only, and the share of each head RoPE turns.
void read_phi3(const nlohmann::json& j, const std::string& source, ModelConfig& c) {
  c.fused_projections = true;
  const std::string act = j.value("hidden_act", std::string("silu"));
  if (act != "silu") {
    throw FormatError("activation \"" + act + "\" is not supported for Phi-3 (silu is)", {source, 0, "hidden_act"});
  }
  c.partial_rotary_factor = get_double(j, "partial_rotary_factor", source, 1.0);
  if (const auto rp = j.find("rope_parameters"); rp != j.end() && rp->is_object()) {
    c.partial_rotary_factor = get_double(*rp, "partial_rotary_factor", source, c.partial_rotary_factor);
  }
  if (!(c.partial_rotary_factor > 0 && c.partial_rotary_factor <= 1)) {
    throw FormatError("must be above 0 and at most 1", {source, 0, "partial_rotary_factor"});
  }
  c.sliding_window = get_optional_int(j, "sliding_window", source);
}

// Gemma 3's differences: (1 + w) norms, four norms a block, scaled embeddings, GELU-tanh, the
// query scale, and which layers are windowed (layer_types, or every Nth global in older files).
void read_gemma3(const nlohmann::json& j, const std::string& source, ModelConfig& c) {
  c.norm_adds_one = true;
  c.sandwich_norms = true;
  c.embedding_scale = std::sqrt(static_cast<double>(c.hidden_size));
  const std::string act = j.value("hidden_activation", j.value("hidden_act", std::string("gelu_pytorch_tanh")));
  if (act != "gelu_pytorch_tanh" && act != "gelu_tanh") {
    throw FormatError("activation \"" + act + "\" is not supported for Gemma 3 (gelu_pytorch_tanh is)",
                      {source, 0, "hidden_activation"});
  }
  c.activation = MlpActivation::GeluTanh;
  c.query_pre_attn_scalar = get_double(j, "query_pre_attn_scalar", source, 256.0);
  if (j.value("use_bidirectional_attention", false)) {
    throw FormatError("bidirectional attention (an embedding model) is not supported; choose a causal Gemma 3",
                      {source, 0, "use_bidirectional_attention"});
  }
  for (const char* cap : {"final_logit_softcapping", "attn_logit_softcapping"}) {
    if (const auto it = j.find(cap); it != j.end() && !it->is_null()) {
      throw FormatError("logit soft-capping is not supported (Gemma 3 has none; is this Gemma 2?)", {source, 0, cap});
    }
  }
  c.sliding_window = get_optional_int(j, "sliding_window", source);
  if (!c.sliding_window) c.sliding_window = 4096;
  if (const auto it = j.find("layer_types"); it != j.end() && it->is_array()) {
    for (const auto& t : *it) {
      if (!t.is_string()) throw FormatError("must be a list of strings", {source, 0, "layer_types"});
      c.sliding_layers.push_back(t.get<std::string>() == "sliding_attention");
    }
    if (static_cast<std::int64_t>(c.sliding_layers.size()) != c.num_layers) {
      throw FormatError("must name one attention kind per layer (" + std::to_string(c.num_layers) + ")",
                        {source, 0, "layer_types"});
    }
  } else {
    const std::int64_t pattern = get_int(j, "sliding_window_pattern", source, 6);
    if (pattern <= 0) throw FormatError("must be positive", {source, 0, "sliding_window_pattern"});
    for (std::int64_t i = 0; i < c.num_layers; ++i) c.sliding_layers.push_back((i + 1) % pattern != 0);
  }
}

// One small fp32 vector stored as a tensor (llama.cpp's rope_factors_long / _short).
std::vector<double> gguf_factors(const GgufFile& gguf, const std::string& name, const std::string& source) {
  const GgufTensorInfo* t = gguf.find_tensor(name);
  if (t == nullptr) throw FormatError("LongRoPE needs this tensor", {source, 0, name});
  const auto shape = t->torch_shape();
  if (shape.size() != 1 || shape[0] <= 0 || shape[0] > 65536) {
    throw FormatError("must be a short list of numbers", {source, 0, name});
  }
  std::vector<float> values(static_cast<std::size_t>(shape[0]));
  gguf.dequantize_f32(gguf.dequantizable(name), values.data());
  return {values.begin(), values.end()};
}

// Phi-3 as llama.cpp's converter writes it: fused tensors, rope.dimension_count for partial
// rotary, and for LongRoPE files the pretraining length, the attention factor and the two factor
// sets as tensors. (llama.cpp picks one set for the whole run from its context size; we pick per
// forward, as transformers does.)
void read_phi3_gguf(const GgufFile& gguf, const std::string& source, ModelConfig& c) {
  c.fused_projections = true;
  auto get = [&](const std::string& key) { return gguf.find_metadata("phi3." + key); };
  if (const GgufValue* v = get("rope.dimension_count")) {
    const std::int64_t dims = v->as_int("phi3.rope.dimension_count");
    if (dims <= 0 || dims > c.head_dim) throw FormatError("must be between 1 and the head size", {source, 0, "phi3.rope.dimension_count"});
    c.partial_rotary_factor = static_cast<double>(dims) / static_cast<double>(c.head_dim);
  }
  if (const GgufValue* v = get("attention.sliding_window"); v != nullptr && v->as_int("sliding_window") > 0) {
    c.sliding_window = v->as_int("phi3.attention.sliding_window");
  }
  if (gguf.find_tensor("rope_factors_long.weight") == nullptr) return;
  RopeScaling& s = c.rope_scaling;
  s.type = RopeScalingType::LongRope;
  s.long_factor = gguf_factors(gguf, "rope_factors_long.weight", source);
  s.short_factor = gguf_factors(gguf, "rope_factors_short.weight", source);
  const GgufValue* original = get("rope.scaling.original_context_length");
  s.original_max_position_embeddings = original != nullptr ? original->as_int("original_context_length") : 4096;
  if (s.original_max_position_embeddings <= 0) {
    throw FormatError("must be positive", {source, 0, "phi3.rope.scaling.original_context_length"});
  }
  s.factor = static_cast<double>(c.max_position_embeddings) / static_cast<double>(s.original_max_position_embeddings);
  if (const GgufValue* v = get("rope.scaling.attn_factor")) s.attention_factor = v->as_float("attn_factor");
}

}  // namespace

bool ModelConfig::layer_is_sliding(std::int64_t i) const {
  if (!sliding_window) return false;
  if (sliding_layers.empty()) return true;
  return i >= 0 && i < static_cast<std::int64_t>(sliding_layers.size()) && sliding_layers[static_cast<std::size_t>(i)];
}

std::int64_t ModelConfig::sliding_layer_count() const {
  std::int64_t n = 0;
  for (std::int64_t i = 0; i < num_layers; ++i) n += layer_is_sliding(i) ? 1 : 0;
  return n;
}

std::int64_t ModelConfig::rotary_dim() const {
  // As transformers: int(head_dim * factor), which Phi3Config requires to be even (the 1e-9 keeps
  // a factor read back as dims / head_dim from landing just below a whole number).
  return static_cast<std::int64_t>(static_cast<double>(head_dim) * partial_rotary_factor + 1e-9);
}

std::int64_t ModelConfig::padding_id() const {
  if (pad_token_id) return *pad_token_id;
  return eos_token_ids.empty() ? 0 : eos_token_ids.front();
}

std::string supported_architectures() {
  std::string out;
  for (const Family& f : kFamilies) out += (out.empty() ? "" : ", ") + std::string(f.hf_class);
  return out;
}

void ModelConfig::validate(const std::string& source) const {
  auto need = [&](bool ok, const char* field, const std::string& what) {
    if (!ok) throw FormatError(what, {source, 0, field});
  };
  need(vocab_size > 0, "vocab_size", "must be positive");
  need(hidden_size > 0, "hidden_size", "must be positive");
  need(intermediate_size > 0, "intermediate_size", "must be positive");
  need(num_layers > 0, "num_hidden_layers", "must be positive");
  need(num_heads > 0, "num_attention_heads", "must be positive");
  need(num_kv_heads > 0 && num_heads % num_kv_heads == 0, "num_key_value_heads",
       "must be positive and divide num_attention_heads");
  need(head_dim > 0 && head_dim % 2 == 0, "head_dim", "must be positive and even (for RoPE)");
  need(rms_norm_eps > 0, "rms_norm_eps", "must be positive");
  need(rope_theta > 0, "rope_theta", "must be positive");
  // 2. Sizes no real model has (a damaged file): parameter_count() would overflow past about
  //    9.2e18, and nothing of more than 10^15 parameters can be loaded anyway.
  const double C = static_cast<double>(hidden_size), F = static_cast<double>(intermediate_size);
  const double D = static_cast<double>(head_dim), H = static_cast<double>(num_heads);
  const double Hkv = static_cast<double>(num_kv_heads), V = static_cast<double>(vocab_size);
  const double block = 2 * C * H * D + 2 * C * Hkv * D + (H + 2 * Hkv) * D + 3 * C * F + 4 * C + 2 * D;
  need(static_cast<double>(num_layers) * block + 2 * V * C + C < 1e15, "sizes",
       "these sizes give more than 10^15 parameters; is the file damaged?");
  need(rotary_dim() > 0 && rotary_dim() % 2 == 0, "partial_rotary_factor",
       "must leave a positive, even number of rotated dimensions per head");
  if (rope_scaling.type == RopeScalingType::LongRope) {
    const auto half = static_cast<std::size_t>(rotary_dim() / 2);
    need(rope_scaling.short_factor.size() == half, "short_factor",
         "must have one number per rotated pair (" + std::to_string(half) + ")");
    need(rope_scaling.long_factor.size() == half, "long_factor",
         "must have one number per rotated pair (" + std::to_string(half) + ")");
  }
}

std::int64_t ModelConfig::parameter_count() const {
  const std::int64_t q = hidden_size * num_heads * head_dim;
  const std::int64_t kv = 2 * hidden_size * num_kv_heads * head_dim;
  const std::int64_t o = num_heads * head_dim * hidden_size;
  const std::int64_t bias = attention_bias ? (num_heads + 2 * num_kv_heads) * head_dim : 0;
  const std::int64_t mlp = 3 * hidden_size * intermediate_size;
  const std::int64_t norms = (sandwich_norms ? 4 : 2) * hidden_size + (qk_norm ? 2 * head_dim : 0);
  const std::int64_t block = q + kv + o + bias + mlp + norms;
  const std::int64_t embed = vocab_size * hidden_size;
  return num_layers * block + embed + hidden_size + (tie_word_embeddings ? 0 : embed);
}

ModelConfig config_from_hf_json(const nlohmann::json& j, const std::string& source) {
  if (!j.is_object()) throw FormatError("config.json must be a JSON object", {source});
  // 1. The architecture, by class name (or model_type when architectures is absent).
  std::string arch_class;
  if (const auto it = j.find("architectures"); it != j.end() && it->is_array() && !it->empty() &&
                                               (*it)[0].is_string()) {
    arch_class = (*it)[0].get<std::string>();
  }
  const std::string model_type = j.value("model_type", std::string());
  ModelConfig c;
  for (const Family& f : kFamilies) {
    if (arch_class == f.hf_class || (arch_class.empty() && model_type == f.model_type)) {
      c.architecture = family_name(f.model_type);
    }
  }
  if (c.architecture.empty() && (arch_class == "Gemma3ForConditionalGeneration" || model_type == "gemma3")) {
    throw FormatError("Gemma 3 4B and larger are image-and-text models (Gemma3ForConditionalGeneration); "
                      "their text part alone is not supported yet. Gemma 3 270M and 1B "
                      "(Gemma3ForCausalLM) are.", {source, 0, "architectures"});
  }
  if (c.architecture.empty()) {
    throw FormatError("architecture \"" + (arch_class.empty() ? model_type : arch_class) +
                          "\" is not supported; supported: " + supported_architectures(),
                      {source, 0, "architectures"});
  }
  // 2. Sizes, with transformers' defaults where optional.
  c.vocab_size = get_int(j, "vocab_size", source);
  c.hidden_size = get_int(j, "hidden_size", source);
  c.intermediate_size = get_int(j, "intermediate_size", source);
  c.num_layers = get_int(j, "num_hidden_layers", source);
  c.num_heads = get_int(j, "num_attention_heads", source);
  c.num_kv_heads = get_int(j, "num_key_value_heads", source, c.num_heads);
  c.head_dim = get_int(j, "head_dim", source, c.num_heads > 0 ? c.hidden_size / c.num_heads : 0);
  c.max_position_embeddings = get_int(j, "max_position_embeddings", source, 2048);
  c.rms_norm_eps = get_double(j, "rms_norm_eps", source, 1e-6);
  // transformers 5 keeps rope_theta inside rope_parameters (per attention kind for Gemma 3:
  // {"full_attention": {...}, "sliding_attention": {...}}); older files have it at the top.
  const bool gemma = c.architecture == "gemma3";
  const bool phi = c.architecture == "phi3";
  double theta = get_double(j, "rope_theta", source, c.architecture == "qwen2" || gemma ? 1e6 : 10000.0);
  c.rope_local_theta = get_double(j, "rope_local_base_freq", source, 10000.0);
  if (const auto rp = j.find("rope_parameters"); rp != j.end() && rp->is_object()) {
    const auto full = rp->find("full_attention");
    const nlohmann::json& global = full != rp->end() && full->is_object() ? *full : *rp;
    theta = get_double(global, "rope_theta", source, theta);
    c.rope_scaling = parse_rope_scaling(global, j, source, phi);
    if (const auto local = rp->find("sliding_attention"); local != rp->end() && local->is_object()) {
      c.rope_local_theta = get_double(*local, "rope_theta", source, c.rope_local_theta);
    }
  } else {
    c.rope_scaling = parse_rope_scaling(j.contains("rope_scaling") ? j["rope_scaling"] : nlohmann::json(), j, source, phi);
  }
  c.rope_theta = theta;
  c.tie_word_embeddings = j.value("tie_word_embeddings", false);
  c.attention_bias = c.architecture == "qwen2" ? true : j.value("attention_bias", false);
  if (c.architecture == "mistral" || c.architecture == "qwen2" || c.architecture == "qwen3") {
    const bool use_sliding = j.value("use_sliding_window", c.architecture == "mistral");
    if (use_sliding) c.sliding_window = get_optional_int(j, "sliding_window", source);
  }
  c.qk_norm = c.architecture == "qwen3" || gemma;
  if (gemma) read_gemma3(j, source, c);
  if (phi) read_phi3(j, source, c);
  c.bos_token_id = get_optional_int(j, "bos_token_id", source);
  c.pad_token_id = get_optional_int(j, "pad_token_id", source);
  if (const auto it = j.find("eos_token_id"); it != j.end() && !it->is_null()) {
    if (it->is_array()) {
      for (const auto& e : *it) {
        if (!e.is_number_integer()) throw FormatError("must be integers", {source, 0, "eos_token_id"});
        c.eos_token_ids.push_back(e.get<std::int64_t>());
      }
    } else {
      c.eos_token_ids.push_back(get_int(j, "eos_token_id", source));
    }
  }
  c.torch_dtype = j.value("dtype", j.value("torch_dtype", std::string()));
  c.validate(source);
  return c;
}

ModelConfig config_from_hf_file(const std::filesystem::path& config_json) {
  return config_from_hf_json(read_json_file(config_json, "config.json"), config_json.string());
}

ModelConfig config_from_gguf(const GgufFile& gguf) {
  const std::string source = gguf.path().string();
  const GgufValue* arch_value = gguf.find_metadata("general.architecture");
  if (arch_value == nullptr) throw FormatError("missing general.architecture", {source});
  const std::string arch = arch_value->as_string("general.architecture");
  if (arch != "llama" && arch != "qwen2" && arch != "qwen3" && arch != "gemma3" && arch != "phi3") {
    throw FormatError("GGUF architecture \"" + arch + "\" is not supported (llama, qwen2, qwen3, gemma3, phi3 "
                      "are; Mistral files use llama)", {source, 0, "general.architecture"});
  }
  auto get = [&](const std::string& key) -> const GgufValue* { return gguf.find_metadata(arch + "." + key); };
  auto req_int = [&](const std::string& key) {
    const GgufValue* v = get(key);
    if (v == nullptr) throw FormatError("missing required key", {source, 0, arch + "." + key});
    return v->as_int(arch + "." + key);
  };
  ModelConfig c;
  c.architecture = arch;
  c.hidden_size = req_int("embedding_length");
  c.intermediate_size = req_int("feed_forward_length");
  c.num_layers = req_int("block_count");
  c.num_heads = req_int("attention.head_count");
  c.num_kv_heads = get("attention.head_count_kv") ? req_int("attention.head_count_kv") : c.num_heads;
  c.head_dim = get("attention.key_length") ? req_int("attention.key_length") : c.hidden_size / c.num_heads;
  c.max_position_embeddings = get("context_length") ? req_int("context_length") : 2048;
  if (const GgufValue* v = get("attention.layer_norm_rms_epsilon")) c.rms_norm_eps = v->as_float("rms_epsilon");
  if (const GgufValue* v = get("rope.freq_base")) c.rope_theta = v->as_float("rope.freq_base");
  else if (arch != "llama" && arch != "phi3") c.rope_theta = 1e6;
  // (Phi-3's LongRoPE is read from its own keys and tensors, below.)
  if (const GgufValue* v = arch == "phi3" ? nullptr : get("rope.scaling.type")) {
    const std::string t = v->as_string("rope.scaling.type");
    if (t == "linear") {
      c.rope_scaling.type = RopeScalingType::Linear;
      c.rope_scaling.factor = get("rope.scaling.factor") ? get("rope.scaling.factor")->as_float("factor") : 1.0;
    } else if (t != "none") {
      throw FormatError("rope scaling \"" + t + "\" is not supported", {source, 0, arch + ".rope.scaling.type"});
    }
  }
  c.attention_bias = arch == "qwen2";
  c.qk_norm = arch == "qwen3" || arch == "gemma3";
  if (arch == "gemma3") {
    // As llama.cpp runs Gemma 3: every sixth layer global, the others windowed with a local
    // RoPE base of 10000, queries scaled by head_dim (the 270M and 1B models' query_pre_attn_scalar).
    c.norm_adds_one = true;
    c.sandwich_norms = true;
    c.embedding_scale = std::sqrt(static_cast<double>(c.hidden_size));
    c.activation = MlpActivation::GeluTanh;
    c.query_pre_attn_scalar = static_cast<double>(c.head_dim);
    c.sliding_window = get("attention.sliding_window") ? req_int("attention.sliding_window") : 512;
    for (std::int64_t i = 0; i < c.num_layers; ++i) c.sliding_layers.push_back((i + 1) % 6 != 0);
  }
  if (arch == "phi3") read_phi3_gguf(gguf, source, c);
  // 2. The vocabulary: the explicit size, else the token list's length.
  if (get("vocab_size")) {
    c.vocab_size = req_int("vocab_size");
  } else if (const GgufValue* tokens = gguf.find_metadata("tokenizer.ggml.tokens")) {
    c.vocab_size = static_cast<std::int64_t>(tokens->as_array("tokenizer.ggml.tokens").size());
  }
  c.tie_word_embeddings = gguf.find_tensor("output.weight") == nullptr;
  if (const GgufValue* v = gguf.find_metadata("tokenizer.ggml.bos_token_id")) c.bos_token_id = v->as_int("bos");
  if (const GgufValue* v = gguf.find_metadata("tokenizer.ggml.eos_token_id")) c.eos_token_ids.push_back(v->as_int("eos"));
  if (const GgufValue* v = gguf.find_metadata("tokenizer.ggml.padding_token_id")) c.pad_token_id = v->as_int("pad");
  c.validate(source);
  return c;
}

void to_json(nlohmann::json& out, const ModelConfig& c) {
  static const char* kScaling[] = {"none", "linear", "llama3", "longrope"};
  out = {{"architecture", c.architecture},
         {"vocab_size", c.vocab_size},
         {"hidden_size", c.hidden_size},
         {"intermediate_size", c.intermediate_size},
         {"num_layers", c.num_layers},
         {"num_heads", c.num_heads},
         {"num_kv_heads", c.num_kv_heads},
         {"head_dim", c.head_dim},
         {"max_position_embeddings", c.max_position_embeddings},
         {"rms_norm_eps", c.rms_norm_eps},
         {"rope_theta", c.rope_theta},
         {"rope_scaling", {{"type", kScaling[static_cast<int>(c.rope_scaling.type)]},
                           {"factor", c.rope_scaling.factor}}},
         {"tie_word_embeddings", c.tie_word_embeddings},
         {"attention_bias", c.attention_bias},
         {"parameter_count", c.parameter_count()}};
  if (c.sliding_window) out["sliding_window"] = *c.sliding_window;
  if (c.qk_norm) out["qk_norm"] = true;
  if (c.fused_projections) out["fused_projections"] = true;
  if (c.rotary_dim() != c.head_dim) out["rotary_dim"] = c.rotary_dim();
  if (c.rope_scaling.type == RopeScalingType::LongRope) {
    out["rope_scaling"]["original_max_position_embeddings"] = c.rope_scaling.original_max_position_embeddings;
  }
  if (c.architecture == "gemma3") {
    out["sliding_layers"] = c.sliding_layer_count();
    out["rope_local_theta"] = c.rope_local_theta;
    out["query_pre_attn_scalar"] = c.query_pre_attn_scalar.value_or(static_cast<double>(c.head_dim));
  }
}

}  // namespace tb
