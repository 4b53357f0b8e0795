// Locations from the environment (see locations.h).
#include "core/engine/locations.h"

#include <cstdlib>

#include "core/common/build_info.h"
#include "core/common/error.h"

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

std::filesystem::path Locations::existing_demo_model() const {
  const std::filesystem::path path = demo_model();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error("the demo model is not in the model cache; fetch it once with " + demo_model_fetch_command() +
                    " (or choose another model)",
                {path.string()});
  }
  return path;
}

std::filesystem::path Locations::resources() {
  if (const char* env = std::getenv("TUNEBENCH_RESOURCES"); env != nullptr && *env != 0) return env;
  if (const auto share = installed_share(); !share.empty()) return share / "resources";
  return build_info::source_resources();
}

std::filesystem::path Locations::installed_share() {
  // 1. The running program's folder (bin/), then its sibling share/tunebench with resources in it.
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return {};
  const std::filesystem::path share = exe.parent_path().parent_path() / "share" / "tunebench";
  if (!std::filesystem::is_directory(share / "resources", ec)) return {};
  return share;
}

std::string Locations::demo_model_fetch_command() {
  if (const auto share = installed_share(); !share.empty()) return (share / "fetch-demo-model.sh").string();
  return "installer/setup.sh";
}

}  // namespace tb
