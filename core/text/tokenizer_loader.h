// Finds and loads a model's tokenizer: tokenizer.json (byte-level BPE) or tokenizer.model
// (SentencePiece) in a Hugging Face folder, with tokenizer_config.json's special tokens and
// add_bos_token; or the vocabulary inside a GGUF file (tokenizer.ggml.model gpt2 or llama).
#pragma once

#include <filesystem>
#include <memory>

#include "core/text/tokenizer.h"

namespace tb {

class GgufFile;

std::unique_ptr<Tokenizer> load_tokenizer_from_folder(const std::filesystem::path& folder);
std::unique_ptr<Tokenizer> load_tokenizer_from_gguf(const GgufFile& gguf);

}  // namespace tb
