// Model inspection (see model_inspect.h).
#include "core/model/model_inspect.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/json_file.h"
#include "core/io/safetensors_index.h"
#include "core/io/sha256.h"
#include "core/text/tokenizer_loader.h"

namespace tb {
namespace {

bool is_gguf(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) && p.extension() == ".gguf";
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string token_text_or_empty(const Tokenizer& t, const std::optional<TokenId>& id) {
  return id ? t.token_text(*id) : std::string();
}

}  // namespace

void refuse_pickle(const std::filesystem::path& path) {
  static const char* kPickle[] = {".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"};
  auto refuse = [](const std::filesystem::path& p) {
    throw Error("this is a pickle checkpoint. Loading pickle runs code stored in the file, so "
                "Tunebench reads only safetensors and GGUF. Convert it once where you trust it, "
                "e.g. transformers' save_pretrained(out, safe_serialization=True)", {p.string()});
  };
  std::error_code ec;
  for (const char* ext : kPickle) {
    if (path.extension() == ext) refuse(path);
  }
  if (std::filesystem::is_directory(path, ec) && !std::filesystem::exists(path / "model.safetensors", ec) &&
      !std::filesystem::exists(path / "model.safetensors.index.json", ec)) {
    for (const char* name : {"pytorch_model.bin", "pytorch_model.bin.index.json", "model.pt"}) {
      if (std::filesystem::exists(path / name, ec)) refuse(path / name);
    }
  }
}

std::unique_ptr<Tokenizer> load_model_tokenizer(const std::filesystem::path& path) {
  refuse_pickle(path);
  if (is_gguf(path)) return load_tokenizer_from_gguf(GgufFile(path));
  return load_tokenizer_from_folder(path);
}

ChatFormat model_chat_format(const std::filesystem::path& path, const Tokenizer& tokenizer) {
  const auto& sp = tokenizer.special();
  return recognise_chat_template(read_chat_template(path), sp.bos ? tokenizer.token_text(*sp.bos) : "",
                                 sp.eos ? tokenizer.token_text(*sp.eos) : "");
}

std::string read_chat_template(const std::filesystem::path& path) {
  std::error_code ec;
  if (is_gguf(path)) {
    const GgufFile gguf(path);
    const GgufValue* v = gguf.find_metadata("tokenizer.chat_template");
    return v ? v->as_string("tokenizer.chat_template") : std::string();
  }
  if (std::filesystem::is_regular_file(path / "chat_template.jinja", ec)) return read_text(path / "chat_template.jinja");
  const auto config_path = path / "tokenizer_config.json";
  if (!std::filesystem::is_regular_file(config_path, ec)) return {};
  const nlohmann::json config = read_json_file(config_path);
  const auto it = config.find("chat_template");
  if (it == config.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {  // [{"name": "default", "template": ...}, ...]
    for (const auto& entry : *it) {
      if (entry.value("name", std::string()) == "default") return entry.value("template", std::string());
    }
  }
  throw FormatError("chat_template must be a string or a list with a \"default\" entry",
                    {config_path.string(), 0, "chat_template"});
}

void check_model_path(const std::filesystem::path& path) {
  refuse_pickle(path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error("no such file or folder; give a Hugging Face model folder or a .gguf file", {path.string()});
  }
}

ModelInfo inspect_model(const std::filesystem::path& path, bool hash_files) {
  check_model_path(path);
  std::error_code ec;
  ModelInfo info;
  info.path = path.string();
  std::vector<std::filesystem::path> files;
  // 1. Weights and config.
  if (is_gguf(path)) {
    info.format = "gguf";
    const GgufFile gguf(path);
    info.config = config_from_gguf(gguf);
    for (const auto& t : gguf.header().tensors) {
      const auto type = ggml_type_info(static_cast<std::uint32_t>(t.type));
      info.dtype_params[std::string(type->name)] += t.elements;
      info.parameter_count += t.elements;
    }
    files.push_back(path);
  } else if (std::filesystem::is_directory(path, ec)) {
    info.format = "hf";
    info.config = config_from_hf_file(path / "config.json");
    const auto checkpoint = SafetensorsCheckpoint::open_folder(path);
    for (const auto& name : checkpoint.names()) {
      const auto& t = checkpoint.info(name);
      std::int64_t n = 1;
      for (auto d : t.shape) n *= d;
      info.dtype_params[std::string(dtype_name(t.dtype))] += n;
      info.parameter_count += n;
    }
    files.push_back(path / "config.json");
    for (const auto& f : checkpoint.files()) files.push_back(f);
    for (const char* extra : {"model.safetensors.index.json", "tokenizer.json", "tokenizer.model",
                              "tokenizer_config.json", "generation_config.json", "chat_template.jinja"}) {
      if (std::filesystem::is_regular_file(path / extra, ec)) files.push_back(path / extra);
    }
  } else {
    throw Error("not a model: give a Hugging Face model folder or a .gguf file", {path.string()});
  }
  // 2. Tokenizer and chat format.
  const auto tok = load_model_tokenizer(path);
  info.tokenizer_kind = tok->kind();
  info.vocab_size = tok->vocab_size();
  info.special = tok->special();
  info.special_texts = {{"bos", token_text_or_empty(*tok, info.special.bos)},
                        {"eos", token_text_or_empty(*tok, info.special.eos)},
                        {"pad", token_text_or_empty(*tok, info.special.pad)},
                        {"unk", token_text_or_empty(*tok, info.special.unk)}};
  info.chat = model_chat_format(path, *tok);
  // 3. Files, sizes, hashes.
  for (const auto& f : files) {
    ModelFile mf{f.string(), static_cast<std::int64_t>(std::filesystem::file_size(f, ec)), {}};
    if (hash_files) mf.sha256 = sha256_file_hex(f);
    info.files.push_back(mf);
  }
  return info;
}

void to_json(nlohmann::json& out, const ModelInfo& info) {
  nlohmann::json special = nlohmann::json::object();
  auto put = [&](const char* key, const std::optional<TokenId>& id) {
    special[key] = id ? nlohmann::json{{"id", *id}, {"text", info.special_texts.at(key)}} : nlohmann::json();
  };
  put("bos", info.special.bos);
  put("eos", info.special.eos);
  put("pad", info.special.pad);
  put("unk", info.special.unk);
  special["add_bos"] = info.special.add_bos;
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : info.files) files.push_back({{"path", f.path}, {"size_bytes", f.size_bytes}, {"sha256", f.sha256}});
  out = {{"format", info.format},
         {"path", info.path},
         {"architecture", info.config.architecture},
         {"config", info.config},
         {"parameter_count", info.parameter_count},
         {"dtypes", info.dtype_params},
         {"context_length", info.config.max_position_embeddings},
         {"tokenizer", {{"kind", info.tokenizer_kind}, {"vocab_size", info.vocab_size}, {"special_tokens", special}}},
         {"chat_format", info.chat},
         {"files", files}};
}

}  // namespace tb
