// One sentence on what sets a model's family apart from Llama, for the Model step and
// `tunebench-cli inspect` (e.g. "Qwen3: each head's queries and keys are RMS-normed before
// RoPE"). Words only: the numbers come from ModelConfig; the arithmetic lives in the decoder.
#pragma once

#include <string>

#include "core/model/model_config.h"

namespace tb {

// "Llama", "Mistral", "Qwen2", "Qwen3", "Gemma 3", or the architecture as stored.
std::string family_display_name(const ModelConfig& config);

// The family's name and its differences from Llama's decoder, with this model's numbers.
std::string describe_family(const ModelConfig& config);

}  // namespace tb
