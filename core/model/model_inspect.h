// What a model is, before anything runs: architecture, parameter count, dtypes, context length,
// vocabulary, special tokens, chat format and file hashes — for a Hugging Face folder or a GGUF
// file. Pickle checkpoints (.bin, .pt, .pth) are refused here with the reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/model/model_config.h"
#include "core/text/chat_format.h"
#include "core/text/tokenizer.h"

namespace tb {

struct ModelFile {
  std::string path;
  std::int64_t size_bytes = 0;
  std::string sha256;  // empty when hashing was skipped
};

struct ModelInfo {
  std::string format;  // "hf" or "gguf"
  std::string path;
  ModelConfig config;
  std::int64_t parameter_count = 0;                  // counted from the tensors
  std::map<std::string, std::int64_t> dtype_params;  // "BF16" -> parameters stored so
  std::string tokenizer_kind;
  std::int64_t vocab_size = 0;
  SpecialTokens special;
  std::map<std::string, std::string> special_texts;  // "bos" -> "<s>", ...
  ChatFormat chat;
  std::vector<ModelFile> files;
};

// Throws tb::Error for pickle files, unsupported architectures, missing files (each naming
// the path and what to do).
ModelInfo inspect_model(const std::filesystem::path& path, bool hash_files = true);

// Refuses pickle checkpoints with a sentence on why; no-op for anything else.
void refuse_pickle(const std::filesystem::path& path);
// refuse_pickle, then tb::Error "no such file or folder" (with what to give) when nothing is there.
void check_model_path(const std::filesystem::path& path);

// The tokenizer of a model folder or GGUF file.
std::unique_ptr<Tokenizer> load_model_tokenizer(const std::filesystem::path& path);

// The chat template text of a folder (tokenizer_config.json or chat_template.jinja) or GGUF.
std::string read_chat_template(const std::filesystem::path& path);

// The model's chat format: its template recognised with the texts of its BOS and EOS tokens.
ChatFormat model_chat_format(const std::filesystem::path& path, const Tokenizer& tokenizer);

void to_json(nlohmann::json& out, const ModelInfo& info);

}  // namespace tb
