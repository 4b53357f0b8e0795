// Model loading (see model.h).
#include "core/model/model.h"

#include "core/common/error.h"
#include "core/io/gguf.h"
#include "core/io/safetensors_index.h"
#include "core/model/gguf_blocks.h"
#include "core/model/gguf_weights.h"
#include "core/model/model_inspect.h"
#include "core/model/rope.h"
#include "core/model/tensor_files.h"

namespace tb {

std::shared_ptr<const Model> Model::load(const std::filesystem::path& path, const LoadOptions& options) {
  check_model_path(path);
  std::error_code ec;
  ModelConfig config;
  std::map<std::string, torch::Tensor> named;
  std::shared_ptr<const BlockWeights> blocks;
  if (std::filesystem::is_regular_file(path, ec) && path.extension() == ".gguf") {
    const GgufFile gguf(path);
    config = config_from_gguf(gguf);
    named = load_gguf_weights(gguf, config);
    if (options.gguf_blocks && options.dtype == torch::kFloat32 && options.device.is_cpu()) {
      blocks = load_gguf_blocks(gguf, config);
    }
  } else if (std::filesystem::is_directory(path, ec)) {
    config = config_from_hf_file(path / "config.json");
    const auto checkpoint = SafetensorsCheckpoint::open_folder(path);
    for (const auto& name : checkpoint.names()) named[name] = load_tensor(checkpoint, name);
  } else {
    throw Error("not a model: give a Hugging Face model folder or a .gguf file", {path.string()});
  }
  auto weights = TransformerWeights::from_map(named, config, path.string()).to(options.dtype, options.device);
  named.clear();
  weights.blocks = std::move(blocks);
  std::shared_ptr<const Tokenizer> tokenizer = load_model_tokenizer(path);
  ChatFormat chat = model_chat_format(path, *tokenizer);
  return from_parts(std::move(config), std::move(weights), std::move(tokenizer), std::move(chat), path.string());
}

std::shared_ptr<const Model> Model::from_parts(ModelConfig config, TransformerWeights weights,
                                               std::shared_ptr<const Tokenizer> tokenizer, ChatFormat chat,
                                               std::string source) {
  auto m = std::shared_ptr<Model>(new Model());
  m->config_ = std::move(config);
  m->weights_ = std::move(weights);
  m->tokenizer_ = std::move(tokenizer);
  m->chat_ = std::move(chat);
  m->source_ = std::move(source);
  m->inv_freq_ = rope_inverse_frequencies(m->config_).to(m->weights_.embed.device());
  return m;
}

torch::Tensor Model::forward(const torch::Tensor& ids, const torch::Tensor& positions, const ForwardOptions& options) const {
  return transformer_forward(config_, weights_, inv_freq_, ids, positions, options);
}

}  // namespace tb
