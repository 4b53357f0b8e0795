// libFuzzer target: the GGUF parser, dequantisation of the tensors it accepts, and the byte-level
// BPE and SentencePiece vocabularies read from its metadata.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/text/bpe_tokenizer.h"
#include "core/text/sentencepiece_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = std::as_bytes(std::span(data, size));
  try {
    const tb::GgufHeader header = tb::parse_gguf(file, "fuzz.gguf");
    for (const auto& t : header.tensors) {
      const auto info = tb::ggml_type_info(static_cast<std::uint32_t>(t.type));
      if (!info->can_dequantize || t.elements > (1 << 20)) continue;
      std::vector<float> out(static_cast<std::size_t>(t.elements));
      tb::dequantize_to_f32(t.type, file.subspan(header.data_offset + t.offset, t.size_bytes),
                            static_cast<std::size_t>(t.elements), out.data());
    }
    try {
      const auto sp = tb::SentencePieceTokenizer::from_gguf_header(header, "fuzz.gguf");
      (void)sp->decode(sp->encode("Hello <s> world 123 \xF0\x9F\xA4\x97"));
    } catch (const tb::Error&) {
    }
    const auto tokenizer = tb::BpeTokenizer::from_gguf_header(header, "fuzz.gguf");
    (void)tokenizer->encode("Hello <|im_start|> world 123 \xF0\x9F\xA4\x97");
  } catch (const tb::Error&) {
  }
  return 0;
}
