// libFuzzer target: the safetensors header parser and validator on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/common/error.h"
#include "core/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto header = tb::parse_safetensors(std::as_bytes(std::span(data, size)), "fuzz.safetensors");
    for (const auto& t : header.tensors) {
      if (t.end - t.begin <= (1u << 20)) {
        const auto bytes = std::as_bytes(std::span(data, size)).subspan(header.data_offset + t.begin, t.end - t.begin);
        (void)tb::tensor_from_bytes(bytes, t.dtype, t.shape);
      }
    }
  } catch (const tb::Error&) {
  }
  return 0;
}
