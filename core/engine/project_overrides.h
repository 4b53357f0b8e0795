// Changes to a project from outside the file — the command line's flags (and any caller that
// wants a quick project without a file): the model, data files, shape, template, split, probe,
// a sweep's winning settings, and individual training settings. Applied and checked exactly as
// a project file's own values are.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/engine/project.h"

namespace tb {

struct ProjectOverrides {
  std::string model;
  std::vector<std::string> data;  // each its own source (and task, named after the file, when several)
  std::string shape, prompt_template, probe;
  std::vector<double> split;      // empty, or train, validation, test
  std::string best_of;            // a sweep folder: its best settings replace the project's
  std::optional<std::string> method, precision, schedule, device, on_checkpoint_error;
  std::optional<double> lr, weight_decay, max_grad_norm, lora_alpha, lora_dropout;
  std::optional<std::int64_t> epochs, micro_batch, grad_accum, max_seq_len, rank, top_blocks, eval_every, warmup,
      patience, eval_examples, generation_examples, generation_max_tokens;
  std::optional<std::uint64_t> seed;
  bool packing = false, train_on_all = false, checkpointing = false;
};

// `project_file` loaded (or, when empty, a new project in the current folder) with the
// overrides applied. Throws tb::Error when no data is named or a value is out of range.
Project project_with_overrides(const std::filesystem::path& project_file, const ProjectOverrides& overrides);

}  // namespace tb
