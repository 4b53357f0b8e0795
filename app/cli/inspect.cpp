// `tunebench-cli inspect MODEL [--json] [--no-hash]`: what a model is (see model_inspect.h).
#include <CLI/CLI.hpp>

#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "core/common/units.h"
#include "core/engine/device.h"
#include "core/model/model_family.h"
#include "core/model/model_inspect.h"

namespace tb::cli {

void add_inspect_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("inspect", "Describe a model: architecture, parameters, tokenizer, chat format, hashes");
  auto model = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto no_hash = std::make_shared<bool>(false);
  cmd->add_option("MODEL", *model, "Hugging Face model folder or .gguf file")->required();
  cmd->add_flag("--json", *json, "Print the description as JSON");
  cmd->add_flag("--no-hash", *no_hash, "Skip the SHA-256 of each file (faster for large models)");
  cmd->callback([=, &exit_code] {
    const ModelInfo info = inspect_model(*model, !*no_hash);
    if (*json) {
      std::cout << nlohmann::json(info).dump(2) << "\n";
    } else {
      const ModelConfig& c = info.config;
      std::cout << "model          " << info.path << " (" << info.format << ")\n"
                << "architecture   " << c.architecture << ", " << c.num_layers << " layers, hidden " << c.hidden_size
                << ", " << c.num_heads << " heads (" << c.num_kv_heads << " key/value), head dim " << c.head_dim << "\n"
                << "family         " << describe_family(c) << "\n"
                << "parameters     " << info.parameter_count << "\n"
                << "dtypes        ";
      for (const auto& [dtype, n] : info.dtype_params) std::cout << " " << dtype << ": " << n;
      std::cout << "\ncontext        " << c.max_position_embeddings << " tokens, rope theta " << c.rope_theta << "\n"
                << "tokenizer      " << info.tokenizer_kind << ", vocabulary " << info.vocab_size << "\n"
                << "special tokens";
      for (const auto& [name, text] : info.special_texts) {
        if (!text.empty()) std::cout << " " << name << "=" << text;
      }
      std::cout << (info.special.add_bos ? " (adds BOS)" : "") << "\n"
                << "chat format    " << to_string(info.chat.family)
                << (info.chat.family == ChatFamily::Jinja ? " (the model's own template)"
                    : info.chat.exact                     ? " (known template)"
                                                          : "")
                << "\n"
                << "chat template  " << chat_source(info.chat) << "\n"
                << "chat preview   ";
      const std::string preview = chat_preview(info.chat);
      for (char ch : preview) std::cout << (ch == '\n' ? std::string("\n               ") : std::string(1, ch));
      std::cout << "\n";
      if (!info.chat.warning.empty()) std::cout << "warning        " << info.chat.warning << "\n";
      for (const auto& f : info.files) {
        std::cout << "file           " << f.path << " " << format_bytes(static_cast<std::uint64_t>(f.size_bytes))
                  << (f.sha256.empty() ? "" : " sha256 " + f.sha256) << "\n";
      }
    }
    exit_code = kOk;
  });
}

}  // namespace tb::cli
