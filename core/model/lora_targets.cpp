// LoRA targets (see lora_targets.h).
#include "core/model/lora_targets.h"

#include <algorithm>

namespace tb {
namespace {

bool named(const std::vector<std::string>& targets, const char* name) {
  return std::find(targets.begin(), targets.end(), name) != targets.end();
}

}  // namespace

bool is_known_lora_target(const std::string& name) {
  return name == "lm_head" || name == "embed_tokens" || name == "qkv_proj" || name == "gate_up_proj" ||
         std::find(kBlockModuleNames.begin(), kBlockModuleNames.end(), name) != kBlockModuleNames.end();
}

std::string known_lora_targets() {
  std::string out;
  for (const char* n : kBlockModuleNames) out += std::string(out.empty() ? "" : ", ") + n;
  return out + ", lm_head, embed_tokens (and, on Phi-3, qkv_proj and gate_up_proj)";
}

bool lora_targets_module(const std::vector<std::string>& t, std::size_t module, bool fused) {
  switch (module) {
    case 0:
      return named(t, "q_proj") || named(t, "qkv_proj") || (fused && (named(t, "k_proj") || named(t, "v_proj")));
    case 1: return !fused && (named(t, "k_proj") || named(t, "qkv_proj"));
    case 2: return !fused && (named(t, "v_proj") || named(t, "qkv_proj"));
    case 4: return named(t, "gate_proj") || named(t, "gate_up_proj") || (fused && named(t, "up_proj"));
    case 5: return !fused && (named(t, "up_proj") || named(t, "gate_up_proj"));
    default: return module < kLoraBlockModuleCount && named(t, kBlockModuleNames[module]);
  }
}

const char* lora_module_name(std::size_t module, bool fused) {
  if (fused && module == 0) return "qkv_proj";
  if (fused && module == 4) return "gate_up_proj";
  return kBlockModuleNames[module];
}

std::vector<std::string> peft_target_modules(const std::vector<std::string>& targets, bool fused) {
  std::vector<std::string> out;
  for (std::size_t m = 0; m < kLoraBlockModuleCount; ++m) {
    if (lora_targets_module(targets, m, fused)) out.emplace_back(lora_module_name(m, fused));
  }
  for (const char* extra : {"lm_head", "embed_tokens"}) {
    if (named(targets, extra)) out.emplace_back(extra);
  }
  return out;
}

}  // namespace tb
