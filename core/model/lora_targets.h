// Which block linears a LoRA target list adapts, and their PEFT names, in one place for the
// adapter (lora.cpp) and the memory estimate. Models with fused projections (Phi-3) have one
// qkv_proj and one gate_up_proj: naming any part of one adapts the whole fused matrix, as PEFT
// can only adapt whole modules. Torch-free.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace tb {

// The block linears in forward order (lora.h's BlockModule follows it).
inline constexpr std::size_t kLoraBlockModuleCount = 7;
inline constexpr std::array<const char*, kLoraBlockModuleCount> kBlockModuleNames = {
    "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"};

// True when `name` is a target we know: a block linear, qkv_proj, gate_up_proj, lm_head or
// embed_tokens.
bool is_known_lora_target(const std::string& name);
// The list of known targets, for messages.
std::string known_lora_targets();

// Whether `targets` adapts block linear `module` (an index into kBlockModuleNames). With fused
// projections only modules 0 (qkv_proj: named by q_proj, k_proj, v_proj or qkv_proj), 3, 4
// (gate_up_proj: named by gate_proj, up_proj or gate_up_proj) and 6 exist. Without, qkv_proj
// names q, k and v, and gate_up_proj names gate and up.
bool lora_targets_module(const std::vector<std::string>& targets, std::size_t module, bool fused);

// PEFT's name of block linear `module`: as kBlockModuleNames, or "qkv_proj" and "gate_up_proj"
// for modules 0 and 4 of a fused model.
const char* lora_module_name(std::size_t module, bool fused);

// The target list as PEFT names it for this model (adapter_config.json's target_modules):
// block linears in forward order, then lm_head and embed_tokens when named.
std::vector<std::string> peft_target_modules(const std::vector<std::string>& targets, bool fused);

}  // namespace tb
