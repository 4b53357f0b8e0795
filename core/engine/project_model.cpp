// The project's model path (see project_model.h).
#include "core/engine/project_model.h"

#include "core/engine/locations.h"

namespace tb {

std::filesystem::path project_model_path(const Project& project) {
  if (project.model == "demo" || project.model.empty()) return Locations::from_environment().existing_demo_model();
  return project.resolve(project.model);
}

}  // namespace tb
