// ggml tensor types as GGUF files store them: block sizes, bytes per block, names, and
// dequantisation to fp32 of F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and the K-quants
// Q2_K..Q6_K (layouts after ggml-common.h). Not for quantising: we only read these files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tb {

enum class GgmlType : std::uint32_t {
  F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
  Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15, BF16 = 30,
};

struct GgmlTypeInfo {
  GgmlType type;
  std::string_view name;
  std::size_t block_elements;  // elements per block (1 for plain types)
  std::size_t block_bytes;     // bytes per block
  bool can_dequantize;
};

// nullopt for a type id we do not know at all.
std::optional<GgmlTypeInfo> ggml_type_info(std::uint32_t type_id);

// Dequantises `elements` values (a multiple of the block size) from `bytes` into `out`.
// The caller has checked that bytes.size() == elements / block_elements * block_bytes.
void dequantize_to_f32(GgmlType type, std::span<const std::byte> bytes, std::size_t elements,
                       float* out);

// IEEE half / bfloat16 bit patterns to float.
float f16_to_f32(std::uint16_t bits);
float bf16_to_f32(std::uint16_t bits);

}  // namespace tb
