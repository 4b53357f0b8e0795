// The flags `train` and `sweep` share: a project file, or a quick project from flags (--model,
// --data, --template, --shape), and training settings that override the project's.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/project.h"

namespace CLI {
class App;
}

namespace tb::cli {

struct ProjectArgs {
  std::string project;  // a .tbproj file, or empty
  std::string model;
  std::vector<std::string> data;
  std::string shape, prompt_template, probe;
  std::string best_of;  // a sweep folder: its best settings replace the project's training settings
  std::vector<double> split;
  std::optional<std::string> method, precision, schedule, device;
  std::optional<double> lr, weight_decay, max_grad_norm, lora_alpha, lora_dropout;
  std::optional<std::int64_t> epochs, micro_batch, grad_accum, max_seq_len, rank, top_blocks, eval_every, warmup,
      patience, eval_examples, generation_examples, generation_max_tokens;
  std::optional<std::uint64_t> seed;
  bool packing = false, train_on_all = false, checkpointing = false;
};

void add_project_options(CLI::App& cmd, ProjectArgs& args);
// The project file with the flags applied, or a new project (beside the current folder) from
// the flags alone. Throws tb::Error when neither names any data.
Project build_project(const ProjectArgs& args);

}  // namespace tb::cli
