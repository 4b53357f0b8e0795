// `tunebench-cli export --model M [--adapter A] --merged OUT [--dtype D]`: a Hugging Face folder
// with the adapter merged in (or the model as it is), ready for transformers.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli/commands.h"
#include "core/common/error.h"
#include "core/model/export.h"

namespace tb::cli {

void add_export_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("export", "Write a merged Hugging Face model folder");
  auto model = std::make_shared<std::string>();
  auto adapter = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto dtype = std::make_shared<std::string>("float32");
  cmd->add_option("--model", *model, "Hugging Face model folder or .gguf file")->required();
  cmd->add_option("--adapter", *adapter, "PEFT LoRA adapter folder to merge in");
  cmd->add_option("--merged", *out, "Output folder (must not exist)")->required();
  cmd->add_option("--dtype", *dtype, "float32, bfloat16 or float16")->check(CLI::IsMember({"float32", "bfloat16", "float16"}));
  cmd->callback([=, &exit_code] {
    const auto m = Model::load(*model);
    std::optional<LoraAdapter> lora;
    if (!adapter->empty()) lora = LoraAdapter::load_peft(*adapter, m->config(), m->device());
    ExportOptions options;
    options.dtype = *dtype == "bfloat16" ? torch::kBFloat16 : *dtype == "float16" ? torch::kFloat16 : torch::kFloat32;
    export_merged(*m, lora ? &*lora : nullptr, *out, options);
    std::cout << "wrote " << *out << (lora ? " (adapter merged)" : "") << "\n";
    exit_code = kOk;
  });
}

}  // namespace tb::cli
