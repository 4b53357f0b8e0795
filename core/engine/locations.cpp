// Locations from the environment (see locations.h).
#include "core/engine/locations.h"

#include <cstdlib>

#include "core/common/build_info.h"

namespace tb {
namespace {

std::filesystem::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::filesystem::path(value) : std::filesystem::path();
}

}  // namespace

Locations Locations::from_environment() {
  Locations out;
  out.home = env_path("TUNEBENCH_HOME");
  if (out.home.empty()) {
    std::filesystem::path cache = env_path("XDG_CACHE_HOME");
    if (cache.empty()) {
      const std::filesystem::path user_home = env_path("HOME");
      cache = (user_home.empty() ? std::filesystem::temp_directory_path() : user_home) / ".cache";
    }
    out.home = cache / "tunebench";
  }
  out.venv = env_path("TUNEBENCH_VENV");
  if (out.venv.empty()) out.venv = out.home / "venv";
  out.model_cache = env_path("TUNEBENCH_MODEL_CACHE");
  if (out.model_cache.empty()) out.model_cache = out.home / "models";
  return out;
}

std::filesystem::path Locations::demo_model() const {
  return model_cache / build_info::kDemoModelFile;
}

std::filesystem::path Locations::resources() {
  if (const char* env = std::getenv("TUNEBENCH_RESOURCES"); env != nullptr && *env != 0) return env;
  std::error_code ec;
  if (std::filesystem::is_directory(build_info::kInstalledResources, ec)) return build_info::kInstalledResources;
  return build_info::kSourceResources;
}

}  // namespace tb
