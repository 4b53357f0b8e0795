// LoRA's settings (rank, alpha, dropout, rsLoRA, target modules), apart from the adapter
// itself (lora.h) so that settings can travel where libtorch is not included (the GUI).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

struct LoraConfig {
  std::int64_t rank = 8;
  double alpha = 16.0;
  double dropout = 0.0;
  bool use_rslora = false;
  std::vector<std::string> target_modules = {"q_proj", "k_proj", "v_proj", "o_proj",
                                             "gate_proj", "up_proj", "down_proj"};
  double scaling() const;  // alpha / r, or alpha / sqrt(r) with rsLoRA
};

}  // namespace tb
