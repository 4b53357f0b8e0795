// Which model a project names, as a path: "demo" (or nothing) is the demo model in the model
// cache, anything else a path of the project. Torch-free and opens no file (it only checks that
// the demo model is there), so the GUI thread may ask it; loading the model is for others.
#pragma once

#include <filesystem>

#include "core/engine/project.h"

namespace tb {

// Throws tb::Error when the demo model is not there (saying how to fetch it) or when the path
// leaves the project's folder.
std::filesystem::path project_model_path(const Project& project);

}  // namespace tb
