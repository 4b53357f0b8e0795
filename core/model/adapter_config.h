// Reading a PEFT adapter folder's adapter_config.json for what the GUI shows about it (the base
// model it names). Written, and read for loading, by lora.cpp; this header keeps the GUI's
// question apart from lora.h's tensors.
#pragma once

#include <filesystem>
#include <string>

namespace tb {

// adapter_config.json's base_model_name_or_path, or "" when the folder has no such file or no
// such string.
std::string adapter_base_model(const std::filesystem::path& folder);

}  // namespace tb
