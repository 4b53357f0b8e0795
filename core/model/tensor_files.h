// Torch tensors from and to the weight files core/io reads and writes (safetensors, sharded
// checkpoints, GGUF): dtype mapping, copying bytes into tensors, and the tensor-list writer.
// The formats themselves (parsing, validation, layout) stay torch-free in core/io.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

#include "core/io/dtype.h"
#include "core/io/gguf.h"
#include "core/io/safetensors.h"
#include "core/io/safetensors_index.h"

namespace tb {

torch::ScalarType to_torch(DType dtype);
DType from_torch(torch::ScalarType type);  // throws tb::Error for types safetensors lacks

// Copies `bytes` (little-endian, `dtype`) into a new CPU tensor of `shape`.
torch::Tensor tensor_from_bytes(std::span<const std::byte> bytes, DType dtype,
                                const std::vector<std::int64_t>& shape);

// A new CPU tensor holding the named tensor; throws tb::FormatError naming it when missing.
torch::Tensor load_tensor(const SafetensorsFile& file, const std::string& name);
torch::Tensor load_tensor(const SafetensorsCheckpoint& checkpoint, const std::string& name);
// Dequantised to fp32, in torch order (dims reversed); throws tb::FormatError naming the tensor
// when missing or of a type we cannot dequantise.
torch::Tensor load_f32(const GgufFile& file, const std::string& name);

// Writes tensors (any device; copied to CPU, contiguous) in the given order, atomically, through
// core/io's safetensors writer.
void write_safetensors(const std::filesystem::path& path,
                       const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace tb
