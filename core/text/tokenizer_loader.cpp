// Tokenizer loading (see tokenizer_loader.h).
#include "core/text/tokenizer_loader.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/json_file.h"
#include "core/text/bpe_tokenizer.h"
#include "core/text/sentencepiece_tokenizer.h"

namespace tb {
namespace {

// A special token in tokenizer_config.json: a string or {"content": ...}.
std::optional<std::string> token_string(const nlohmann::json& config, const char* key) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content")) return (*it)["content"].get<std::string>();
  return std::nullopt;
}

void apply_tokenizer_config(Tokenizer& t, const std::filesystem::path& folder) {
  const auto path = folder / "tokenizer_config.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return;
  const nlohmann::json config = read_json_file(path);
  auto set = [&](const char* key, std::optional<TokenId>& slot) {
    if (const auto text = token_string(config, key)) {
      const auto id = t.token_id(*text);
      if (!id) throw FormatError("names a token that is not in the vocabulary: " + *text, {path.string(), 0, key});
      slot = id;
    }
  };
  SpecialTokens& s = t.mutable_special();
  set("bos_token", s.bos);
  set("eos_token", s.eos);
  set("pad_token", s.pad);
  set("unk_token", s.unk);
  if (config.contains("add_bos_token") && config["add_bos_token"].is_boolean()) {
    s.add_bos = config["add_bos_token"].get<bool>();
  } else if (t.kind() == "bpe") {
    s.add_bos = false;
  }
}

}  // namespace

std::unique_ptr<Tokenizer> load_tokenizer_from_folder(const std::filesystem::path& folder) {
  std::error_code ec;
  std::unique_ptr<Tokenizer> t;
  const auto json_path = folder / "tokenizer.json";
  const auto sp_path = folder / "tokenizer.model";
  if (std::filesystem::is_regular_file(json_path, ec)) {
    const nlohmann::json j = read_json_file(json_path);
    const std::string type = j.contains("model") ? j["model"].value("type", std::string()) : std::string();
    const bool sp_style = j.contains("model") && j["model"].value("byte_fallback", false);
    if (type == "BPE" && !sp_style) {
      t = BpeTokenizer::from_tokenizer_json(j, json_path.string());
    } else if (!std::filesystem::is_regular_file(sp_path, ec)) {
      throw FormatError("tokenizer model \"" + type + "\"" + (sp_style ? " with byte fallback" : "") +
                            " is not supported from tokenizer.json, and there is no tokenizer.model",
                        {json_path.string(), 0, "model.type"});
    }
  }
  if (!t && std::filesystem::is_regular_file(sp_path, ec)) t = SentencePieceTokenizer::from_file(sp_path);
  if (!t) throw Error("no tokenizer.json or tokenizer.model in this folder", {folder.string()});
  apply_tokenizer_config(*t, folder);
  return t;
}

std::unique_ptr<Tokenizer> load_tokenizer_from_gguf(const GgufFile& gguf) {
  const GgufValue* model = gguf.find_metadata("tokenizer.ggml.model");
  if (model == nullptr) throw FormatError("the file has no tokenizer (tokenizer.ggml.model)", {gguf.path().string()});
  const std::string& kind = model->as_string("tokenizer.ggml.model");
  if (kind == "gpt2") return BpeTokenizer::from_gguf(gguf);
  if (kind == "llama") return SentencePieceTokenizer::from_gguf_header(gguf.header(), gguf.path().string());
  throw FormatError("GGUF tokenizer \"" + kind + "\" is not supported yet (gpt2 byte-level BPE and llama "
                    "SentencePiece are)", {gguf.path().string(), 0, "tokenizer.ggml.model"});
}

}  // namespace tb
