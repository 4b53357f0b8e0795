// The names a training run is described by: which weights it updates (full, LoRA, freeze-N)
// and the precision it computes in. Shared by the trainer, the memory estimate, the CLI and
// the Setup page; parsing is strict and names the accepted words.
#pragma once

#include <string>
#include <string_view>

namespace tb::train {

enum class TrainMethod { Full, Lora, Freeze };
// Fp32: everything fp32. Bf16: frozen weights and activations in bf16; trainable parameters and
// optimizer state in fp32.
enum class Precision { Fp32, Bf16 };

const char* to_string(TrainMethod method);
const char* to_string(Precision precision);
// Throw tb::Error naming the accepted values ("full", "lora", "freeze"; "fp32", "bf16").
TrainMethod parse_train_method(std::string_view text);
Precision parse_precision(std::string_view text);

}  // namespace tb::train
