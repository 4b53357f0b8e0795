// The flags `train` and `sweep` share: a project file, or a quick project from flags (--model,
// --data, --template, --shape), and training settings that override the project's.
#pragma once

#include <string>

#include "core/engine/project.h"
#include "core/engine/project_overrides.h"

namespace CLI {
class App;
}

namespace tb::cli {

struct ProjectArgs {
  std::string project;  // a .tbproj file, or empty
  ProjectOverrides overrides;
};

void add_project_options(CLI::App& cmd, ProjectArgs& args);
// The project file with the flags applied, or a new project (beside the current folder) from
// the flags alone. Throws tb::Error when neither names any data.
Project build_project(const ProjectArgs& args);

}  // namespace tb::cli
