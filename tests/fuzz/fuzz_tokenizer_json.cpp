// libFuzzer target: tokenizer.json -> byte-level BPE, then encode and decode a mixed text.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/text/bpe_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto json = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return 0;
  try {
    const auto tokenizer = tb::BpeTokenizer::from_tokenizer_json(json, "fuzz/tokenizer.json");
    const auto ids = tokenizer->encode("Hello, world!  12345 caf\xC3\xA9 <|endoftext|>\n\n\t x");
    (void)tokenizer->decode(ids);
  } catch (const tb::Error&) {
  }
  return 0;
}
