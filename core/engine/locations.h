// Where Tunebench keeps what lives outside the repository: the venv with the torch wheel and
// the Python reference, and the model cache with the demo model. Mirrors installer/setup.sh:
// TUNEBENCH_HOME, TUNEBENCH_VENV, TUNEBENCH_MODEL_CACHE override the defaults.
#pragma once

#include <filesystem>

namespace tb {

struct Locations {
  std::filesystem::path home;         // ${XDG_CACHE_HOME:-~/.cache}/tunebench
  std::filesystem::path venv;         // home/venv
  std::filesystem::path model_cache;  // home/models

  // Reads the environment (the same variables and defaults as installer/setup.sh).
  static Locations from_environment();

  std::filesystem::path demo_model() const;  // model_cache / the pinned demo file name
  // Sample datasets, probe sets, template presets: $TUNEBENCH_RESOURCES, else the installed
  // share/tunebench/resources, else the source tree's resources/ (a developer build).
  static std::filesystem::path resources();
};

}  // namespace tb
