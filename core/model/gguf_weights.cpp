// GGUF -> HF weight names and layout (see gguf_weights.h). Name table after llama.cpp's
// gguf-py tensor_mapping (LLaMA family) and transformers' GGUF loader.
#include "core/model/gguf_weights.h"

#include <regex>

#include "core/common/error.h"
#include "core/model/tensor_files.h"

namespace tb {

std::optional<std::string> hf_name_for_gguf(const std::string& g, const std::string& architecture) {
  static const std::map<std::string, std::string> kTop = {
      {"token_embd.weight", "model.embed_tokens.weight"},
      {"output_norm.weight", "model.norm.weight"},
      {"output.weight", "lm_head.weight"},
  };
  static const std::map<std::string, std::string> kBlock = {
      {"attn_norm", "input_layernorm"},     {"ffn_norm", "post_attention_layernorm"},
      {"attn_q", "self_attn.q_proj"},       {"attn_k", "self_attn.k_proj"},
      {"attn_v", "self_attn.v_proj"},       {"attn_output", "self_attn.o_proj"},
      {"ffn_gate", "mlp.gate_proj"},        {"ffn_up", "mlp.up_proj"},
      {"ffn_down", "mlp.down_proj"},
      {"attn_q_norm", "self_attn.q_norm"},  {"attn_k_norm", "self_attn.k_norm"},
  };
  // Phi-3 (llama.cpp's names): fused attention input, and ffn_up holding gate then up.
  static const std::map<std::string, std::string> kPhi3 = {
      {"attn_qkv", "self_attn.qkv_proj"},
      {"ffn_up", "mlp.gate_up_proj"},
  };
  // Gemma 3 (llama.cpp's names): four norms a block.
  static const std::map<std::string, std::string> kGemma3 = {
      {"post_attention_norm", "post_attention_layernorm"},
      {"ffn_norm", "pre_feedforward_layernorm"},
      {"post_ffw_norm", "post_feedforward_layernorm"},
  };
  if (const auto it = kTop.find(g); it != kTop.end()) return it->second;
  static const std::regex kBlk(R"(blk\.(\d+)\.([a-z_]+)\.(weight|bias))");
  std::smatch m;
  if (!std::regex_match(g, m, kBlk)) return std::nullopt;
  const std::string* hf = nullptr;
  if (const auto it = kBlock.find(m[2].str()); it != kBlock.end()) hf = &it->second;
  if (architecture == "gemma3") {
    if (const auto it = kGemma3.find(m[2].str()); it != kGemma3.end()) hf = &it->second;
  }
  if (architecture == "phi3") {
    if (const auto it = kPhi3.find(m[2].str()); it != kPhi3.end()) hf = &it->second;
  }
  if (hf == nullptr) return std::nullopt;
  return "model.layers." + m[1].str() + "." + *hf + "." + m[3].str();
}

torch::Tensor unpermute_rope_rows(const torch::Tensor& w, std::int64_t n_head) {
  // w: [n_head * 2 * half, rest...] viewed as [n_head, half, 2, rest] in llama.cpp's order;
  // swap the two middle axes back to [n_head, 2, half, rest].
  const std::int64_t half = w.size(0) / n_head / 2;
  auto shape = w.sizes().vec();
  std::vector<std::int64_t> split = {n_head, half, 2};
  split.insert(split.end(), shape.begin() + 1, shape.end());
  return w.reshape(split).transpose(1, 2).reshape(shape).contiguous();
}

std::map<std::string, torch::Tensor> load_gguf_weights(const GgufFile& gguf, const ModelConfig& config) {
  std::map<std::string, torch::Tensor> out;
  const bool permuted = config.architecture == "llama";  // llama.cpp permutes Q/K for llama only
  for (const GgufTensorInfo& t : gguf.header().tensors) {
    const auto hf = hf_name_for_gguf(t.name, config.architecture);
    if (!hf) continue;
    torch::Tensor w = load_f32(gguf, t.name);
    // llama.cpp's Gemma converter stores every norm weight as 1 + w.
    if (config.norm_adds_one && t.name.find("norm.weight") != std::string::npos) w = w - 1;
    if (permuted && t.name.find(".attn_q.") != std::string::npos) {
      w = unpermute_rope_rows(w, config.num_heads);
    } else if (permuted && t.name.find(".attn_k.") != std::string::npos) {
      w = unpermute_rope_rows(w, config.num_kv_heads);
    }
    out.emplace(*hf, std::move(w));
  }
  // Required tensors, so that a truncated export fails here and not in the forward pass.
  std::vector<std::string> required = {"model.embed_tokens.weight", "model.norm.weight"};
  const std::vector<const char*> parts =
      config.fused_projections
          ? std::vector<const char*>{"input_layernorm", "post_attention_layernorm", "self_attn.qkv_proj",
                                     "self_attn.o_proj", "mlp.gate_up_proj", "mlp.down_proj"}
          : std::vector<const char*>{"input_layernorm", "post_attention_layernorm", "self_attn.q_proj",
                                     "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                                     "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"};
  for (std::int64_t i = 0; i < config.num_layers; ++i) {
    for (const char* part : parts) required.push_back("model.layers." + std::to_string(i) + "." + part + ".weight");
  }
  for (std::int64_t i = 0; i < config.num_layers; ++i) {
    std::vector<const char*> extra;
    if (config.qk_norm) extra.insert(extra.end(), {"self_attn.q_norm", "self_attn.k_norm"});
    if (config.sandwich_norms) extra.insert(extra.end(), {"pre_feedforward_layernorm", "post_feedforward_layernorm"});
    for (const char* part : extra) required.push_back("model.layers." + std::to_string(i) + "." + part + ".weight");
  }
  for (const auto& name : required) {
    if (out.count(name) == 0) {
      throw FormatError("the file lacks the tensor for " + name, {gguf.path().string(), 0, name});
    }
  }
  if (config.tie_word_embeddings) out["lm_head.weight"] = out.at("model.embed_tokens.weight");
  return out;
}

}  // namespace tb
