// Element types of tensors in the files we read and write (safetensors names), their sizes,
// (the matching torch dtype is in core/model/tensor_files.h). GGUF's quantised types live in gguf_types.h, not here.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace tb {

enum class DType { Bool, U8, I8, I16, I32, I64, F16, BF16, F32, F64 };

std::size_t dtype_size(DType dtype);
std::string_view dtype_name(DType dtype);  // "F32", "BF16", ... as safetensors writes them
std::optional<DType> dtype_from_name(std::string_view name);

}  // namespace tb
