// `tunebench-cli export --model M [--adapter A] --merged OUT [--dtype D]`: a Hugging Face folder
// with the adapter merged in (or the model as it is), ready for transformers. `--run RUN
// [--checkpoint step-N] (--merged OUT | --adapter-out OUT)`: a training run's result.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli/commands.h"
#include "core/common/error.h"
#include "core/engine/run_eval.h"
#include "core/model/export.h"

namespace tb::cli {

void add_export_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("export", "Write a merged Hugging Face model folder");
  auto model = std::make_shared<std::string>();
  auto adapter = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto dtype = std::make_shared<std::string>("float32");
  auto run = std::make_shared<std::string>();
  auto adapter_out = std::make_shared<std::string>();
  auto checkpoint = std::make_shared<std::int64_t>(-1);
  auto* model_opt = cmd->add_option("--model", *model, "Hugging Face model folder or .gguf file");
  cmd->add_option("--adapter", *adapter, "PEFT LoRA adapter folder to merge in")->needs(model_opt);
  auto* run_opt = cmd->add_option("--run", *run, "A training run folder: export what it trained")->excludes(model_opt);
  cmd->add_option("--checkpoint", *checkpoint, "With --run: the step of a checkpoint (default: the final weights)")
      ->needs(run_opt);
  auto* merged_opt = cmd->add_option("--merged", *out, "Output folder for a merged model (must not exist)");
  cmd->add_option("--adapter-out", *adapter_out, "With --run: output folder for the LoRA adapter (PEFT layout)")
      ->needs(run_opt)->excludes(merged_opt);
  cmd->add_option("--dtype", *dtype, "float32, bfloat16 or float16")->check(CLI::IsMember({"float32", "bfloat16", "float16"}));
  cmd->callback([=, &exit_code] {
    if (!run->empty()) {
      if (out->empty() && adapter_out->empty()) throw Error("say where: --merged OUT or --adapter-out OUT");
      ExportRunOptions options;
      options.step = *checkpoint;
      options.kind = adapter_out->empty() ? ExportKind::Merged : ExportKind::Adapter;
      options.dtype = *dtype;
      std::cout << export_run(*run, adapter_out->empty() ? *out : *adapter_out, options) << "\n";
      exit_code = kOk;
      return;
    }
    if (model->empty() || out->empty()) throw Error("give --model and --merged (or --run)");
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
