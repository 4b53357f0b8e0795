// libFuzzer target: the safetensors header parser and validator on arbitrary bytes; every
// tensor it accepts is copied out whole (ASan sees a read past the file) and its size checked.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "core/common/error.h"
#include "core/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto header = tb::parse_safetensors(std::as_bytes(std::span(data, size)), "fuzz.safetensors");
    for (const auto& t : header.tensors) {
      if (t.end - t.begin <= (1u << 20)) {
        const auto bytes = std::as_bytes(std::span(data, size)).subspan(header.data_offset + t.begin, t.end - t.begin);
        std::size_t elements = 1;
        for (const std::int64_t d : t.shape) elements *= static_cast<std::size_t>(d);
        if (elements * tb::dtype_size(t.dtype) != bytes.size()) std::abort();  // the validator let a lie through
        std::vector<std::byte> copy(bytes.size());
        if (!bytes.empty()) std::memcpy(copy.data(), bytes.data(), bytes.size());
      }
    }
  } catch (const tb::Error&) {
  }
  return 0;
}
