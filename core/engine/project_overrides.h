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
  // Training settings as "key=value" (setting_fields.h), applied in this order over the
  // project's (or the sweep's best): `--set key=value` and the flags that are its aliases.
  std::vector<std::string> settings;
  std::optional<std::int64_t> generation_examples, generation_max_tokens;
};

// `project_file` loaded (or, when empty, a new project in the current folder) with the
// overrides applied. Throws tb::Error when no data is named or a value is out of range.
Project project_with_overrides(const std::filesystem::path& project_file, const ProjectOverrides& overrides);

}  // namespace tb
