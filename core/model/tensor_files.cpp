// Torch tensors from and to safetensors and GGUF files (see tensor_files.h).
#include "core/model/tensor_files.h"

#include <cstring>

#include "core/common/error.h"

namespace tb {

torch::ScalarType to_torch(DType dtype) {
  switch (dtype) {
    case DType::Bool: return torch::kBool;
    case DType::U8: return torch::kUInt8;
    case DType::I8: return torch::kInt8;
    case DType::I16: return torch::kInt16;
    case DType::I32: return torch::kInt32;
    case DType::I64: return torch::kInt64;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    case DType::F32: return torch::kFloat32;
    case DType::F64: return torch::kFloat64;
  }
  return torch::kFloat32;
}

DType from_torch(torch::ScalarType type) {
  for (DType d : {DType::Bool, DType::U8, DType::I8, DType::I16, DType::I32, DType::I64, DType::F16,
                  DType::BF16, DType::F32, DType::F64}) {
    if (to_torch(d) == type) return d;
  }
  throw Error(std::string("tensor type ") + c10::toString(type) + " cannot be stored in safetensors");
}

torch::Tensor tensor_from_bytes(std::span<const std::byte> bytes, DType dtype,
                                const std::vector<std::int64_t>& shape) {
  auto out = torch::empty(shape, torch::TensorOptions().dtype(to_torch(dtype)));
  TORCH_CHECK(static_cast<std::size_t>(out.nbytes()) == bytes.size(),
              "tensor_from_bytes: size mismatch");
  if (!bytes.empty()) std::memcpy(out.data_ptr(), bytes.data(), bytes.size());
  return out;
}

torch::Tensor load_tensor(const SafetensorsFile& file, const std::string& name) {
  const SafetensorsTensor& t = file.at(name);
  return tensor_from_bytes(file.bytes(t), t.dtype, t.shape);
}

torch::Tensor load_tensor(const SafetensorsCheckpoint& checkpoint, const std::string& name) {
  const SafetensorsTensor& t = checkpoint.info(name);
  return tensor_from_bytes(checkpoint.bytes(name), t.dtype, t.shape);
}

torch::Tensor load_f32(const GgufFile& file, const std::string& name) {
  const GgufTensorInfo& t = file.dequantizable(name);
  auto out = torch::empty(t.torch_shape(), torch::kFloat32);  // [dims reversed]
  file.dequantize_f32(t, out.data_ptr<float>());
  return out;
}

void write_safetensors(const std::filesystem::path& path,
                       const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  // 1. Each tensor on the CPU, contiguous; kept alive while its bytes are written.
  std::vector<torch::Tensor> cpu;
  cpu.reserve(tensors.size());
  std::vector<SafetensorsEntry> entries;
  entries.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) {
    cpu.push_back(tensor.detach().to(torch::kCPU).contiguous());
    const torch::Tensor& t = cpu.back();
    entries.push_back({name, from_torch(t.scalar_type()), t.sizes().vec(),
                       {static_cast<const std::byte*>(t.data_ptr()), static_cast<std::size_t>(t.nbytes())}});
  }
  // 2. The format is written in one place: core/io/safetensors.
  write_safetensors(path, entries, metadata);
}

}  // namespace tb
