// Shared project flags of `train` and `sweep` (project_options.h).
#include "app/cli/project_options.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <utility>

#include "core/train/setting_fields.h"

namespace tb::cli {

void add_project_options(CLI::App& cmd, ProjectArgs& a) {
  cmd.add_option("project", a.project, "Project file (.tbproj); or give --data (and --model)");
  cmd.add_option("--model", a.overrides.model, "demo (default), a Hugging Face folder or a .gguf file");
  cmd.add_option("--data", a.overrides.data, "Dataset file (repeatable; each its own task, named after the file)");
  cmd.add_option("--shape", a.overrides.shape, "Dataset shape when detection is not wanted (alpaca, messages, ...)");
  cmd.add_option("--template", a.overrides.prompt_template, "Prompt template: a preset name or a file");
  cmd.add_option("--split", a.overrides.split, "Train, validation, test shares (default 0.8 0.1 0.1)")->expected(3);
  cmd.add_option("--probe", a.overrides.probe, "Forgetting probe: default, none or a file of general texts");
  cmd.add_option("--best-of", a.overrides.best_of, "Train with the best settings of this sweep folder (sweep.json)");
  // Training settings: `--set key=value` for any of them (`tunebench-cli settings` lists them),
  // and flags for the common ones, each an alias of its --set. Applied in command-line order.
  auto push = [&a](std::string key) {
    return [&a, key](const std::string& value) { a.overrides.settings.push_back(key + "=" + value); };
  };
  const struct {
    const char* flag;
    const char* key;
  } aliases[] = {
      {"--method", "method"},           {"--precision", "precision"},
      {"--schedule", "schedule"},       {"--device", "device"},
      {"--on-checkpoint-error", "on_checkpoint_error"},
      {"--lr", "learning_rate"},        {"--weight-decay", "weight_decay"},
      {"--max-grad-norm", "max_grad_norm"}, {"--epochs", "epochs"},
      {"--micro-batch", "micro_batch"}, {"--grad-accum", "grad_accum"},
      {"--max-seq-len", "max_seq_len"}, {"--rank", "lora.rank"},
      {"--lora-alpha", "lora.alpha"},   {"--lora-dropout", "lora.dropout"},
      {"--top-blocks", "freeze.top_blocks"}, {"--eval-every", "eval_every"},
      {"--warmup", "warmup_steps"},     {"--patience", "detectors.patience_evals"},
      {"--eval-examples", "eval_max_examples"}, {"--seed", "seed"},
  };
  for (const auto& [flag, key] : aliases) {
    const auto& field = train::setting_field(key);
    cmd.add_option_function<std::string>(flag, push(key),
                                         std::string(field.label) + ": " + train::setting_range_text(field) +
                                             " (--set " + key + "=VALUE)")
        ->type_name("VALUE")
        ->trigger_on_parse();
  }
  for (const auto& [flag, key] : {std::pair{"--packing", "packing"}, std::pair{"--train-on-all", "train_on_all"},
                                  std::pair{"--gradient-checkpointing", "gradient_checkpointing"}}) {
    cmd.add_flag_callback(flag, [f = push(key)] { f("true"); },
                          std::string(train::setting_field(key).label) + " (--set " + key + "=true)")
        ->trigger_on_parse();
  }
  cmd.add_option_function<std::string>(
         "--set", [&a](const std::string& assignment) { a.overrides.settings.push_back(assignment); },
                                       "Any training setting as key=value, e.g. lora.rank=16 or "
                                       "detectors.patience_evals=0 (repeatable; tunebench-cli settings lists them)")
      ->type_name("KEY=VALUE")
      ->trigger_on_parse();
  cmd.add_option("--generation-examples", a.overrides.generation_examples, "Test prompts answered by base and tuned at the end");
  cmd.add_option("--generation-max-tokens", a.overrides.generation_max_tokens, "Longest generated answer");
}

Project build_project(const ProjectArgs& a) {
  Project p = project_with_overrides(a.project, a.overrides);
  if (!p.load_notice.empty()) std::cerr << "tunebench-cli: note: " << p.load_notice << "\n";
  return p;
}

}  // namespace tb::cli
