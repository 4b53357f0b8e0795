// Names of training methods and precisions (train_method.h).
#include "core/train/train_method.h"

#include "core/common/error.h"

namespace tb::train {

const char* to_string(TrainMethod method) {
  switch (method) {
    case TrainMethod::Full: return "full";
    case TrainMethod::Lora: return "lora";
    case TrainMethod::Freeze: return "freeze";
  }
  return "?";
}

const char* to_string(Precision precision) { return precision == Precision::Bf16 ? "bf16" : "fp32"; }

TrainMethod parse_train_method(std::string_view text) {
  if (text == "full") return TrainMethod::Full;
  if (text == "lora") return TrainMethod::Lora;
  if (text == "freeze") return TrainMethod::Freeze;
  throw Error("unknown training method '" + std::string(text) + "'; use full, lora or freeze", {{}, 0, "method"});
}

Precision parse_precision(std::string_view text) {
  if (text == "fp32") return Precision::Fp32;
  if (text == "bf16") return Precision::Bf16;
  throw Error("unknown precision '" + std::string(text) + "'; use fp32 or bf16", {{}, 0, "precision"});
}

}  // namespace tb::train
