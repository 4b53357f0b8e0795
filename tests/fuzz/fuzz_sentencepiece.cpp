// libFuzzer target: our checks and protobuf rewrite in front of libsentencepiece, then encode.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.h"
#include "core/text/sentencepiece_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto tokenizer = tb::SentencePieceTokenizer::from_serialized(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz/tokenizer.model");
    const auto ids = tokenizer->encode("Hello <s> world 12345 caf\xC3\xA9\n");
    (void)tokenizer->decode(ids);
  } catch (const tb::Error&) {
  }
  return 0;
}
