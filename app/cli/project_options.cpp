// Shared project flags of `train` and `sweep` (project_options.h).
#include "app/cli/project_options.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/io/json_file.h"

namespace tb::cli {

void add_project_options(CLI::App& cmd, ProjectArgs& a) {
  cmd.add_option("project", a.project, "Project file (.tbproj); or give --data (and --model)");
  cmd.add_option("--model", a.model, "demo (default), a Hugging Face folder or a .gguf file");
  cmd.add_option("--data", a.data, "Dataset file (repeatable; each its own task, named after the file)");
  cmd.add_option("--shape", a.shape, "Dataset shape when detection is not wanted (alpaca, messages, ...)");
  cmd.add_option("--template", a.prompt_template, "Prompt template: a preset name or a file");
  cmd.add_option("--split", a.split, "Train, validation, test shares (default 0.8 0.1 0.1)")->expected(3);
  cmd.add_option("--probe", a.probe, "Forgetting probe: default, none or a file of general texts");
  cmd.add_option("--best-of", a.best_of, "Train with the best settings of this sweep folder (sweep.json)");
  cmd.add_option("--method", a.method, "full, lora or freeze")->check(CLI::IsMember({"full", "lora", "freeze"}));
  cmd.add_option("--precision", a.precision, "fp32 or bf16")->check(CLI::IsMember({"fp32", "bf16"}));
  cmd.add_option("--schedule", a.schedule, "constant, linear or cosine")->check(CLI::IsMember({"constant", "linear", "cosine"}));
  cmd.add_option("--device", a.device, "auto, cpu, cuda or cuda:N");
  cmd.add_option("--lr", a.lr, "Peak learning rate");
  cmd.add_option("--weight-decay", a.weight_decay, "AdamW weight decay");
  cmd.add_option("--max-grad-norm", a.max_grad_norm, "Gradient clipping (0 = off)");
  cmd.add_option("--epochs", a.epochs, "Epochs over the training split");
  cmd.add_option("--micro-batch", a.micro_batch, "Rows per micro-batch");
  cmd.add_option("--grad-accum", a.grad_accum, "Micro-batches per optimiser step");
  cmd.add_option("--max-seq-len", a.max_seq_len, "Longest example in tokens (longer ones are cut, counted)");
  cmd.add_option("--rank", a.rank, "LoRA rank");
  cmd.add_option("--lora-alpha", a.lora_alpha, "LoRA alpha");
  cmd.add_option("--lora-dropout", a.lora_dropout, "LoRA dropout");
  cmd.add_option("--top-blocks", a.top_blocks, "Freeze: how many top blocks train");
  cmd.add_option("--eval-every", a.eval_every, "Validation every N steps");
  cmd.add_option("--warmup", a.warmup, "Warmup steps");
  cmd.add_option("--patience", a.patience, "Early stopping after N evaluations without improvement (0 = off)");
  cmd.add_option("--eval-examples", a.eval_examples, "Validation examples per evaluation (0 = all)");
  cmd.add_option("--generation-examples", a.generation_examples, "Test prompts answered by base and tuned at the end");
  cmd.add_option("--generation-max-tokens", a.generation_max_tokens, "Longest generated answer");
  cmd.add_option("--seed", a.seed, "Seed for data order, LoRA init and dropout");
  cmd.add_flag("--packing", a.packing, "Pack several examples per row");
  cmd.add_flag("--train-on-all", a.train_on_all, "Also train on prompt tokens");
  cmd.add_flag("--gradient-checkpointing", a.checkpointing, "Recompute activations in the backward pass (less memory)");
}

Project build_project(const ProjectArgs& a) {
  Project p;
  if (!a.project.empty()) {
    p = load_project(a.project);
  } else {
    p.file = std::filesystem::current_path() / "tunebench-cli.tbproj";
    p.name = "cli";
    p.training.eval_every = 20;
  }
  if (!a.model.empty()) p.model = a.model;
  for (const auto& d : a.data) {
    DataSource s;
    s.path = std::filesystem::absolute(d);
    s.task = a.data.size() > 1 ? s.path.stem().string() : "";
    p.data.push_back(s);
  }
  for (auto& s : p.data) {
    if (!a.shape.empty()) s.shape = a.shape;
    if (!a.prompt_template.empty()) s.prompt_template = a.prompt_template;
    if (a.split.size() == 3) {
      s.split.train = a.split[0];
      s.split.validation = a.split[1];
      s.split.test = a.split[2];
    }
  }
  if (p.data.empty()) throw Error("no data: give a project file or --data FILE");
  if (!a.probe.empty()) p.probe = a.probe;
  // A sweep's winner replaces the project's settings; flags still override it.
  if (!a.best_of.empty()) {
    const auto sweep = read_json_file(std::filesystem::path(a.best_of) / "sweep.json", "a sweep folder's sweep.json");
    if (!sweep.contains("best") || sweep["best"].is_null()) {
      throw Error("this sweep has no winner (no trial reached an evaluation)", {a.best_of + "/sweep.json", 0, "best"});
    }
    p.training = train::train_config_from_json(sweep["best"], a.best_of + "/sweep.json");
  }
  // Training flags override the project's settings; checked like a project file's.
  nlohmann::json t = p.training;
  if (a.method) t["method"] = *a.method;
  if (a.precision) t["precision"] = *a.precision;
  if (a.schedule) t["schedule"] = *a.schedule;
  if (a.device) t["device"] = *a.device;
  if (a.lr) t["learning_rate"] = *a.lr;
  if (a.weight_decay) t["weight_decay"] = *a.weight_decay;
  if (a.max_grad_norm) t["max_grad_norm"] = *a.max_grad_norm;
  if (a.epochs) t["epochs"] = *a.epochs;
  if (a.micro_batch) t["micro_batch"] = *a.micro_batch;
  if (a.grad_accum) t["grad_accum"] = *a.grad_accum;
  if (a.max_seq_len) t["max_seq_len"] = *a.max_seq_len;
  if (a.rank) t["lora"]["rank"] = *a.rank;
  if (a.lora_alpha) t["lora"]["alpha"] = *a.lora_alpha;
  if (a.lora_dropout) t["lora"]["dropout"] = *a.lora_dropout;
  if (a.top_blocks) t["freeze"]["top_blocks"] = *a.top_blocks;
  if (a.eval_every) t["eval_every"] = *a.eval_every;
  if (a.warmup) t["warmup_steps"] = *a.warmup;
  if (a.patience) t["detectors"]["patience_evals"] = *a.patience;
  if (a.eval_examples) t["eval_max_examples"] = *a.eval_examples;
  if (a.seed) t["seed"] = *a.seed;
  if (a.packing) t["packing"] = true;
  if (a.train_on_all) t["train_on_all"] = true;
  if (a.checkpointing) t["gradient_checkpointing"] = true;
  p.training = train::train_config_from_json(t, "the command line");
  if (a.generation_examples) p.generation_examples = *a.generation_examples;
  if (a.generation_max_tokens) p.generation_max_tokens = *a.generation_max_tokens;
  return p;
}

}  // namespace tb::cli
