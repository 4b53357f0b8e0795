// Shared project flags of `train` and `sweep` (project_options.h).
#include "app/cli/project_options.h"

#include <CLI/CLI.hpp>
#include <iostream>

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
  cmd.add_option("--method", a.overrides.method, "full, lora or freeze")->check(CLI::IsMember({"full", "lora", "freeze"}));
  cmd.add_option("--precision", a.overrides.precision, "fp32 or bf16")->check(CLI::IsMember({"fp32", "bf16"}));
  cmd.add_option("--schedule", a.overrides.schedule, "constant, linear or cosine")->check(CLI::IsMember({"constant", "linear", "cosine"}));
  cmd.add_option("--device", a.overrides.device, "auto, cpu, cuda or cuda:N");
  cmd.add_option("--on-checkpoint-error", a.overrides.on_checkpoint_error,
                 "When a checkpoint cannot be written (a full disk): stop (resume later) or continue")
      ->check(CLI::IsMember({"stop", "continue"}));
  cmd.add_option("--lr", a.overrides.lr, "Peak learning rate");
  cmd.add_option("--weight-decay", a.overrides.weight_decay, "AdamW weight decay");
  cmd.add_option("--max-grad-norm", a.overrides.max_grad_norm, "Gradient clipping (0 = off)");
  cmd.add_option("--epochs", a.overrides.epochs, "Epochs over the training split");
  cmd.add_option("--micro-batch", a.overrides.micro_batch, "Rows per micro-batch");
  cmd.add_option("--grad-accum", a.overrides.grad_accum, "Micro-batches per optimiser step");
  cmd.add_option("--max-seq-len", a.overrides.max_seq_len, "Longest example in tokens (longer ones are cut, counted)");
  cmd.add_option("--rank", a.overrides.rank, "LoRA rank");
  cmd.add_option("--lora-alpha", a.overrides.lora_alpha, "LoRA alpha");
  cmd.add_option("--lora-dropout", a.overrides.lora_dropout, "LoRA dropout");
  cmd.add_option("--top-blocks", a.overrides.top_blocks, "Freeze: how many top blocks train");
  cmd.add_option("--eval-every", a.overrides.eval_every, "Validation every N steps");
  cmd.add_option("--warmup", a.overrides.warmup, "Warmup steps");
  cmd.add_option("--patience", a.overrides.patience, "Early stopping after N evaluations without improvement (0 = off)");
  cmd.add_option("--eval-examples", a.overrides.eval_examples, "Validation examples per evaluation (0 = all)");
  cmd.add_option("--generation-examples", a.overrides.generation_examples, "Test prompts answered by base and tuned at the end");
  cmd.add_option("--generation-max-tokens", a.overrides.generation_max_tokens, "Longest generated answer");
  cmd.add_option("--seed", a.overrides.seed, "Seed for data order, LoRA init and dropout");
  cmd.add_flag("--packing", a.overrides.packing, "Pack several examples per row");
  cmd.add_flag("--train-on-all", a.overrides.train_on_all, "Also train on prompt tokens");
  cmd.add_flag("--gradient-checkpointing", a.overrides.checkpointing, "Recompute activations in the backward pass (less memory)");
}

Project build_project(const ProjectArgs& a) {
  Project p = project_with_overrides(a.project, a.overrides);
  if (!p.load_notice.empty()) std::cerr << "tunebench-cli: note: " << p.load_notice << "\n";
  return p;
}

}  // namespace tb::cli
