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
  // demo_model(), or tb::Error saying where it was expected and the command that fetches it.
  std::filesystem::path existing_demo_model() const;
  // Sample datasets, probe sets, template presets: $TUNEBENCH_RESOURCES, else the installed
  // share/tunebench/resources, else the source tree's resources/ (a developer build).
  static std::filesystem::path resources();
  // An installed Tunebench (a package or the portable folder): <program folder>/../share/tunebench
  // when it exists; empty for a build tree. Found from the running program, so a moved or
  // unpacked installation finds its own files.
  static std::filesystem::path installed_share();
  // The one command that puts the demo model into the model cache: the installed
  // fetch-demo-model.sh, or installer/setup.sh in a source checkout.
  static std::string demo_model_fetch_command();
};

}  // namespace tb
